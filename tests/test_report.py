import csv
import json

import pytest

from geo_zaitaku.report import REPORT_FILES, areas_frame, to_markdown, write_report


def test_report_files(sample_run, tmp_path):
    written = write_report(sample_run.report, tmp_path / "r")
    names = "report.json report.md areas.csv units.csv findings.csv facilities_rejected.csv report.xlsx"
    assert [p.name for p in written] == names.split() == list(REPORT_FILES)
    raw = (tmp_path / "r" / "areas.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.DictReader((tmp_path / "r" / "areas.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["圏域"] == "さくら市"
    assert rows[0]["構成市区町村コード"] == "99100"
    assert rows[1]["構成市区町村コード"] == "99201 99204 99208 99321 99322 99323"
    assert rows[3]["連携拠点数"] == "0"
    assert (
        rows[0]["拠点あたり人口"] == "370000" and rows[3]["拠点あたり人口"] == ""
    )  # whole numbers, blank if unknown
    assert rows[3]["エラー"] == "1"
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["ok"] is False
    assert data["counts"] == {"error": 1, "warning": 7, "info": 5}
    assert data["inputs"]["facilities"][0]["rejected"][0]["reason"] == "no_location"
    assert data["inputs"]["units"]["set_aside"][0]["feature"] == 31
    rejected = list(
        csv.DictReader(
            (tmp_path / "r" / "facilities_rejected.csv").read_text(encoding="utf-8-sig").splitlines()
        )
    )
    assert list(rejected[0]) == ["ファイル", "行", "状態", "内容", "名称", "status", "reason"]
    assert [(r["状態"], r["status"], r["reason"]) for r in rejected] == [
        ("不採用", "rejected", "no_location"),
        ("不採用", "rejected", "outside"),
        ("補正", "corrected", "swapped"),
    ]
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.startswith(".")]


def test_markdown_escapes_table_cells(sample_run):
    md = to_markdown(sample_run.report)
    assert md.startswith("# 在宅医療圏 点検結果: さくら県 在宅医療圏（保健所圏域）")
    assert "**計画にエラーが1件あります**" in md
    assert "| エラー | 連携を担う拠点 | 西部 | 連携を担う拠点がありません（0か所、必要数 1） |" in md
    assert "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成" in md
    assert "<NA>" not in md and "nan" not in md


def test_areas_frame_columns(sample_run):
    frame = areas_frame(sample_run.report)
    assert list(frame.columns[:4]) == ["圏域", "市区町村数", "構成市区町村", "構成市区町村コード"]
    assert "二次医療圏" in frame.columns and "保健所圏域" in frame.columns
    assert frame["二次医療圏"].tolist() == ["中央", "中央", "北部", "西南", "西南"]


def test_units_table(sample_run, tmp_path):
    write_report(sample_run.report, tmp_path)
    rows = list(csv.DictReader((tmp_path / "units.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 26
    by_code = {r["市区町村コード"]: r for r in rows}
    assert by_code["99100"]["圏域"] == "さくら市"
    assert by_code["99344"]["市区町村"] == "霧ヶ峰村"
    assert float(by_code["99344"]["積極的医療機関までの距離(km)"]) > 16
    assert by_code["99344"]["距離の起点"] == "人口重心"
    units = {u.code: u for u in sample_run.report.units}
    assert units["99344"].reach_km == max(u.reach_km for u in sample_run.report.units if u.area == "北部")


def _strict(text):
    """Parse JSON refusing NaN, Infinity and -Infinity (which json.loads accepts by default)."""
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))


def test_report_json_is_strict_json_with_unknown_values_as_null(sample_run, tmp_path):
    import dataclasses
    from types import MappingProxyType

    import numpy as np

    report = sample_run.report
    finding = dataclasses.replace(report.findings[0], value=float("nan"))
    probe = dataclasses.replace(
        report,
        findings=(finding, *report.findings[1:]),
        settings=MappingProxyType({**report.settings, "probe": (np.float64("inf"), -np.inf, np.nan, 1.5)}),
    )
    write_report(probe, tmp_path)
    data = _strict((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["settings"]["probe"] == [None, None, None, 1.5]
    assert data["findings"][0]["value"] is None
    # whole-number floats (population sums) are written as integers, not 740000.0
    text = (tmp_path / "report.json").read_text(encoding="utf-8")
    assert '"population": 740000,' in text and "740000.0" not in text


def test_json_text_is_strict():
    import numpy as np

    from geo_zaitaku._io import json_text

    assert json_text({"a": float("nan"), "b": [np.float32("inf"), np.int64(2)], "c": {1: "一"}}) == (
        '{"a": null, "b": [null, 2], "c": {"1": "一"}}'
    )


def test_unusable_population_values_do_not_reach_the_outputs(sample_files, tmp_path, capsys):
    from geo_zaitaku.cli import main

    lines = sample_files.population.read_text(encoding="utf-8-sig").splitlines()
    bad = {
        "992011": "992011,港原市,inf,21080,11383,4098,31.202579,137.449488",
        "992020": "992020,川添市,1e309,17280,9331,3359,31.365366,136.862608",
        "992038": "992038,北山市,-5,16450,8883,3198,31.636678,137.135088",
        "992046": "992046,東浜市,39000,nan,7582,2730,31.148317,137.638128",
        "992054": "992054,西野市,61000,20130,10870,3913,0,0",
    }
    lines = [bad.get(line.split(",")[0], line) for line in lines]
    pop = tmp_path / "pop.csv"
    pop.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    args = ["--population", str(pop), "--quiet"]
    assert main(["check", str(sample_files.plan), *args, "--out", str(out)]) == 1  # the sample's error
    data = _strict((out / "report.json").read_text(encoding="utf-8"))
    population = data["inputs"]["population"]
    assert [(r["line"], r["reason"]) for r in population["skipped"] if r["reason"] == "bad_number"] == [
        (7, "bad_number"),
        (8, "bad_number"),
        (9, "bad_number"),
        (10, "bad_number"),
    ]
    assert [(r["line"], r["reason"]) for r in population["notes"]] == [(11, "bad_centroid")]
    assert population["used"] + len(population["skipped"]) == population["rows"]
    assert sorted(population["missing_units"]) == ["99201", "99202", "99203", "99204"]
    units = {u["code"]: u for u in data["units"]}
    assert units["99201"]["population"] is None
    assert units["99205"]["population"] == 61000 and units["99205"]["origin"] == "centroid"
    assert all(u["reach_km"] is None or u["reach_km"] < 100 for u in data["units"])
    areas = list(csv.DictReader((out / "areas.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert all("inf" not in str(row.values()).lower() for row in areas)
    html = tmp_path / "m.html"
    code = main(
        ["map", "areas", str(sample_files.plan), *args[:2], "--choropleth", "population", "-o", str(html)]
    )
    assert code == 0 and html.exists()
    capsys.readouterr()


def test_unknown_reads_as_unknown_never_as_missing_or_ok(sample_files, tmp_path, capsys):
    """Facility data without function columns: the functions are 未確認 (not all four
    missing); no facility data at all: the counts and the verdict are 未確認 (not 0 / OK)."""
    from geo_zaitaku.cli._output import print_report
    from geo_zaitaku.pipeline import check_plan

    fac = tmp_path / "f.csv"
    fac.write_text("name,lat,lon,key_institution,hub\n甲病院,31.21,137.16,1,1\n", encoding="utf-8")
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    frame = areas_frame(run.report)
    assert set(frame["不足する機能"]) == {"未確認"}
    assert [f.code for f in run.report.findings].count("function_unknown") == 4
    assert "function_missing" not in [f.code for f in run.report.findings]
    assert run.report.areas[0].functions_unchecked == ("discharge", "daily", "emergency", "end_of_life")

    bare = check_plan(sample_files.plan, facilities=[], cache=False)
    frame = areas_frame(bare.report)
    assert set(frame["積極的医療機関数"]) == {"未確認"} and set(frame["連携拠点数"]) == {"未確認"}
    assert set(frame["不足する機能"]) == {"未確認"}
    assert bare.report.ok and not bare.report.facilities_checked
    capsys.readouterr()
    print_report(bare.report)
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("│ ")]
    assert len(rows) == 5 and all(row.count("未確認") == 3 for row in rows)  # key, hub, verdict
    assert " OK " not in out
    assert (
        "計画にエラーはありません（施設データがないため、積極的医療機関・連携拠点・距離・4機能は未確認）"
        in out
    )
    md = to_markdown(bare.report)
    assert "**計画にエラーはありません（施設データがないため" in md


def test_roles_unknown_shown_as_unknown_and_unused_columns_named(sample_files, tmp_path, capsys):
    """A facility file whose hub column is misnamed: 連携拠点数 is 未確認 in areas.csv,
    the console and the map popups (not 0), the verdict says what is unknown, and the
    column not used is named in report.md, the 入力データ sheet and report.json."""
    from geo_zaitaku.cli._output import print_report
    from geo_zaitaku.pipeline import check_plan
    from geo_zaitaku.report import inputs_frame

    fac = tmp_path / "f.csv"
    fac.write_text("name,lat,lon,key_institution,連携拠点フラグ\n甲病院,31.21,137.16,1,1\n", encoding="utf-8")
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    frame = areas_frame(run.report)
    assert set(frame["連携拠点数"]) == {"未確認"}
    assert frame["積極的医療機関数"].tolist() == [1, 0, 0, 0, 0]
    assert [f.code for f in run.report.findings].count("hub_unknown") == 1
    assert "no_hub" not in [f.code for f in run.report.findings]
    capsys.readouterr()
    print_report(run.report)
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("│ ")]
    assert len(rows) == 5 and all("│ 未確認 │" in row for row in rows)
    md = to_markdown(run.report)
    assert (
        "- 施設: f.csv（utf-8）1行 → 配置 緯度経度（点の位置） 1・不採用 0・使っていない列 1: 連携拠点フラグ"
        in md
    )
    detail = inputs_frame(run.report).set_index("入力")["備考"]["施設"]
    assert detail == "緯度経度（点の位置） 1（使っていない列 1: 連携拠点フラグ）"
    assert run.report.to_dict()["inputs"]["facilities"][0]["unused_columns"] == ["連携拠点フラグ"]
    from geo_zaitaku.maps.areas import _unit_tip

    first = run.report.areas[0]
    assert (
        _unit_tip(first.units[0], "町", first.name, None, first, ())["l"][-1]
        == "圏域全体: 積極的 1・拠点 未確認"
    )


def test_detached_parts_are_counted(sample_run, tmp_path):
    """飛び地の数 counts the parts apart from the main one: 0 for a contiguous area."""
    from conftest import make_grid

    from geo_zaitaku.checks import run_checks
    from geo_zaitaku.plan import Plan, parse_plan
    from geo_zaitaku.units import units_from_frame

    assert set(areas_frame(sample_run.report)["飛び地の数"]) == {0}
    grid = units_from_frame(make_grid(3, 3))
    spec = parse_plan(
        '[areas]\nA = ["99201", "99203", "99209"]\n'
        'B = ["99202", "99204", "99205", "99206", "99207", "99208"]\n'
    )
    frame = areas_frame(run_checks(Plan.from_spec(spec, grid)))
    assert frame["飛び地の数"].tolist() == [2, 0] and frame["連続"].tolist() == ["×", "○"]


def test_workbook_one_sheet_per_table(sample_files, tmp_path, monkeypatch):
    """report.xlsx: sheets 圏域 … 入力データ, header frozen, widths set, codes as text,
    numbers as numbers, and a formula-like name kept as text (read back with openpyxl)."""
    import openpyxl

    from geo_zaitaku.pipeline import check_plan

    fac = tmp_path / "f.csv"
    rows = sample_files.facilities.read_text(encoding="utf-8-sig")
    fac.write_text(
        rows + '=HYPERLINK("http://x";"y"),=1+1,clinic,31.21,137.16,,1,0,0,0,0,0,0,+81-96-000-0000,,\r\n',
        encoding="utf-8",
    )
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    monkeypatch.chdir(tmp_path)
    write_report(run.report, tmp_path / "r", facilities=run.facilities.frame)
    book = openpyxl.load_workbook(tmp_path / "r" / "report.xlsx")
    assert book.sheetnames == [
        "圏域",
        "市区町村",
        "指摘",
        "施設（積極的医療機関・連携拠点）",
        "不採用・補正の行",
        "入力データ",
        "連結",
    ]
    areas = book["圏域"]
    assert areas.freeze_panes == "A2" and areas.auto_filter.ref.startswith("A1:")
    header = [c.value for c in areas[1]]
    assert header[:4] == ["圏域", "市区町村数", "構成市区町村", "構成市区町村コード"]
    first = {h: c for h, c in zip(header, areas[2], strict=True)}
    assert first["構成市区町村コード"].value == "99100" and first["構成市区町村コード"].data_type == "s"
    assert first["人口"].value == 740000 and first["人口"].data_type == "n"
    assert first["面積(km²)"].data_type == "n"
    assert areas.column_dimensions["C"].width > areas.column_dimensions["B"].width >= 7
    units = book["市区町村"]
    assert [c.value for c in units[2]][:2] == ["99100", "さくら市"] and units["A2"].data_type == "s"
    assert units.max_row == 27
    facilities = book["施設（積極的医療機関・連携拠点）"]
    header = [c.value for c in facilities[1]]
    evil = next(r for r in facilities.iter_rows(min_row=2) if r[0].value == '=HYPERLINK("http://x";"y")')
    assert evil[0].data_type == "s" and evil[0].quotePrefix
    assert evil[header.index("名称")].value == "=1+1" and evil[header.index("名称")].quotePrefix
    assert evil[header.index("電話")].value == "+81-96-000-0000"
    assert evil[header.index("24時間対応")].value == "×"
    frame = run.facilities.frame
    roles = (frame["key_institution"].fillna(False) | frame["hub"].fillna(False)).astype(bool)
    assert facilities.max_row == int(roles.sum()) + 1 < len(frame)  # the facilities the plan counts on
    areas_in_order = [r[header.index("圏域")].value for r in facilities.iter_rows(min_row=2)]
    plan_order = [a.name for a in run.report.areas]
    assert sorted(areas_in_order, key=plan_order.index) == areas_in_order
    for ws in book.worksheets:
        for row in ws.iter_rows():
            assert not any(c.data_type == "f" for c in row), ws.title
    inputs = [[c.value for c in r] for r in book["入力データ"].iter_rows(values_only=False)]
    kinds = [r[0] for r in inputs[1:]]
    assert kinds == ["計画", "境界（N03）", "施設", "人口", "参照レイヤ"]
    files = [r[1] for r in inputs[1:]]
    assert files[2] == "f.csv"  # inside the working folder: named relative to it
    assert not any(str(tmp_path) in str(v) for r in inputs for v in r)
    links = [[c.value for c in r] for r in book["連結"].iter_rows()]
    assert links == [
        ["種類", "市区町村A", "市区町村B", "備考"],
        ["橋", "潮見町（99361）", "浮島町（99381）", "さくら大橋"],
    ]


def test_shared_reports_name_no_local_folders(sample_run, tmp_path, monkeypatch):
    """report.md, report.json and facilities_rejected.csv name input files relative to
    the working folder, or by file name when outside it (no absolute local paths)."""
    folder = sample_run.plan.spec.source.parent
    monkeypatch.chdir(tmp_path)  # the sample's folder is outside the working folder
    write_report(sample_run.report, tmp_path / "r")
    for name in ("report.md", "report.json", "facilities_rejected.csv"):
        text = (tmp_path / "r" / name).read_text(encoding="utf-8-sig")
        assert str(folder) not in text and "/tmp" not in text, name
    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "- 施設: facilities.csv（" in md and "- 境界: units.geojson（" in md
    rejected = (tmp_path / "r" / "facilities_rejected.csv").read_text(encoding="utf-8-sig")
    assert rejected.splitlines()[1].startswith("facilities.csv,")
    monkeypatch.chdir(folder.parent)  # inside: relative to the working folder
    write_report(sample_run.report, tmp_path / "r2")
    md = (tmp_path / "r2" / "report.md").read_text(encoding="utf-8")
    assert f"- 施設: {folder.name}/facilities.csv（" in md


def test_report_lists_declared_links(sample_run):
    md = to_markdown(sample_run.report)
    assert (
        "## 橋・航路などの連結\n\n| 種類 | 市区町村A | 市区町村B | 備考 |\n|---|---|---|---|\n| 橋 | 潮見町（99361） | 浮島町（99381） | さくら大橋 |"
        in md
    )


def test_markdown_shows_user_text_as_written():
    """A facility or area name is text in report.md: no link, emphasis or code span
    (``[x](http://evil)`` used to become a live link), no tag, no new table cell."""
    from geo_zaitaku._io import md_cell

    name = "西部|中央 病院 *bold* [x](http://evil) `code` a_b ~~s~~ \\ <b>"
    assert md_cell(name) == (
        "西部\\|中央 病院 \\*bold\\* \\[x\\](http://evil) \\`code\\` a_b \\~\\~s\\~\\~ \\\\ &lt;b&gt;"
    )


def test_an_area_population_with_unknown_units_says_so(sample_files, tmp_path):
    """Two municipalities without a population: their areas' totals count only the
    known ones, and the tables name the missing ones (the console reads 183,000以上)."""
    from geo_zaitaku.cli._output import population_text
    from geo_zaitaku.pipeline import check_plan
    from geo_zaitaku.report import areas_frame

    pop = tmp_path / "population.csv"
    lines = (sample_files.directory / "population.csv").read_text(encoding="utf-8-sig").splitlines()
    pop.write_text(
        "\n".join(
            ",".join(["abc" if k == 2 else v for k, v in enumerate(line.split(","))])
            if line.split(",")[1] in ("北山市", "東浜市")
            else line
            for line in lines
        ),
        encoding="utf-8",
    )
    run = check_plan(sample_files.plan, population=pop, cache=False)
    areas = {a.name: a for a in run.report.areas}
    assert areas["東部"].population == 222_000 - 39_000 and areas["東部"].population_unknown == ("99204",)
    assert areas["西部"].population_unknown == ()
    assert population_text(areas["東部"]) == "183,000以上" and population_text(areas["西部"]) == "187,500"
    frame = areas_frame(run.report)
    column = "人口の分からない市区町村（人口はその分を除いた数）"
    assert list(frame.columns).index(column) == list(frame.columns).index("75歳以上人口") + 1
    assert dict(zip(frame["圏域"], frame[column], strict=True)) == {
        "さくら市": "",
        "東部": "東浜市",
        "北部": "北山市",
        "西部": "",
        "南部": "",
    }
    assert column not in areas_frame(check_plan(sample_files.plan, cache=False).report).columns


def test_units_table_carries_the_counts_the_choropleth_shades(sample_run):
    """units.csv has 75歳以上人口 and 85歳以上人口 (the map's --choropleth pop_75over could
    not be checked against any table)."""
    from geo_zaitaku.report import units_frame

    frame = units_frame(sample_run.report).set_index("市区町村コード")
    units = sample_run.plan.units
    for column, source in (("75歳以上人口", "pop_75over"), ("85歳以上人口", "pop_85over")):
        assert frame.loc["99100", column] == round(units.loc["99100", source])
    assert list(frame.columns[3:6]) == ["65歳以上人口", "75歳以上人口", "85歳以上人口"]


def test_the_same_run_writes_the_same_bytes(sample_run, tmp_path, monkeypatch):
    """Two identical runs differed in every map (Folium's random map_<hex> names) and in
    report.xlsx (its creation second), so outputs could not be diffed or versioned."""
    from geo_zaitaku.maps import area_map

    first = area_map(sample_run).html()
    assert area_map(sample_run).html() == first
    assert "map_00000001" in first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01T00:00:00Z
    write_report(sample_run.report, tmp_path / "a")
    write_report(sample_run.report, tmp_path / "b")
    a, b = ((tmp_path / d / "report.xlsx").read_bytes() for d in "ab")
    assert a == b
    import zipfile

    core = zipfile.ZipFile(tmp_path / "a" / "report.xlsx").read("docProps/core.xml").decode()
    assert "2025-12-01T00:00:00Z" in core


def test_an_area_note_of_the_plan_is_in_the_tables(sample_files, tmp_path):
    """[areas."上益城"] note = … reached only the map's tooltip: none of report.md,
    areas.csv, report.json or report.xlsx had it."""
    from geo_zaitaku import check_plan

    text = sample_files.plan.read_text(encoding="utf-8")
    assert "備考" not in areas_frame(check_plan(sample_files.plan).report).columns  # none: no column
    text = text.replace('"北部" = [', '"北部" = { note = "町村会と協議中", units = [', 1)
    head, sep, rest = text.partition('"北部" = { note = "町村会と協議中", units = [')
    rest = rest.replace("]\n", "] }\n", 1)
    plan = sample_files.directory / "noted.toml"
    plan.write_text(head + sep + rest, encoding="utf-8")
    try:
        run = check_plan(plan)
    finally:
        plan.unlink()
    frame = areas_frame(run.report).set_index("圏域")
    assert frame.loc["北部", "備考"] == "町村会と協議中" and frame.loc["東部", "備考"] == ""
    assert next(a for a in run.report.areas if a.name == "北部").to_dict()["note"] == "町村会と協議中"


def test_a_header_that_reads_as_a_formula_keeps_the_text_prefix(tmp_path):
    """A reference layer named 「=HYPERLINK(…)」 was a header cell without the prefix:
    F2 and Enter in Excel made it a formula."""
    import openpyxl
    import pandas as pd

    from geo_zaitaku.report.workbook import write_workbook

    frame = pd.DataFrame({"圏域": ["A"], '=HYPERLINK("http://x","y")': ["b"]})
    path = write_workbook(tmp_path / "w.xlsx", [("圏域", frame)])
    first, second = next(openpyxl.load_workbook(path).active.iter_rows(min_row=1, max_row=1))
    assert (first.value, first.quotePrefix) == ("圏域", False)
    assert (second.value, second.data_type, second.quotePrefix) == ('=HYPERLINK("http://x","y")', "s", True)


def test_a_text_too_long_for_excel_is_cut_with_a_mark(tmp_path):
    """XlsxWriter cut a 40,001-character name to 32,767 without a word."""
    import openpyxl
    import pandas as pd

    from geo_zaitaku import labels
    from geo_zaitaku.report.workbook import MAX_CELL, write_workbook

    frame = pd.DataFrame({"名称": ["名" * 40_001, "短い"]})
    path = write_workbook(tmp_path / "w.xlsx", [("施設", frame)])
    long, short = (r[0].value for r in openpyxl.load_workbook(path).active.iter_rows(min_row=2))
    assert len(long) == MAX_CELL and long.endswith(labels.TEXT["xlsx_cut"]) and long.startswith("名名")
    assert short == "短い"
