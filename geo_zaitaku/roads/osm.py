"""Reading an OpenStreetMap extract in one streaming pass (pyosmium).

:func:`read_ways` keeps what a car can use: ways of a driven ``highway`` class open
to cars (:mod:`geo_zaitaku.roads.speeds`) and ferry routes (ways tagged
``route=ferry``), with the positions of their nodes. Node positions are held by
libosmium's location index (in memory for small files, in a temporary file on disk for
large ones, so that memory stays bounded by the roads kept, not by the whole
extract); only tagged ways reach Python.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import check_input_path
from geo_zaitaku.roads.speeds import SpeedTable, car_access, direction, parse_duration, parse_maxspeed

#: Files larger than this keep node positions in a temporary file instead of memory.
DISK_INDEX_BYTES = 64_000_000
#: Coordinate of a node missing from the extract (libosmium's undefined location).
UNDEFINED = 2**31 - 1
#: Ways between two progress reports.
_REPORT_EVERY = 20_000

#: ``progress(step, done, total)``: ``step`` is ``"read"`` (``done`` ways kept so far).
ProgressCallback = Callable[[str, int, int | None], None]


@dataclass(frozen=True, eq=False)
class Extract:
    """What identifies an extract: its file, size, SHA-256 and date.

    Attributes
    ----------
    path
        The file.
    name
        Its name (``kyushu-latest.osm.pbf``).
    size
        Bytes.
    sha256
        Checksum of the file.
    date
        The data's date: the header's replication timestamp when present, else the
        file's modification time (ISO 8601).
    format
        ``"pbf"`` or ``"osm"`` (XML, possibly ``.gz``/``.bz2``).
    """

    path: Path
    name: str
    size: int
    sha256: str
    date: str
    format: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "source": str(self.path),
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "date": self.date,
            "format": self.format,
        }


@dataclass(frozen=True, eq=False)
class Ways:
    """The drivable ways of an extract, as flat arrays.

    Attributes
    ----------
    refs, x, y
        Node ids and positions (1e-7 degrees; :data:`UNDEFINED` for nodes missing from
        the extract) of every way, one after the other.
    start, count
        Where each way's nodes are in :attr:`refs`.
    kmh
        Speed of each way (a ferry's: its speed when it has no duration).
    direction
        ``1`` along, ``-1`` against, ``0`` both ways.
    ferry
        Whether the way is a ferry route.
    minutes
        A ferry's tagged duration (NaN otherwise).
    """

    refs: np.ndarray
    x: np.ndarray
    y: np.ndarray
    start: np.ndarray
    count: np.ndarray
    kmh: np.ndarray
    direction: np.ndarray
    ferry: np.ndarray
    minutes: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def detect_format(path: Path) -> str:
    """``"pbf"``, ``"osm"``, ``"osm.gz"`` or ``"osm.bz2"`` from the file's first bytes.

    Raises
    ------
    InputError
        Not an OpenStreetMap PBF or XML file.
    """
    with path.open("rb") as f:
        head = f.read(64)
    if len(head) > 15 and head[4:6] == b"\x0a\x09" and head[6:15] == b"OSMHeader":
        return "pbf"
    if head.startswith(b"\x1f\x8b"):
        return "osm.gz"
    if head.startswith(b"BZh"):
        return "osm.bz2"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"<?xml", b"<osm")):
        return "osm"
    raise InputError(labels.error("osm_not_osm"), path=path)


def describe_extract(path: str | Path) -> Extract:
    """Check that ``path`` is an OSM extract and compute its checksum and date.

    Raises
    ------
    InputError
        A path refused by :func:`geo_zaitaku._io.check_input_path`, or not PBF / OSM XML.
    """
    p = check_input_path(path, what=labels.FILES["osm"])
    fmt = detect_format(p)
    digest = hashlib.sha256()
    with p.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    date = _header_date(p, fmt) or datetime.fromtimestamp(p.stat().st_mtime, UTC).isoformat(
        timespec="seconds"
    )
    return Extract(p, p.name, p.stat().st_size, digest.hexdigest(), date, fmt)


def _header_date(path: Path, fmt: str) -> str | None:
    import osmium

    try:
        reader = osmium.io.Reader(osmium.io.File(str(path), fmt), osmium.osm.osm_entity_bits.NOTHING)
        try:
            stamp = reader.header().get("osmosis_replication_timestamp")
        finally:
            reader.close()
    except RuntimeError as exc:
        raise InputError(labels.error("osm_unreadable", error=exc), path=path) from exc
    return stamp or None


@contextlib.contextmanager
def _location_storage(size: int) -> Iterator[str]:
    if size <= DISK_INDEX_BYTES:
        yield "flex_mem"
        return
    with tempfile.TemporaryDirectory(prefix="geo_zaitaku_roads_") as tmp:
        yield f"sparse_file_array,{Path(tmp) / 'locations.bin'}"


def read_ways(extract: Extract, speeds: SpeedTable, *, progress: ProgressCallback | None = None) -> Ways:
    """Read the drivable ways and ferries of an extract in one pass.

    Raises
    ------
    InputError
        libosmium cannot read the file (truncated, corrupt).
    """
    import osmium

    refs, xs, ys = array("q"), array("i"), array("i")
    start, count, kmh, dirs, ferry, minutes = (
        array("q"),
        array("q"),
        array("d"),
        array("b"),
        array("b"),
        array("d"),
    )
    classes = speeds.highway
    with _location_storage(extract.size) as storage:
        processor = (
            osmium.FileProcessor(osmium.io.File(str(extract.path), extract.format))
            .with_locations(storage)
            .with_filter(osmium.filter.KeyFilter("highway", "route"))
        )
        try:
            for obj in processor:
                if not obj.is_way():
                    continue
                tags = obj.tags
                highway = tags.get("highway")
                if highway in classes:
                    if not car_access(tags):
                        continue
                    way_dir = direction(tags, highway)
                    if way_dir is None:
                        continue
                    speed = speeds.way_speed(highway, parse_maxspeed(tags.get("maxspeed")))
                    is_ferry, duration = 0, float("nan")
                elif tags.get("route") == "ferry":
                    if not car_access(tags, ("access",)):
                        continue
                    way_dir = direction(tags, None)
                    if way_dir is None:
                        continue
                    speed = speeds.ferry_kmh
                    is_ferry = 1
                    d = parse_duration(tags.get("duration"))
                    duration = float("nan") if d is None else d
                else:
                    continue
                nodes = obj.nodes
                if len(nodes) < 2:
                    continue
                start.append(len(refs))
                count.append(len(nodes))
                for nr in nodes:
                    refs.append(nr.ref)
                    xs.append(nr.x)
                    ys.append(nr.y)
                kmh.append(speed)
                dirs.append(way_dir)
                ferry.append(is_ferry)
                minutes.append(duration)
                if progress is not None and len(start) % _REPORT_EVERY == 0:
                    progress("read", len(start), None)
        except RuntimeError as exc:
            raise InputError(labels.error("osm_unreadable", error=exc), path=extract.path) from exc
    if progress is not None:
        progress("read", len(start), len(start))
    return Ways(
        refs=np.frombuffer(refs, dtype=np.int64),
        x=np.frombuffer(xs, dtype=np.int32),
        y=np.frombuffer(ys, dtype=np.int32),
        start=np.frombuffer(start, dtype=np.int64),
        count=np.frombuffer(count, dtype=np.int64),
        kmh=np.frombuffer(kmh, dtype=np.float64),
        direction=np.frombuffer(dirs, dtype=np.int8),
        ferry=np.frombuffer(ferry, dtype=np.int8).astype(bool),
        minutes=np.frombuffer(minutes, dtype=np.float64),
    )
