"""An Excel workbook of the report's tables (``report.xlsx``), for pasting into the
plan documents: one sheet per table, the header row frozen and filtered, column widths
set to the contents, codes and names as text, counts and distances as numbers.

Written with XlsxWriter. Text always goes in with ``write_string``, so nothing a user
typed (a facility called ``=HYPERLINK(...)``) becomes a formula; a text that a
spreadsheet would read as one when typed (:func:`geo_zaitaku._cells.neutralise_cell`)
is also marked with Excel's own text prefix (``quote_prefix``), which keeps it text
when the cell is edited or copied, without showing an apostrophe.
"""

from __future__ import annotations

import datetime
import math
import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._cells import FORMULA_PREFIXES, neutralise_cell

#: Column widths (in characters, a full-width character counting 2).
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Excel's limits: sheet names of 31 characters, 1,048,576 rows.
MAX_SHEET_NAME = 31
MAX_ROWS = 1_048_576
#: Excel's longest text in a cell (a longer one is cut, ending with
#: ``labels.TEXT["xlsx_cut"]``; the CSVs keep the whole text).
MAX_CELL = 32_767
_PREFIXES = "".join(FORMULA_PREFIXES)


def write_workbook(path: str | Path, sheets: Sequence[tuple[str, pd.DataFrame]]) -> Path:
    """Write ``sheets`` (name, table) as one ``.xlsx`` file.

    Parameters
    ----------
    path
        The file to write (a staging path: outputs are moved into place afterwards).
    sheets
        Sheet name and table, in order. Columns of a numeric dtype are written as
        numbers (blank where unknown), every other cell as text; the index is not
        written.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import xlsxwriter

    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"created": _created()})
    try:
        look = {"bold": True, "bg_color": "#EEEEEE", "border": 1, "text_wrap": True}
        header = workbook.add_format(look), workbook.add_format({**look, "quote_prefix": True})
        text = workbook.add_format({"num_format": "@"})
        quoted = workbook.add_format({"num_format": "@", "quote_prefix": True})
        for name, frame in sheets:
            _sheet(workbook.add_worksheet(name[:MAX_SHEET_NAME]), frame, header, text, quoted)
    finally:
        workbook.close()
    return path


def _created() -> datetime.datetime:
    """The workbook's creation time: ``SOURCE_DATE_EPOCH`` when set (reproducible
    builds' convention), else today's date at midnight UTC, so that the same run on the
    same day writes the same bytes (XlsxWriter's default is the current second)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).replace(tzinfo=None)
    today = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime(today.year, today.month, today.day)


def _sheet(
    ws: object, frame: pd.DataFrame, header: tuple[object, object], text: object, quoted: object
) -> None:
    """One sheet: the header, the cells by type, frozen header, filter, widths. A header
    (a reference layer's column name is the user's text) that would read as a formula
    gets the text prefix too."""
    columns = [str(c) for c in frame.columns]
    n = min(len(frame), MAX_ROWS - 1)
    for j, column in enumerate(columns):
        risky = bool(column) and column[0] in _PREFIXES and neutralise_cell(column) != column
        ws.write_string(0, j, column, header[risky])
    widths = []
    for j, column in enumerate(frame.columns):
        series = frame[column].iloc[:n]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            shown = []
            for i, value in enumerate(series.tolist(), start=1):
                number = _number(value)
                if number is not None:
                    ws.write_number(i, j, number)
                    shown.append(number)
            longest = max((len(f"{v:,g}") for v in shown), default=0)
        else:
            cells = [_text(v) for v in series.tolist()]
            for i, cell in enumerate(cells, start=1):
                if cell:
                    # a would-be formula keeps Excel's own text prefix (no apostrophe shown)
                    risky = cell[0] in _PREFIXES and neutralise_cell(cell) != cell
                    ws.write_string(i, j, cell, quoted if risky else text)
            longest = _longest(cells)
        widths.append(max(_width(columns[j]), longest))
    ws.freeze_panes(1, 0)
    if columns:
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    for j, width in enumerate(widths):
        ws.set_column(j, j, min(max(width, MIN_WIDTH), MAX_WIDTH) + 1)


def _longest(cells: list[str], candidates: int = 20) -> int:
    """Display width of the widest cell, measured on the longest few (by characters)."""
    if not cells:
        return 0
    lengths = np.fromiter((len(c) for c in cells), dtype=np.int64, count=len(cells))
    top = np.argsort(lengths)[-candidates:]
    return max(_width(cells[k]) for k in top)


def _number(value: object) -> float | None:
    """A finite number, or ``None`` (blank) for unknown values."""
    if value is None or value is pd.NA or isinstance(value, bool | np.bool_):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if len(text) > MAX_CELL:  # Excel holds no more: cut with a mark, not silently
        mark = labels.TEXT["xlsx_cut"]
        return text[: MAX_CELL - len(mark)] + mark
    return text


def _width(text: str) -> int:
    """Display width of a text (the longest line; full-width characters count 2)."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.splitlines()
        ),
        default=0,
    )
