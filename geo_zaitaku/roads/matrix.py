"""Travel time on a road network as a cost backend (:class:`TravelTime`).

``costs.cost_matrix(units, facilities, backend=TravelTime(network))`` gives minutes by
car instead of kilometres in a straight line. Points are snapped to their nearest node
(:mod:`geo_zaitaku.roads.snap`); then ``scipy.sparse.csgraph.dijkstra`` runs from the
distinct nodes of the smaller side only (from the facilities over the reversed graph
when they are fewer than the units), with a cut-off (``limit``) at the largest time
asked, in batches of sources so that memory stays bounded, and keeps only the columns
needed. Results are cached per (network, origins, destinations, limit) in memory and
in the user cache (``<cache dir>/roads/.matrices``).
"""

from __future__ import annotations

import hashlib
import warnings
from functools import cached_property

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku.costs import Points
from geo_zaitaku.roads.snap import MAX_SNAP_KM, Snapped, Snapper
from geo_zaitaku.roads.store import RoadNetwork, folder

#: Default horizon (minutes): costs asked without a limit are measured up to this.
HORIZON_MIN = 120.0
#: Distance cells (sources × nodes) computed at once.
_CELLS = 16_000_000
#: Matrices kept in memory per backend.
_MEMORY = 16


class TravelTime:
    """Minutes by car (and ferry) over a road network.

    Parameters
    ----------
    network
        The network (:func:`geo_zaitaku.roads.load_network`).
    max_snap_km
        Points farther than this from every road are not snapped (costs ``inf``).
    horizon
        Costs asked without a limit are measured up to this many minutes (beyond:
        ``inf``).
    disk_cache
        Keep computed matrices in the user cache.

    Attributes
    ----------
    measure
        ``"min"``.
    method
        ``"road:<network name>"``.
    """

    measure = "min"

    def __init__(
        self,
        network: RoadNetwork,
        *,
        max_snap_km: float = MAX_SNAP_KM,
        horizon: float = HORIZON_MIN,
        disk_cache: bool = True,
    ) -> None:
        self.network = network
        self.max_snap_km = float(max_snap_km)
        self.horizon = float(horizon)
        self.disk_cache = disk_cache
        self.method = f"road:{network.name}"
        self._memory: dict[str, np.ndarray] = {}
        self.computed = 0

    # -- the network's parts, made once ---------------------------------------------

    @cached_property
    def pieces(self) -> np.ndarray:
        """Weakly connected piece of each node."""
        from scipy.sparse.csgraph import connected_components

        if self.network.n_nodes == 0:
            return np.zeros(0, dtype=np.int64)
        return connected_components(self.network.csr, directed=True, connection="weak")[1]

    @cached_property
    def snapper(self) -> Snapper:
        """KD-tree of the nodes points may snap to."""
        return Snapper(np.asarray(self.network.lon), np.asarray(self.network.lat), self.pieces)

    @cached_property
    def reversed_csr(self):  # noqa: ANN201 (scipy.sparse.csr_matrix)
        """The graph with every edge turned around (for searches from destinations)."""
        return self.network.csr.T.tocsr()

    def snap(self, points: Points) -> Snapped:
        """Nearest node of each point (``-1`` farther than :attr:`max_snap_km`)."""
        return self.snapper.snap(points, max_km=self.max_snap_km)

    def describe(self) -> dict[str, object]:
        """The network as reports name it (extract, date, checksum), with the settings."""
        return {
            **self.network.describe(),
            "max_snap_km": self.max_snap_km,
            "horizon_min": self.horizon,
        }

    # -- the backend protocol --------------------------------------------------------

    def dense(self, origins: Points, destinations: Points, *, limit: float | None = None) -> np.ndarray:
        """Minutes from each origin to each destination (``inf`` beyond ``limit``, or
        :attr:`horizon` when no limit is given, and where there is no route)."""
        cutoff = self.horizon if limit is None else float(limit)
        a, b = self.snap(origins).node, self.snap(destinations).node
        ua, ia = np.unique(a[a >= 0], return_inverse=True)
        ub, ib = np.unique(b[b >= 0], return_inverse=True)
        small = self.node_matrix(ua, ub, cutoff)
        out = np.full((len(a), len(b)), np.inf)
        rows, cols = np.flatnonzero(a >= 0), np.flatnonzero(b >= 0)
        if len(rows) and len(cols):
            out[np.ix_(rows, cols)] = small[np.ix_(ia.ravel(), ib.ravel())]
        out[out > cutoff] = np.inf
        return out

    def pairs(
        self, origins: Points, destinations: Points, *, limit: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs within ``limit`` minutes, sorted by origin then destination."""
        values = self.dense(origins, destinations, limit=limit)
        rows, cols = np.nonzero(np.isfinite(values))
        return rows, cols, values[rows, cols]

    def connected(self, origins: Points, destinations: Points) -> np.ndarray:
        """Whether a route exists from each origin to each destination, however long:
        both snapped, and the destination's node reachable from the origin's along the
        edges' directions (a one-way ferry to an island is no way back). ``False`` means
        no route by road or ferry. One search per origin node: meant for the few
        origins beyond the horizon."""
        from scipy.sparse.csgraph import breadth_first_order

        a, b = self.snap(origins).node, self.snap(destinations).node
        out = np.zeros((len(a), len(b)), dtype=bool)
        if not len(a) or not len(b):
            return out
        pa = np.where(a >= 0, self.pieces[np.maximum(a, 0)], -1)
        pb = np.where(b >= 0, self.pieces[np.maximum(b, 0)], -2)
        weak = pa[:, None] == pb[None, :]  # necessary: the same weakly connected piece
        for node in np.unique(a[weak.any(axis=1)]):
            reach = np.zeros(self.network.n_nodes, dtype=bool)
            reach[
                breadth_first_order(self.network.csr, int(node), directed=True, return_predecessors=False)
            ] = True
            rows = a == node
            out[rows] = weak[rows] & reach[np.maximum(b, 0)][None, :]
        return out

    # -- the shortest paths ----------------------------------------------------------

    def node_matrix(self, sources: np.ndarray, targets: np.ndarray, limit: float) -> np.ndarray:
        """Minutes from network nodes ``sources`` to nodes ``targets`` (``inf`` beyond
        ``limit``); cached."""
        if len(sources) == 0 or len(targets) == 0:
            return np.full((len(sources), len(targets)), np.inf)
        key = self._key(sources, targets, limit)
        if key in self._memory:
            return self._memory[key]
        found = self._read(key, (len(sources), len(targets)))
        if found is None:
            found = self._compute(sources, targets, limit)
            self._write(key, found)
        if len(self._memory) >= _MEMORY:
            self._memory.pop(next(iter(self._memory)))
        self._memory[key] = found
        return found

    def _compute(self, sources: np.ndarray, targets: np.ndarray, limit: float) -> np.ndarray:
        from scipy.sparse.csgraph import dijkstra

        backwards = len(targets) < len(sources)
        graph = self.reversed_csr if backwards else self.network.csr
        start, keep = (targets, sources) if backwards else (sources, targets)
        n = max(self.network.n_nodes, 1)
        step = max(1, _CELLS // n)
        out = np.empty((len(start), len(keep)))
        for i in range(0, len(start), step):
            dist = dijkstra(graph, directed=True, indices=start[i : i + step], limit=limit)
            out[i : i + step] = dist[:, keep]
        self.computed += len(start)
        return out.T.copy() if backwards else out

    def _key(self, sources: np.ndarray, targets: np.ndarray, limit: float) -> str:
        digest = hashlib.sha256()
        extract = self.network.meta.get("extract", {})
        digest.update(str(extract.get("sha256") if isinstance(extract, dict) else "").encode())
        digest.update(self.network.name.encode())
        digest.update(str(self.network.meta.get("built")).encode())
        digest.update(np.ascontiguousarray(sources, dtype=np.int64).tobytes())
        digest.update(b"|")
        digest.update(np.ascontiguousarray(targets, dtype=np.int64).tobytes())
        digest.update(repr(float(limit)).encode())
        return digest.hexdigest()[:32]

    def _read(self, key: str, shape: tuple[int, int]) -> np.ndarray | None:
        if not self.disk_cache:
            return None
        path = folder() / ".matrices" / f"{key}.npy"
        try:
            values = np.load(path) if path.is_file() else None
        except (OSError, ValueError):
            return None
        return values if values is not None and values.shape == shape else None

    def _write(self, key: str, values: np.ndarray) -> None:
        if not self.disk_cache:
            return
        from geo_zaitaku._io import atomic_path

        try:
            target = folder() / ".matrices" / f"{key}.npy"
            with atomic_path(target) as tmp, tmp.open("wb") as f:
                np.save(f, values)
        except OSError as exc:
            warnings.warn(str(labels.error("roads_matrix_cache", error=exc)), stacklevel=3)


def far_from_road(
    backend: TravelTime, points: Points, *, kind: str, names: pd.Series | None = None
) -> pd.DataFrame:
    """The points that could not be snapped (farther than ``max_snap_km`` from a road).

    Returns
    -------
    pandas.DataFrame
        Columns ``kind`` (``"unit"`` or ``"facility"``), ``id``, ``name``, ``km``
        (distance to the nearest road node), ``lon``, ``lat``.
    """
    snapped = backend.snap(points)
    far = np.flatnonzero(snapped.node < 0)
    return pd.DataFrame(
        {
            "kind": kind,
            "id": [points.ids[i] for i in far],
            "name": [None if names is None else names.get(points.ids[i]) for i in far],
            "km": np.round(snapped.km[far], 3),
            "lon": points.lon[far],
            "lat": points.lat[far],
        },
        columns=["kind", "id", "name", "km", "lon", "lat"],
    )
