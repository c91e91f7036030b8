"""The road network as stored in the user cache: CSR arrays and node positions.

One folder per network under ``<cache dir>/roads/``::

    <name>/indptr.npy     int64, nodes + 1      edges leaving node i: indptr[i]:indptr[i+1]
    <name>/indices.npy    int32, edges           the node each edge goes to
    <name>/minutes.npy    float64, edges         its travel time (minutes)
    <name>/lon.npy, lat.npy  float64, nodes      node positions (degrees)
    <name>/network.json                          extract (name, date, SHA-256), speeds, counts

The arrays are read memory-mapped, so a large network opens at once. A network is
named after its extract and prefectures (``kyushu-latest_43``); ``--travel-time`` takes
that name or the folder's path.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import numpy as np

from geo_zaitaku import cache, labels
from geo_zaitaku._errors import CacheError, InputError
from geo_zaitaku._io import json_text

#: Arrays of a stored network.
ARRAYS = ("indptr", "indices", "minutes", "lon", "lat")
#: The sidecar with what the network was built from.
META = "network.json"
#: Version of the stored layout.
FORMAT = 1


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road graph with travel times.

    Attributes
    ----------
    indptr, indices, minutes
        The graph in compressed sparse row form: edges leaving node ``i`` are
        ``indices[indptr[i]:indptr[i + 1]]`` with times ``minutes[...]``.
    lon, lat
        Node positions.
    meta
        What it was built from: ``name``, ``extract`` (name, date, SHA-256, size),
        ``prefectures``, ``margin_km``, ``speeds``, ``counts``, ``built``.
    """

    indptr: np.ndarray
    indices: np.ndarray
    minutes: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    meta: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def name(self) -> str:
        """The network's name (its folder in the cache)."""
        return str(self.meta.get("name", "roads"))

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.lon)

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return len(self.indices)

    @cached_property
    def csr(self):  # noqa: ANN201 (scipy.sparse.csr_matrix)
        """The graph as a ``scipy.sparse.csr_matrix`` of minutes."""
        from scipy.sparse import csr_matrix

        n = self.n_nodes
        return csr_matrix(
            (np.asarray(self.minutes, dtype=np.float64), np.asarray(self.indices), np.asarray(self.indptr)),
            shape=(n, n),
        )

    def describe(self) -> dict[str, object]:
        """What a report says about the network (name, extract, date, checksum)."""
        extract = dict(self.meta.get("extract", {}))  # type: ignore[arg-type]
        return {
            "name": self.name,
            "extract": extract.get("name"),
            "date": extract.get("date"),
            "sha256": extract.get("sha256"),
            "prefectures": list(self.meta.get("prefectures", [])),  # type: ignore[arg-type]
            "nodes": self.n_nodes,
            "edges": self.n_edges,
            "built": self.meta.get("built"),
        }


#: Longest network name, in bytes of UTF-8 (a folder name; file systems allow 255).
MAX_NAME_BYTES = 120


def check_name(name: str, *, where: str = "--name") -> str:
    """``name`` when it can name a network folder in the cache: not empty, not ``.``
    or ``..``, no path separators or control characters, not starting with a dot
    (the cache's own staging folders) and at most :data:`MAX_NAME_BYTES` bytes.

    Raises
    ------
    InputError
        Any of these (a name is never taken as a path: ``--name ../x`` would write,
        and replace, a folder outside the cache).
    """
    bad = (
        not name
        or name.startswith(".")
        or any(ch in name for ch in "/\\:")
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
        or len(name.encode("utf-8")) > MAX_NAME_BYTES
    )
    if bad:
        raise InputError(labels.error("roads_bad_name", name=name, limit=MAX_NAME_BYTES), where=where)
    return name


def folder() -> Path:
    """The cache folder of road networks."""
    return cache.folder("roads")


def save_network(network: RoadNetwork, *, target: Path | None = None) -> Path:
    """Store a network (replacing one of the same name) and return its folder.

    The arrays are written into a temporary folder beside the target and moved into
    place once complete.

    Raises
    ------
    CacheError
        The cache folder cannot be written.
    """
    with cache.writing("roads") as base:
        dest = target if target is not None else base / check_name(network.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
        try:
            for key in ARRAYS:
                np.save(tmp / f"{key}.npy", np.ascontiguousarray(getattr(network, key)))
            meta = {**dict(network.meta), "format": FORMAT}
            (tmp / META).write_text(json_text(meta, indent=2) + "\n", encoding="utf-8")
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp, dest)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return dest


def network_path(name: str | Path) -> Path:
    """The folder of a network given by name (in the cache) or by path.

    Raises
    ------
    InputError
        No such network (the message lists the cached ones).
    """
    text = str(name)
    candidates = [Path(text)] if ("/" in text or os.sep in text or Path(text).is_dir()) else []
    candidates.append(folder() / text)
    for path in candidates:
        if (path / META).is_file():
            return path
    known = ", ".join(n["name"] for n in list_networks()) or labels.ERROR_PARTS["none"]
    raise InputError(labels.error("roads_unknown_network", known=known), where=f"--travel-time {text}")


def load_network(name: str | Path) -> RoadNetwork:
    """Open a stored network (arrays memory-mapped).

    Raises
    ------
    InputError
        No such network, or its files are unreadable (the message says to build it again).
    """
    path = network_path(name)
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
        arrays = {key: np.load(path / f"{key}.npy", mmap_mode="r") for key in ARRAYS}
    except (OSError, ValueError) as exc:
        raise CacheError(labels.error("roads_unreadable", error=exc), path=path) from exc
    if meta.get("format") != FORMAT:
        raise CacheError(labels.error("roads_unreadable", error=f"format {meta.get('format')}"), path=path)
    problem = _inconsistent(arrays)
    if problem:
        raise CacheError(labels.error("roads_unreadable", error=problem), path=path)
    return RoadNetwork(**arrays, meta=MappingProxyType(meta))


def _inconsistent(arrays: Mapping[str, np.ndarray]) -> str:
    """What is wrong with a stored network's arrays ('' when they fit together): a
    damaged cache would otherwise index out of bounds (or crash scipy's C code)."""
    indptr, indices, minutes = arrays["indptr"], arrays["indices"], arrays["minutes"]
    n = len(arrays["lon"])
    if len(arrays["lat"]) != n or len(indptr) != n + 1:
        return "lon/lat/indptr lengths differ"
    if len(indices) != len(minutes) or int(indptr[0]) != 0 or int(indptr[-1]) != len(indices):
        return "indptr/indices/minutes lengths differ"
    if len(indptr) > 1 and bool((np.diff(indptr) < 0).any()):
        return "indptr is not increasing"
    if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= n):
        return "an edge leads to no node"
    if len(minutes) and not bool(np.isfinite(minutes).all() and (np.asarray(minutes) >= 0).all()):
        return "travel times not finite and non-negative"
    return ""


def list_networks() -> list[dict[str, object]]:
    """Every stored network: its name, folder, size on disk and what it was built from."""
    base = folder()
    out = []
    if not base.is_dir():
        return out
    for path in sorted(base.iterdir()):
        meta_file = path / META
        if not meta_file.is_file():
            continue
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        out.append({**meta, "name": path.name, "path": str(path), "disk_bytes": size})
    return out


def has_network(name: str) -> bool:
    """Whether the cache holds a network called ``name``."""
    return (folder() / name / META).is_file()


def stored_network(name: str) -> Path:
    """The cache folder of the network called ``name``.

    Raises
    ------
    InputError
        Not a network name, or no network of that name in the cache (the message
        lists those there are).
    """
    path = folder() / check_name(name, where=name)
    if not has_network(name):
        known = ", ".join(str(n["name"]) for n in list_networks()) or labels.ERROR_PARTS["none"]
        raise InputError(labels.error("roads_unknown_network", known=known), where=name)
    return path


def delete_network(name: str) -> Path:
    """Remove one stored network (by its name in the cache) and return its folder.

    Raises
    ------
    InputError
        See :func:`stored_network`.
    """
    path = stored_network(name)
    shutil.rmtree(path)
    return path


def clear_networks() -> int:
    """Remove every stored network (and cached matrices); return how many networks."""
    base = folder()
    n = 0
    if not base.is_dir():
        return 0
    for path in base.iterdir():
        if path.is_dir():
            n += (path / META).is_file()
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file():
            path.unlink()
    return n
