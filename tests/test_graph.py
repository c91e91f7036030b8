import math

import pytest
from conftest import make_grid

from geo_zaitaku.graph import Link, adjacency, build_graph, contiguity_view, islands
from geo_zaitaku.units import units_from_frame


@pytest.fixture
def grid():
    return units_from_frame(make_grid(3, 3))


def test_grid_adjacency_rook_and_point_contacts(grid):
    edges = adjacency(grid)
    border = edges[edges["kind"] == "border"]
    point = edges[edges["kind"] == "point"]
    # 3x3 grid: 12 shared edges, 8 diagonal corner contacts
    assert len(border) == 12
    assert len(point) == 8
    assert border["shared_km"].to_numpy() == pytest.approx([10.0] * 12, rel=1e-6)
    assert (point["shared_km"] == 0).all()
    assert list(border[["a", "b"]].itertuples(index=False, name=None))[:3] == [
        ("99201", "99202"),
        ("99201", "99204"),
        ("99202", "99203"),
    ]
    # centroids 10 km apart for edge neighbours, 10*sqrt(2) for diagonals (within 0.5 %)
    assert border["distance_km"].to_numpy() == pytest.approx([10.0] * 12, rel=5e-3)
    assert point["distance_km"].to_numpy() == pytest.approx([10 * math.sqrt(2)] * 8, rel=5e-3)


def test_graph_nodes_and_views(grid):
    g = build_graph(grid)
    assert g.number_of_nodes() == 9
    assert g.number_of_edges() == 20
    assert g.nodes["99205"]["name"] == "町4"
    assert g.nodes["99205"]["area_km2"] == pytest.approx(100.0, rel=1e-9)
    assert contiguity_view(g).number_of_edges() == 12
    assert contiguity_view(g, point_contact=True).number_of_edges() == 20
    assert islands(g) == []


def test_islands_and_links():
    # cells 0, 1 and a detached cell 8 (corner-touching nothing)
    u = units_from_frame(make_grid(3, 3, skip=(2, 3, 4, 5, 6, 7)))
    g = build_graph(u)
    assert islands(g) == ["99209"]
    linked = build_graph(u, links=[Link("99202", "99209", "ferry", "テスト航路")])
    assert islands(linked) == []
    data = linked.edges["99202", "99209"]
    assert data["kind"] == "ferry"
    assert data["note"] == "テスト航路"
    assert data["distance_km"] == pytest.approx(math.hypot(10, 20), rel=5e-3)


def test_point_contact_only_counts_when_asked():
    u = units_from_frame(make_grid(2, 2, skip=(1, 2)))  # cells 0 and 3 touch at a corner
    g = build_graph(u)
    assert g.edges["99201", "99204"]["kind"] == "point"
    assert islands(g) == ["99201", "99204"]
    assert islands(g, point_contact=True) == []


def test_link_does_not_replace_a_border(grid):
    g = build_graph(grid, links=[Link("99201", "99202", "bridge")])
    assert g.edges["99201", "99202"]["kind"] == "border"


def test_overlapping_neighbours_still_adjacent():
    # two squares overlapping by 100 m (as files simplified separately do)
    g = make_grid(2, 1)
    from shapely.affinity import translate

    g.loc[1, "geometry"] = translate(g.geometry.iloc[1], xoff=-0.001)
    edges = adjacency(units_from_frame(g))
    assert list(edges["kind"]) == ["border"]
    assert edges["shared_km"].iloc[0] == pytest.approx(10.0, rel=0.01)


def test_shared_borders_measured_on_threads_equal_one_thread(monkeypatch):
    import numpy as np
    import shapely

    from geo_zaitaku import _threads

    u = units_from_frame(make_grid(20, 20))  # 1,482 neighbouring pairs: split into slices
    monkeypatch.setattr(_threads, "workers", lambda: 2)
    threaded = adjacency(u, cache=False)
    monkeypatch.setattr(_threads, "workers", lambda: 1)
    single = adjacency(u, cache=False)
    assert len(threaded) == 2 * 20 * 19 + 2 * 19 * 19  # rook (760) and corner (722) pairs
    assert threaded.equals(single)
    lines = shapely.boundary(np.asarray(u.geometry.values))
    polygons = np.asarray(u.geometry.values)[::-1]
    monkeypatch.setattr(_threads, "workers", lambda: 2)
    parts = _threads.split_apply(shapely.intersection, lines, polygons)
    assert all(shapely.equals_exact(parts, shapely.intersection(lines, polygons)))


def test_an_adjacency_table_of_ones_own_is_checked_at_the_door():
    """Plan.from_spec(edges=...) with only a and b raised KeyError 'shared_km'; integer
    codes matched nothing, so every unit read as an island and both areas as enclaves;
    an edge to a code that is no unit added an empty node."""
    import pandas as pd

    from geo_zaitaku import InputError, Plan
    from geo_zaitaku.plan import parse_plan

    units = units_from_frame(make_grid(3, 1))
    spec = parse_plan('[areas]\n"A" = ["99201", "99202"]\n"B" = ["99203"]\n')
    plan = Plan.from_spec(spec, units, edges=pd.DataFrame({"a": ["99201", "99202"], "b": ["99202", "99203"]}))
    assert sorted(plan.graph.edges) == [("99201", "99202"), ("99202", "99203")]
    assert plan.graph.edges["99201", "99202"]["kind"] == "border"
    for edges, needle in (
        (
            pd.DataFrame({"a": [99201], "b": [99202]}),
            "隣接の表のコード 2件が市区町村にありません: 99201, 99202",
        ),
        (pd.DataFrame({"a": ["99201"], "b": ["99999"]}), "'99999'"),
        (pd.DataFrame({"a": ["99201"]}), "隣接の表に列 b がありません"),
        (pd.DataFrame({"a": ["99201"], "b": ["99202"], "kind": ["river"]}), "kind river は使えません"),
    ):
        with pytest.raises(InputError) as err:
            Plan.from_spec(spec, units, edges=edges)
        assert needle in str(err.value)
