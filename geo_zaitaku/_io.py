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
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo_zaitaku._errors import InputError

#: Encodings tried in order. UTF-8 is strict, so cp932 text never passes as UTF-8.
ENCODINGS = ("utf-8-sig", "cp932")
#: Column holding the 1-based line number of each row in its source file.
LINE = "_line"


#: Kinds of non-regular files, for messages: ``stat`` test -> (Japanese, English).
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "名前付きパイプ（FIFO）", "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "ソケット", "a socket"),
    (stat.S_ISCHR, "デバイス", "a device"),
    (stat.S_ISBLK, "デバイス", "a device"),
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
            f"{what}のパスに NUL 文字（\\x00）が含まれています。パスを書き直してください。 / "
            "the path contains a NUL byte; correct the path.",
            path=p,
        ) from exc
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError(
                f"{what}のパスが長すぎます（ファイル名は255バイト、日本語なら約85文字まで）。"
                "ファイル名を短くしてください。 / the file name is too long; rename the file.",
                path=p,
            ) from exc
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError(
                f"{what}が見つかりません。パスを確認してください。 / file not found; check the path.", path=p
            ) from exc
        raise InputError(
            f"{what}を開けません（{exc.strerror}）。ファイルの場所と読み取りの権限を確認してください。 / "
            "cannot access the file; check its location and permissions.",
            path=p,
        ) from exc
    if stat.S_ISDIR(st.st_mode):
        if folder_ok:
            return p
        raise InputError(
            f"{what}にフォルダが指定されました。ファイルを指定してください。 / is a directory; give a file.",
            path=p,
        )
    if not stat.S_ISREG(st.st_mode):
        ja, en = next(
            ((ja, en) for test, ja, en in _SPECIAL_FILES if test(st.st_mode)),
            ("特殊なファイル", "a special file"),
        )
        raise InputError(
            f"{what}が通常のファイルではありません（{ja}）。通常のファイルを指定してください。 / "
            f"not a regular file ({en}); give a regular file.",
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
            f"{what}を読めません（{exc.strerror}）。読み取りの権限を確認してください。 / "
            "cannot read the file; check its permissions.",
            path=p,
        ) from exc


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
    """

    frame: pd.DataFrame
    path: Path
    encoding: str
    header_line: int


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
        raise InputError(f"{what}が空です。 / the file is empty.", path=path)
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf"):
            enc = "utf-8"
        return text, enc
    raise InputError(
        f"{what}の文字コードを判別できません（UTF-8・Shift_JIS のどちらでもありません）。"
        "UTF-8 で保存し直してください。 / encoding is neither UTF-8 nor Shift_JIS (cp932); "
        "save the file as UTF-8.",
        path=path,
    )


def read_text_table(
    path: str | Path,
    *,
    what: str,
    header_hint: tuple[str, ...] = (),
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
        Column names (already normalised with :func:`clean_header`) of which at least
        one appears in the header row.

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
    text, encoding = decode_text(path, what=what)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows = _rows_with_lines(text, delimiter, path)
    return table_from_rows(rows, path=path, encoding=encoding, what=what, header_hint=header_hint)


def table_from_rows(
    rows: list[tuple[int, list[str]]],
    *,
    path: Path,
    encoding: str,
    what: str,
    header_hint: tuple[str, ...] = (),
) -> TextTable:
    """Build a :class:`TextTable` from numbered rows (of a CSV, or of a worksheet).

    The header is the first row with a cell in ``header_hint`` among the first 20
    (else the first row); empty trailing header cells are dropped, cells are
    stripped, and empty cells become ``None``.

    Raises
    ------
    InputError
        No rows, or a header with no row under it.
    """
    if not rows:
        raise InputError(f"{what}にデータがありません。 / no rows.", path=path)
    header_index = 0
    if header_hint:
        hints = set(header_hint)
        for i, (_, row) in enumerate(rows[:20]):
            if hints & {clean_header(c) for c in row}:
                header_index = i
                break
    header_line, header = rows[header_index]
    while header and not header[-1].strip():
        header = header[:-1]
    names = _unique_names([clean_header(c) for c in header])
    body = rows[header_index + 1 :]
    if not body:
        raise InputError(
            f"{what}に見出し行しかなく、データがありません。 / header only, no rows.",
            path=path,
            where=f"行 {header_line}",
        )
    width = len(names)
    flat: list[str] = []
    for _, row in body:
        flat.extend(row[:width])
        if len(row) < width:
            flat.extend([""] * (width - len(row)))
    cells = np.strings.strip(np.array(flat, dtype=np.dtypes.StringDType())).reshape(-1, width)
    values = cells.astype(object)
    values[cells == ""] = None
    frame = pd.DataFrame(values, columns=names, dtype=object)
    frame[LINE] = [line for line, _ in body]
    return TextTable(frame=frame, path=path, encoding=encoding, header_line=header_line)


def _rows_with_lines(text: str, delimiter: str, path: Path) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the line number each starts on.

    When every record is one physical line (no line break inside quotes, the usual
    case), all rows are read in one go and numbered by position; otherwise the
    reader's line counter is followed record by record.
    """
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        records = None
    if records is not None and len(records) == physical and "\r" not in text.replace("\r\n", ""):
        return [(i, row) for i, row in enumerate(records, start=1) if row and "".join(row).strip()]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if "".join(row).strip():
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InputError(
            f"CSVとして読めません: {exc} / not a readable CSV.", path=path, where=f"行 {reader.line_num}"
        ) from exc
    return rows


def clean_header(name: str) -> str:
    """Normalise a header cell: strip spaces and BOM remnants, NFKC, lower-case ASCII."""
    import unicodedata

    return unicodedata.normalize("NFKC", name).strip().strip("\ufeff").lower()


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        base = name or f"column_{i + 1}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(base if n == 0 else f"{base}.{n}")
    return out


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


def write_text(target: str | Path, text: str, *, bom: bool = False) -> Path:
    """Write text atomically as UTF-8 (with a BOM when ``bom``, for Excel)."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    return Path(target)


def write_csv(target: str | Path, frame: pd.DataFrame) -> Path:
    """Write a frame as an Excel-friendly CSV: UTF-8 with BOM, codes kept as text."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\r\n")
    return write_text(target, buffer.getvalue(), bom=True)
