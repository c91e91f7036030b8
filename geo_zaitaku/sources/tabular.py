"""Reading users' tables whatever the container: CSV/TSV text, Excel ``.xlsx``, or a
zip holding one CSV (the 医療情報ネット open data are published zipped).

Every reader returns a :class:`geo_zaitaku._io.TextTable`: all cells as text, the
header found below any title rows, and each row's line number in the file (the row
number for a worksheet), so that messages can point at it. Every source that reads
a user's table (facilities, key-institution lists, population, projections,
reference layers, demand rates) reads it here, and reports a row it sets aside or
reads with a correction as a :class:`RowIssue`.
"""

from __future__ import annotations

import dataclasses
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import TextTable, check_input_path, read_text_table, table_from_rows

#: Extensions read as Excel workbooks.
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")
#: Largest CSV read out of a zip (bytes, uncompressed).
MAX_ZIPPED_CSV = 512 * 1024 * 1024
#: Largest total uncompressed size of a workbook's parts (bytes).
MAX_WORKBOOK = 512 * 1024 * 1024


@dataclass(frozen=True)
class RowIssue:
    """A row of a user's table that was not used, or was used with a note.

    Attributes
    ----------
    source
        File name.
    line
        Line number in the file (the header is line 1 unless a title row precedes it).
    reason
        Reason key (:data:`geo_zaitaku.labels.REASONS`, or a key of the source's own
        reasons such as :data:`geo_zaitaku.labels.NOTES` and
        :data:`geo_zaitaku.labels.POPULATION_SKIPPED`).
    message
        What happened, in Japanese and English (shown as ``"日本語 / English"``).
    name
        The row's facility name, when it has one.
    facility_id
        The row's own facility id, when it has one (a rejected row of a facility file).
    """

    source: str
    line: int
    reason: str
    message: labels.Message
    name: str = ""
    facility_id: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the message as one text, ``"日本語 / English"``)."""
        return {
            "source": self.source,
            "line": self.line,
            "reason": self.reason,
            "message": str(self.message),
            "name": self.name,
            **({"id": self.facility_id} if self.facility_id else {}),
        }


#: Columns of the tables of rows set aside or corrected: Japanese first (their headers
#: from labels.TABLE_COLUMNS), then the status and reason as codes for filtering (as
#: findings.csv carries severity and code).
ISSUE_TABLE_KEYS = ("file", "line", "status", "message", "name")
ISSUE_CODE_COLUMNS = ("status", "reason")


def issue_table(rows: Sequence[tuple[object, object, str, str, object, object]]):  # noqa: ANN201 - DataFrame
    """The table of rows set aside or corrected, from ``(file, line, status, reason,
    message, name)`` tuples: ファイル・行・状態（不採用・補正 …）・内容・名称, then
    ``status`` and ``reason``."""
    import pandas as pd

    c = labels.TABLE_COLUMNS
    columns = [*(c[k] for k in ISSUE_TABLE_KEYS), *ISSUE_CODE_COLUMNS]
    data = [
        [file, line, labels.REJECTED_STATUS.get(status, status), message, name, status, reason]
        for file, line, status, reason, message, name in rows
    ]
    return pd.DataFrame(data, columns=columns, dtype=object)


def read_table(
    path: str | Path, *, what: str, header_hint: Sequence[str] = (), comment: str | None = None
) -> TextTable:
    """Read a table from a CSV/TSV file, an Excel workbook or a zip holding one CSV.

    The one reader of users' tables: CSV/TSV in UTF-8, UTF-8 with BOM or cp932, an
    ``.xlsx`` workbook (its first sheet with data), or a zip holding one CSV; the
    kind is told by the file's extension.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, in Japanese, for messages (e.g. ``"施設CSV"``).
    header_hint
        Header names (normalised with :func:`geo_zaitaku._cells.clean_header`) of which
        at least one appears in the header row; rows above it (titles) are skipped.
    comment
        Keep the lines (worksheet rows) beginning with this prefix in
        :attr:`~geo_zaitaku._io.TextTable.comments` (a row's cells joined by ``,``).

    Returns
    -------
    TextTable

    Raises
    ------
    InputError
        A path refused by :func:`geo_zaitaku._io.check_input_path` (missing, a
        folder, a FIFO, a NUL byte, a name too long); an empty, undecodable or
        unreadable file; a zip with no or several CSVs; a workbook with no rows.
    """
    path = check_input_path(path, what=what)
    suffix = path.suffix.lower()
    if suffix in EXCEL_EXTENSIONS:
        return read_excel_table(path, what=what, header_hint=header_hint, comment=comment)
    if suffix == ".zip":
        return _read_zipped_csv(path, what=what, header_hint=header_hint, comment=comment)
    if suffix == ".xls":
        raise InputError(labels.error("table_old_excel", what=what), path=path)
    return read_text_table(path, what=what, header_hint=tuple(header_hint), comment=comment)


def read_excel_table(
    path: str | Path, *, what: str, header_hint: Sequence[str] = (), comment: str | None = None
) -> TextTable:
    """Read the worksheet holding the table of an ``.xlsx`` workbook as text: the one
    whose first rows have a header of ``header_hint`` (else the first with data).

    Numbers are written without a spurious ``.0`` (codes keep their digits); the
    line number of a row is its row number in the sheet.
    """
    path = check_input_path(path, what=what)
    _check_workbook(path, what)
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise InputError(
            labels.error("table_no_openpyxl"),
            path=path,
        ) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(
            labels.error("table_bad_workbook", error=type(exc).__name__),
            path=path,
        ) from exc
    try:
        sheet = _table_sheet(book, path, header_hint)
        rows: list[tuple[int, list[str]]] = []
        if sheet is not None:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if "".join(cells).strip():
                    rows.append((number, cells))
    finally:
        book.close()
    if not rows:
        raise InputError(labels.error("table_no_rows", what=what), path=path)
    table = table_from_rows(rows, path=path, encoding="xlsx", what=what, header_hint=header_hint)
    if comment is None:
        return table
    texts = (",".join(cells).rstrip(",").strip() for _, cells in rows)
    return dataclasses.replace(table, comments=tuple(t for t in texts if t.startswith(comment)))


def _table_sheet(book: object, path: Path, header_hint: Sequence[str]) -> object | None:
    """The worksheet holding the table: the one whose first rows have a known header
    (a notes sheet before it is passed over), else the first with data. Several sheets
    with such a header (a projection workbook with a sheet per year) are refused: one
    would be read and the others dropped without a word."""
    from geo_zaitaku._cells import clean_header

    hints = set(header_hint)
    with_data, with_header = [], []
    for sheet in book.worksheets:  # type: ignore[attr-defined]
        head = []
        for values in sheet.iter_rows(values_only=True):
            cells = [_cell_text(v) for v in values]
            if "".join(cells).strip():
                head.append(cells)
            if len(head) == 20:
                break
        if head:
            with_data.append(sheet)
            if hints and any(hints & {clean_header(c) for c in cells} for cells in head):
                with_header.append(sheet)
    if len(with_header) > 1:
        names = "・".join(str(sh.title) for sh in with_header[:6])
        raise InputError(labels.error("table_several_sheets", sheets=names), path=path)
    if with_header:
        return with_header[0]
    return with_data[0] if with_data else None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_workbook(path: Path, what: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            labels.error("table_not_xlsx", what=what),
            path=path,
        ) from exc
    if total > MAX_WORKBOOK:
        raise InputError(
            labels.error("table_workbook_too_large", limit=MAX_WORKBOOK // 2**20),
            path=path,
        )


def _read_zipped_csv(
    path: Path, *, what: str, header_hint: Sequence[str], comment: str | None = None
) -> TextTable:
    path = check_input_path(path, what=what)
    from geo_zaitaku.sources._archive import unsafe_entry

    try:
        with zipfile.ZipFile(path) as zf:
            for item in zf.infolist():  # the same entries refused as in any archive
                reason = unsafe_entry(item)
                if reason:
                    raise InputError(
                        labels.error("table_zip_unsafe_entry", filename=item.filename, reason=reason),
                        path=path,
                    )
            members = [
                i
                for i in zf.infolist()
                if not i.is_dir() and PurePosixPath(i.filename).suffix.lower() in (".csv", ".tsv", ".txt")
            ]
            if len(members) != 1:
                names = ", ".join(i.filename for i in members) or labels.ERROR_PARTS["none"]
                raise InputError(
                    labels.error("table_zip_not_one_csv", names=names),
                    path=path,
                )
            (info,) = members
            if info.file_size > MAX_ZIPPED_CSV:
                raise InputError(
                    labels.error("table_zipped_csv_too_large", limit=MAX_ZIPPED_CSV // 2**20),
                    path=path,
                )
            with zf.open(info) as member:
                data = member.read(MAX_ZIPPED_CSV + 1)
    except InputError:
        raise
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zipfile.LargeZipFile) as exc:
        raise InputError(
            labels.error("table_bad_zip", error=type(exc).__name__),
            path=path,
        ) from exc
    if len(data) > MAX_ZIPPED_CSV:
        raise InputError(
            labels.error("table_zipped_csv_too_large", limit=MAX_ZIPPED_CSV // 2**20),
            path=path,
        )
    inner = PurePosixPath(info.filename).name
    with tempfile.TemporaryDirectory(prefix="geo_zaitaku_") as tmp:
        target = Path(tmp) / "member.csv"  # never the member's own path
        target.write_bytes(data)
        try:
            table = read_text_table(target, what=what, header_hint=tuple(header_hint), comment=comment)
        except InputError as exc:
            raise InputError(exc.message, path=f"{path}!{inner}", where=exc.where) from exc
    return dataclasses.replace(table, path=Path(f"{path}!{inner}"))
