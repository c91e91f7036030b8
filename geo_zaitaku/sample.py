"""A built-in, clearly fictional sample prefecture (さくら県, code 99).

Real boundaries cannot be shipped, so the package generates its own sample,
deterministically and offline: 26 municipalities (29 units at ward level) including
a designated city with four wards (さくら市, 99100) and an island town joined to the
mainland by a bridge link; three secondary medical areas and five health-center
areas; population by age with population centroids; and a few hundred facilities of
several kinds. The files are written in the formats real users load: an N03-style
GeoJSON (recent edition layout, with one feature of 所属未定地 without a code and one
municipality in two polygon parts), the canonical facility CSV (with four rows that
show how problems are reported), an e-Stat-style population CSV (city and ward rows),
a projection CSV by 5-year age group for 2020-2050 (ward rows only, a title row above
the header), a reference-layer CSV, and a plan TOML with one area per health center.

The plan has one deliberate failure: the 西部 area has no coordination hub.
The prefecture lies in open sea south of Honshu so that it cannot be mistaken for a
real place.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

from geo_zaitaku import crs
from geo_zaitaku._io import write_csv, write_text

PREF_CODE = "99"
PREF_NAME = "さくら県"
CITY = ("99100", "さくら市")
#: Origin of the local km grid (open sea south of the Kii peninsula).
LON0, LAT0 = 136.5, 31.0
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320 * math.cos(math.radians(LAT0))

#: Mainland outline (km).
_OUTLINE = [
    (0, 10), (10, 5), (25, 8), (40, 4), (52, 6), (60, 3), (68, 4), (75, 2), (90, 6),
    (105, 3), (120, 10), (124, 40), (119, 70), (110, 92), (80, 96), (50, 93), (20, 90),
    (3, 72), (-3, 40),
]  # fmt: skip

# code, municipality, ward, county, seed (km), population, share 65+, health center
_UNITS: tuple[tuple[str, str, str | None, str | None, tuple[float, float], int, float, str], ...] = (
    ("99101", "さくら市", "中央区", None, (64, 22), 212_000, 0.24, "さくら市保健所"),
    ("99102", "さくら市", "北区", None, (64, 36), 188_000, 0.27, "さくら市保健所"),
    ("99103", "さくら市", "東区", None, (76, 26), 164_000, 0.25, "さくら市保健所"),
    ("99104", "さくら市", "西区", None, (52, 26), 176_000, 0.28, "さくら市保健所"),
    ("99201", "港原市", None, None, (90, 22), 68_000, 0.31, "東部保健所"),
    ("99202", "川添市", None, None, (34, 40), 54_000, 0.32, "西部保健所"),
    ("99203", "北山市", None, None, (60, 70), 47_000, 0.35, "北部保健所"),
    ("99204", "東浜市", None, None, (108, 16), 39_000, 0.36, "東部保健所"),
    ("99205", "西野市", None, None, (18, 24), 61_000, 0.33, "西部保健所"),
    ("99206", "南岬市", None, None, (40, 12), 43_000, 0.37, "南部保健所"),
    ("99207", "高原市", None, None, (86, 74), 29_000, 0.39, "北部保健所"),
    ("99208", "緑ヶ丘市", None, None, (80, 44), 72_000, 0.29, "東部保健所"),
    ("99209", "青葉市", None, None, (46, 46), 38_000, 0.34, "西部保健所"),
    ("99301", "桜台町", None, "西郡", (8, 52), 12_000, 0.41, "西部保健所"),
    ("99302", "若葉町", None, "西郡", (26, 10), 15_000, 0.38, "南部保健所"),
    ("99303", "風見町", None, "西郡", (22, 62), 8_500, 0.43, "西部保健所"),
    ("99304", "星野村", None, "西郡", (40, 58), 4_200, 0.47, "西部保健所"),
    ("99305", "若草町", None, "西郡", (6, 34), 9_800, 0.42, "西部保健所"),
    ("99321", "月見町", None, "東郡", (102, 36), 18_000, 0.39, "東部保健所"),
    ("99322", "鈴谷町", None, "東郡", (114, 52), 11_000, 0.41, "東部保健所"),
    ("99323", "花園町", None, "東郡", (96, 56), 14_000, 0.40, "東部保健所"),
    ("99341", "雲井村", None, "北郡", (38, 80), 3_600, 0.48, "北部保健所"),
    ("99342", "岩清水町", None, "北郡", (66, 86), 7_400, 0.44, "北部保健所"),
    ("99343", "沢渡村", None, "北郡", (102, 84), 2_900, 0.50, "北部保健所"),
    ("99344", "霧ヶ峰村", None, "北郡", (14, 80), 2_100, 0.52, "北部保健所"),
    ("99345", "千鳥町", None, "北郡", (114, 70), 6_300, 0.45, "北部保健所"),
    ("99361", "潮見町", None, "南郡", (68, 9), 21_000, 0.36, "南部保健所"),
    ("99362", "磯辺町", None, "南郡", (86, 8), 9_200, 0.42, "南部保健所"),
    ("99381", "浮島町", None, "南郡", (70, -12), 3_100, 0.49, "南部保健所"),
)
_SECONDARY = {
    "さくら市保健所": "中央", "東部保健所": "中央", "北部保健所": "北部",
    "西部保健所": "西南", "南部保健所": "西南",
}  # fmt: skip
#: Home-care areas of the sample plan: one per health center (name, health center).
_AREAS = (("さくら市", "さくら市保健所"), ("東部", "東部保健所"), ("北部", "北部保健所"),
          ("西部", "西部保健所"), ("南部", "南部保健所"))  # fmt: skip
#: Area deliberately left without a hub.
NO_HUB_AREA = "西部"

_STEMS = ("さくら", "ひまわり", "あおば", "みどり", "こもれび", "ひだまり", "すずらん", "やまびこ",
          "かえで", "つばさ", "はなみずき", "あさひ", "せせらぎ", "そよかぜ", "わかば", "ともしび")  # fmt: skip
# kind, name suffix, weight, flags
_KINDS = (
    ("clinic", "クリニック", 30),
    ("support_clinic", "在宅クリニック", 12),
    ("hospital", "病院", 5),
    ("support_hospital", "記念病院", 3),
    ("visiting_nursing", "訪問看護ステーション", 12),
    ("dental", "歯科医院", 10),
    ("pharmacy", "薬局", 16),
    ("care_management", "ケアプランセンター", 8),
)


@dataclass(frozen=True)
class SampleFiles:
    """Paths of the sample files written by :func:`write_sample`."""

    directory: Path
    units: Path
    plan: Path
    reference: Path
    facilities: Path
    population: Path
    projection: Path | None = None
    scenario: Path | None = None


def _lonlat(x: float, y: float) -> tuple[float, float]:
    return LON0 + x / _KM_PER_DEG_LON, LAT0 + y / _KM_PER_DEG_LAT


def _to_lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: [_lonlat(x, y) for x, y in xy])


def _circle(cx: float, cy: float, r: float, n: int = 24, wobble: float = 0.0) -> Polygon:
    pts = []
    for k in range(n):
        a = 2 * math.pi * k / n
        rr = r * (1 + wobble * math.sin(3 * a) * math.cos(2 * a))
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return Polygon(pts)


def sample_boundaries() -> gpd.GeoDataFrame:
    """The sample's boundaries as an N03-style GeoDataFrame (EPSG:6668, recent layout).

    One feature per polygon part: 磯辺町 has an islet as a second feature, and one
    feature of reclaimed land has no code (所属未定地).
    """
    mainland = Polygon(_OUTLINE)
    land = [u for u in _UNITS if u[0] != "99381"]
    seeds = MultiPoint([u[4] for u in land])
    cells = shapely.voronoi_polygons(seeds, extend_to=mainland.buffer(50), ordered=True)
    rows = []
    for u, cell in zip(land, cells.geoms, strict=True):
        rows.append((u, shapely.intersection(cell, mainland)))
    island = next(u for u in _UNITS if u[0] == "99381")
    rows.append((island, _circle(70, -12, 5.0, wobble=0.15)))
    records = []
    for (code, muni, ward, county, *_), geom in rows:
        records.append(_n03_row(code, muni, ward, county, geom))
    isobe = next(u for u in _UNITS if u[0] == "99362")
    records.append(_n03_row("99362", isobe[1], None, isobe[3], _circle(96, -2, 1.2)))
    records.append(
        {
            "N03_001": PREF_NAME,
            "N03_002": None,
            "N03_003": None,
            "N03_004": None,
            "N03_005": None,
            "N03_007": None,
            "geometry": _circle(58, -1.5, 0.9),
        }
    )
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=None)
    frame["geometry"] = [_to_lonlat(g) for g in frame.geometry]
    return frame.set_crs(crs.GEOGRAPHIC)


def _n03_row(
    code: str, muni: str, ward: str | None, county: str | None, geom: shapely.Geometry
) -> dict[str, object]:
    if ward:
        n3, n4, n5 = muni, muni, ward
    else:
        n3, n4, n5 = county, muni, None
    return {
        "N03_001": PREF_NAME,
        "N03_002": None,
        "N03_003": n3,
        "N03_004": n4,
        "N03_005": n5,
        "N03_007": code,
        "geometry": geom,
    }


def sample_reference() -> pd.DataFrame:
    """Reference layers: secondary medical area and health center of every unit."""
    return pd.DataFrame(
        [
            {
                "n03_code": code,
                "municipality": muni,
                "ward": ward or "",
                "municipality_code": CITY[0] if ward else code,
                "secondary_medical_area": _SECONDARY[hc],
                "health_center": hc,
            }
            for code, muni, ward, _c, _s, _p, _a, hc in _UNITS
        ]
    )


def sample_population() -> pd.DataFrame:
    """e-Stat-style population: the city total row and its ward rows, every other unit.

    Columns: 市区町村コード (6 digits, with check digit), 市区町村名, 人口総数, 65歳以上,
    75歳以上, 85歳以上, 人口重心緯度, 人口重心経度.
    """
    from geo_zaitaku.codes import check_digit

    rows = []
    city_total = [0, 0, 0, 0]
    city_xy = [0.0, 0.0]
    for code, muni, ward, _c, (x, y), pop, share, _hc in _UNITS:
        p65 = round(pop * share)
        p75 = round(p65 * 0.54)
        p85 = round(p75 * 0.36)
        lon, lat = _lonlat(x + 0.6, y + 0.4)
        name = f"{muni}{ward}" if ward else muni
        rows.append(
            {
                "市区町村コード": code + check_digit(code),
                "市区町村名": name,
                "人口総数": pop,
                "65歳以上": p65,
                "75歳以上": p75,
                "85歳以上": p85,
                "人口重心緯度": round(lat, 6),
                "人口重心経度": round(lon, 6),
            }
        )
        if ward:
            for i, v in enumerate((pop, p65, p75, p85)):
                city_total[i] += v
            city_xy[0] += lon * pop
            city_xy[1] += lat * pop
    total = city_total[0]
    rows.insert(
        0,
        {
            "市区町村コード": CITY[0] + check_digit(CITY[0]),
            "市区町村名": CITY[1],
            "人口総数": total,
            "65歳以上": city_total[1],
            "75歳以上": city_total[2],
            "85歳以上": city_total[3],
            "人口重心緯度": round(city_xy[1] / total, 6),
            "人口重心経度": round(city_xy[0] / total, 6),
        },
    )
    return pd.DataFrame(rows)


#: Projection years of the sample.
PROJECTION_YEARS = (2020, 2025, 2030, 2035, 2040, 2045, 2050)
#: Shares of the 65+ population in 65-69, 70-74, 75-79, 80-84, 85-89 and 90+ (75+ = 0.54
#: and 85+ = 0.1944 of 65+, as in :func:`sample_population`).
_OLD_SHARES = (0.22, 0.24, 0.18, 0.1656, 0.11, 0.0844)
#: Relative sizes of the 5-year groups under 65.
_YOUNG_WEIGHTS = (0.80, 0.84, 0.88, 0.90, 0.86, 0.92, 1.00, 1.06, 1.12, 1.18, 1.16, 1.10, 1.08)


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split an integer total in proportion to weights (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    out = [math.floor(v) for v in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _year_factor(lo: int, t: int, rural: float) -> float:
    """Fictional change of a 5-year group's size after ``t`` years (deterministic)."""
    if lo < 65:
        return (0.992 - 0.01 * rural) ** t
    drift = (1 - 0.004 * rural) ** t
    if lo < 75:
        return (1 - 0.008 * t) * drift
    if lo < 85:
        return (1 + 0.012 * t if t <= 15 else 1.18 - 0.01 * (t - 15)) * drift
    return (1 + 0.03 * t if t <= 20 else 1.6 - 0.012 * (t - 20)) * drift


def sample_projection() -> pd.DataFrame:
    """A fictional projection by 5-year age group, 2020-2050, in the wide layout.

    One row per unit (the designated city by ward, no city row) and year; columns
    市区町村コード, 市区町村名, 年, 0〜4歳 … 85〜89歳, 90歳以上. 2020 totals equal the
    census totals of :func:`sample_population`; later years follow simple fictional
    trends (fewer young people, more people aged 85+ until 2040).
    """
    groups = [(lo, lo + 4) for lo in range(0, 90, 5)] + [(90, None)]
    headers = [f"{lo}〜{hi}歳" if hi is not None else f"{lo}歳以上" for lo, hi in groups]
    rows = []
    for code, muni, ward, _c, _xy, pop, share, _hc in _UNITS:
        p65 = round(pop * share)
        base = _allocate(pop - p65, list(_YOUNG_WEIGHTS)) + _allocate(p65, list(_OLD_SHARES))
        rural = min(max((share - 0.24) / 0.28, 0.0), 1.0)
        for year in PROJECTION_YEARS:
            t = year - PROJECTION_YEARS[0]
            row: dict[str, object] = {
                "市区町村コード": code,
                "市区町村名": f"{muni}{ward}" if ward else muni,
                "年": year,
            }
            for (lo, _hi), head, n in zip(groups, headers, base, strict=True):
                row[head] = round(n * _year_factor(lo, t, rural))
            rows.append(row)
    return pd.DataFrame(rows)


def sample_facilities(boundaries: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """A few hundred fictional facilities in the canonical CSV layout.

    Every area but :data:`NO_HUB_AREA` has a coordination hub (its medical
    association; the designated city has two). Four rows show how problems are
    reported: one with lat/lon swapped (corrected), one with only a municipality code
    (placed by code), one with no location at all and one at sea (both rejected).
    """
    rng = random.Random(20240401)
    boundaries = sample_boundaries() if boundaries is None else boundaries
    shapes = {c: g for c, g in zip(boundaries["N03_007"], boundaries.geometry, strict=True) if c}
    hc_area = {hc: area for area, hc in _AREAS}
    rows: list[dict[str, object]] = []
    used_names: set[str] = set()

    def point_in(code: str, x: float, y: float, spread: float) -> tuple[float, float]:
        shape = shapes[code]
        for _ in range(200):
            px, py = rng.gauss(x, spread), rng.gauss(y, spread)
            lon, lat = _lonlat(px, py)
            if shape.contains(Point(lon, lat)):
                return round(lat, 6), round(lon, 6)
        lon, lat = _lonlat(x, y)
        return round(lat, 6), round(lon, 6)

    def add(
        code: str,
        muni: str,
        ward: str | None,
        kind: str,
        name: str,
        lat: float | None,
        lon: float | None,
        **flags: int,
    ) -> None:
        n = len(rows) + 1
        street = f"{rng.choice(('本町', '栄町', '旭町', '緑町', '港町', '山手'))}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        rows.append(
            {
                "id": f"S{n:04d}",
                "name": name,
                "kind": kind,
                "lat": lat,
                "lon": lon,
                "municipality_code": code,
                "key_institution": flags.get("key", 0),
                "hub": flags.get("hub", 0),
                "is_24h": flags.get("h24", 0),
                "discharge": flags.get("discharge", 0),
                "daily": flags.get("daily", 0),
                "emergency": flags.get("emergency", 0),
                "end_of_life": flags.get("eol", 0),
                "phone": f"0990-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
                "address": f"{PREF_NAME}{muni}{ward or ''}{street}",
                "url": f"https://example.com/sakura/{n:04d}",
            }
        )

    def unique(name: str) -> str:
        base, k = name, 1
        while name in used_names:
            k += 1
            name = f"{base}第{k}"
        used_names.add(name)
        return name

    weights = [w for _k, _s, w in _KINDS]
    for code, muni, ward, _c, (x, y), pop, _share, _hc in _UNITS:
        local = f"{muni}{ward}" if ward else muni
        short = (ward or muni)[:-1]
        n = 2 + pop // 9000
        for _ in range(n):
            kind, suffix, _w = rng.choices(_KINDS, weights=weights)[0]
            stem = rng.choice(_STEMS)
            name = unique(f"{short}{stem}{suffix}")
            lat, lon = point_in(code, x, y, 2.5)
            flags = {}
            if kind == "support_hospital":
                flags = {"key": 1, "h24": 1, "discharge": 1, "emergency": 1, "eol": 1, "daily": 1}
            elif kind == "support_clinic":
                key = rng.random() < 0.5
                flags = {"key": int(key), "h24": int(key), "daily": 1, "eol": 1, "emergency": int(key)}
            elif kind == "hospital":
                flags = {"discharge": 1, "emergency": int(rng.random() < 0.5)}
            elif kind in ("clinic", "visiting_nursing"):
                flags = {
                    "daily": 1,
                    "eol": int(kind == "visiting_nursing" and rng.random() < 0.6),
                    "h24": int(kind == "visiting_nursing" and rng.random() < 0.5),
                }
            add(code, muni, ward, kind, name, lat, lon, **flags)
        lat, lon = point_in(code, x, y, 1.0)
        add(code, muni, ward, "community_support", unique(f"{local}地域包括支援センター"), lat, lon)
    # one key institution and one hub per area, placed in its main town
    main = {"さくら市保健所": "99101", "東部保健所": "99201", "北部保健所": "99203",
            "西部保健所": "99205", "南部保健所": "99206"}  # fmt: skip
    by_code = {u[0]: u for u in _UNITS}
    for hc, code in main.items():
        _code, muni, ward, _c, (x, y), *_rest = by_code[code]
        area = hc_area[hc]
        lat, lon = point_in(code, x, y, 1.0)
        add(
            code,
            muni,
            ward,
            "support_hospital",
            unique(f"{area}中央病院"),
            lat,
            lon,
            key=1,
            h24=1,
            discharge=1,
            emergency=1,
            eol=1,
            daily=1,
        )
        if area != NO_HUB_AREA:
            lat, lon = point_in(code, x, y, 1.0)
            add(
                code,
                muni,
                ward,
                "medical_association",
                unique(f"{area}医師会 在宅医療連携拠点"),
                lat,
                lon,
                hub=1,
            )
    # 24-hour home-care clinics in the larger towns
    for code in ("99301", "99303", "99321", "99342", "99345", "99361", "99362"):
        _code, muni, ward, _c, (x, y), *_rest = by_code[code]
        lat, lon = point_in(code, x, y, 1.0)
        add(
            code,
            muni,
            ward,
            "support_clinic",
            unique(f"{muni[:-1]}24時間在宅診療所"),
            lat,
            lon,
            key=1,
            h24=1,
            daily=1,
            emergency=1,
            eol=1,
        )
    lat, lon = point_in("99102", 64, 36, 1.0)
    add(
        "99102", "さくら市", "北区", "municipality", "さくら市在宅医療・介護連携支援センター", lat, lon, hub=1
    )
    # rows that show how problems are reported
    lat, lon = point_in("99208", 80, 44, 2.0)
    add("99208", "緑ヶ丘市", None, "pharmacy", "緑ヶ丘入替テスト薬局", lon, lat)  # lat/lon swapped
    add(
        "99322", "鈴谷町", None, "visiting_nursing", "鈴谷コードのみ訪問看護ステーション", None, None, daily=1
    )
    add("", "", None, "clinic", "所在地不明クリニック", None, None, daily=1)
    sea_lon, sea_lat = _lonlat(60, -40)
    add("", "", None, "clinic", "海上クリニック", round(sea_lat, 6), round(sea_lon, 6), daily=1)
    frame = pd.DataFrame(rows)
    frame["municipality_code"] = frame["municipality_code"].replace("", None)
    return frame


def plan_toml() -> str:
    """The sample plan: one home-care area per health center."""
    ref = sample_reference()
    lines = [
        "# さくら県（架空）在宅医療圏 — geo_zaitaku のサンプル計画",
        "# 保健所圏域ごとに1圏域。西部圏域には連携拠点がなく、点検でエラーになります（意図的）。",
        "",
        "[plan]",
        'name = "さくら県 在宅医療圏（保健所圏域）"',
        'units = "municipality"',
        'boundaries = "units.geojson"',
        'reference = "reference.csv"',
        'facilities = ["facilities.csv"]',
        'population = "population.csv"',
        'projection = "projection.csv"',
        "",
        "[areas]",
    ]
    for area, hc in _AREAS:
        sub = ref[ref["health_center"] == hc]
        entries = []
        for code, muni, mcode in zip(
            sub["n03_code"], sub["municipality"], sub["municipality_code"], strict=True
        ):
            if mcode == CITY[0]:
                if CITY[1] not in entries:
                    entries.append(CITY[1])
            else:
                entries.append(muni if int(code[-1]) % 2 else code)
        lines.append(f'"{area}" = [{", ".join(chr(34) + e + chr(34) for e in entries)}]')
    lines += [
        "",
        "# 浮島町は潮見町と橋（さくら大橋）で結ばれています",
        "[[links]]",
        'a = "潮見町"',
        'b = "浮島町"',
        'kind = "bridge"',
        'note = "さくら大橋"',
        "",
        "[checks]",
        "reach_km = 16",
        "people_per_hub = 100000",
        "",
    ]
    return "\n".join(lines)


def sample_paths(directory: str | Path) -> SampleFiles:
    """The paths :func:`write_sample` writes in ``directory`` (nothing is written)."""
    d = Path(directory)
    return SampleFiles(
        directory=d,
        units=d / "units.geojson",
        plan=d / "plan.toml",
        reference=d / "reference.csv",
        facilities=d / "facilities.csv",
        population=d / "population.csv",
        projection=d / "projection.csv",
        scenario=d / "scenario.toml",
    )


def scenario_toml() -> str:
    """The sample scenario: the hub of 北部 closes, a hospital of 西部 becomes its hub."""
    return (
        "# さくら県（架空）のシナリオの見本 — geo-zaitaku scenario plan.toml scenario.toml\n"
        "# 北部の連携拠点（医師会）が活動を終え、西部の病院を連携拠点に指定した場合\n\n"
        "[scenario]\n"
        'name = "北部の拠点の終了と西部の拠点の指定"\n\n'
        "[[close]]\n"
        'name = "北部医師会 在宅医療連携拠点"\n\n'
        "[[designate]]\n"
        'name = "西野ともしび記念病院"\n'
        "hub = true\n"
    )


def write_sample(directory: str | Path) -> SampleFiles:
    """Write the sample prefecture's input files into ``directory``.

    Returns
    -------
    SampleFiles
        Paths of ``units.geojson``, ``plan.toml``, ``reference.csv``,
        ``facilities.csv``, ``population.csv`` and ``projection.csv``.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    boundaries = sample_boundaries()
    units_path = d / "units.geojson"
    tmp = d / ".units.geojson.tmp"
    boundaries.to_file(tmp, driver="GeoJSON")
    tmp.replace(units_path)
    files = SampleFiles(
        directory=d,
        units=units_path,
        plan=write_text(d / "plan.toml", plan_toml()),
        reference=write_csv(d / "reference.csv", sample_reference()),
        facilities=write_csv(d / "facilities.csv", sample_facilities(boundaries)),
        population=write_csv(d / "population.csv", sample_population()),
        projection=_write_projection(d / "projection.csv"),
        scenario=write_text(d / "scenario.toml", scenario_toml()),
    )
    return files


def _write_projection(path: Path) -> Path:
    """The projection CSV, with a title row above the header as official tables have."""
    return write_csv(
        path, sample_projection(), title="さくら県（架空）の将来推計人口（5歳階級別） — geo_zaitaku サンプル"
    )
