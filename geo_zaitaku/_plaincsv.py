"""The fast path of :func:`geo_zaitaku._io.read_text_table`: plain CSV files parsed by
Apache Arrow's CSV reader (``pyarrow.csv``) instead of Python's ``csv`` module.

A file takes this path only when its rows are exactly its lines, so that every row
keeps the line number the ``csv`` module would give it: no quote character at all (so
no quoted field spans lines, and no field needs unquoting), no NUL byte (which the
``csv`` module refuses), no carriage return other than in ``CRLF``, and every row as
wide as the header row (title lines above the header do not count). Anything else — a
quoted field, a row shorter or longer than the header, a lone carriage return, an
encoding other than UTF-8 and cp932 — returns ``None`` and the file is read by the
``csv`` module as before; the cells, line numbers and messages are the same either way
(property-tested on generated files, tests/test_plaincsv.py).
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo_zaitaku import labels
from geo_zaitaku._cells import as_written, header_of, tidy_cell
from geo_zaitaku._errors import InputError

#: Rows among which the header is looked for (as :func:`geo_zaitaku._io._parse_rows`).
HEAD_ROWS = 20
#: Bytes scanned at a time for line breaks (no file-sized temporary array).
_SCAN = 1 << 24
#: The characters Python's ``str.strip`` removes (every character whose ``isspace()`` is
#: true), for Arrow's trim.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: Encodings the reader may meet whose bytes for ``"``, ``\n``, ``\r``, NUL, ``,`` and
#: tab only ever stand for those characters (so lines can be found in the raw bytes).
_ASCII_SAFE = ("utf-8-sig", "cp932")


@dataclass(eq=False)
class PlainTable:
    """A plain file read by Arrow: the header line, column names, the Arrow table of
    text columns (as wide as the header row, which may end in unnamed columns) and the
    line number of each of its rows. (Not frozen: :meth:`cells` lets go of the table.)"""

    header_line: int
    names: list[str]
    table: object
    lines: np.ndarray
    written: dict[str, str]

    def cells(self) -> tuple[int, list[str], np.ndarray, np.ndarray, dict[str, str]] | None:
        """The header line, names, cells (2-D object array, as
        :func:`geo_zaitaku._cells.tidy_cells` makes them) and line numbers; ``None`` when
        every row is blank. The Arrow columns are let go one by one as they are
        converted (the table too), so the file is never held twice in full."""
        columns = list(self.table.columns)  # type: ignore[attr-defined]
        self.table = None
        n, width = len(self.lines), len(self.names)
        values = np.empty((n, width), dtype=object)
        blank = np.ones(n, dtype=bool)
        for j in range(len(columns)):
            cells = _tidy_column(columns[j])
            columns[j] = None
            blank &= np.equal(cells, None)
            if j < width:
                values[:, j] = cells
        keep = ~blank  # rows of blank cells are not rows
        if not keep.any():
            return None
        lines = self.lines
        if not keep.all():
            values, lines = values[keep], lines[keep]
        return self.header_line, self.names, values, lines, self.written


def read_plain(
    raw: bytes, codec: str, delimiter: str, *, path: Path, what: str, header_hint: tuple[str, ...]
) -> PlainTable | None:
    """A plain file (see the module docstring) read by Arrow, or ``None`` when the file
    is not plain and must take the slow path. ``raw`` is not needed afterwards."""
    if codec not in _ASCII_SAFE:
        return None
    offset = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    if b'"' in raw or b"\x00" in raw or raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    starts, stops = _line_bounds(raw, offset)
    lengths = stops - starts
    encoding = "utf-8" if codec == "utf-8-sig" else codec
    # the rows the csv module yields: lines with a cell that is not blank
    head: list[tuple[int, list[str]]] = []
    for k in range(len(starts)):
        if lengths[k] == 0:
            continue
        try:
            row = next(csv.reader([raw[starts[k] : stops[k]].decode(encoding)], delimiter=delimiter))
        except csv.Error as exc:  # a cell longer than the csv module's limit (131,072 characters)
            raise InputError(
                labels.error("csv_unreadable", error=exc), path=path, where=labels.at_line(k + 1)
            ) from exc
        if "".join(row).strip():
            head.append((k + 1, row))
            if len(head) == HEAD_ROWS:
                break
    header_index, header_line, names = header_of(head, path=path, what=what, header_hint=header_hint)
    below = header_line  # 0-based index of the first line under the header
    if below >= len(starts):
        return None  # no rows: the slow path says so
    ncols = len(head[header_index][1])
    table = _arrow_table(raw, int(starts[below]), delimiter, ncols, encoding)
    lines = np.flatnonzero(lengths[below:] > 0) + below + 1  # Arrow skips empty lines only
    if table is None or table.num_rows != len(lines):  # type: ignore[attr-defined]
        return None
    return PlainTable(header_line, names, table, lines, as_written(names, head[header_index][1]))


def _line_bounds(raw: bytes, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (without the line break) of every line of ``raw[offset:]``."""
    buffer = np.frombuffer(raw, dtype=np.uint8)
    ends = np.concatenate(
        [np.flatnonzero(buffer[i : i + _SCAN] == ord("\n")) + i for i in range(offset, len(raw), _SCAN)]
        or [np.empty(0, dtype=np.int64)]
    )
    starts = np.concatenate(([offset], ends + 1))
    stops = np.concatenate((ends, [len(raw)]))
    crlf = (stops > starts) & (buffer[np.maximum(stops - 1, 0)] == ord("\r"))
    stops = stops - crlf
    if raw.endswith(b"\n"):  # no line after the last line break
        starts, stops = starts[:-1], stops[:-1]
    return starts, stops


def _tidy_column(column: object) -> np.ndarray:
    """One column's cells as :func:`geo_zaitaku._cells.tidy_cells` makes them: each
    distinct text tidied once (:func:`geo_zaitaku._cells.tidy_cell`), equal cells sharing
    one string.

    Most texts are their own tidy form (nothing to strip, not empty, no quote in front),
    and Arrow finds those at once (trimming exactly :data:`WHITESPACE`); only the others
    go through :func:`~geo_zaitaku._cells.tidy_cell` one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pool = pa.system_memory_pool()
    encoded = pc.dictionary_encode(column.combine_chunks(memory_pool=pool), memory_pool=pool)  # type: ignore[attr-defined]
    texts = encoded.dictionary
    stripped = pc.equal(pc.utf8_trim(texts, characters=WHITESPACE), texts)
    filled = pc.greater(pc.utf8_length(texts), 0)
    as_is = pc.and_(pc.and_(stripped, filled), pc.invert(pc.starts_with(texts, "'")))
    tidy = texts.to_numpy(zero_copy_only=False)  # (a new, writable array of str)
    others = np.flatnonzero(~as_is.to_numpy(zero_copy_only=False))
    if len(others):
        tidy[others] = [tidy_cell(tidy[k]) for k in others]
    return tidy[encoded.indices.to_numpy(zero_copy_only=False)]


def _arrow_table(raw: bytes, start: int, delimiter: str, ncols: int, encoding: str) -> object | None:
    """The lines of ``raw[start:]`` as a table of ``ncols`` text columns (read in
    place, decoded as it is parsed), or ``None`` when a line has another number of
    cells."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    names = [f"c{j}" for j in range(ncols)]
    try:
        return pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(raw).slice(start)),
            # (the C library's allocator gives each column back as it is let go)
            memory_pool=pa.system_memory_pool(),
            read_options=pacsv.ReadOptions(column_names=names, encoding=encoding),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char=False, newlines_in_values=False, ignore_empty_lines=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:
        return None
