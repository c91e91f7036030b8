"""The Arrow fast path of the text-table reader (:mod:`geo_zaitaku._plaincsv`) gives
the same cells and line numbers as the ``csv`` module, and falls back to it for any
file whose rows are not exactly its lines."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from geo_zaitaku import _io, _plaincsv
from geo_zaitaku._errors import InputError

#: Cells with what the reader must get right: padding (ASCII, full-width, the control
#: characters Python counts as space), a quote a written CSV put before a formula, a
#: code's own text prefix, empty cells, Japanese.
CELLS = [
    "",
    " ",
    "\u3000",
    " 熊本市 ",
    "\x1c",
    "'=1+1",
    "'0123",
    "'-5",
    "43100",
    "さくら市\u3000",
    "○",
    "a\u2028b",
    "=SUM(A1)",
]
cell = st.one_of(st.sampled_from(CELLS), st.text(alphabet="ab 　'=\x1c\u3000熊", max_size=4))


def _read(path: Path, *, slow: bool, **kwargs: object) -> object:
    """The table (or the error) read as the reader does, or by the csv module alone."""
    original = _plaincsv.read_plain
    if slow:
        _plaincsv.read_plain = lambda *a, **k: None
    try:
        return _io.read_text_table(path, what="テスト", **kwargs)
    except InputError as exc:
        return str(exc)
    finally:
        _plaincsv.read_plain = original


def _both(path: Path, **kwargs: object) -> tuple[object, object, bool]:
    """Both readings of ``path`` and whether the fast path took the file."""
    raw = path.read_bytes()
    utf8 = _io._encoding_of(raw, path=path, what="テスト").startswith("utf-8")
    took = _plaincsv.read_plain(
        raw,
        "utf-8-sig" if utf8 else "cp932",
        ",",
        path=path,
        what="テスト",
        header_hint=kwargs.get("header_hint", ()),
    )
    return _read(path, slow=False, **kwargs), _read(path, slow=True, **kwargs), took is not None


def _same(fast: object, slow: object) -> bool:
    if isinstance(fast, str) or isinstance(slow, str):
        return fast == slow
    return fast.frame.equals(slow.frame) and fast.header_line == slow.header_line


def _write(text: str, *, newline: str = "\n") -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "t.csv"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=12),
    blank_after=st.sets(st.integers(0, 11), max_size=3),
    crlf=st.booleans(),
    title=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    sep=st.sampled_from([",", "\t"]),
)
def test_fast_path_equals_the_csv_module(rows, blank_after, crlf, title, encoding, sep):
    lines = (["表題：施設一覧"] if title else []) + [sep.join(["id", "名称", "種別"])]
    for k, row in enumerate(rows):
        lines.append(sep.join(row))
        if k in blank_after:
            lines.append("")
    text = "\n".join(lines) + "\n"
    try:
        data = text.replace("\n", "\r\n" if crlf else "\n").encode(encoding)
    except UnicodeEncodeError:  # (a cell Shift_JIS cannot hold)
        assume(False)
    path = Path(tempfile.mkdtemp()) / "t.csv"
    path.write_bytes(data)
    fast, slow, _ = _both(path, header_hint=("id",))
    assert _same(fast, slow)
    if not isinstance(fast, str):
        assert fast.encoding == slow.encoding


def test_plain_file_takes_the_fast_path_with_exact_lines():
    path = _write("表題\n\nid,name,,\n1, a ,,\n\n2,'=1+1,,\n , ,,\n3,\u3000,x,\n")
    fast, slow, took = _both(path, header_hint=("id",))
    assert took
    assert fast.header_line == 3
    assert fast.frame.to_dict("list") == {
        "id": ["1", "2", "3"],
        "name": ["a", "=1+1", None],
        "_line": [4, 6, 8],
    }
    assert _same(fast, slow)


@pytest.mark.parametrize(
    "text",
    [
        'id,name\n1,"a\nb"\n2,c\n',  # a quoted line break: the row ends on line 3
        'id,name\n1,"a,b"\n',  # a quoted delimiter
        "id,name\n1\n2,b\n",  # a short row
        "id,name\n1,a,extra\n",  # a long row
        "id,name\n1,a\rb\n",  # a lone carriage return
    ],
)
def test_other_files_fall_back_to_the_csv_module(text):
    path = _write(text)
    fast, slow, took = _both(path)
    assert not took
    assert _same(fast, slow)


def test_quoted_line_break_keeps_its_line_number():
    fast, _, took = _both(_write('id,name\n1,"a\nb"\n2,c\n'))
    assert not took
    assert fast.frame["_line"].tolist() == [3, 4]
    assert fast.frame["name"].tolist() == ["a\nb", "c"]


def test_shift_jis_file_takes_the_fast_path():
    folder = Path(tempfile.mkdtemp())
    path = folder / "sjis.csv"
    path.write_bytes("id,名称\n1,熊本病院\n".encode("cp932"))
    table = _io.read_text_table(path, what="テスト")
    assert table.encoding == "cp932"
    assert table.frame.to_dict("list") == {"id": ["1"], "名称": ["熊本病院"], "_line": [2]}
    raw = path.read_bytes()
    assert _plaincsv.read_plain(raw, "cp932", ",", path=path, what="テスト", header_hint=()) is not None


def test_header_only_is_refused_by_both_paths():
    fast, slow, _ = _both(_write("id,name\n\n , \n"))
    assert isinstance(fast, str) and "見出し" in fast
    assert fast == slow


def test_whitespace_is_what_str_strip_removes():
    """Arrow trims exactly the characters Python's ``str.strip`` removes."""
    import sys

    from geo_zaitaku._plaincsv import WHITESPACE

    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == WHITESPACE


@given(
    st.lists(st.text(alphabet=st.sampled_from(" \u3000\x1c\x85\u200b\t'=+-@a熊0"), max_size=5), max_size=40)
)
def test_column_tidied_as_cell_by_cell(texts):
    """Tidying a column (distinct texts found as they are by Arrow, the rest one by one)
    gives tidy_cell of every cell."""
    import pyarrow as pa

    from geo_zaitaku._cells import tidy_cell
    from geo_zaitaku._plaincsv import _tidy_column

    got = _tidy_column(pa.chunked_array([pa.array(texts, type=pa.string())]))
    assert got.tolist() == [tidy_cell(t) for t in texts]
