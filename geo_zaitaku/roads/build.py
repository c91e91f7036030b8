"""From an OpenStreetMap extract to a road network with travel times.

:func:`build_network` reads the extract once (:func:`geo_zaitaku.roads.osm.read_ways`),
turns consecutive way nodes into edges timed by their length and speed (both ways,
or one way as tagged), each ferry into one edge between its ends (its ``duration``, or
its length at the ferry speed), clips the graph to the prefectures asked for with a
margin (routes that leave the prefecture and come back stay), and checks that the
extract covers them. Nothing is written here: :func:`geo_zaitaku.roads.store.save_network`
stores the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np
import pandas as pd

from geo_zaitaku import crs, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.codes import PREFECTURES
from geo_zaitaku.roads.osm import UNDEFINED, Extract, ProgressCallback, Ways, describe_extract, read_ways
from geo_zaitaku.roads.speeds import SpeedTable
from geo_zaitaku.roads.store import RoadNetwork, check_name

#: Default margin (km) kept around the prefectures asked for.
MARGIN_KM = 10.0
#: Shortest edge time (minutes): nodes at the same place are still one step apart.
MIN_MINUTES = 1e-6
#: A prefecture counts as covered when at least this share of its units hold a road node.
MIN_COVERED_SHARE = 0.5
#: Distance (km) from a prefectural office within which a road node shows that an
#: extract covers that prefecture (used to say which prefectures an extract covers).
OFFICE_KM = 5.0

#: Prefectural offices (都道府県庁, lat, lon; 国土地理院「都道府県庁所在地の経緯度」, rounded).
OFFICES: dict[str, tuple[float, float]] = {
    "01": (43.0642, 141.3469), "02": (40.8244, 140.7400), "03": (39.7036, 141.1527),
    "04": (38.2689, 140.8721), "05": (39.7186, 140.1024), "06": (38.2404, 140.3633),
    "07": (37.7503, 140.4676), "08": (36.3418, 140.4468), "09": (36.5658, 139.8836),
    "10": (36.3911, 139.0608), "11": (35.8569, 139.6489), "12": (35.6047, 140.1233),
    "13": (35.6895, 139.6917), "14": (35.4478, 139.6425), "15": (37.9026, 139.0236),
    "16": (36.6953, 137.2113), "17": (36.5944, 136.6256), "18": (36.0652, 136.2216),
    "19": (35.6642, 138.5684), "20": (36.6513, 138.1810), "21": (35.3912, 136.7223),
    "22": (34.9769, 138.3831), "23": (35.1802, 136.9066), "24": (34.7303, 136.5086),
    "25": (35.0045, 135.8686), "26": (35.0214, 135.7556), "27": (34.6863, 135.5200),
    "28": (34.6913, 135.1830), "29": (34.6851, 135.8329), "30": (34.2261, 135.1675),
    "31": (35.5036, 134.2383), "32": (35.4723, 133.0505), "33": (34.6618, 133.9344),
    "34": (34.3966, 132.4596), "35": (34.1859, 131.4714), "36": (34.0658, 134.5593),
    "37": (34.3401, 134.0434), "38": (33.8417, 132.7661), "39": (33.5597, 133.5311),
    "40": (33.6064, 130.4183), "41": (33.2494, 130.2988), "42": (32.7448, 129.8737),
    "43": (32.7898, 130.7417), "44": (33.2382, 131.6126), "45": (31.9111, 131.4239),
    "46": (31.5602, 130.5581), "47": (26.2124, 127.6809),
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Edges:
    """Directed, timed edges between the nodes of a node table.

    Attributes
    ----------
    u, v
        Positions (``int32``) of each edge's ends in :attr:`ids` / :attr:`lon` / :attr:`lat`.
    minutes, ferry
        Travel time of each edge, and whether it is a ferry.
    ids, lon, lat
        The node table: OSM node ids (sorted) and positions.
    """

    u: np.ndarray
    v: np.ndarray
    minutes: np.ndarray
    ferry: np.ndarray
    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def build_network(
    extract: str | Extract,
    *,
    units: pd.DataFrame | None = None,
    prefectures: Sequence[str] = (),
    margin_km: float = MARGIN_KM,
    speeds: SpeedTable | None = None,
    name: str | None = None,
    progress: ProgressCallback | None = None,
) -> RoadNetwork:
    """Build a road network from an OSM extract.

    Parameters
    ----------
    extract
        The ``.osm.pbf`` (or OSM XML) file, or its :class:`~geo_zaitaku.roads.osm.Extract`.
    units
        Boundaries (a units frame with ``geometry``) of the prefectures to keep;
        ``None`` keeps the whole extract.
    prefectures
        Their codes, for messages and the network's name.
    margin_km
        Distance around the boundaries within which roads are kept.
    speeds
        Speed table (default :class:`SpeedTable`).
    name
        Network name (default ``<extract stem>_<prefectures>``).
    progress
        Called as the pass goes on (see :data:`~geo_zaitaku.roads.osm.ProgressCallback`).

    Returns
    -------
    RoadNetwork

    Raises
    ------
    InputError
        Not an OSM file, unreadable, no drivable road, a prefecture the extract does
        not cover (the message says which prefectures it covers), or nothing left after
        clipping.
    """
    if name is not None:
        check_name(name)
    info = extract if isinstance(extract, Extract) else describe_extract(extract)
    speeds = speeds or SpeedTable()
    ways = read_ways(info, speeds, progress=progress)
    edges = way_edges(ways)
    if len(edges.u) == 0:
        raise InputError(labels.error("roads_empty"), path=info.path)
    covers = covered_prefectures(edges.lon, edges.lat)
    without: list[str] = []
    if units is not None:
        without = _check_coverage(units, edges, prefectures, covers, info)
        edges = clip(edges, units, margin_km)
        if len(edges.u) == 0:
            raise InputError(labels.error("roads_empty"), path=info.path)
    network = compact(edges)
    stem = "".join(ch if ch.isprintable() and ch not in "/\\:" else "_" for ch in info.name.split(".")[0])
    meta = {
        "name": name or f"{stem}_{'-'.join(prefectures) if prefectures else 'all'}",
        "extract": info.to_dict(),
        "prefectures": list(prefectures),
        "extract_covers": covers,
        "margin_km": margin_km if units is not None else None,
        "speeds": speeds.to_dict(),
        "counts": {
            "ways": len(ways),
            "ferries": int(ways.ferry.sum()),
            "nodes": network.n_nodes,
            "edges": network.n_edges,
            "ferry_edges": int(edges.ferry.sum()),
        },
        "units_without_roads": without,
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return RoadNetwork(
        network.indptr, network.indices, network.minutes, network.lon, network.lat, MappingProxyType(meta)
    )


#: Way positions handled at once when timing road segments (bounds the temporaries).
_CHUNK = 250_000


def way_edges(ways: Ways) -> Edges:
    """Directed, timed edges of the ways (nodes missing from the extract dropped).

    Node ids are numbered first (``int32`` positions in a sorted id table), and road
    segments are timed in chunks, so that memory stays a few times the size of the
    ways read.
    """
    valid = (ways.x != UNDEFINED) & (ways.y != UNDEFINED)
    ids, first = np.unique(ways.refs[valid], return_index=True)
    lon = ways.x[valid][first].astype(np.float64) / 1e7
    lat = ways.y[valid][first].astype(np.float64) / 1e7
    del first
    node = np.full(len(ways.refs), -1, dtype=np.int32)
    node[valid] = np.searchsorted(ids, ways.refs[valid]).astype(np.int32)
    way_of = np.repeat(np.arange(len(ways), dtype=np.int32), ways.count)
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    ts: list[np.ndarray] = []
    fs: list[np.ndarray] = []
    n = len(node)
    for lo in range(0, max(n - 1, 0), _CHUNK):
        a = np.arange(lo, min(lo + _CHUNK, n - 1), dtype=np.int64)
        w = way_of[a]
        seg = (w == way_of[a + 1]) & (node[a] >= 0) & (node[a + 1] >= 0) & ~ways.ferry[w]
        a, w = a[seg], w[seg]
        na, nb = node[a], node[a + 1]
        km = crs.haversine_km(lon[na], lat[na], lon[nb], lat[nb])
        minutes = km / ways.kmh[w] * 60.0
        fwd = ways.direction[w] >= 0
        bwd = ways.direction[w] <= 0
        us += [na[fwd], nb[bwd]]
        vs += [nb[fwd], na[bwd]]
        ts += [minutes[fwd], minutes[bwd]]
        fs.append(np.zeros(int(fwd.sum()) + int(bwd.sum()), dtype=bool))
    del way_of
    # ferries: one edge between the first and last known nodes
    for i in np.flatnonzero(ways.ferry):
        pos = np.arange(ways.start[i], ways.start[i] + ways.count[i])
        nodes = node[pos]
        nodes = nodes[nodes >= 0]
        if len(nodes) < 2 or nodes[0] == nodes[-1]:
            continue
        t = ways.minutes[i]
        if not np.isfinite(t):
            length = crs.haversine_km(lon[nodes[:-1]], lat[nodes[:-1]], lon[nodes[1:]], lat[nodes[1:]]).sum()
            t = length / ways.kmh[i] * 60.0
        d = ways.direction[i]
        ends = (
            [(nodes[0], nodes[-1])]
            if d > 0
            else [(nodes[-1], nodes[0])]
            if d < 0
            else [
                (nodes[0], nodes[-1]),
                (nodes[-1], nodes[0]),
            ]
        )
        for a, b in ends:
            us.append(np.array([a], dtype=np.int32))
            vs.append(np.array([b], dtype=np.int32))
            ts.append(np.array([t]))
            fs.append(np.ones(1, dtype=bool))
    u = np.concatenate(us) if us else np.zeros(0, dtype=np.int32)
    v = np.concatenate(vs) if vs else np.zeros(0, dtype=np.int32)
    t = np.maximum(np.concatenate(ts), MIN_MINUTES) if ts else np.zeros(0)
    ferry = np.concatenate(fs) if fs else np.zeros(0, dtype=bool)
    keep = u != v
    return Edges(u[keep], v[keep], t[keep], ferry[keep], ids, lon, lat)


def _used(edges: Edges) -> np.ndarray:
    """Which nodes of the table some edge touches."""
    used = np.zeros(len(edges.ids), dtype=bool)
    used[edges.u] = True
    used[edges.v] = True
    return used


def covered_prefectures(lon: np.ndarray, lat: np.ndarray) -> list[str]:
    """Codes of the prefectures whose office has a road node within :data:`OFFICE_KM`."""
    from scipy.spatial import cKDTree

    if len(lon) == 0:
        return []
    tree = cKDTree(_sphere(lon, lat))
    codes = list(OFFICES)
    pts = np.array([OFFICES[c] for c in codes])
    dist, _ = tree.query(_sphere(pts[:, 1], pts[:, 0]), k=1)
    limit = 2 * np.sin(OFFICE_KM / 6371.0088 / 2)
    return [c for c, d in zip(codes, dist, strict=True) if d <= limit]


def _sphere(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _check_coverage(
    units: pd.DataFrame, edges: Edges, prefectures: Sequence[str], covers: list[str], info: Extract
) -> list[str]:
    """Raise when a prefecture asked for has roads in too few of its units; return the
    names of units without any road node (islands without roads, or an extract cut short)."""
    import shapely

    used = _used(edges)
    lon, lat = edges.lon[used], edges.lat[used]
    has_road = {}
    for code, geom in zip(units.index, units.geometry, strict=True):
        if geom is None or geom.is_empty:
            has_road[code] = False
            continue
        x0, y0, x1, y1 = geom.bounds
        box = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        has_road[code] = bool(box.any() and shapely.contains_xy(geom, lon[box], lat[box]).any())
    by_pref: dict[str, list[str]] = {}
    for code in units.index:
        by_pref.setdefault(str(code)[:2], []).append(code)
    for pref in prefectures or sorted(by_pref):
        codes = by_pref.get(pref, [])
        share = sum(has_road[c] for c in codes) / len(codes) if codes else 0.0
        if share < MIN_COVERED_SHARE:
            names = "・".join(PREFECTURES.get(c, c) for c in covers) or labels.ERROR_PARTS["none"]
            shown = PREFECTURES.get(pref) or labels.ERROR_PARTS["pref_code"].format(code=pref)
            raise InputError(
                labels.error("roads_not_covered", pref=shown, share=f"{share:.0%}", covers=names),
                path=info.path,
                where=shown.strip(),  # (asked with --pref, or the prefectures of --units)
            )
    name_col = "name" if "name" in units.columns else None
    return [str(units.at[c, name_col]) if name_col else str(c) for c, ok in has_road.items() if not ok]


def clip(edges: Edges, units: pd.DataFrame, margin_km: float) -> Edges:
    """Keep the edges whose both ends lie within ``margin_km`` of the units (a ferry
    edge joins its two ends, so only its ports need to be near)."""
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(geometry=list(units.geometry), crs=crs.GEOGRAPHIC)
    centre = frame.union_all().centroid
    zone = int(crs.utm_zone(centre.x))
    metric = frame.to_crs(crs.UTM_EPSG[zone])
    region = metric.union_all().simplify(50).buffer(margin_km * 1000)
    region = gpd.GeoSeries([region], crs=metric.crs).to_crs(crs.GEOGRAPHIC).iloc[0]
    shapely.prepare(region)
    inside = shapely.contains_xy(region, edges.lon, edges.lat)
    keep = inside[edges.u] & inside[edges.v]
    return Edges(
        edges.u[keep], edges.v[keep], edges.minutes[keep], edges.ferry[keep], edges.ids, edges.lon, edges.lat
    )


def compact(edges: Edges) -> RoadNetwork:
    """Number the nodes used by the edges 0..n-1 and sort the edges into CSR form,
    keeping the fastest of parallel edges."""
    used = _used(edges)
    new = np.cumsum(used, dtype=np.int64) - 1
    u, v = new[edges.u].astype(np.int32), new[edges.v].astype(np.int32)
    del new
    order = np.lexsort((edges.minutes, v, u))
    u, v, t = u[order], v[order], edges.minutes[order]
    del order
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    u, v, t = u[first], v[first], t[first]
    n = int(used.sum())
    indptr = np.searchsorted(u, np.arange(n + 1)).astype(np.int64)
    return RoadNetwork(indptr, v, t.astype(np.float64), edges.lon[used], edges.lat[used])
