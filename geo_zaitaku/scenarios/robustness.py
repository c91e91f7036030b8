"""Robustness of a plan: single points of failure, pairs, and random closures.

Only key institutions and hubs matter to the minimum-count rules and reach, and a
facility only ever serves its own area (reach is measured to the key institutions of
the unit's own area), so everything is computed per area over those facilities:

- **N-1** (:func:`single_points_of_failure`): for every key institution and hub, the
  areas that fail when it alone closes: too few key institutions or hubs left, or
  units pushed beyond the reach threshold (units already beyond it do not count).
  Areas failing before anything closes are reported apart and never blamed on a
  facility.
- **N-2** (``pairs=True``): every pair of facilities *of the same area* whose joint
  closure fails the area when neither alone does. Pairs from different areas can never
  do that, so they are not tested; the number of pairs tested is reported.
- **Random closures** (:func:`random_closures`): each facility closes independently
  with probability ``p`` (per kind if asked), or exactly ``closures`` facilities of the
  whole file close, chosen uniformly. Samples are drawn as boolean masks in chunks
  from one NumPy generator (same seed, same numbers, whatever the chunk size or
  engine); per area they give the probability of failing each rule and any rule, with
  its standard error, and the expected population beyond reach.
- **Exact** probabilities for the minimum-count rules: with independent closures, the
  numbers of open facilities among ``K∖H``, ``H∖K`` and ``K∩H`` are independent
  Poisson-binomial counts; with exactly ``closures`` closures they follow the
  multivariate hypergeometric distribution. For minimums of one this reduces to
  ``P = p^|K| + p^|H| − p^|K∪H|``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy.special import gammaln

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import md_cell, md_table
from geo_zaitaku.costs import Backend, cost_matrix
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.scenarios.changes import kinds_named

#: Rules a closure can make an area fail.
RULES = ("key_institution", "hub", "reach")
#: Largest number of samples.
MAX_SAMPLES = 10_000_000
#: Samples drawn from one generator (each block has its own child seed of the run's
#: :class:`numpy.random.SeedSequence`, so the numbers do not depend on how blocks are
#: grouped or where they run).
BLOCK = 1000
#: Samples drawn from one generator: each block has its own child seed of the run's
#: :class:`numpy.random.SeedSequence`, so the numbers do not depend on how blocks are
#: grouped or where they run.
BLOCK = 1000
#: Samples × units × key institutions held at once while measuring reach.
_CELLS = 4_000_000


@dataclass(frozen=True, eq=False)
class AreaFacilities:
    """One area as robustness sees it.

    Attributes
    ----------
    name
        Area name.
    units
        Unit codes.
    population
        Per unit (0 where unknown).
    members
        Positions (in :attr:`Network.ids`) of the area's key institutions and hubs.
    key, hub
        Boolean masks over :attr:`members`.
    costs
        ``(units, key institutions)`` costs to the area's key institutions (the
        columns are the members with ``key`` set, in order).
    """

    name: str
    units: tuple[str, ...]
    population: np.ndarray
    members: np.ndarray
    key: np.ndarray
    hub: np.ndarray
    costs: np.ndarray


@dataclass(frozen=True, eq=False)
class Network:
    """The key institutions and hubs of a plan, by area, with their costs.

    Build with :func:`network`.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    areas: tuple[AreaFacilities, ...]
    min_key: int
    min_hub: int
    limit: float
    measure: str
    total_facilities: int

    def baseline(self) -> dict[str, tuple[str, ...]]:
        """Area -> the rules it fails with every facility open."""
        out = {}
        for a in self.areas:
            rules = []
            if a.key.sum() < self.min_key:
                rules.append("key_institution")
            if a.hub.sum() < self.min_hub:
                rules.append("hub")
            if len(a.units) and (_nearest(a.costs, np.ones(a.costs.shape[1], dtype=bool)) > self.limit).any():
                rules.append("reach")
            out[a.name] = tuple(rules)
        return out


def network(run: CheckRun, *, backend: Backend | None = None) -> Network:
    """The key institutions and hubs of a checked plan, by area, with the costs from
    every unit to the key institutions of its area (measured with ``backend``, by default
    the run's own: straight line, or the road network of ``--travel-time``)."""
    backend = run.backend if backend is None else backend
    plan = run.plan
    frame = run.facilities.frame
    area_of = np.array([plan.assignment.get(u) for u in frame["unit"]], dtype=object)
    key = pd.array(frame["key_institution"], dtype="boolean").fillna(False).to_numpy(dtype=bool)
    hub = pd.array(frame["hub"], dtype="boolean").fillna(False).to_numpy(dtype=bool)
    relevant = (key | hub) & np.array([a is not None for a in area_of], dtype=bool)
    rel = frame.loc[relevant]
    rel_area = area_of[relevant]
    rel_key, rel_hub = key[relevant], hub[relevant]
    costs = cost_matrix(plan.units, rel[rel_key], backend=backend)
    key_col = {fid: j for j, fid in enumerate(costs.facilities)}
    row = {c: i for i, c in enumerate(costs.units)}
    pop = plan.units["population"] if "population" in plan.units.columns else pd.Series(dtype=float)
    ids = rel["id"].to_numpy()
    areas = []
    for name, codes in plan.areas.items():
        members = np.flatnonzero(rel_area == name)
        k = rel_key[members]
        rows = [row[c] for c in codes if c in row]
        cols = [key_col[fid] for fid in ids[members][k]]
        areas.append(
            AreaFacilities(
                name=name,
                units=tuple(codes),
                population=np.nan_to_num(pop.reindex(list(codes)).to_numpy(dtype=float), nan=0.0),
                members=members,
                key=k,
                hub=rel_hub[members],
                costs=costs.values[np.ix_(rows, cols)],
            )
        )
    return Network(
        ids=tuple(ids),
        names=tuple(rel["name"]),
        kinds=tuple(str(k) for k in rel["kind"]),
        areas=tuple(areas),
        min_key=plan.config.min_key_institutions,
        min_hub=plan.config.min_hubs,
        limit=plan.config.reach_limit(costs.measure),
        measure=costs.measure,
        total_facilities=len(frame),
    )


def _nearest(costs: np.ndarray, open_keys: np.ndarray) -> np.ndarray:
    """Cost from each unit to its nearest open key institution (``inf`` if none)."""
    if costs.shape[1] == 0 or not open_keys.any():
        return np.full(costs.shape[0], np.inf)
    return costs[:, open_keys].min(axis=1)


# --------------------------------------------------------------------------- N-1 and N-2


@dataclass(frozen=True)
class Failure:
    """What a closure does to one area."""

    area: str
    rules: tuple[str, ...]
    units_beyond: tuple[str, ...] = ()
    population_beyond: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "area": self.area,
            "rules": list(self.rules),
            "units_beyond": list(self.units_beyond),
            "population_beyond": self.population_beyond,
        }


@dataclass(frozen=True)
class Critical:
    """Facilities whose (joint) closure makes an area fail."""

    facilities: tuple[str, ...]
    names: tuple[str, ...]
    failures: tuple[Failure, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "facilities": list(self.facilities),
            "names": list(self.names),
            "areas": [f.to_dict() for f in self.failures],
        }


def _closure_failure(
    net: Network, a: AreaFacilities, closed: np.ndarray, base_far: np.ndarray
) -> Failure | None:
    """How area ``a`` fails with its members ``closed`` (a mask over ``a.members``)."""
    rules = []
    if (a.key & ~closed).sum() < net.min_key <= a.key.sum():
        rules.append("key_institution")
    if (a.hub & ~closed).sum() < net.min_hub <= a.hub.sum():
        rules.append("hub")
    far = _nearest(a.costs, ~closed[a.key]) > net.limit
    newly = far & ~base_far
    if newly.any():
        rules.append("reach")
    if not rules:
        return None
    idx = np.flatnonzero(newly)
    return Failure(a.name, tuple(rules), tuple(a.units[i] for i in idx), float(a.population[idx].sum()))


def single_points_of_failure(net: Network) -> tuple[Critical, ...]:
    """Every facility whose closure alone makes its area fail (N-1), in file order."""
    out = []
    for a in net.areas:
        base_far = _nearest(a.costs, np.ones(a.costs.shape[1], dtype=bool)) > net.limit
        for m, pos in enumerate(a.members):
            closed = np.zeros(len(a.members), dtype=bool)
            closed[m] = True
            failure = _closure_failure(net, a, closed, base_far)
            if failure is not None:
                out.append(Critical((net.ids[pos],), (net.names[pos],), (failure,)))
    order = {fid: i for i, fid in enumerate(net.ids)}
    return tuple(sorted(out, key=lambda c: order[c.facilities[0]]))


def critical_pairs(net: Network, singles: Sequence[Critical] = ()) -> tuple[tuple[Critical, ...], int]:
    """Pairs of facilities of one area whose joint closure fails it when neither alone does
    (N-2). Returns the pairs and how many pairs were tested."""
    single = {c.facilities[0] for c in singles}
    out, tested = [], 0
    for a in net.areas:
        base_far = _nearest(a.costs, np.ones(a.costs.shape[1], dtype=bool)) > net.limit
        for i, j in combinations(range(len(a.members)), 2):
            tested += 1
            pi, pj = a.members[i], a.members[j]
            if net.ids[pi] in single or net.ids[pj] in single:
                continue
            closed = np.zeros(len(a.members), dtype=bool)
            closed[[i, j]] = True
            failure = _closure_failure(net, a, closed, base_far)
            if failure is not None:
                out.append(Critical((net.ids[pi], net.ids[pj]), (net.names[pi], net.names[pj]), (failure,)))
    return tuple(out), tested


# --------------------------------------------------------------------------- random closures


@dataclass(frozen=True)
class Closures:
    """How facilities close at random: independently with probability ``p`` (per kind
    when given), or exactly ``closures`` of all facilities.

    Attributes
    ----------
    p
        Probability in [0, 1] that each key institution and hub closes.
    p_kind
        Facility kind -> its own probability (overrides ``p`` for that kind).
    closures
        Exactly this many of all facilities close (not with ``p``).

    :func:`analyse` checks these as the command line's ``--p``, ``--p-kind`` and
    ``--closures`` are checked (:func:`closures_from_options`).
    """

    p: float | None = None
    p_kind: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    closures: int | None = None

    def probabilities(self, net: Network) -> np.ndarray:
        """Closure probability of each key institution and hub."""
        base = 0.0 if self.p is None else self.p
        return np.array([self.p_kind.get(k, base) for k in net.kinds], dtype=float)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"p": self.p, "p_kind": dict(self.p_kind), "closures": self.closures}


def check_seed(seed: object) -> int:
    """The random seed, a whole number ≥ 0 (what NumPy's generators take).

    Raises
    ------
    InputError
        Anything else (``--seed -5``).
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(labels.error("robustness_bad_seed", seed=seed), where="--seed")
    return int(seed)


def check_samples(samples: int) -> int:
    """The number of random samples, a whole number from 1 to :data:`MAX_SAMPLES`.

    Raises
    ------
    InputError
        Any other number.
    """
    whole = isinstance(samples, int | np.integer) and not isinstance(samples, bool)
    if not whole or not 1 <= samples <= MAX_SAMPLES:
        raise InputError(
            labels.error("robustness_bad_samples", max_samples=MAX_SAMPLES, samples=samples),
            where="--samples",
        )
    return samples


def closures_from_options(
    p: float | None,
    p_kind: Sequence[str],
    closures: int | None,
    *,
    total: int,
    kinds_present: Iterable[object] = (),
) -> Closures | None:
    """Validate the closure options (``--p``, ``--p-kind kind=p``, ``--closures``).

    Raises
    ------
    InputError
        A probability outside [0, 1], ``--p-kind`` without ``kind=p``, both ``--p`` and
        ``--closures``, more closures than facilities, or a kind that is neither a kind
        of the schema nor one of ``kinds_present`` (the facility data's).
    """
    if p is None and not p_kind and closures is None:
        return None
    if closures is not None and (p is not None or p_kind):
        raise InputError(labels.error("robustness_closures_and_p"), where="--closures")
    if p is not None:
        _check_p(p, "--p")
    kinds = {}
    for item in p_kind:
        name, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not sep or not name.strip():
            raise InputError(labels.error("robustness_bad_p_kind", item=item), where="--p-kind")
        (kind,) = kinds_named([name], kinds_present, where="--p-kind")
        kinds[kind] = _check_p(number, f"--p-kind {name}")
    if closures is not None and not 0 <= closures <= total:
        raise InputError(
            labels.error("robustness_bad_closures", total=total, closures=closures), where="--closures"
        )
    return Closures(p=p, p_kind=MappingProxyType(kinds), closures=closures)


def _checked(how: Closures, total: int, kinds_present: Iterable[object]) -> Closures:
    """``how`` validated as :func:`closures_from_options` validates the options."""
    if how.closures is not None and (
        isinstance(how.closures, bool) or not isinstance(how.closures, int | np.integer)
    ):
        raise InputError(
            labels.error("robustness_bad_closures", total=total, closures=how.closures), where="--closures"
        )
    if how.p is not None and not isinstance(how.p, int | float):
        raise InputError(labels.error("robustness_bad_probability", value=how.p), where="--p")
    items = [f"{kind}={value}" for kind, value in how.p_kind.items()]
    checked = closures_from_options(how.p, items, how.closures, total=total, kinds_present=kinds_present)
    return checked if checked is not None else how


def _check_p(value: float, where: str) -> float:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(labels.error("robustness_bad_probability", value=value), where=where)
    return float(value)


def sample_closed(net: Network, how: Closures, rng: np.random.Generator, n: int) -> np.ndarray:
    """``(n, facilities)`` closure masks of the key institutions and hubs."""
    r = len(net.ids)
    if how.closures is None:
        return rng.random((n, r)) < how.probabilities(net)[None, :]
    counts = (
        rng.hypergeometric(r, max(net.total_facilities - r, 0), how.closures, size=n)
        if r
        else np.zeros(n, int)
    )
    ranks = rng.random((n, r)).argsort(axis=1).argsort(axis=1)
    return ranks < counts[:, None]


@dataclass(frozen=True)
class AreaRisk:
    """Random-closure results of one area (probabilities over the samples)."""

    area: str
    p_fail: float
    p_fail_key_institution: float
    p_fail_hub: float
    p_fail_reach: float
    stderr: Mapping[str, float]
    expected_population_beyond: float
    exact: Mapping[str, float | None]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "area": self.area,
            "p_fail": self.p_fail,
            "p_fail_key_institution": self.p_fail_key_institution,
            "p_fail_hub": self.p_fail_hub,
            "p_fail_reach": self.p_fail_reach,
            "stderr": dict(self.stderr),
            "expected_population_beyond": self.expected_population_beyond,
            "exact": dict(self.exact),
        }


def random_closures(
    net: Network, how: Closures, *, samples: int, seed: int, blocks: Sequence[int] | None = None
) -> tuple[AreaRisk, ...]:
    """Monte-Carlo failure probabilities per area, with the exact values where known.

    Samples are drawn in blocks of :data:`BLOCK`, block ``b`` from the ``b``-th child of
    ``SeedSequence(seed)``: the result depends on ``seed`` and ``samples`` only, not on
    where or in which groups the blocks run (see :func:`block_counts`).

    Raises
    ------
    InputError
        ``samples`` outside 1 … :data:`MAX_SAMPLES`.
    """
    counts = block_counts(net, how, samples=samples, seed=seed, blocks=blocks)
    return risks_from_counts(net, how, counts, samples)


def block_counts(
    net: Network, how: Closures, *, samples: int, seed: int, blocks: Sequence[int] | None = None
) -> np.ndarray:
    """Failure counts of some sample blocks: an ``(areas, 5)`` array of the numbers of
    samples failing key, hub, reach, any, and the summed population beyond reach.
    ``blocks`` (default: all) lets a batch engine split the work; counts add up."""
    check_samples(samples)
    n_blocks = math.ceil(samples / BLOCK)
    seeds = np.random.SeedSequence(check_seed(seed)).spawn(n_blocks)
    counts = np.zeros((len(net.areas), len(RULES) + 2))
    for b in range(n_blocks) if blocks is None else blocks:
        n = min(BLOCK, samples - b * BLOCK)
        closed = sample_closed(net, how, np.random.default_rng(seeds[b]), n)
        for k, a in enumerate(net.areas):
            key_fail, hub_fail, reach_fail, pop_far = _area_samples(net, a, closed[:, a.members])
            counts[k] += [
                key_fail.sum(),
                hub_fail.sum(),
                reach_fail.sum(),
                (key_fail | hub_fail | reach_fail).sum(),
                pop_far.sum(),
            ]
    return counts


def risks_from_counts(net: Network, how: Closures, counts: np.ndarray, samples: int) -> tuple[AreaRisk, ...]:
    """Per-area probabilities and standard errors from summed :func:`block_counts`."""
    fails, beyond_sum = counts[:, :4], counts[:, 4]
    out = []
    for k, a in enumerate(net.areas):
        p = fails[k] / samples
        se = np.sqrt(p * (1 - p) / samples)
        out.append(
            AreaRisk(
                area=a.name,
                p_fail=float(p[3]),
                p_fail_key_institution=float(p[0]),
                p_fail_hub=float(p[1]),
                p_fail_reach=float(p[2]),
                stderr=MappingProxyType(
                    {
                        "p_fail": float(se[3]),
                        "key_institution": float(se[0]),
                        "hub": float(se[1]),
                        "reach": float(se[2]),
                    }
                ),
                expected_population_beyond=float(beyond_sum[k] / samples),
                exact=MappingProxyType(exact_failure(net, a, how)),
            )
        )
    return tuple(out)


def _area_samples(
    net: Network, a: AreaFacilities, closed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per sample: key, hub and reach failure of one area, and its population beyond reach."""
    open_ = ~closed
    key_fail = open_[:, a.key].sum(axis=1) < net.min_key
    hub_fail = open_[:, a.hub].sum(axis=1) < net.min_hub
    n = len(closed)
    if not len(a.units):
        return key_fail, hub_fail, np.zeros(n, dtype=bool), np.zeros(n)
    open_key = open_[:, a.key]
    u, k = a.costs.shape
    far = np.empty((n, u), dtype=bool)
    step = max(1, _CELLS // max(u * max(k, 1), 1))
    for s in range(0, n, step):
        block = open_key[s : s + step]
        if k == 0:
            far[s : s + step] = True
            continue
        nearest = np.where(block[:, None, :], a.costs[None, :, :], np.inf).min(axis=2)
        far[s : s + step] = nearest > net.limit
    return key_fail, hub_fail, far.any(axis=1), far @ a.population


# --------------------------------------------------------------------------- exact


def exact_failure(net: Network, a: AreaFacilities, how: Closures) -> dict[str, float | None]:
    """Exact probabilities that area ``a`` fails the key-institution rule, the hub rule,
    and either (``"minimum"``); reach has no closed form (``None``)."""
    only_k = a.key & ~a.hub
    only_h = a.hub & ~a.key
    both = a.key & a.hub
    if how.closures is None:
        q = how.probabilities(net)[a.members]
        dist = [_open_pmf(q[mask]) for mask in (only_k, only_h, both)]
        key, hub, fail = _from_independent(*dist, net.min_key, net.min_hub)
    else:
        sizes = (int(only_k.sum()), int(only_h.sum()), int(both.sum()))
        key, hub, fail = _from_hypergeometric(
            sizes, net.total_facilities, how.closures, net.min_key, net.min_hub
        )
    return {"key_institution": _unit(key), "hub": _unit(hub), "minimum": _unit(fail), "reach": None}


def _unit(p: float) -> float:
    """A probability kept in [0, 1] (sums of floating-point terms may stray by 1e-16)."""
    return min(max(float(p), 0.0), 1.0)


def _open_pmf(closed_probability: np.ndarray) -> np.ndarray:
    """Poisson-binomial distribution of the number of open facilities."""
    pmf = np.array([1.0])
    for q in closed_probability:
        pmf = np.convolve(pmf, [q, 1.0 - q])
    return pmf


def _below(pmf: np.ndarray, m: int) -> float:
    """P(count < m) from a PMF indexed by count (summed directly, so that an event
    that cannot happen has probability 0, not 1 − 1 = -1e-16)."""
    return 0.0 if m <= 0 else float(pmf[:m].sum())


def _from_independent(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, min_key: int, min_hub: int
) -> tuple[float, float, float]:
    """P(key fails), P(hub fails), P(either fails) from the open counts of K∖H, H∖K, K∩H
    (given the open count of K∩H, the other two are independent)."""
    key = [_below(a, min_key - x) for x in range(len(c))]
    hub = [_below(b, min_hub - x) for x in range(len(c))]
    key_fail = sum(pc * k for pc, k in zip(c, key, strict=True))
    hub_fail = sum(pc * h for pc, h in zip(c, hub, strict=True))
    either = sum(pc * (k + h * (1.0 - k)) for pc, k, h in zip(c, key, hub, strict=True))
    return key_fail, hub_fail, either


def _log_comb(n: int | np.ndarray, k: int | np.ndarray) -> np.ndarray:
    n, k = np.asarray(n, dtype=float), np.asarray(k, dtype=float)
    out = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    return np.where((k < 0) | (k > n), -np.inf, out)


def _from_hypergeometric(
    sizes: tuple[int, int, int], total: int, closures: int, min_key: int, min_hub: int
) -> tuple[float, float, float]:
    """As :func:`_from_independent`, for exactly ``closures`` of ``total`` closed uniformly."""
    na, nb, nc = sizes
    rest = total - na - nb - nc
    xa = np.arange(na + 1)[:, None, None]
    xb = np.arange(nb + 1)[None, :, None]
    xc = np.arange(nc + 1)[None, None, :]
    xr = closures - xa - xb - xc
    logp = (
        _log_comb(na, xa)
        + _log_comb(nb, xb)
        + _log_comb(nc, xc)
        + _log_comb(rest, xr)
        - _log_comb(total, closures)
    )
    prob = np.exp(logp)
    key_ok = (na - xa) + (nc - xc) >= min_key
    hub_ok = (nb - xb) + (nc - xc) >= min_hub
    key_ok = np.broadcast_to(key_ok, prob.shape)
    hub_ok = np.broadcast_to(hub_ok, prob.shape)
    return (
        float(prob[~key_ok].sum()),
        float(prob[~hub_ok].sum()),
        float(prob[~(key_ok & hub_ok)].sum()),
    )


# --------------------------------------------------------------------------- the whole analysis


@dataclass(frozen=True, eq=False)
class RobustnessResult:
    """Everything :func:`analyse` found.

    Attributes
    ----------
    plan
        Plan name.
    measure, limit
        Cost measure and reach threshold.
    baseline
        Area -> rules it fails with every facility open.
    single_points_of_failure
        N-1 results.
    pairs, pairs_tested
        N-2 results (``None`` when not asked) and the number of pairs tested.
    risks
        Random-closure results per area (empty when not asked).
    closures, samples, seed
        The random-closure settings.
    """

    plan: str
    measure: str
    limit: float
    baseline: Mapping[str, tuple[str, ...]]
    single_points_of_failure: tuple[Critical, ...]
    pairs: tuple[Critical, ...] | None = None
    pairs_tested: int = 0
    risks: tuple[AreaRisk, ...] = ()
    closures: Closures | None = None
    samples: int = 0
    seed: int | None = None

    def critical(self) -> dict[str, list[str]]:
        """Area -> its single points of failure (facility ids)."""
        out: dict[str, list[str]] = {a: [] for a in self.baseline}
        for c in self.single_points_of_failure:
            for f in c.failures:
                out[f.area].append(c.facilities[0])
        return out

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the content of ``robustness.json``)."""
        risks = {r.area: r for r in self.risks}
        critical = self.critical()
        areas = []
        for name, rules in self.baseline.items():
            entry: dict[str, object] = {"area": name, "failing_with_all_open": list(rules)}
            if name in risks:
                entry.update({k: v for k, v in risks[name].to_dict().items() if k != "area"})
            entry["critical_facilities"] = critical[name]
            areas.append(entry)
        return {
            "plan": self.plan,
            "measure": self.measure,
            "reach_limit": self.limit,
            "areas": areas,
            "single_points_of_failure": [
                {"facility": c.facilities[0], "name": c.names[0], "areas": [f.to_dict() for f in c.failures]}
                for c in self.single_points_of_failure
            ],
            "pairs": None
            if self.pairs is None
            else {"tested": self.pairs_tested, "critical": [c.to_dict() for c in self.pairs]},
            "samples": self.samples,
            "seed": self.seed,
            **(
                self.closures.to_dict()
                if self.closures is not None
                else {"p": None, "p_kind": {}, "closures": None}
            ),
        }


def analyse(
    run: CheckRun,
    *,
    closures: Closures | None = None,
    samples: int = 10_000,
    seed: int = 1,
    pairs: bool = False,
    backend: Backend | None = None,
) -> RobustnessResult:
    """N-1 (always), N-2 (``pairs``) and random closures (when ``closures`` is given).

    Parameters
    ----------
    run
        A checked plan with its facilities.
    closures
        How facilities close at random (:class:`Closures`: each independently with
        ``p``, per kind ``p_kind``, or exactly ``closures`` of all); ``None``: only the
        single points of failure (and pairs).
    samples
        Random draws (1 to :data:`MAX_SAMPLES`); used only with ``closures``.
    seed
        Seed of the draws (a whole number ≥ 0; the command line's default, 1).
    pairs
        Also test pairs of facilities of one area (N-2).
    backend
        Cost backend (default: the run's own).

    Raises
    ------
    InputError
        The facility data do not say which facilities are key institutions or hubs
        (:meth:`~geo_zaitaku.pipeline.CheckRun.require_roles`): closing them is then
        unknown, not a failure of every area; a negative ``seed``; ``samples`` out of
        range; closures that :func:`closures_from_options` refuses (a probability
        outside [0, 1], both ``p`` and ``closures``, more closures than facilities, a
        misspelt kind).
    """
    run.require_roles("robustness")
    check_seed(seed)
    check_samples(samples)
    net = network(run, backend=backend)
    if closures is not None:  # as the command line's options are checked
        closures = _checked(closures, net.total_facilities, run.facilities.frame["kind"].unique())
    singles = single_points_of_failure(net)
    found_pairs, tested = critical_pairs(net, singles) if pairs else (None, 0)
    risks = random_closures(net, closures, samples=samples, seed=seed) if closures is not None else ()
    return RobustnessResult(
        plan=run.plan.name,
        measure=net.measure,
        limit=net.limit,
        baseline=MappingProxyType(net.baseline()),
        single_points_of_failure=singles,
        pairs=found_pairs,
        pairs_tested=tested,
        risks=risks,
        closures=closures,
        samples=samples if closures is not None else 0,
        seed=seed if closures is not None else None,
    )


__all__ = [
    "Closures",
    "Network",
    "RobustnessResult",
    "analyse",
    "closures_from_options",
    "critical_pairs",
    "exact_failure",
    "network",
    "random_closures",
    "single_points_of_failure",
]


# --------------------------------------------------------------------------- writing

#: Files written by :func:`write_robustness`.
ROBUSTNESS_FILES = ("robustness.json", "robustness.csv", "robustness.md")


def robustness_frame(result: RobustnessResult) -> pd.DataFrame:
    """One row per area, Japanese headers (the table of ``robustness.csv``)."""
    t = labels.ROBUSTNESS
    risks = {r.area: r for r in result.risks}
    critical = result.critical()
    rows = []
    for name, rules in result.baseline.items():
        row: dict[str, object] = {
            t["area"]: name,
            t["baseline"]: "・".join(labels.RULES[r][0] for r in rules),
            t["critical"]: len(critical[name]),
            t["critical_ids"]: " ".join(critical[name]),
        }
        r = risks.get(name)
        if r is not None:
            row.update(
                {
                    t["p_fail"]: r.p_fail,
                    t["p_key"]: r.p_fail_key_institution,
                    t["p_hub"]: r.p_fail_hub,
                    t["p_reach"]: r.p_fail_reach,
                    t["stderr"]: r.stderr["p_fail"],
                    t["exact_key"]: r.exact["key_institution"],
                    t["exact_hub"]: r.exact["hub"],
                    t["exact_minimum"]: r.exact["minimum"],
                    t["pop_beyond"]: round(r.expected_population_beyond, 1),
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def robustness_markdown(result: RobustnessResult) -> str:
    """The results as Japanese Markdown (``robustness.md``)."""
    t = labels.ROBUSTNESS
    lines = [f"# {t['title']}: {md_cell(result.plan)}", ""]
    if result.closures is not None:
        c = result.closures
        how = (
            t["how_closures"].format(k=c.closures)
            if c.closures is not None
            else t["how_p"].format(
                p=c.p or 0.0, kinds="、".join(f"{k} {v}" for k, v in c.p_kind.items()) or "—"
            )
        )
        lines += [t["settings"].format(how=how, samples=result.samples, seed=result.seed), ""]
    lines += md_table(robustness_frame(result), floats="{:.4f}")
    lines += ["", f"## {t['spof']}", ""]
    for c in result.single_points_of_failure:
        for f in c.failures:
            rules = "・".join(labels.RULES[r][0] for r in f.rules)
            extra = (
                t["beyond"].format(n=len(f.units_beyond), pop=f.population_beyond) if f.units_beyond else ""
            )
            lines.append(
                f"- {md_cell(c.names[0])}（{md_cell(c.facilities[0])}）: {md_cell(f.area)} — {rules}{extra}"
            )
    if not result.single_points_of_failure:
        lines.append(labels.TEXT["none"])
    if result.pairs is not None:
        lines += ["", f"## {t['pairs'].format(n=result.pairs_tested)}", ""]
        for c in result.pairs:
            for f in c.failures:
                rules = "・".join(labels.RULES[r][0] for r in f.rules)
                lines.append(
                    f"- {md_cell(' + '.join(c.names))}（{md_cell(' + '.join(c.facilities))}）: {md_cell(f.area)} — {rules}"
                )
        if not result.pairs:
            lines.append(labels.TEXT["none"])
    lines += ["", t["note"], ""]
    return "\n".join(lines)


def write_robustness(result: RobustnessResult, out_dir: str | Path) -> list[Path]:
    """Write :data:`ROBUSTNESS_FILES` into ``out_dir``."""
    from geo_zaitaku._io import json_text, write_csv, write_text

    out = Path(out_dir)
    return [
        write_text(out / "robustness.json", json_text(result.to_dict(), indent=2) + "\n"),
        write_csv(out / "robustness.csv", robustness_frame(result)),
        write_text(out / "robustness.md", robustness_markdown(result)),
    ]
