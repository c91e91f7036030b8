"""Road network: reading an OSM extract, timing edges, storing, snapping and the
travel-time matrix (compared with networkx on the same graph)."""

from __future__ import annotations

import hashlib
import math

import networkx as nx
import numpy as np
import pytest
from conftest import make_grid, write_osm

from geo_zaitaku import InputError, crs
from geo_zaitaku.costs import Points
from geo_zaitaku.roads import (
    SpeedTable,
    TravelTime,
    build_network,
    clear_networks,
    list_networks,
    load_network,
    read_speeds,
    save_network,
)
from geo_zaitaku.roads.speeds import parse_duration, parse_maxspeed

R = 6371.0088
#: One hundredth of a degree of latitude, in km (along a meridian).
V_KM = R * math.radians(0.01)


def h_km(lat: float) -> float:
    """One hundredth of a degree of longitude at ``lat``, in km."""
    return float(crs.haversine_km(130.0, lat, 130.01, lat))


def town_nodes() -> dict[int, tuple[float, float]]:
    nodes = {1 + 3 * i + j: (130.0 + 0.01 * j, 32.0 + 0.01 * i) for i in range(3) for j in range(3)}
    nodes.update(
        {20: (130.05, 32.03), 10: (130.1, 32.02), 11: (130.11, 32.02), 30: (131.0, 33.0), 31: (131.01, 33.0)}
    )
    return nodes


TOWN_WAYS = [
    (1, [1, 2, 3], {"highway": "residential", "oneway": "yes"}),
    (2, [4, 5, 6], {"highway": "residential"}),
    (3, [7, 8, 9], {"highway": "residential"}),
    (4, [1, 4, 7], {"highway": "tertiary"}),
    (5, [2, 5, 8], {"highway": "tertiary"}),
    (6, [3, 6, 9], {"highway": "tertiary", "maxspeed": "60"}),
    (7, [1, 5, 9], {"highway": "primary", "access": "private"}),
    (8, [1, 9], {"highway": "footway"}),
    (9, [9, 20, 10], {"route": "ferry", "duration": "0:45"}),
    (10, [10, 11], {"highway": "residential"}),
    (11, [30, 31], {"highway": "service"}),
]


@pytest.fixture
def town(tmp_path):
    return write_osm(tmp_path / "town.osm.pbf", town_nodes(), TOWN_WAYS)


def minutes(km: float, kmh: float) -> float:
    return km / kmh * 60.0


H0, H1, H2 = (minutes(h_km(lat), 20) for lat in (32.0, 32.01, 32.02))
V30, V60 = minutes(V_KM, 30), minutes(V_KM, 60)
#: The town's travel times below take its maxspeed=60 tertiary at 60 km/h: built with
#: maxspeed replacing the class speed (the default only lowers it; see the test of it).
REPLACE = SpeedTable(maxspeed="replace")
ISLAND = minutes(h_km(32.02), 20)


def node_of(network, lon, lat):
    d = (np.asarray(network.lon) - lon) ** 2 + (np.asarray(network.lat) - lat) ** 2
    return int(np.argmin(d))


def points(coords, ids=None):
    lon = np.array([c[0] for c in coords], dtype=float)
    lat = np.array([c[1] for c in coords], dtype=float)
    ids = ids or tuple(f"p{i}" for i in range(len(coords)))
    return Points(tuple(ids), lon, lat, ("point",) * len(coords))


def test_tags_are_read_as_documented():
    assert parse_maxspeed("60") == 60.0 and parse_maxspeed("50 km/h") == 50.0
    assert parse_maxspeed("30 mph") == pytest.approx(48.28032) and parse_maxspeed("JP:urban") is None
    assert parse_maxspeed("40;60") == 40.0 and parse_maxspeed("none") is None
    assert parse_duration("0:45") == 45.0 and parse_duration("01:30:30") == 90.5
    assert parse_duration("PT1H5M") == 65.0 and parse_duration("20") == 20.0 and parse_duration("") is None


def test_build_keeps_drivable_ways_and_ferries(town):
    net = build_network(town, speeds=REPLACE)
    assert net.n_nodes == 13  # 9 in town, 2 on the island, 2 in a fragment; the ferry's middle node dropped
    meta = net.meta
    assert meta["name"] == "town_all"
    assert meta["extract"]["date"] == "2024-06-01T20:21:02Z"
    assert meta["extract"]["sha256"] == hashlib.sha256(town.read_bytes()).hexdigest()
    assert meta["counts"]["ferries"] == 1 and meta["counts"]["ferry_edges"] == 2
    csr = net.csr
    n = {k: node_of(net, *v) for k, v in town_nodes().items() if k != 20}
    # the oneway street: 1 -> 2 only
    assert csr[n[1], n[2]] == pytest.approx(H0, rel=1e-12)
    assert csr[n[2], n[1]] == 0
    # maxspeed=60 replaces the tertiary speed (30 km/h)
    assert csr[n[3], n[6]] == pytest.approx(V60, rel=1e-12)
    assert csr[n[1], n[4]] == pytest.approx(V30, rel=1e-12)
    # the private road and the footway are not there
    assert csr[n[1], n[5]] == 0 and csr[n[1], n[9]] == 0
    # the ferry is one edge of its duration, both ways
    assert csr[n[9], n[10]] == 45.0 and csr[n[10], n[9]] == 45.0


def test_travel_times_are_exact_and_match_networkx(town):
    net = build_network(town, speeds=REPLACE)
    backend = TravelTime(net, disk_cache=False)
    nodes = town_nodes()
    origins = points([nodes[1], nodes[3], nodes[11], (130.05, 31.95)])
    dest = points([nodes[9], nodes[1], nodes[10]])
    m = backend.dense(origins, dest)
    expected = np.array(
        [
            [2 * H0 + 2 * V60, 0.0, 2 * H0 + 2 * V60 + 45],
            [2 * V60, V60 + 2 * H1 + V30, 2 * V60 + 45],  # 3 -> 1 goes round the oneway street
            [ISLAND + 45, ISLAND + 45 + V60 + 2 * H1 + V30, ISLAND],
            [np.inf, np.inf, np.inf],  # 5 km from any road: not snapped
        ]
    )
    np.testing.assert_allclose(m, expected, rtol=1e-9)
    # the same graph in networkx
    g = nx.DiGraph()
    csr = net.csr.tocoo()
    g.add_weighted_edges_from(zip(csr.row.tolist(), csr.col.tolist(), csr.data.tolist(), strict=True))
    src = backend.snap(origins).node
    dst = backend.snap(dest).node
    for i, s in enumerate(src):
        lengths = nx.single_source_dijkstra_path_length(g, int(s)) if s >= 0 else {}
        for j, t in enumerate(dst):
            assert m[i, j] == pytest.approx(lengths.get(int(t), np.inf), rel=1e-12)


def test_limit_pairs_and_reachability(town):
    net = build_network(town, speeds=REPLACE)
    backend = TravelTime(net, disk_cache=False)
    nodes = town_nodes()
    origins = points([nodes[1], nodes[11], nodes[30]])
    dest = points([nodes[9], nodes[10], nodes[31]])
    m = backend.dense(origins, dest, limit=30)
    assert np.isinf(m[0, 1]) and m[0, 0] == pytest.approx(2 * H0 + 2 * V60)
    rows, cols, values = backend.pairs(origins, dest, limit=30)
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 0), (1, 1)]
    np.testing.assert_allclose(values, [2 * H0 + 2 * V60, ISLAND])
    # the two-node fragment is no snapping candidate: its points are farther than 1 km from any
    # candidate node, so they are not snapped and cannot reach anything
    assert backend.snap(points([nodes[30]])).node[0] == -1
    assert backend.connected(origins, dest).tolist() == [
        [True, True, False],
        [True, True, False],
        [False] * 3,
    ]


def test_the_search_runs_from_the_smaller_side(town):
    net = build_network(town, speeds=REPLACE)
    backend = TravelTime(net, disk_cache=False)
    nodes = town_nodes()
    many = points([nodes[k] for k in (1, 2, 3, 4, 5, 6, 7, 8, 9)])
    one = points([nodes[1]])
    forward = backend.dense(one, many)
    backward = backend.dense(many, one)
    assert (
        backend.computed == 2
    )  # one search each time: from the single origin, then from the single destination
    assert backward[2, 0] == pytest.approx(V60 + 2 * H1 + V30)
    assert forward[0, 2] == pytest.approx(2 * H0)


def test_matrices_are_cached_on_disk(town):
    net = build_network(town, speeds=REPLACE)
    nodes = town_nodes()
    o, d = points([nodes[1], nodes[5]]), points([nodes[9]])
    first = TravelTime(net)
    a = first.dense(o, d)
    second = TravelTime(net)
    b = second.dense(o, d)
    assert first.computed == 1 and second.computed == 0
    np.testing.assert_array_equal(a, b)


def test_store_list_and_clear(town):
    net = build_network(town, name="town")
    path = save_network(net)
    assert path.name == "town"
    again = load_network("town")
    assert again.n_edges == net.n_edges and again.meta["extract"]["name"] == "town.osm.pbf"
    np.testing.assert_array_equal(np.asarray(again.minutes), net.minutes)
    assert load_network(path).name == "town"
    [item] = list_networks()
    assert item["name"] == "town" and item["disk_bytes"] > 0
    assert clear_networks() == 1 and list_networks() == []
    with pytest.raises(InputError, match="roads build"):
        load_network("town")


def test_osm_xml_is_read_too(tmp_path):
    path = write_osm(tmp_path / "town.osm", town_nodes(), TOWN_WAYS, timestamp=None)
    net = build_network(path)
    assert net.n_nodes == 13 and net.meta["extract"]["format"] == "osm"


def test_ferry_without_duration_uses_the_ferry_speed(tmp_path):
    nodes = {1: (130.0, 32.0), 2: (130.0, 32.01), 3: (130.0, 32.02)}
    ways = [(1, [1, 2, 3], {"route": "ferry"})]
    net = build_network(write_osm(tmp_path / "f.osm.pbf", nodes, ways), speeds=SpeedTable(ferry_kmh=10))
    assert net.n_nodes == 2 and net.csr[0, 1] == pytest.approx(minutes(2 * V_KM, 10), rel=1e-12)


# --- bad input -------------------------------------------------------------------------


def test_a_file_that_is_not_osm_is_refused(tmp_path):
    bad = tmp_path / "roads.osm.pbf"
    bad.write_text("name,lat,lon\n")
    with pytest.raises(InputError, match="OpenStreetMap") as e:
        build_network(bad)
    assert e.value.path == bad


def test_a_truncated_pbf_is_refused(town, tmp_path):
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(town.read_bytes()[:-40])
    with pytest.raises(InputError, match="取り直して"):
        build_network(cut)


def test_an_empty_network_is_refused(tmp_path):
    nodes = {1: (130.0, 32.0), 2: (130.01, 32.0)}
    path = write_osm(tmp_path / "paths.osm.pbf", nodes, [(1, [1, 2], {"highway": "footway"})])
    with pytest.raises(InputError, match="車で通れる道路"):
        build_network(path)


def test_an_extract_that_does_not_cover_the_prefecture_is_refused(town):
    units = make_grid(pref="43")  # near 135E 31.6N, far from the town near 130E
    units = units.set_index("N03_007").rename(columns={"N03_004": "name"})
    with pytest.raises(InputError, match="ほとんど含みません") as e:
        build_network(town, units=units, prefectures=["43"])
    assert "熊本県" in str(e.value) and "この抽出が含む都道府県: なし" in str(e.value)
    assert e.value.where == "熊本県"  # not "--pref 43": the prefecture may come from --units
    units99 = make_grid(pref="99").set_index("N03_007").rename(columns={"N03_004": "name"})
    with pytest.raises(InputError) as e:
        build_network(town, units=units99, prefectures=["99"])
    assert "この抽出ファイルは都道府県コード 99 をほとんど含みません" in str(e.value)


@pytest.mark.parametrize(
    ("text", "match", "where"),
    [
        ("[highway]\nmotorwya = 80\n", "「motorway」のことですか", "[highway] motorwya"),
        ("[highway]\nfootway = 5\n", "使える種類", "[highway] footway"),
        ("[highway]\nprimary = 0\n", "0 より大きく", "[highway] primary"),
        ("[highway]\nprimary = -3\n", "0 より大きく", "[highway] primary"),
        ("[highway]\nprimary = inf\n", "0 より大きく", "[highway] primary"),
        ("[highway]\nprimary = true\n", "0 より大きく", "[highway] primary"),
        ("[ferry]\nspeed = 0\n", "0 より大きく", "[ferry] speed"),
        ("[ferry]\nknots = 10\n", "使えない項目", "[ferry] knots"),
        ("[roads]\nx = 1\n", "使えない項目", "roads"),
        ("[highway\n", "TOML", None),
    ],
)
def test_bad_speed_tables_are_refused(tmp_path, text, match, where):
    path = tmp_path / "speeds.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match) as e:
        read_speeds(path)
    assert e.value.path == path and e.value.where == where


def test_a_speed_table_overrides_and_adds_classes(tmp_path):
    path = tmp_path / "speeds.toml"
    path.write_text("[highway]\nresidential = 15\ntrack = 10\n[ferry]\nspeed = 30\n", encoding="utf-8")
    table = read_speeds(path)
    assert table.highway["residential"] == 15 and table.highway["track"] == 10 and table.ferry_kmh == 30
    assert table.highway["primary"] == 40


def test_the_refusal_says_which_prefectures_the_extract_covers(tmp_path):
    # a few streets around the Kumamoto prefectural office; boundaries asked for near 135E
    nodes = {1 + i: (130.7417 + 0.005 * i, 32.7898) for i in range(4)}
    path = write_osm(tmp_path / "kumamoto.osm.pbf", nodes, [(1, [1, 2, 3, 4], {"highway": "primary"})])
    units = make_grid(pref="44").set_index("N03_007").rename(columns={"N03_004": "name"})
    with pytest.raises(InputError) as e:
        build_network(path, units=units, prefectures=["44"])
    assert "大分県をほとんど含みません" in str(e.value) and "この抽出が含む都道府県: 熊本県" in str(e.value)


def test_clipping_keeps_a_margin_around_the_units(tmp_path):
    units = make_grid(1, 1, size_km=10).set_index("N03_007").rename(columns={"N03_004": "name"})
    x0, y0, x1, y1 = units.total_bounds
    y = (y0 + y1) / 2
    # a street across the unit, going on 5 km and 30 km beyond its east side
    lons = [x0 + 0.01, x1 - 0.01, x1 + 0.05, x1 + 0.3]
    nodes = {i + 1: (lon, y) for i, lon in enumerate(lons)}
    path = write_osm(tmp_path / "street.osm.pbf", nodes, [(1, [1, 2, 3, 4], {"highway": "primary"})])
    assert build_network(path, units=units, prefectures=["99"], margin_km=10).n_nodes == 3
    assert build_network(path, units=units, prefectures=["99"], margin_km=1).n_nodes == 2
    assert build_network(path).n_nodes == 4


def test_a_one_way_ferry_reaches_the_island_but_not_back(tmp_path):
    """Reachability went by weakly connected pieces: an island whose only link is a
    one-way ferry towards it read as 「120分を超えます」 instead of 「行けません」."""
    ways = [
        *(w for w in TOWN_WAYS if w[0] != 9),
        (9, [9, 20, 10], {"route": "ferry", "duration": "0:45", "oneway": "yes"}),
    ]
    net = build_network(write_osm(tmp_path / "oneway.osm.pbf", town_nodes(), ways))
    backend = TravelTime(net, disk_cache=False)
    nodes = town_nodes()
    mainland, island = points([nodes[1]]), points([nodes[11]])
    assert backend.connected(mainland, island).tolist() == [[True]]
    assert backend.connected(island, mainland).tolist() == [[False]]
    assert np.isinf(backend.dense(island, mainland, limit=10_000)[0, 0])


def test_a_tagged_maxspeed_lowers_the_class_speed_but_does_not_raise_it(tmp_path, town):
    """Japanese maxspeed tags are legal limits: a maxspeed=60 tertiary ran at 60 km/h
    against the table's typical 30, even with a user's --speeds file at 5 km/h."""
    nodes = town_nodes()

    def edge(speeds, tags):
        ways = [(1, [1, 4], {"highway": "tertiary", **tags})]
        net = build_network(write_osm(tmp_path / "w.osm.pbf", nodes, ways), speeds=speeds)
        return float(net.csr[node_of(net, *nodes[1]), node_of(net, *nodes[4])])

    assert edge(SpeedTable(), {"maxspeed": "60"}) == pytest.approx(V30, rel=1e-12)  # not raised
    assert edge(SpeedTable(), {"maxspeed": "20"}) == pytest.approx(minutes(V_KM, 20), rel=1e-12)  # lowered
    assert edge(SpeedTable(maxspeed="replace"), {"maxspeed": "60"}) == pytest.approx(V60, rel=1e-12)
    assert edge(SpeedTable(maxspeed="ignore"), {"maxspeed": "20"}) == pytest.approx(V30, rel=1e-12)
    toml = tmp_path / "s.toml"
    toml.write_text('[highway]\ntertiary = 5\n[maxspeed]\nuse = "lower"\n', encoding="utf-8")
    assert edge(read_speeds(toml), {"maxspeed": "60"}) == pytest.approx(minutes(V_KM, 5), rel=1e-12)
    toml.write_text('[maxspeed]\nuse = "raise"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_speeds(toml)
    assert err.value.where == "[maxspeed] use"
