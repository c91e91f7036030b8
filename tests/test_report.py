import csv
import json

from geo_zaitaku.report import areas_frame, to_markdown, write_report


def test_report_files(sample_run, tmp_path):
    written = write_report(sample_run.report, tmp_path / "r")
    assert [p.name for p in written] == [
        "report.json",
        "report.md",
        "areas.csv",
        "units.csv",
        "findings.csv",
        "facilities_rejected.csv",
    ]
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
    assert [(r["status"], r["reason"]) for r in rejected] == [
        ("rejected", "no_location"),
        ("rejected", "outside"),
        ("corrected", "swapped"),
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
