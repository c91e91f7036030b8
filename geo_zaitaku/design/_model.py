"""A small mixed-integer model builder over HiGHS (``highspy``).

Variables are added in blocks, constraints as sparse rows (or many rows at once from
COO triplets); :meth:`Model.solve` assembles one column-wise matrix, passes it to HiGHS
and returns a frozen :class:`Solution`. Runs are deterministic: one thread, a fixed
random seed, and no log output.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

INF = float("inf")
#: Statuses a solution can have.
STATUSES = ("optimal", "feasible", "infeasible", "time_limit", "error")


@contextlib.contextmanager
def _no_stdout() -> Iterator[None]:
    """Silence output written by native code to file descriptor 1 (HiGHS' banner)."""
    try:
        fd = os.dup(1)
    except OSError:  # no stdout at all
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(fd, 1)
        os.close(fd)


def _highs() -> object:
    import highspy

    with _no_stdout():
        h = highspy.Highs()
    h.silent()
    return h


@dataclass(frozen=True, eq=False)
class Solution:
    """The outcome of a solve.

    Attributes
    ----------
    status
        ``"optimal"``, ``"feasible"`` (time limit reached with a solution),
        ``"infeasible"``, ``"time_limit"`` (no solution found in time) or ``"error"``.
    objective
        Objective value of the solution (``None`` without one).
    bound
        Best bound proven (``None`` when unknown).
    gap
        Relative gap between objective and bound (0 when optimal).
    seconds
        Wall time of the solve.
    values
        Variable values (``None`` without a solution).
    second
        Value of the second objective (lexicographic solves).
    """

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    values: np.ndarray | None
    second: float | None = None

    @property
    def has_solution(self) -> bool:
        """Whether a solution (optimal or not) was found."""
        return self.values is not None


class Model:
    """A minimisation (or maximisation) problem under construction."""

    def __init__(self) -> None:
        self._lower: list[np.ndarray] = []
        self._upper: list[np.ndarray] = []
        self._cost: list[np.ndarray] = []
        self._second: dict[int, float] = {}
        self._integer: list[np.ndarray] = []
        self.n_cols = 0
        self._rows: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._vals: list[np.ndarray] = []
        self._row_lo: list[np.ndarray] = []
        self._row_hi: list[np.ndarray] = []
        self.n_rows = 0

    # --- variables ---------------------------------------------------------------------

    def add_vars(
        self,
        n: int,
        *,
        lb: float = 0.0,
        ub: float = 1.0,
        cost: float | np.ndarray = 0.0,
        integer: bool = True,
    ) -> np.ndarray:
        """Add ``n`` variables; return their column indices."""
        idx = np.arange(self.n_cols, self.n_cols + n)
        self._lower.append(np.full(n, lb, dtype=float))
        self._upper.append(np.full(n, ub, dtype=float))
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy())
        self._integer.append(np.full(n, integer, dtype=bool))
        self.n_cols += n
        return idx

    def add_second(self, cols: np.ndarray, cost: float | np.ndarray) -> None:
        """Add ``cost`` to the *second* objective of ``cols``: minimised among the
        solutions that are optimal for the first (see :meth:`solve`)."""
        cols = np.asarray(cols, dtype=int)
        for c, v in zip(cols, np.broadcast_to(np.asarray(cost, dtype=float), cols.shape), strict=True):
            self._second[int(c)] = self._second.get(int(c), 0.0) + float(v)

    def add_cost(self, cols: np.ndarray, cost: float | np.ndarray) -> None:
        """Add ``cost`` to the objective coefficients of ``cols``."""
        flat = np.concatenate(self._cost)
        np.add.at(
            flat, np.asarray(cols, dtype=int), np.broadcast_to(np.asarray(cost, dtype=float), np.shape(cols))
        )
        self._cost = [flat]

    def fix(self, cols: np.ndarray, value: float) -> None:
        """Fix variables to a value (both bounds)."""
        lower, upper = np.concatenate(self._lower), np.concatenate(self._upper)
        lower[np.asarray(cols, dtype=int)] = value
        upper[np.asarray(cols, dtype=int)] = value
        self._lower, self._upper = [lower], [upper]

    # --- constraints -------------------------------------------------------------------

    def add_row(
        self, cols: Sequence[int] | np.ndarray, vals: Sequence[float] | np.ndarray, lo: float, hi: float
    ) -> int:
        """Add one constraint ``lo <= Σ vals·x[cols] <= hi``; return its index."""
        cols = np.asarray(cols, dtype=int)
        self._rows.append(np.full(len(cols), self.n_rows, dtype=int))
        self._cols.append(cols)
        self._vals.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape).copy())
        self._row_lo.append(np.array([lo], dtype=float))
        self._row_hi.append(np.array([hi], dtype=float))
        self.n_rows += 1
        return self.n_rows - 1

    def add_rows(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        vals: np.ndarray,
        lo: float | np.ndarray,
        hi: float | np.ndarray,
        n: int,
    ) -> np.ndarray:
        """Add ``n`` constraints at once from COO triplets (``rows`` numbered 0 … n-1)."""
        self._rows.append(np.asarray(rows, dtype=int) + self.n_rows)
        self._cols.append(np.asarray(cols, dtype=int))
        self._vals.append(np.asarray(vals, dtype=float))
        self._row_lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy())
        self._row_hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())
        out = np.arange(self.n_rows, self.n_rows + n)
        self.n_rows += n
        return out

    # --- solving -----------------------------------------------------------------------

    def solve(self, *, time_limit: float = 60.0, maximize: bool = False, gap: float = 0.0) -> Solution:
        """Solve with HiGHS (one thread, seed 0) within ``time_limit`` seconds.

        With a second objective (:meth:`add_second`) the solve is lexicographic: first
        the first objective (when all its coefficients are whole numbers, any solution
        within less than 1 of the bound is optimal), then the second among the solutions
        whose first objective is optimal. The solution reports the first objective.
        """
        if self.n_cols == 0:  # nothing to choose (HiGHS calls an empty model an error)
            lo = np.concatenate(self._row_lo) if self._row_lo else np.zeros(0)
            hi = np.concatenate(self._row_hi) if self._row_hi else np.zeros(0)
            if np.all((lo <= 0.0) & (hi >= 0.0)):
                return Solution("optimal", 0.0, 0.0, 0.0, 0.0, np.zeros(0), 0.0 if self._second else None)
            return Solution("infeasible", None, None, None, 0.0, None)
        start = time.perf_counter()
        cost = np.concatenate(self._cost)
        first = self._solve(cost, time_limit=time_limit, maximize=maximize, gap=gap)
        if not self._second or first.status != "optimal":
            return first
        integral = bool(np.all(np.abs(cost - np.round(cost)) < 1e-12))
        second = np.zeros(self.n_cols)
        for c, v in self._second.items():
            second[c] = v
        nz = np.flatnonzero(cost)
        tol = 1e-6 * (1.0 + abs(first.objective))
        bound = float(np.round(first.objective)) if integral else first.objective
        self.add_row(nz, cost[nz], -INF, bound + tol) if not maximize else self.add_row(
            nz, cost[nz], bound - tol, INF
        )
        left = max(time_limit - (time.perf_counter() - start), 1.0)
        then = self._solve(second, time_limit=left, maximize=False, gap=gap, initial=first.values)
        seconds = time.perf_counter() - start
        if not then.has_solution:
            return Solution("feasible", first.objective, first.bound, first.gap, seconds, first.values)
        status = "optimal" if then.status == "optimal" else "feasible"
        return Solution(status, first.objective, first.bound, 0.0, seconds, then.values, then.objective)

    def _solve(
        self,
        cost: np.ndarray,
        *,
        time_limit: float,
        maximize: bool,
        gap: float,
        initial: np.ndarray | None = None,
    ) -> Solution:
        import highspy
        from scipy.sparse import coo_matrix

        start = time.perf_counter()
        integral = bool(np.all(np.abs(cost - np.round(cost)) < 1e-12))
        rows = np.concatenate(self._rows) if self._rows else np.zeros(0, dtype=int)
        cols = np.concatenate(self._cols) if self._cols else np.zeros(0, dtype=int)
        vals = np.concatenate(self._vals) if self._vals else np.zeros(0)
        a = coo_matrix((vals, (rows, cols)), shape=(self.n_rows, self.n_cols)).tocsc()
        a.sum_duplicates()
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_cols
        lp.num_row_ = self.n_rows
        lp.col_cost_ = cost
        lp.col_lower_ = np.concatenate(self._lower)
        lp.col_upper_ = np.concatenate(self._upper)
        lp.row_lower_ = np.concatenate(self._row_lo) if self._row_lo else np.zeros(0)
        lp.row_upper_ = np.concatenate(self._row_hi) if self._row_hi else np.zeros(0)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        integer = np.concatenate(self._integer)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer
        ]
        lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        h = _highs()
        for key, value in (
            ("time_limit", float(time_limit)),
            ("threads", 1),
            ("random_seed", 0),
            ("mip_rel_gap", float(gap)),
            ("mip_abs_gap", 1.0 - 1e-6 if integral and self._second else 1e-9),
            ("presolve", "on"),
        ):
            h.setOptionValue(key, value)
        h.passModel(lp)
        if initial is not None:  # a feasible solution to start from (the first objective's)
            given = highspy.HighsSolution()
            given.col_value = list(initial)
            given.value_valid = True
            h.setSolution(given)
        h.run()
        seconds = time.perf_counter() - start
        return _solution(h, seconds, maximize)


def _solution(h: object, seconds: float, maximize: bool) -> Solution:
    import highspy

    status = h.getModelStatus()
    info = h.getInfo()
    has = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value, dtype=float) if has else None
    objective = float(info.objective_function_value) if has else None
    bound = float(info.mip_dual_bound) if np.isfinite(info.mip_dual_bound) else None
    if status == highspy.HighsModelStatus.kOptimal:
        name = "optimal"
    elif status == highspy.HighsModelStatus.kInfeasible:
        name = "infeasible"
    elif status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
        name = "feasible" if has else "time_limit"
    else:
        name = "feasible" if has else "error"
    gap = 0.0 if name == "optimal" else (float(info.mip_gap) if has and np.isfinite(info.mip_gap) else None)
    return Solution(name, objective, bound, gap, seconds, values)
