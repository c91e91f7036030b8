"""Work that GDAL and GEOS do with Python's lock released, spread over the processors.

A vectorised shapely operation (``shapely.intersection`` of 4,403 pairs of neighbouring
units when the adjacency is measured) and reading a GeoJSON file through Arrow
(pyogrio ``use_arrow=True``) mostly run without the GIL, so threads run them side by
side; results come back in input order, and an error is raised as the same loop would
raise it (the first failing item in order).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")
R = TypeVar("R")

#: At most this many threads, however many processors there are.
MAX_THREADS = 8
#: Arrays shorter than this are not split (threads would cost more than they save).
MIN_SPLIT = 512


def workers() -> int:
    """The processors this process may run on (at most :data:`MAX_THREADS`)."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_THREADS))


def thread_map(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[function(x) for x in items]``, on :func:`workers` threads."""
    items = list(items)
    n = min(len(items), workers())
    if n <= 1:
        return [function(x) for x in items]
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(function, items))


def split_apply(function: Callable[..., np.ndarray], *arrays: np.ndarray) -> np.ndarray:
    """``function(*arrays)`` for an element-wise array function (a shapely ufunc),
    computed on slices of the arrays on :func:`workers` threads and joined."""
    n = len(arrays[0])
    k = workers()
    if k <= 1 or n < MIN_SPLIT:
        return function(*arrays)
    cuts = np.array_split(np.arange(n), 4 * k)  # (several slices a thread: uneven costs)
    parts = thread_map(lambda s: function(*(a[s] for a in arrays)), cuts)
    return np.concatenate(parts)
