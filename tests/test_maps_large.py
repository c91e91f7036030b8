"""The facility table as columns, its packing, and the list split into pages (the
memory-bounded paths of large facility files)."""

import base64
import csv
import gzip
import json
import re

import numpy as np
import pandas as pd
import pytest

from geo_zaitaku import labels, schema
from geo_zaitaku.maps import write_resource_list
from geo_zaitaku.maps._facilities import (
    COLUMNS,
    FLAGS,
    NOT_24H,
    _address_prefixes,
    _kind,
    column_list,
    facility_table,
    kind_order,
    packed_table,
    table_rows,
)
from geo_zaitaku.maps.resources import (
    LIST_PAGE_LIMIT,
    list_html,
    list_page_plan,
    resource_list,
    select_facilities,
)


def row_wise_table(facilities: pd.DataFrame, units: pd.DataFrame) -> list[list]:
    """The rows as the table was built before it was columnar: one Python list per
    facility, the municipality part of the address cut with the first matching name."""
    lat = facilities["lat"].to_numpy(dtype=float)
    lon = facilities["lon"].to_numpy(dtype=float)
    located = ~(np.isnan(lat) | np.isnan(lon))
    frame = facilities.loc[located]
    kinds = kind_order(frame["kind"].tolist())
    kind_index = {k: i for i, k in enumerate(kinds)}
    prefixes, prefix_of = _address_prefixes(units)
    rows = []
    for (_, r), y, x in zip(frame.iterrows(), lat[located], lon[located], strict=True):
        flags = 0
        for column, bit in FLAGS.items():
            if r[column] is True or (not pd.isna(r[column]) and bool(r[column])):
                flags |= bit
        if not pd.isna(r["is_24h"]) and not bool(r["is_24h"]):
            flags |= NOT_24H
        u, rest = -1, r["address"] if isinstance(r["address"], str) else ""
        for candidate in prefix_of.get(r["unit"], ()):
            if rest.startswith(prefixes[candidate]):
                u, rest = candidate, rest[len(prefixes[candidate]) :]
                break
        url = r["url"] if isinstance(r["url"], str) and re.match(r"^https?://", r["url"], re.I) else ""
        phone = r["phone"] if isinstance(r["phone"], str) else ""
        row = [r["id"], round(y, 5), round(x, 5), kind_index[_kind(r["kind"])], flags]
        position = r["position"] if r.get("position") == schema.TOWN_POSITION else ""
        rows.append([*row, r["name"], u, rest, phone, url, position])
    return rows


def test_columns_rebuild_the_row_wise_table(sample_run):
    facilities, units = sample_run.facilities.frame, sample_run.plan.units
    table = facility_table(facilities, units)
    assert table["n"] == 242 and table["unlocated"] == 1
    assert list(table["cols"]) == list(COLUMNS)
    rows = table_rows(table)
    assert rows == row_wise_table(facilities, units)
    c = table["columns"]
    row = next(r for r in rows if r[c["name"]] == "南部中央病院")
    assert table["units"][row[c["unit"]]] == "さくら県南岬市"
    assert row[c["address"]] == "本町4-5-15"
    assert row[c["flags"]] == 1 | 4 | 8 | 16 | 32 | 64


def test_columns_without_kind_or_address(sample_run):
    frame = sample_run.facilities.frame.iloc[:3].copy()
    frame["kind"] = pd.array([None, "clinic", ""], dtype="str")
    frame["address"] = pd.array([None, "x", "さくら県南岬市港町"], dtype="str")
    table = facility_table(frame, sample_run.plan.units)
    kinds = [k["id"] for k in table["kinds"]]
    assert [kinds[k] for k in column_list(table["cols"]["kind"])] == ["other", "clinic", "other"]
    assert column_list(table["cols"]["address"])[:2] == ["", "x"]
    assert table_rows(table) == row_wise_table(frame, sample_run.plan.units)


def decoded(packed: str) -> dict:
    return json.loads(gzip.decompress(base64.b64decode(packed)))


def test_packed_table_round_trip(sample_run):
    table = facility_table(sample_run.facilities.frame, sample_run.plan.units)
    head = {k: v for k, v in table.items() if k != "cols"}
    as_lists = {**head, "cols": {k: column_list(v) for k, v in table["cols"].items()}}  # "cols" last
    text = json.dumps(as_lists, ensure_ascii=False, separators=(",", ":"))
    # at most `above` characters of JSON: the table itself, columns as lists
    kept = packed_table(table, above=len(text))
    assert isinstance(kept, dict)
    assert kept == as_lists
    assert json.dumps(kept, ensure_ascii=False, separators=(",", ":")) == text
    # one character more than `above`: gzip of the same JSON, column by column
    packed = packed_table(table, above=len(text) - 1)
    assert isinstance(packed, str)
    assert decoded(packed) == as_lists
    assert gzip.decompress(base64.b64decode(packed)).decode("utf-8") == text
    assert table_rows(decoded(packed)) == table_rows(table)


def test_list_page_plan():
    (empty,) = list_page_plan(0, "r")
    assert (empty.number, empty.start, empty.stop, empty.name) == (1, 0, 0, "r.html")
    (only,) = list_page_plan(LIST_PAGE_LIMIT, "resources_list")
    assert (only.number, only.start, only.stop, only.name) == (1, 0, 10_000, "resources_list.html")
    pages = list_page_plan(25_001, "resources_list_有明")
    assert [(p.number, p.start, p.stop, p.name) for p in pages] == [
        (1, 0, 10_000, "resources_list_有明.html"),
        (2, 10_000, 20_000, "resources_list_有明_p2.html"),
        (3, 20_000, 25_001, "resources_list_有明_p3.html"),
    ]
    with pytest.raises(ValueError):
        list_page_plan(5, "r", limit=0)


def body_rows(html: str) -> list[str]:
    """The names (second cell) of the list's rows, in order."""
    return re.findall(r'<tr><td data-label="種別">[^<]*</td><td data-label="名称">([^<]*)</td>', html)


def test_list_split_into_pages(sample_run, tmp_path):
    whole = resource_list(select_facilities(sample_run))
    assert len(whole) == 243
    written = write_resource_list(sample_run, tmp_path, limit=100)
    assert [p.name for p in written] == [
        "resources_list.csv",
        "resources_list.html",
        "resources_list_p2.html",
        "resources_list_p3.html",
    ]
    rows = list(csv.DictReader(written[0].read_text(encoding="utf-8-sig").splitlines()))
    assert [r["名称"] for r in rows] == whole["名称"].tolist()  # the CSV stays whole, sorted
    pages = [p.read_text(encoding="utf-8") for p in written[1:]]
    assert [len(body_rows(h)) for h in pages] == [100, 100, 43]
    assert [name for h in pages for name in body_rows(h)] == whole["名称"].tolist()
    assert "全243件のうち 101〜200件目（2／3ページ）" in pages[1]
    assert labels.MAP_TEXT["list_split"].format(limit=LIST_PAGE_LIMIT, pages=3) in pages[0]
    nav = '<nav aria-label="ページ"><p>ページ: <a href="resources_list.html">1</a> '
    assert (
        nav + '<strong aria-current="page">2</strong> <a href="resources_list_p3.html">3</a> </p></nav>'
        in pages[1]
    )
    assert pages[1].count("<nav ") == 2  # above and below the table
    # one page up to the limit: no page links, the plain count
    (single,) = write_resource_list(sample_run, tmp_path / "one", limit=243)[1:]
    html = single.read_text(encoding="utf-8")
    assert "<nav" not in html and "<p>243件</p>" in html
    assert html == list_html(whole, f"{labels.MAP_TEXT['list_title']}（{sample_run.plan.name}）")


def test_page_links_are_encoded_file_names(sample_run, tmp_path):
    written = write_resource_list(sample_run, tmp_path, stem='javascript:x"<b>', limit=200)
    assert [p.name for p in written[1:]] == ['javascript:x"<b>.html', 'javascript:x"<b>_p2.html']
    html = written[1].read_text(encoding="utf-8")
    assert '<a href="javascript%3Ax%22%3Cb%3E_p2.html">2</a>' in html
    assert "javascript:x" not in html


def test_list_columns_are_shared_labels_and_text(sample_run):
    table = resource_list(select_facilities(sample_run))
    row = table[table["名称"] == "南部中央病院"].iloc[0].to_dict()
    assert row == {
        "種別": "在宅療養支援病院",
        "名称": "南部中央病院",
        "住所": "さくら県南岬市本町4-5-15",
        "地図の位置": "",
        "電話": "0990-80-1744",
        "24時間対応": "○",
        "対応": "・".join(labels.FUNCTIONS[f][0] for f in schema.FUNCTION_FIELDS),
        "ウェブサイト": "https://example.com/sakura/0232",
        "市区町村": "南岬市",
        "圏域": "南部",
    }


def test_a_shorter_list_leaves_no_old_pages_behind(sample_files, tmp_path, monkeypatch, capsys):
    import functools

    import geo_zaitaku.maps as maps_mod
    from geo_zaitaku.cli import main

    target = tmp_path / "out" / "resources_map.html"
    command = ["map", "resources", str(sample_files.plan), "--no-basemap", "-o", str(target)]
    monkeypatch.setattr(maps_mod, "write_resource_list", functools.partial(write_resource_list, limit=100))
    assert main(command) == 0
    pages = sorted(p.name for p in target.parent.glob("resources_list*.html"))
    assert pages == ["resources_list.html", "resources_list_p2.html", "resources_list_p3.html"]
    monkeypatch.setattr(maps_mod, "write_resource_list", functools.partial(write_resource_list, limit=1000))
    assert main(command) == 0
    assert sorted(p.name for p in target.parent.glob("resources_list*.html")) == ["resources_list.html"]
    assert len(body_rows((target.parent / "resources_list.html").read_text(encoding="utf-8"))) == 243
    capsys.readouterr()
