"""Reading users' tables and writing outputs safely.

- Text tables are read as text (codes keep their leading zeros) with the encoding
  detected among UTF-8, UTF-8 with BOM and cp932 (Shift_JIS), and every row keeps the
  line number it had in the file, so that messages can point at it.
- Every file a user names goes through :func:`check_input_path` before it is opened:
  a path with a NUL byte, a name too long for the file system, a missing path, and
  anything that is not a regular file (a FIFO, a socket, a device) is refused with an
  :class:`~geo_zaitaku.InputError`; only regular files (and folders, where a folder is
  asked for) are read.
- Outputs are written under a temporary name in the target directory and moved into
  place, so a failed run never leaves a half-written file where a good one was.
- JSON is written strictly (:func:`json_text`): ``NaN`` and ``Infinity`` are not JSON,
  so unknown values are written as ``null``.
- Every CSV the tool writes goes through :func:`write_csv`, which neutralises text
  cells that a spreadsheet would run as a formula
  (:func:`~geo_zaitaku._cells.neutralise_cell`); the readers undo exactly that quoting
  (:func:`~geo_zaitaku._cells.restore_cell`), so outputs read back as they were.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import html
import io
import json
import math
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._cells import FORMULA_PREFIXES, as_written, header_of, neutralise_cell, tidy_cells
from geo_zaitaku._errors import InputError
from geo_zaitaku._plaincsv import read_plain
from geo_zaitaku.labels import Message

#: Encodings tried in order. UTF-8 is strict, so cp932 text never passes as UTF-8.
ENCODINGS = ("utf-8-sig", "cp932")
#: Column holding the 1-based line number of each row in its source file.
LINE = "_line"


#: Kinds of non-regular files: ``stat`` test -> key of :data:`geo_zaitaku.labels.SPECIAL_FILES`.
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
)


def check_input_path(path: str | Path, *, what: str, folder_ok: bool = False) -> Path:
    """The one door for every file a user names: refuse what cannot be read safely.

    The path is looked up once with :meth:`pathlib.Path.stat` (following symbolic
    links); nothing is opened.

    Parameters
    ----------
    path
        The path as the user gave it.
    what
        What the file is, in Japanese, for messages (e.g. ``"施設CSV"``).
    folder_ok
        Accept a folder too (boundary files can be given as a folder).

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`: a regular file, or a folder when
        ``folder_ok``.

    Raises
    ------
    InputError
        The path holds a NUL byte, is too long for the file system (ENAMETOOLONG),
        does not exist, cannot be looked up (permission, symbolic-link loop), is a
        folder where a file is needed, or is not a regular file (a FIFO, a socket, a
        device). The message shows an odd path with :func:`repr` (NUL as ``\\x00``).
    """
    p = Path(path)
    try:
        st = p.stat()
    except ValueError as exc:  # "embedded null byte"
        raise InputError(
            labels.error("path_nul", what=what),
            path=p,
        ) from exc
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError(
                labels.error("path_too_long", what=what),
                path=p,
            ) from exc
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError(labels.error("file_not_found", what=what), path=p) from exc
        raise InputError(
            labels.error("file_inaccessible", what=what, strerror=exc.strerror),
            path=p,
        ) from exc
    if stat.S_ISDIR(st.st_mode):
        if folder_ok:
            return p
        raise InputError(
            labels.error("file_is_folder", what=what),
            path=p,
        )
    if not stat.S_ISREG(st.st_mode):
        kind = labels.SPECIAL_FILES[next((k for test, k in _SPECIAL_FILES if test(st.st_mode)), "other")]
        raise InputError(
            labels.error("file_not_regular", what=what, kind=kind.ja, kind_en=kind.en),
            path=p,
        )
    return p


def is_regular_file(path: str | Path) -> bool:
    """Whether ``path`` is a regular file (after symbolic links); ``False`` on any error.

    The quiet form of :func:`check_input_path`, for files found inside a folder
    given by the user: a FIFO, socket or device found there is passed over, never
    opened.
    """
    try:
        return stat.S_ISREG(Path(path).stat().st_mode)
    except (OSError, ValueError):
        return False


def read_input_bytes(path: str | Path, *, what: str) -> bytes:
    """Read a user's file whole, after :func:`check_input_path`.

    Raises
    ------
    InputError
        The path is refused by :func:`check_input_path`, or reading fails (permission).
    """
    p = check_input_path(path, what=what)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(
            labels.error("file_unreadable", what=what, strerror=exc.strerror),
            path=p,
        ) from exc


def read_input_text(path: str | Path, *, what: str, not_utf8: Message) -> str:
    """Read a user's UTF-8 text file whole (a BOM is dropped), after :func:`check_input_path`.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, as messages name it (:data:`geo_zaitaku.labels.FILES`).
    not_utf8
        The error raised when the file is not UTF-8 (it says how to save the file).

    Raises
    ------
    InputError
        The path is refused, reading fails, or the file is not UTF-8 (``not_utf8``).
    """
    raw = read_input_bytes(path, what=what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(not_utf8, path=path) from exc


@dataclass(frozen=True)
class TextTable:
    """A table read from a delimited text file.

    Attributes
    ----------
    frame
        All cells as text (``None`` for empty cells); column ``_line`` holds the line
        number of the row in the file (the header is line ``header_line``).
    path
        The file read.
    encoding
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with BOM) or ``"cp932"``.
    header_line
        Line number of the header row.
    comments
        Lines beginning with the ``comment`` prefix asked of the reader (``# key:
        value`` notes above a rate table), stripped; empty unless asked.
    """

    frame: pd.DataFrame
    path: Path
    encoding: str
    header_line: int
    comments: tuple[str, ...] = ()
    written: Mapping[str, str] = field(default_factory=dict)

    def as_written(self, column: str) -> str:
        """A column's header as the file has it (the frame's names are cleaned)."""
        return self.written.get(column, column)


def decode_text(path: Path, *, what: str) -> tuple[str, str]:
    """Read a text file and decode it as UTF-8 (with or without BOM) or cp932.

    Parameters
    ----------
    path
        File to read.
    what
        What the file is, in Japanese, for messages (e.g. ``"施設CSV"``).

    Returns
    -------
    (text, encoding)

    Raises
    ------
    InputError
        The path is refused by :func:`check_input_path` (missing, a folder, a FIFO, a
        NUL byte ...), or the file is empty or in neither encoding.
    """
    path = Path(path)
    raw = read_input_bytes(path, what=what)
    if not raw.strip():
        raise InputError(labels.error("file_empty", what=what), path=path)
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8"
        if enc == "cp932":
            _refuse_euc_jp(raw, path=path, what=what)
        return text, enc
    raise InputError(
        labels.error("file_encoding", what=what),
        path=path,
    )


_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def parse_number(text: object) -> float | None:
    """A number as users write it (full-width digits, thousands separators, spaces), or
    ``None`` when the text is not one.

    >>> parse_number("１，２００"), parse_number(" 3.5 "), parse_number("多い")
    (1200.0, 3.5, None)
    """
    if text is None:
        return None
    try:
        return float(unicodedata.normalize("NFKC", str(text)).replace(",", "").strip())
    except ValueError:
        return None


def one_line(value: object) -> str:
    """``value`` as text on one line: line breaks and control characters become spaces.

    For text placed in a comment or a Markdown table cell, where a line break would end the
    comment (and let the rest be read as a TOML line) or the row.
    """
    return _LINE_BREAKS.sub(" ", "" if value is None else str(value))


#: Characters a Japanese input method types in place of TOML's own (＝ for =, “ ” for ",
#: 、 for a comma, ［ ］ for brackets, the full-width space).
_WIDE_PUNCTUATION = re.compile("[＝“”＂、，［］｛｝\u3000]")
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_japanese(words: str) -> str:
    """tomllib's message with its meaning in Japanese first and the place as
    「3行目・5列目」: 「キーのあとに = がありません（3行目・5列目。Expected '=' …）」."""
    ja = next((v for k, v in labels.TOML_ERRORS.items() if words.startswith(k)), None)
    if ja is None:
        return words
    at = _TOML_AT.search(words)
    place = labels.TEXT["toml_at"].format(line=at.group(1), column=at.group(2)) if at else ""
    return f"{ja}（{place}{words}）"


def toml_error(exc: Exception, text: str | None = None) -> str:
    """What is wrong with a TOML text, for messages: tomllib's own words (with a hint
    when the line has full-width punctuation, or a bare key in Japanese), or that it is
    nested too deep for it (a ``RecursionError``)."""
    if isinstance(exc, RecursionError):
        return labels.TEXT["toml_too_deep"]
    words = _toml_japanese(str(exc))
    at = _TOML_AT.search(str(exc))
    if text is None or at is None:
        return words
    lines = text.splitlines()
    number = int(at.group(1))
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    code = line.split("#", 1)[0]
    if _WIDE_PUNCTUATION.search(re.sub(r'"[^"]*"', "", code)):  # (in a quoted name, 、 is just text)
        return words + labels.TEXT["toml_wide_punctuation"]
    key = code.split("=", 1)[0].strip()
    if "=" in code and key and not key.startswith(('"', "'", "[")) and re.search(r"[^\x00-\x7f]", key):
        return words + labels.TEXT["toml_bare_key"].format(key=key)
    if str(exc).startswith("Cannot overwrite a value") and "=" in code and key:  # a key written twice
        return words + labels.TEXT["toml_key_twice"].format(key=key.strip("\"'"))
    return words


def toml_string(value: object) -> str:
    """``value`` as a TOML basic string (JSON escapes are TOML escapes; TOML also bars DEL)."""
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


#: Characters Markdown (CommonMark and GitHub's tables) reads as markup inside a line
#: (``_`` is left alone: within a word, as in file names, it is no emphasis).
_MD_MARKUP = re.compile(r"([\\`*\[\]~|])")


def md_cell(value: object) -> str:
    """``value`` as Markdown text: one line, HTML characters as entities, and the
    characters Markdown reads as markup (``\\ ` * [ ] ~ |``) escaped with a backslash.

    Markdown viewers render raw HTML, links and emphasis, so a name from the user's
    files (``[x](http://…)``, ``*bold*``) must show as written, not as a link.
    """
    return _MD_MARKUP.sub(r"\\\1", html.escape(one_line(value), quote=False))


def md_table(frame: pd.DataFrame, *, floats: str | None = None, thousands: bool = False) -> list[str]:
    """A frame as the lines of a Markdown table (cells through :func:`md_cell`; empty for
    missing values; floats formatted with ``floats``, e.g. ``"{:.4f}"``, when given;
    numbers with thousands separators, 740,000, when ``thousands``)."""

    def cell(v: object) -> str:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return ""
        if floats is not None and isinstance(v, float):
            return floats.format(v)
        if thousands and isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
            return format(v, ",")
        return md_cell(v)

    header = "| " + " | ".join(md_cell(c) for c in frame.columns) + " |"
    sep = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return [header, sep, *rows]


def _encoding_of(raw: bytes, *, path: Path, what: str, chunk: int = 1 << 22) -> str:
    """``"utf-8-sig"`` (UTF-8 with BOM), ``"utf-8"`` or ``"cp932"``: the first of
    :data:`ENCODINGS` that decodes all of ``raw`` (checked in chunks, nothing kept).

    Raises
    ------
    InputError
        Neither encoding decodes the file.
    """
    import codecs

    for enc in ENCODINGS:
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            for start in range(0, len(raw), chunk):
                decoder.decode(raw[start : start + chunk])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
            return "utf-8"
        if enc == "cp932":
            _refuse_euc_jp(raw, path=path, what=what)
        return enc
    raise InputError(labels.error("file_encoding", what=what), path=path)


#: Bytes that Shift_JIS text is full of (the lead bytes of hiragana and of most kanji)
#: and EUC-JP text never has; and the bytes of EUC-JP's two-byte characters.
_SJIS_LEADS = re.compile(rb"[\x81-\x8d\x90-\xa0]")
_EUC_BYTES = re.compile(rb"[\xa1-\xfe]{2}")


def _refuse_euc_jp(raw: bytes, *, path: Path, what: str, sample: int = 1 << 20) -> None:
    """Refuse a file in EUC-JP: it decodes as cp932 too, into half-width katakana and
    stray kanji (「ﾅ・ﾟ」 for 熊本市), which would be read silently as names.

    Decided on the first ``sample`` bytes: EUC-JP text has two-byte characters
    (bytes 0xA1-0xFE) and none of the bytes that begin Shift_JIS's hiragana and most
    of its kanji (0x81-0x8D, 0x90-0xA0)."""
    head = raw[:sample]
    if _EUC_BYTES.search(head) is None or _SJIS_LEADS.search(head) is not None:
        return
    try:
        head.decode("euc_jp", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 2:  # not merely a character cut at the sample's end
            return
    raise InputError(labels.error("file_euc_jp", what=what), path=path)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`~geo_zaitaku._cells.neutralise_cell` applied to its
    header and to every text cell; columns of a numeric or boolean dtype are left untouched."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out.isetitem(i, _neutralised(column))
        elif isinstance(column.dtype, pd.CategoricalDtype):
            out.isetitem(i, _neutralised(column.astype(object)))
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def _neutralised(column: pd.Series) -> pd.Series:
    """:func:`~geo_zaitaku._cells.neutralise_cell` of every cell of a text column (only the
    cells that begin with a formula prefix are looked at twice; most columns have none)."""
    values = column.tolist()
    try:
        distinct = set(values)
    except TypeError:  # an unhashable cell: look at every cell
        distinct = None
    if distinct is not None:
        bad = {v for v in distinct if isinstance(v, str) and v.startswith(FORMULA_PREFIXES)}
        if not bad:
            return column
        risky = [i for i, v in enumerate(values) if isinstance(v, str) and v in bad]
    else:
        risky = [i for i, v in enumerate(values) if isinstance(v, str) and v.startswith(FORMULA_PREFIXES)]
    if not risky:
        return column
    for i in risky:
        values[i] = neutralise_cell(values[i])
    return pd.Series(values, index=column.index, dtype=object, name=column.name)


def read_text_table(
    path: str | Path,
    *,
    what: str,
    header_hint: tuple[str, ...] = (),
    comment: str | None = None,
) -> TextTable:
    """Read a CSV (or TSV) file as text, keeping line numbers.

    Blank lines are skipped. Leading rows before the header (a title line that some
    offices put above the table) are skipped when ``header_hint`` is given: the header
    is the first row with a cell in ``header_hint``; otherwise it is the first non-blank
    row.

    Parameters
    ----------
    path
        File to read.
    what
        What the file is, in Japanese, for messages.
    header_hint
        Column names (already normalised with :func:`~geo_zaitaku._cells.clean_header`) of
        which at least one appears in the header row.
    comment
        Keep the lines beginning with this prefix (after spaces) in
        :attr:`TextTable.comments`, as written.

    Returns
    -------
    TextTable

    Raises
    ------
    InputError
        A path refused by :func:`check_input_path` (missing, a folder, a FIFO, a NUL
        byte, a name too long), an empty or undecodable file, or a file with a header
        but no rows.
    """
    path = Path(path)
    raw = read_input_bytes(path, what=what)
    if not raw.strip():
        raise InputError(labels.error("file_empty", what=what), path=path)
    encoding = _encoding_of(raw, path=path, what=what)
    codec = "utf-8-sig" if encoding.startswith("utf-8") else encoding
    sample = raw[:16384].decode(codec, errors="ignore")[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    comments: tuple[str, ...] = ()
    if comment is not None:
        text = raw.decode(codec)
        comments = tuple(line.strip() for line in text.splitlines() if line.strip().startswith(comment))
        del text
    plain = read_plain(raw, codec, delimiter, path=path, what=what, header_hint=header_hint)
    if plain is not None:
        del raw  # (Arrow holds the cells now)
        parsed = plain.cells()
        if parsed is None:
            raise InputError(
                labels.error("table_header_only", what=what),
                path=path,
                where=labels.at_line(plain.header_line),
            )
        del plain
    else:
        # decoded as it is parsed (a large file is never held as one decoded text)
        stream = io.TextIOWrapper(io.BytesIO(raw), encoding=codec, newline="")
        parsed = _parse_rows(
            _rows_with_lines(stream, delimiter, path), path=path, what=what, header_hint=header_hint
        )
        del stream, raw
    header_line, names, cells, lines, written = parsed
    frame = _frame_of(names, cells, lines)
    return TextTable(
        frame=frame, path=path, encoding=encoding, header_line=header_line, comments=comments, written=written
    )


def table_from_rows(
    rows: Iterable[tuple[int, list[str]]],
    *,
    path: Path,
    encoding: str,
    what: str,
    header_hint: tuple[str, ...] = (),
) -> TextTable:
    """Build a :class:`TextTable` from numbered rows (of a CSV, or of a worksheet).

    The header is the first row with a cell in ``header_hint`` among the first 20
    (else the first row); empty trailing header cells are dropped, cells are
    stripped, empty cells become ``None``, and the quote :func:`write_csv` puts
    before a would-be formula is taken off again (:func:`~geo_zaitaku._cells.restore_cell`).

    Raises
    ------
    InputError
        No rows, or a header with no row under it.
    """
    header_line, names, cells, lines, written = _parse_rows(
        rows, path=path, what=what, header_hint=header_hint
    )
    return TextTable(
        frame=_frame_of(names, cells, lines),
        path=path,
        encoding=encoding,
        header_line=header_line,
        written=written,
    )


#: Rows written at a time by :func:`write_csv`.
_CSV_CHUNK = 50_000
#: Rows converted at a time (the csv module's strings are kept, in chunks, as cells).
_CHUNK_ROWS = 50_000


def _parse_rows(
    rows: Iterable[tuple[int, list[str]]], *, path: Path, what: str, header_hint: tuple[str, ...]
) -> tuple[int, list[str], np.ndarray, np.ndarray]:
    """The header line, column names, cells (a 2-D object array: stripped text or
    ``None``) and line numbers of numbered rows, read in chunks so that a large file is
    never held twice (as rows and as cells)."""
    it = iter(rows)
    head: list[tuple[int, list[str]]] = []
    for item in it:
        head.append(item)
        if len(head) == 20:
            break
    header_index, header_line, names = header_of(head, path=path, what=what, header_hint=header_hint)
    written = as_written(names, head[header_index][1])
    width = len(names)
    chunks: list[np.ndarray] = []
    lines: list[int] = []
    batch: list[tuple[int, list[str]]] = head[header_index + 1 :]
    del head
    for item in it:
        batch.append(item)
        if len(batch) >= _CHUNK_ROWS:
            chunks.append(_cells_of(batch, width, lines))
            batch = []
    if batch:
        chunks.append(_cells_of(batch, width, lines))
    if not chunks:
        raise InputError(
            labels.error("table_header_only", what=what),
            path=path,
            where=labels.at_line(header_line),
        )
    cells = chunks[0] if len(chunks) == 1 else np.concatenate(chunks)
    return header_line, names, cells, np.asarray(lines, dtype=np.int64), written


def _cells_of(batch: list[tuple[int, list[str]]], width: int, lines: list[int]) -> np.ndarray:
    """One chunk of rows as a 2-D object array of stripped cells (``None`` when empty);
    the strings the csv module made are kept unless stripping or a quote changes them."""
    flat: list[str] = []
    for line, row in batch:
        lines.append(line)
        flat.extend(row[:width])
        if len(row) < width:
            flat.extend([""] * (width - len(row)))
    values = np.array(flat, dtype=object).reshape(-1, width) if flat else np.empty((0, width), dtype=object)
    return tidy_cells(values)


def _frame_of(names: list[str], cells: np.ndarray, lines: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(cells, columns=names, dtype=object, copy=False)
    frame[LINE] = lines.tolist()
    return frame


def _rows_with_lines(
    text: str | io.TextIOBase, delimiter: str, path: Path
) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with the line number of each, one at a time (a record with a
    line break inside quotes is numbered by the line it ends on)."""
    source = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(source, delimiter=delimiter)
    try:
        for row in reader:
            if row and "".join(row).strip():
                yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(
            labels.error("csv_unreadable", error=exc), path=path, where=labels.at_line(reader.line_num)
        ) from exc


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it onto ``target`` on success.

    On an exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, _FILE_MODE)  # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_pieces(target: str | Path, pieces: Iterable[str], *, bom: bool = False) -> Path:
    """Write text given piece by piece (a template's output, rows of a table) atomically
    as UTF-8, without joining it into one string first."""
    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        for piece in pieces:
            f.write(piece)
    return Path(target)


def write_text(target: str | Path, text: str, *, bom: bool = False) -> Path:
    """Write text atomically as UTF-8 (with a BOM when ``bom``, for Excel)."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    return Path(target)


def write_csv(
    target: str | Path, frame: pd.DataFrame, *, title: str | None = None, order: np.ndarray | None = None
) -> Path:
    """Write a frame as an Excel-friendly CSV: UTF-8 with BOM, codes kept as text, and
    no cell that a spreadsheet would run as a formula.

    Every CSV the tool writes goes through here. Text cells (and headers) beginning
    with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a leading single
    quote (:func:`~geo_zaitaku._cells.neutralise_cell`, the OWASP advice against CSV injection): a
    facility named ``=HYPERLINK("http://x","y")`` is written ``'=HYPERLINK(...)`` and
    shown as text. Numbers stay readable: columns of a numeric dtype are written as
    they are, and so are text cells that are a plain number (``-5``, ``+3``, ``12.5``)
    and a lone ``-``. Text with a leading sign that is not a plain number is quoted:
    phone numbers in international form (``+81-96-123-4567``) and ranges (``-2+3``)
    come out as ``'+81-96-123-4567`` and ``'-2+3``. The project's readers
    (:func:`read_text_table`) take that quote off again.

    Parameters
    ----------
    target
        File to write (atomically).
    frame
        The table; the index is not written.
    title
        A line written above the header (as official tables have one), or ``None``.
    order
        Positions of the rows in the order to write them (default: as they are); the
        rows are taken a chunk at a time, so a sorted copy of the frame is never made.

    Returns
    -------
    pathlib.Path
        ``target``.
    """

    def pieces() -> Iterator[str]:
        if title is not None:
            line = io.StringIO()
            csv.writer(line, lineterminator="\r\n").writerow([neutralise_cell(title)])
            yield line.getvalue()
        # in chunks of rows: a large table is never copied or written out whole at once
        for start in range(0, max(len(frame), 1), _CSV_CHUNK):
            rows = (
                frame.iloc[start : start + _CSV_CHUNK]
                if order is None
                else frame.take(order[start : start + _CSV_CHUNK])
            )
            part = neutralise_frame(rows)
            yield part.to_csv(index=False, header=start == 0, lineterminator="\r\n")

    return write_pieces(target, pieces(), bom=True)


def public_path(path: str | Path, base: str | Path | None = None) -> str:
    """A path as the outputs people share name it: relative to the working folder
    (``base``, default the current folder) when the file is inside it, else its file
    name alone, so that a report does not carry the author's local folders
    (``/home/yamada/…``). A zip member keeps its member part
    (``N03-20240101_43_GML.zip!N03-20240101_43.geojson``).

    Examples
    --------
    >>> public_path("/home/a/data/施設.csv", base="/home/a")
    'data/施設.csv'
    >>> public_path("/srv/x/N03.zip!a/b.geojson", base="/home/a")
    'N03.zip!a/b.geojson'
    """
    text = str(path)
    archive, sep, member = text.partition("!")
    target = Path(archive)
    root = Path(base) if base is not None else Path.cwd()
    try:
        shown = target.resolve().relative_to(root.resolve()).as_posix() if target.is_absolute() else archive
    except (ValueError, OSError):
        shown = target.name
    return shown + sep + member


#: Keys of report data whose values are file paths (see :func:`public_paths`).
PATH_KEYS = ("source", "sources", "file", "plan_file", "reference")


def public_paths(value: object, base: str | Path | None = None) -> object:
    """``value`` (JSON-ready report data) with every path under :data:`PATH_KEYS`
    written by :func:`public_path`."""
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if key in PATH_KEYS and isinstance(item, str | Path):
                out[key] = public_path(item, base)
            elif key in PATH_KEYS and isinstance(item, list | tuple):
                out[key] = [public_path(i, base) if isinstance(i, str | Path) else i for i in item]
            else:
                out[key] = public_paths(item, base)
        return out
    if isinstance(value, list | tuple):
        return [public_paths(i, base) for i in value]
    return value


#: Floats up to here are whole numbers exactly (2**53).
_EXACT_INTS = 2.0**53


def json_ready(value: object) -> object:
    """``value`` as plain JSON data: non-finite floats (NaN, inf) and ``pd.NA`` become
    ``None``, whole-number floats integers (a population of 740000, not 740000.0),
    numpy scalars and arrays Python numbers and lists, tuples and sets lists, paths
    strings.

    Raises
    ------
    TypeError
        A value of another type (a programming error, not a user's).

    Examples
    --------
    >>> json_ready({"a": float("nan"), "b": (1, np.float64(2.5)), "c": np.int64(3), "d": 740000.0})
    {'a': None, 'b': [1, 2.5], 'c': 3, 'd': 740000}
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic):
        return json_ready(value.item())
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < _EXACT_INTS else value
    if isinstance(value, int):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Mapping):
        return {k if isinstance(k, str) else str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, set | frozenset):
        return [json_ready(v) for v in sorted(value, key=str)]
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON data: {type(value).__name__}")


def json_text(value: object, *, indent: int | None = None, items: bool = False) -> str:
    """Strict JSON text of ``value`` (UTF-8 characters kept, ``NaN`` written as ``null``).

    Every JSON file the tool writes goes through here: :func:`json_ready` first, then
    ``json.dumps(..., allow_nan=False)``, so the output always parses with a strict
    JSON parser.

    Parameters
    ----------
    value
        JSON-ready data (see :func:`json_ready`).
    indent
        Indent every level (Python's own encoder: slow for large data).
    items
        For a mapping: one top-level key per line, and a list's items one per line,
        each item written compactly (readable in an editor and as fast as compact JSON;
        ``report.json``).
    """
    ready = json_ready(value)
    if not items or not isinstance(ready, dict):
        return json.dumps(ready, ensure_ascii=False, indent=indent, allow_nan=False)

    def one(v: object) -> str:
        return json.dumps(v, ensure_ascii=False, allow_nan=False)

    lines = []
    for key, v in ready.items():
        if isinstance(v, list) and v:
            body = ",\n".join(f"    {one(item)}" for item in v)
            lines.append(f"  {one(key)}: [\n{body}\n  ]")
        else:
            lines.append(f"  {one(key)}: {one(v)}")
    return "{\n" + ",\n".join(lines) + "\n}"
