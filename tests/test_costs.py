"""The cost matrix: straight-line distances from unit origins to facilities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo_zaitaku.costs import STRAIGHT_LINE, cost_matrix, cost_pairs, facility_points, unit_origins

R = 6371.0088


def _units(lons, lats, pop=None):
    frame = pd.DataFrame(
        {"lon": lons, "lat": lats}, index=pd.Index([f"9920{i}" for i in range(len(lons))], name="code")
    )
    if pop is not None:
        frame["pop_lon"], frame["pop_lat"] = pop
    return frame


def _facilities(lons, lats, units=None):
    n = len(lons)
    return pd.DataFrame(
        {"id": [f"F{i}" for i in range(n)], "lon": lons, "lat": lats, "unit": units or ["99200"] * n}
    )


def test_distance_along_a_meridian_is_radius_times_angle():
    units = _units([135.0, 135.0], [34.0, 35.0])
    fac = _facilities([135.0], [34.5])
    m = cost_matrix(units, fac)
    assert m.measure == "km" and m.method == "straight_line"
    expected = R * math.radians(0.5)
    np.testing.assert_allclose(m.values[:, 0], [expected, expected], rtol=1e-12)
    assert m.origins == ("centroid", "centroid")


def test_population_centroid_is_the_origin_when_known():
    units = _units([135.0, 135.0], [34.0, 35.0], pop=([135.0, np.nan], [34.5, np.nan]))
    o = unit_origins(units)
    assert o.kind == ("population", "centroid")
    m = cost_matrix(units, _facilities([135.0], [34.5]))
    assert m.values[0, 0] == 0.0


def test_facility_placed_by_code_sits_at_its_units_origin():
    units = _units([135.0, 136.0], [34.0, 34.0])
    fac = _facilities([np.nan], [np.nan], units=["99201"])
    p = facility_points(fac, units)
    assert (p.lon[0], p.lat[0], p.kind[0]) == (136.0, 34.0, "unit")
    assert cost_matrix(units, fac).values[1, 0] == 0.0


def test_limit_and_pairs_agree_with_the_dense_matrix():
    rng = np.random.default_rng(5)
    units = _units(rng.uniform(130, 132, 60), rng.uniform(32, 34, 60))
    fac = _facilities(list(rng.uniform(130, 132, 90)), list(rng.uniform(32, 34, 90)))
    fac.loc[3, ["lon", "lat"]] = units.iloc[7][["lon", "lat"]].to_numpy()  # a pair at distance 0
    dense = cost_matrix(units, fac, limit=40.0)
    pairs = cost_pairs(units, fac, limit=40.0)
    assert np.isinf(dense.values).any() and np.isfinite(dense.values).any()
    np.testing.assert_array_equal(pairs.dense().values, dense.values)
    assert (7, 3) in set(zip(pairs.rows.tolist(), pairs.cols.tolist(), strict=True))
    full = STRAIGHT_LINE.dense(unit_origins(units), facility_points(fac, units))
    within = full <= 40.0
    assert within.sum() == len(pairs.values)


def test_columns_and_bad_limits():
    units = _units([135.0], [34.0])
    fac = _facilities([135.0, 135.1], [34.0, 34.0])
    m = cost_matrix(units, fac)
    assert m.columns(["F1"]).values.tolist() == [[m.values[0, 1]]]
    with pytest.raises(ValueError):
        cost_pairs(units, fac, limit=float("nan"))
