"""The adjacency graph of units (networkx).

Nodes are unit codes with ``name``, ``area_km2``, ``population`` (when the units
carry one) and ``centroid`` (lon, lat). An edge joins two units whose boundaries share
a line of positive length (``kind="border"``, with ``shared_km`` and the centroid
distance ``distance_km``). Units that touch at a single point get an edge of
``kind="point"`` that contiguity ignores unless asked. Declared links (bridges,
ferries, roads across a zero-length boundary) are added with their own kind.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from geo_zaitaku import crs, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._threads import split_apply

#: Edge kinds that come from geometry.
BORDER = "border"
POINT = "point"
#: Kinds a declared link may have.
LINK_KINDS: tuple[str, ...] = ("bridge", "ferry", "road", "tunnel", "other")
EDGE_COLUMNS = ("a", "b", "shared_km", "distance_km", "kind")


@dataclass(frozen=True)
class Link:
    """A declared connection between two units that counts for contiguity.

    Attributes
    ----------
    a, b
        Unit codes.
    kind
        One of :data:`LINK_KINDS` (``"bridge"``, ``"ferry"``, ``"road"``, ...).
    note
        Free text (the bridge's or ferry route's name).
    """

    a: str
    b: str
    kind: str = "bridge"
    note: str = ""


def adjacency(units: gpd.GeoDataFrame, *, cache: bool | None = None) -> pd.DataFrame:
    """Find neighbouring units and measure their shared borders.

    Candidate pairs come from a shapely STRtree query; the shared length of a pair
    is the length of the part of one unit's boundary that lies in the other, measured
    in the JGD2011 UTM zone of the first unit. This also works for data whose
    neighbours overlap slightly (files simplified separately).

    Parameters
    ----------
    units
        Units as returned by :func:`geo_zaitaku.units.load_units`.
    cache
        Use the units cache (default ``settings.use_cache``); only units loaded from
        files have a cache key.

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b`` (codes, ``a < b``), ``shared_km``, ``distance_km``,
        ``kind`` (``"border"`` or ``"point"``), sorted by ``a``, ``b``.
    """
    from geo_zaitaku import cache as cache_mod
    from geo_zaitaku import settings

    key = _edges_key(units)
    use_cache = (settings.use_cache if cache is None else cache) and key
    if use_cache:
        cached = cache_mod.read_edges(key)
        if cached is not None:
            return cached
    edges = _adjacency(units)
    if use_cache:
        cache_mod.write_edges(key, edges)
    return edges


def _edges_key(units: gpd.GeoDataFrame) -> str | None:
    """The cache key of the units' edges: their files' key and the units themselves, so a
    subset of the units (one prefecture of a national file) has edges of its own."""
    import hashlib

    key = units.attrs.get("cache_key")
    if not key:
        return None
    digest = hashlib.sha256("\n".join(map(str, units.index)).encode("utf-8")).hexdigest()[:16]
    return f"{key}-{digest}"


def _adjacency(units: gpd.GeoDataFrame) -> pd.DataFrame:
    geoms = units.geometry.values
    codes = units.index.to_numpy()
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if len(i) == 0:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in zip(EDGE_COLUMNS, (object, float, float, float, object), strict=True)
            }
        )
    shared = split_apply(shapely.intersection, shapely.boundary(geoms[i]), np.asarray(geoms[j]))
    zone = units["zone"].to_numpy()[i]
    shared_km = np.zeros(len(i))
    for z in np.unique(zone):
        mask = zone == z
        projected = gpd.GeoSeries(shared[mask], crs=crs.GEOGRAPHIC).to_crs(epsg=crs.UTM_EPSG[int(z)])
        shared_km[mask] = projected.length.to_numpy() / 1000.0
    lon = units["lon"].to_numpy()
    lat = units["lat"].to_numpy()
    distance = crs.haversine_km(lon[i], lat[i], lon[j], lat[j])
    a, b = codes[i], codes[j]
    swap = a > b
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    edges = pd.DataFrame(
        {
            "a": a.astype(object),
            "b": b.astype(object),
            "shared_km": shared_km,
            "distance_km": distance,
            "kind": np.where(shared_km > 0, BORDER, POINT).astype(object),
        }
    )
    return edges.sort_values(["a", "b"], ignore_index=True)


def build_graph(
    units: gpd.GeoDataFrame,
    *,
    edges: pd.DataFrame | None = None,
    links: Iterable[Link] = (),
) -> nx.Graph:
    """Build the units graph.

    Parameters
    ----------
    units
        Units frame (index = code). A ``population`` column, when present, becomes a
        node attribute.
    edges
        Adjacency from :func:`adjacency` (computed when omitted).
    links
        Declared links to add (their ``kind`` becomes the edge kind; a link between
        units that already share a border leaves the border edge as it is).

    Returns
    -------
    networkx.Graph
    """
    edges = adjacency(units) if edges is None else _checked_edges(edges, units)
    graph = nx.Graph()
    population = units["population"] if "population" in units.columns else None
    # (columns as plain lists: Arrow-backed text columns are slow to iterate one by one)
    codes = units.index.tolist()
    graph.add_nodes_from(
        (code, {"name": name, "area_km2": area, "centroid": (lon, lat)})
        for code, name, area, lon, lat in zip(
            codes,
            units["name"].tolist(),
            units["area_km2"].to_numpy(dtype=float).tolist(),
            units["lon"].to_numpy(dtype=float).tolist(),
            units["lat"].to_numpy(dtype=float).tolist(),
            strict=True,
        )
    )
    if population is not None:
        for code, pop in zip(codes, population.to_numpy(dtype=float, na_value=np.nan).tolist(), strict=True):
            graph.nodes[code]["population"] = None if math.isnan(pop) else pop
    graph.add_edges_from(
        (a, b, {"shared_km": s, "distance_km": d, "kind": k})
        for a, b, s, d, k in zip(
            edges["a"].tolist(),
            edges["b"].tolist(),
            edges["shared_km"].to_numpy(dtype=float).tolist(),
            edges["distance_km"].to_numpy(dtype=float).tolist(),
            edges["kind"].tolist(),
            strict=True,
        )
    )
    for link in links:
        if link.a not in graph or link.b not in graph:
            continue
        data = graph.get_edge_data(link.a, link.b)
        if data is not None and data["kind"] == BORDER:
            continue
        (lon1, lat1), (lon2, lat2) = graph.nodes[link.a]["centroid"], graph.nodes[link.b]["centroid"]
        graph.add_edge(
            link.a,
            link.b,
            shared_km=0.0,
            kind=link.kind,
            note=link.note,
            distance_km=float(crs.haversine_km(lon1, lat1, lon2, lat2)),
        )
    return graph


def _checked_edges(edges: pd.DataFrame, units: gpd.GeoDataFrame) -> pd.DataFrame:
    """An adjacency table given by the caller, in :func:`adjacency`'s form: ``a`` and
    ``b`` are required (unit codes, as text); ``kind`` defaults to ``border``,
    ``shared_km`` and ``distance_km`` to unknown (NaN).

    Raises
    ------
    InputError
        No ``a``/``b`` column, a code that is not a unit (an integer code matches no
        text code: every unit would read as an island), an unknown kind.
    """
    missing = [c for c in ("a", "b") if c not in edges.columns]
    if missing:
        raise InputError(labels.error("edges_columns", missing=", ".join(missing)), where="edges")
    out = pd.DataFrame({"a": edges["a"].tolist(), "b": edges["b"].tolist()})
    for c, default in (("shared_km", np.nan), ("distance_km", np.nan), ("kind", BORDER)):
        out[c] = edges[c].tolist() if c in edges.columns else default
    known = set(units.index)
    strange = sorted({repr(v) for v in (*out["a"], *out["b"]) if v not in known})
    if strange:
        raise InputError(
            labels.error("edges_unknown_units", n=len(strange), codes=", ".join(strange[:10])), where="edges"
        )
    kinds = set(out["kind"]) - {BORDER, POINT, *LINK_KINDS}
    if kinds:
        raise InputError(
            labels.error(
                "edges_bad_kind",
                kinds=", ".join(sorted(map(str, kinds))),
                known=", ".join((BORDER, POINT, *LINK_KINDS)),
            ),
            where="edges",
        )
    return out


def contiguity_view(graph: nx.Graph, *, point_contact: bool = False) -> nx.Graph:
    """Return a view of ``graph`` with only the edges that count for contiguity.

    Border edges and declared links always count; point contacts only when
    ``point_contact`` is true.
    """
    if point_contact:
        return graph
    return nx.subgraph_view(graph, filter_edge=lambda a, b: graph.edges[a, b]["kind"] != POINT)


def islands(graph: nx.Graph, *, point_contact: bool = False) -> list[str]:
    """Return the units with no neighbour that counts for contiguity, sorted by code."""
    connected = {
        n for a, b, kind in graph.edges(data="kind") if point_contact or kind != POINT for n in (a, b)
    }
    return sorted(n for n in graph.nodes if n not in connected)
