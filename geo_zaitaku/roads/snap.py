"""Snapping points to the road network: each point goes to its nearest node.

Nodes are searched with a KD-tree on the unit sphere (exact great-circle distance, no
projection). Only nodes of connected pieces of the network with at least
:data:`MIN_PIECE` nodes (or of the largest piece, when all are smaller) are
candidates, so that a point is not tied to a stray fragment (a parking aisle cut off
from the rest). A point farther than ``max_km`` (1 km by default) from every candidate
is not snapped: its travel times are unknown (``inf``), and it is listed by
:func:`far_from_road` (islands without roads, mis-placed facilities), never dropped
silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo_zaitaku.costs import Points

#: Smallest connected piece (nodes) whose nodes points may snap to.
MIN_PIECE = 10
#: Largest distance (km) from a point to its node.
MAX_SNAP_KM = 1.0
_EARTH_KM = 6371.0088


@dataclass(frozen=True, eq=False)
class Snapped:
    """Where points meet the network.

    Attributes
    ----------
    node
        Node of each point (``-1``: farther than ``max_km`` from any road).
    km
        Distance from each point to its nearest candidate node.
    """

    node: np.ndarray
    km: np.ndarray


def sphere(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (x, y, z)."""
    lo, la = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


class Snapper:
    """A KD-tree over the candidate nodes of a network.

    Parameters
    ----------
    lon, lat
        Node positions.
    pieces
        Connected piece of each node (weak components).
    """

    def __init__(self, lon: np.ndarray, lat: np.ndarray, pieces: np.ndarray) -> None:
        from scipy.spatial import cKDTree

        sizes = np.bincount(pieces) if len(pieces) else np.zeros(0, dtype=int)
        floor = min(MIN_PIECE, int(sizes.max()) if len(sizes) else 0)
        self.candidates = np.flatnonzero(sizes[pieces] >= floor) if len(pieces) else np.zeros(0, dtype=int)
        self.tree = cKDTree(sphere(lon[self.candidates], lat[self.candidates]))

    def snap(self, points: Points, *, max_km: float = MAX_SNAP_KM) -> Snapped:
        """The nearest candidate node of each point (``-1`` beyond ``max_km``)."""
        if len(points) == 0 or len(self.candidates) == 0:
            return Snapped(np.full(len(points), -1, dtype=np.int64), np.full(len(points), np.inf))
        chord, idx = self.tree.query(sphere(points.lon, points.lat), k=1)
        km = 2 * _EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))
        node = self.candidates[idx].astype(np.int64)
        node[~(km <= max_km)] = -1
        return Snapped(node, km)
