"""Shared fixtures: small grids the tests build themselves, the built-in sample, and
an isolated cache directory per test (no test touches the user's cache or network)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from shapely.geometry import box

from geo_zaitaku import settings

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
KUMAMOTO_N03 = SHARED_DATA / "n03_2021_simplified" / "pref_1pct" / "N03-21_43_210101.json"
# property tests: a bounded, seeded profile for CI; scripts/fuzz.py selects "long"
_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
hypothesis_settings.register_profile(
    "ci", max_examples=25, derandomize=True, deadline=None, suppress_health_check=_QUIET, database=None
)
hypothesis_settings.register_profile(
    "long",
    max_examples=int(os.environ.get("GZ_HYPOTHESIS_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=_QUIET,
    database=None,
)
hypothesis_settings.load_profile("ci")

ORIGIN = (500_000.0, 3_500_000.0)  # JGD2011 / UTM 53N (EPSG:6690), near 135E 31.6N


def make_grid(
    nx: int = 3,
    ny: int = 3,
    *,
    size_km: float = 10.0,
    pref: str = "99",
    first: int = 201,
    skip: tuple[int, ...] = (),
) -> gpd.GeoDataFrame:
    """An N03-like grid of square municipalities (lon/lat, EPSG:6668).

    Cell ``k`` (row-major from the south-west corner) has code ``pref + (first + k)``
    and name ``町{k}``; squares are ``size_km`` wide in UTM 53N, so each has an area of
    ``size_km**2`` km² and neighbours share ``size_km`` of border.
    """
    rows = []
    s = size_km * 1000
    for k in range(nx * ny):
        if k in skip:
            continue
        r, c = divmod(k, nx)
        x0, y0 = ORIGIN[0] + c * s, ORIGIN[1] + r * s
        rows.append(
            {
                "N03_001": "テスト県",
                "N03_002": None,
                "N03_003": None,
                "N03_004": f"町{k}",
                "N03_005": None,
                "N03_007": f"{pref}{first + k:03d}",
                "geometry": box(x0, y0, x0 + s, y0 + s),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=6690).to_crs(6668)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "cache_dir", tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            raise OSError(f"network access blocked in tests: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def grid_file(tmp_path: Path) -> Path:
    """A 3x3 grid written as GeoJSON."""
    path = tmp_path / "grid.geojson"
    make_grid().to_file(path, driver="GeoJSON")
    return path


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory: pytest.TempPathFactory):
    """The built-in sample written once per session."""
    from geo_zaitaku.sample import write_sample

    return write_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def sample_run(sample_files):
    """The sample plan checked once per session."""
    from geo_zaitaku.pipeline import check_plan

    return check_plan(sample_files.plan, cache=False)


EVIL_NAME = "<script>alert(1)</script>"
EVIL_ATTR = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="session")
def evil_run(tmp_path_factory, sample_files):
    """The sample with hostile strings in facility names, an address, a URL and an area name."""
    d = tmp_path_factory.mktemp("evil")
    plan = sample_files.plan.read_text(encoding="utf-8").replace(
        '"西部" =', f'"{EVIL_ATTR.replace(chr(34), chr(92) + chr(34))}" ='
    )
    (d / "plan.toml").write_text(
        plan.replace('"units.geojson"', json.dumps(str(sample_files.units)))
        .replace('"reference.csv"', json.dumps(str(sample_files.reference)))
        .replace('["facilities.csv"]', json.dumps([str(d / "f.csv")]))
        .replace('"population.csv"', json.dumps(str(sample_files.population))),
        encoding="utf-8",
    )
    rows = sample_files.facilities.read_text(encoding="utf-8-sig")
    rows += (
        f'E1,{EVIL_NAME},clinic,31.21,137.16,,1,1,1,1,1,1,1,0990-11-2222,"さくら県さくら市中央区<b>本町</b>",javascript:alert(2)\r\n'
        f'E2,"{EVIL_ATTR.replace(chr(34), chr(34) * 2)}",clinic,31.22,137.17,,0,0,1,0,1,0,0,,,https://example.com/ok\r\n'
    )
    (d / "f.csv").write_text(rows, encoding="utf-8")
    from geo_zaitaku.pipeline import check_plan

    return check_plan(d / "plan.toml", cache=False)


def write_plan(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def requires_kumamoto() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not KUMAMOTO_N03.exists(), reason=f"real data not found: {KUMAMOTO_N03}")


def page_config(html: str) -> dict:
    """The configuration a map page carries (``<script type="application/json" id="gz-config">``)."""
    import re

    match = re.search(r'<script type="application/json" id="gz-config">(.*?)</script>', html, flags=re.S)
    assert match, "no configuration element in the page"
    return json.loads(match.group(1))


def facility_data(config: dict) -> dict:
    """The facility table of a page configuration (decompressed when packed)."""
    import base64
    import gzip

    from geo_zaitaku.maps._facilities import table_rows

    table = config["facilities"]["table"]
    if isinstance(table, str):
        table = json.loads(gzip.decompress(base64.b64decode(table)))
    return {**table, "rows": table_rows(table)}  # the rows the page script builds


def write_osm(
    path: Path,
    nodes: dict[int, tuple[float, float]],
    ways: list[tuple[int, list[int], dict[str, str]]],
    *,
    timestamp: str | None = "2024-06-01T20:21:02Z",
) -> Path:
    """Write a small OpenStreetMap file with osmium's writer (PBF for ``.osm.pbf``,
    XML for ``.osm``): ``nodes`` id -> (lon, lat), ``ways`` (id, node ids, tags)."""
    import osmium

    header = osmium.io.Header()
    header.set("generator", "geo_zaitaku tests")
    if timestamp:
        header.set("osmosis_replication_timestamp", timestamp)
    writer = osmium.SimpleWriter(str(path), header=header, overwrite=True)
    try:
        for nid, (lon, lat) in sorted(nodes.items()):
            writer.add_node(osmium.osm.mutable.Node(id=nid, location=(lon, lat), version=1))
        for wid, refs, tags in sorted(ways, key=lambda w: w[0]):
            writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
    finally:
        writer.close()
    return path
