"""One cell of a user's table, as it is read and as it is written.

- :func:`tidy_cell` (and its vectorised form :func:`tidy_cells`): a cell read from a
  CSV as the tables hold it — stripped, ``None`` when empty, the quote a written
  would-be formula carries taken off again.
- :func:`neutralise_cell` / :func:`restore_cell`: the quote put before a cell that a
  spreadsheet would run as a formula, and taken off on reading.
- :func:`clean_header` / :func:`header_of`: the header row among a table's first rows.

Both CSV readers (:func:`geo_zaitaku._io.read_text_table` and its fast path,
:mod:`geo_zaitaku._plaincsv`) and every writer use these, so that a table reads the
same whichever way it is read and reads back as it was written.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError

#: First characters that make Excel (and LibreOffice, Google Sheets) read a cell as a
#: formula or a command (OWASP "CSV injection"): ``=``, ``+``, ``-``, ``@``, tab, CR.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Text that is a plain number (``-5``, ``+3``, ``12.5``): left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)


def neutralise_cell(value: object) -> object:
    """Make a text cell safe to open in a spreadsheet: prefix a would-be formula with ``'``.

    A string beginning with one of :data:`FORMULA_PREFIXES` gets a single quote in
    front (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``), which spreadsheets show as
    text instead of running. Left as they are: anything that is not a string, the
    empty string, a lone ``-`` (written for "none"), and a plain number written as
    text (``-5``, ``+3``, ``-12.5``; ASCII digits, optional sign and decimals), so that
    numbers stay numbers. Everything else with a leading sign is quoted: phone numbers
    such as ``+81-96-123-4567``, ranges such as ``-2+3``, ``-1e5``, ``-1,000``.

    Parameters
    ----------
    value
        A cell value of any type.

    Returns
    -------
    object
        ``value``, or ``"'" + value`` when it would run as a formula.

    Examples
    --------
    >>> [neutralise_cell(v) for v in ["=1+1", "@SUM(1)", "+81-96-000-0000", "-2+3"]]
    ["'=1+1", "'@SUM(1)", "'+81-96-000-0000", "'-2+3"]
    >>> [neutralise_cell(v) for v in ["-5", "+3", "-", "熊本市", 7, None]]
    ['-5', '+3', '-', '熊本市', 7, None]
    """
    if not isinstance(value, str) or not value or not value.startswith(FORMULA_PREFIXES):
        return value
    if value == "-" or _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell`: ``"'=1+1"`` -> ``"=1+1"``; any other text unchanged.

    Only a quote that :func:`neutralise_cell` would have added is removed (so
    ``"'0123"``, a code typed with Excel's text prefix, stays as it is). A user's own
    cell ``'=1`` therefore reads as ``=1``; written out again it is ``'=1`` as before.

    Examples
    --------
    >>> restore_cell("'+81-96-000-0000"), restore_cell("'0123"), restore_cell("'-5")
    ('+81-96-000-0000', "'0123", "'-5")
    """
    if value.startswith("'") and neutralise_cell(value[1:]) == value:
        return value[1:]
    return value


def tidy_cell(text: str) -> str | None:
    """One cell as read, as the tables hold it: stripped, ``None`` when empty, and the
    quote :func:`~geo_zaitaku._io.write_csv` puts before a would-be formula taken off again
    (:func:`restore_cell`). :func:`tidy_cells` does the same to a block of cells.

    Examples
    --------
    >>> tidy_cell(" 熊本市\u3000"), tidy_cell("  "), tidy_cell("'=1+1"), tidy_cell("'0123")
    ('熊本市', None, '=1+1', "'0123")
    """
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith("'"):
        return restore_cell(stripped)
    return text if stripped == text else stripped


def tidy_cells(values: np.ndarray) -> np.ndarray:
    """:func:`tidy_cell` of every cell of a 2-D object array of strings, vectorised,
    with equal cells of a column sharing one string. Changes ``values`` in place and
    returns it."""
    width = values.shape[1]
    text = values.astype(np.dtypes.StringDType())
    stripped = np.strings.strip(text)
    changed = np.nonzero(stripped != text)
    if len(changed[0]):
        values[changed] = stripped[changed].astype(object)
    quoted = np.nonzero(np.strings.startswith(stripped, "'"))
    if len(quoted[0]):  # cells neutralised by write_csv read back as they were
        values[quoted] = [restore_cell(str(c)) for c in stripped[quoted]]
    values[stripped == ""] = None
    for j in range(width):  # equal cells share one string (codes, kinds, yes/no …)
        codes, uniques = pd.factorize(values[:, j], use_na_sentinel=True)
        if len(uniques) < len(codes) // 2:  # code -1 (empty) takes the trailing None
            values[:, j] = np.append(uniques.astype(object), None)[codes]
    return values


def header_of(
    head: list[tuple[int, list[str]]], *, path: Path, what: str, header_hint: tuple[str, ...]
) -> tuple[int, int, list[str]]:
    """The header among the first numbered rows: its index in ``head``, its line and
    the column names (cleaned, made unique, empty trailing cells dropped). The header
    is the first row with a name in ``header_hint`` (else the first row)."""
    if not head:
        raise InputError(labels.error("table_no_rows", what=what), path=path)
    header_index = 0
    if header_hint:
        hints = set(header_hint)
        for k, (_, row) in enumerate(head):
            if hints & {clean_header(c) for c in row}:
                header_index = k
                break
    header_line, header = head[header_index]
    while header and not header[-1].strip():
        header = header[:-1]
    return header_index, header_line, _unique_names([clean_header(c) for c in header])


#: Spaces beside a Japanese character in a header (e-Stat writes 「地域 コード」).
_JAPANESE_SPACE = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")


def clean_header(name: str) -> str:
    """Normalise a header cell: strip spaces and BOM remnants, NFKC, lower-case ASCII,
    and drop the spaces beside Japanese characters (「地域 コード」 is 「地域コード」;
    ``municipality code`` keeps its space)."""
    text = unicodedata.normalize("NFKC", name).strip().strip("\ufeff").lower()
    return _JAPANESE_SPACE.sub("", text)


def as_written(names: list[str], row: list[str]) -> dict[str, str]:
    """Cleaned column name -> the header cell as the file has it (for messages that
    name a column: 「Memo」, not 「memo」), where the two differ."""
    return {n: c.strip() for n, c in zip(names, row, strict=False) if c.strip() and n != c.strip()}


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        base = name or f"column_{i + 1}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(base if n == 0 else f"{base}.{n}")
    return out
