import json
import re
import subprocess
import sys

import pytest
from conftest import make_grid, write_plan

from geo_zaitaku.cli import main
from geo_zaitaku.report import REPORT_FILES


def run(capsys, *args):
    code = main(list(map(str, args)))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_demo_writes_reports_and_exits_zero(tmp_path, capsys):
    code, out, err = run(capsys, "demo", "--out", tmp_path / "demo")
    assert code == 0
    assert "連携を担う拠点がありません" in out
    assert "計画にエラーが1件あります" in out
    for name in (
        "report.json",
        "report.md",
        "areas.csv",
        "findings.csv",
        "facilities_rejected.csv",
        "areas_map.html",
        "resources_map.html",
        "resources_list.csv",
        "resources_list.html",
        "input/plan.toml",
        "input/units.geojson",
        "input/facilities.csv",
        "scenario/comparison.md",
        "robustness/robustness.md",
        "design/plan.toml",
        "design/design_map.html",
    ):
        assert (tmp_path / "demo" / name).exists(), name
    assert "意図的な誤り" in err
    # the demo's repair moves exactly さくら市 into 西部, and the repaired plan passes every check
    assert "移す市区町村（元 → 先）: さくら市（「さくら市」→「西部」）" in out
    code, out, _ = run(capsys, "check", tmp_path / "demo/design/plan.toml", "--out", tmp_path / "re")
    assert code == 0 and "エラー 0件" in out


def test_check_exit_codes_and_outputs(tmp_path, capsys, grid_file):
    lat_lon = "31.66,135.05"  # inside cell 0 of the grid
    fac = tmp_path / "f.csv"
    fac.write_text(f"name,lat,lon,key_institution,hub\n甲,{lat_lon},1,1\n", encoding="utf-8")
    good = write_plan(
        tmp_path / "good.toml",
        '[plan]\nname = "良い計画"\n[areas]\n"全域" = ["99201","99202","99203","99204","99205","99206","99207","99208","99209"]\n',
    )
    code, out, _ = run(
        capsys,
        "check",
        good,
        "--units",
        grid_file,
        "--facilities",
        fac,
        "--out",
        tmp_path / "o1",
        "--reach-km",
        "40",
    )
    assert code == 0, out
    assert "計画にエラーはありません" in out
    report = json.loads((tmp_path / "o1" / "report.json").read_text(encoding="utf-8"))
    (area,) = report["areas"]
    assert area["name"] == "全域"
    assert area["units"] == [f"99{k}" for k in range(201, 210)]
    assert area["contiguous"] is True
    assert area["components"] == [area["units"]]
    assert area["key_institutions"] == ["f:2"] and area["hubs"] == ["f:2"]
    assert report["settings"]["reach_km"] == 40.0
    bad = write_plan(tmp_path / "bad.toml", '[plan]\nname = "x"\n[areas]\n"A" = ["99201", "99209"]\n')
    code, out, _ = run(
        capsys, "check", bad, "--units", grid_file, "--facilities", fac, "--out", tmp_path / "o2"
    )
    assert code == 1
    assert "飛び地" in out and "町1（99202）がどの圏域にも含まれていません" in out
    findings = json.loads((tmp_path / "o2" / "report.json").read_text(encoding="utf-8"))["findings"]
    assert {"rule", "severity", "area", "message"} <= set(findings[0])


@pytest.mark.parametrize(
    ("plan_text", "extra", "needle"),
    [
        ('[plan]\nname = "x"\n[areas\n', [], "TOML"),
        ('[plan]\nname = "x"\n', [], "[areas]"),
        ('[areas]\n"A" = ["99201"]\n', ["--facilities", "missing.csv"], "missing.csv"),
        ('[areas]\n"A" = ["99201"]\n', ["--population", "missing.csv"], "missing.csv"),
    ],
)
def test_check_bad_input_exit_2_without_traceback(tmp_path, capsys, grid_file, plan_text, extra, needle):
    plan = write_plan(tmp_path / "p.toml", plan_text)
    code, out, err = run(capsys, "check", plan, "--units", grid_file, *extra, "--out", tmp_path / "o")
    assert code == 2
    assert needle in err
    assert "Traceback" not in err + out
    assert not (tmp_path / "o").exists()


def test_check_without_units(tmp_path, capsys):
    plan = write_plan(tmp_path / "p.toml", '[areas]\n"A" = ["99201"]\n')
    code, _, err = run(capsys, "check", plan)
    assert code == 2
    assert "--units" in err


def test_check_facility_file_without_coordinates(tmp_path, capsys, grid_file):
    plan = write_plan(tmp_path / "p.toml", '[areas]\n"A" = ["99201"]\n')
    fac = tmp_path / "f.csv"
    fac.write_text("名称,住所\n甲,どこか\n", encoding="cp932")
    code, _, err = run(capsys, "check", plan, "--units", grid_file, "--facilities", fac)
    assert code == 2
    assert "f.csv" in err and "緯度" in err


def test_boundary_without_code_column(tmp_path, capsys):
    g = make_grid(2, 1).drop(columns=["N03_007"])
    g.to_file(tmp_path / "b.geojson")
    plan = write_plan(tmp_path / "p.toml", '[areas]\n"A" = ["99201"]\n')
    code, _, err = run(capsys, "check", plan, "--units", tmp_path / "b.geojson")
    assert code == 2
    assert "N03_007" in err and "b.geojson" in err


def test_unknown_code_is_a_plan_error_exit_1(tmp_path, capsys, grid_file):
    plan = write_plan(
        tmp_path / "p.toml",
        '[areas]\n"A" = ["99201","99202","99203","99204","99205","99206","99207","99208","99209","99999"]\n',
    )
    code, out, _ = run(capsys, "check", plan, "--units", grid_file, "--out", tmp_path / "o")
    assert code == 1
    assert "「99999」に一致する市区町村がありません" in out


def test_outputs_replace_old_files_atomically(tmp_path, capsys, grid_file):
    plan = write_plan(
        tmp_path / "p.toml",
        '[areas]\n"A" = ["99201","99202","99203","99204","99205","99206","99207","99208","99209"]\n',
    )
    out_dir = tmp_path / "o"
    out_dir.mkdir()
    (out_dir / "report.json").write_text("old", encoding="utf-8")
    run(capsys, "check", plan, "--units", grid_file, "--out", out_dir)
    assert json.loads((out_dir / "report.json").read_text(encoding="utf-8"))["plan"] == "p"
    assert sorted(p.name for p in out_dir.iterdir()) == sorted([*REPORT_FILES, "run.json"])
    manifest = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    assert manifest["runs"]["check"]["complete"] is True
    assert sorted(manifest["runs"]["check"]["files"]) == sorted(
        p.name for p in out_dir.iterdir() if p.name != "run.json"
    )


def test_sample_command(tmp_path, capsys):
    code, _, err = run(capsys, "sample", tmp_path / "s")
    assert code == 0
    assert (tmp_path / "s" / "plan.toml").exists()
    assert "plan.toml" in err


def test_console_script_bad_input_has_no_traceback(tmp_path):
    plan = write_plan(tmp_path / "p.toml", "[areas\n")
    proc = subprocess.run(
        [sys.executable, "-m", "geo_zaitaku", "check", str(plan)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "TOML" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "geo_zaitaku", "check"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "PLAN" in proc.stderr


def test_small_wording_fixes(sample_files, tmp_path, capsys):
    """check --level; demand -q prints the total only; English counts read '1 hub'-free;
    population.csv writes whole numbers."""
    from geo_zaitaku import labels

    code, out, _ = run(capsys, "check", sample_files.plan, "--level", "ward", "--out", tmp_path / "w", "-q")
    assert code == 1
    units = (tmp_path / "w" / "units.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(units) == 1 + 29 and units[1].startswith("99101,さくら市中央区,")
    code, out, _ = run(
        capsys, "demand", sample_files.plan, "--target-year", "2040", "--out", tmp_path / "d", "-q"
    )
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("│ ") and line[2:4].strip()]
    assert [line.split("│")[1].strip() for line in rows] == ["合計"]
    assert "さくら市" not in out.split("推計")[1].split("┘")[0]
    en = labels.message("hub_density", per=120000, limit=100000, pop=120000, n=1).en
    assert en.endswith("(population 120,000, hubs: 1)") and "1 hubs" not in en
    for key in ("facilities_rejected", "population_missing", "population_skipped", "facility_notes"):
        template = labels.MESSAGES[key][1]
        assert not re.search(r"\{n(:[^}]*)?\} [a-z]", template), key  # never '{n} rows' ('1 rows')
    census = tmp_path / "census.csv"
    census.write_text(
        '市区町村コード,市区町村名,人口総数,65歳以上,75歳以上,85歳以上\n992011,港原市,"876,585","200,001","100,000","40,000"\n',
        encoding="utf-8",
    )
    code, _, _ = run(
        capsys, "population", "import", census, "--units", sample_files.units, "--out", tmp_path / "p"
    )
    assert code == 0
    table = (tmp_path / "p" / "population.csv").read_text(encoding="utf-8-sig").splitlines()
    assert table[2].startswith("99201,港原市,876585,200001,100000,40000,")


def test_main_restores_the_collector_thresholds(tmp_path, capsys):
    import gc

    from geo_zaitaku.cli import GC_THRESHOLD

    before = gc.get_threshold()
    seen = []
    original = gc.set_threshold
    try:
        gc.set_threshold = lambda *t: (seen.append(t), original(*t))  # type: ignore[assignment]
        assert main(["--version"]) == 0
    finally:
        gc.set_threshold = original
    assert seen[0][0] == GC_THRESHOLD
    assert gc.get_threshold() == before


def test_a_reader_that_goes_away_does_not_stop_the_files(sample_files, tmp_path):
    """``check … | head -1``: the reader leaves after one line; the command still writes
    every file and exits as it would have (it used to die on BrokenPipeError, exit 1,
    nothing written)."""
    from pathlib import Path

    exe = Path(sys.executable).with_name("geo-zaitaku")
    out = tmp_path / "pp"
    done = subprocess.run(
        [
            "bash",
            "-c",
            f'"{exe}" check "{sample_files.plan}" --out "{out}" | head -1; exit ${{PIPESTATUS[0]}}',
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1  # the sample plan's errors, as without the pipe
    assert sorted(p.name for p in out.iterdir()) == sorted([*REPORT_FILES, "run.json"])
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_sample_keeps_an_edited_file(tmp_path, capsys):
    """Writing the sample again over a folder where the plan was edited refuses (exit 2)
    and keeps the edit; unchanged files are written again; --force overwrites."""
    folder = tmp_path / "s"
    assert main(["sample", str(folder)]) == 0
    assert main(["sample", str(folder)]) == 0  # nothing edited: written again
    plan = folder / "plan.toml"
    edited = plan.read_text(encoding="utf-8") + "# 編集\n"
    plan.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(["sample", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "plan.toml は書き出したサンプルから変わっています" in err and "--force" in err
    assert plan.read_text(encoding="utf-8") == edited
    assert main(["sample", str(folder), "--force"]) == 0
    assert "# 編集" not in plan.read_text(encoding="utf-8")


def test_command_line_mistakes_are_in_japanese_first(capsys):
    """click's own messages (「Error: No such option '-q'.」) came in English alone."""
    assert main(["check", "plan.toml", "--reach"]) == 2
    err = capsys.readouterr().err
    assert "使い方は 'geo-zaitaku check --help' で表示します" in err
    assert "オプション --reach はありません（近いもの: --reach-km・--reach-min・--year）" in err
    assert main(["check"]) == 2
    assert "PLAN を指定してください。 / PLAN is missing." in capsys.readouterr().err
    assert main(["check", "plan.toml", "--reach-km", "abc"]) == 2
    err = capsys.readouterr().err
    assert (
        "'--reach-km' の値が正しくありません: 0より大きく" in err
        and "Invalid value for '--reach-km': must be" in err
    )
    assert main(["chek"]) == 2
    assert (
        "コマンド chek はありません（近いもの: check）。geo-zaitaku --help でコマンドの一覧を確かめてください。"
        " / no such command chek." in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["design", "areas", "--areas", "abc"],
            "'--areas' の値が正しくありません: 整数で指定してください。"
            " / Invalid value for '--areas': 'abc' is not a valid integer.",
        ),
        (
            ["access", "plan.toml", "--sigma", "abc"],
            "'--sigma' の値が正しくありません: 数値で指定してください。 / Invalid value for '--sigma'",
        ),
        (
            ["check", "plan.toml", "--level", "foo"],
            "'--level' の値が正しくありません: 次のどれかを指定してください: municipality・ward。"
            " / Invalid value for '--level': 'foo' is not one of 'municipality', 'ward'.",
        ),
        (
            ["demand", "plan.toml", "--target-year", "1800"],
            "'--target-year' の値が正しくありません: 整数で指定してください（1900 以上 2200 以下）。"
            " / Invalid value for '--target-year': 1800 is not in the range 1900<=x<=2200.",
        ),
    ],
)
def test_click_own_value_messages_are_in_japanese_first(capsys, args, needle):
    """click's own messages for a number or a choice (「'abc' is not a valid integer.」)
    came in English alone after the Japanese 「の値が正しくありません:」."""
    assert main(args) == 2
    assert needle in capsys.readouterr().err


def test_a_reader_of_the_messages_that_goes_away_does_not_change_the_exit_status(sample_files, tmp_path):
    """``population import … 2>&1 >/dev/null | head -1`` exited 1 (instead of 0) when
    the reader of standard error left early."""
    from pathlib import Path

    exe = Path(sys.executable).with_name("geo-zaitaku")
    out = tmp_path / "pop"
    pop, units = sample_files.population, sample_files.directory / "units.geojson"
    script = f'"{exe}" population import "{pop}" --units "{units}" --out "{out}" 2>&1 >/dev/null | head -c 1 >/dev/null; exit ${{PIPESTATUS[0]}}'
    for _ in range(3):  # the race is the reader leaving before the last message
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert (out / "population.csv").is_file()


def test_a_cache_that_cannot_be_written_is_one_warning_line(tmp_path, capsys, grid_file, monkeypatch):
    """Python's warnings printed the package's file and source line, twice:
    「…/cache.py:129: UserWarning: 境界のキャッシュを… with _optional():」."""
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("", encoding="utf-8")
    from geo_zaitaku import settings

    monkeypatch.setattr(settings, "cache_dir", not_a_folder)
    plan = write_plan(tmp_path / "p.toml", '[plan]\nname = "計画"\n[areas]\n"全域" = ["99201"]\n')
    assert main(["check", str(plan), "--units", str(grid_file), "--out", str(tmp_path / "o"), "-q"]) in (0, 1)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "キャッシュ" in line]
    assert len(lines) == 1 and lines[0].startswith("注意 / warning: 境界のキャッシュを書き込めませんでした（")
    assert "GEO_ZAITAKU_CACHE_DIR" in lines[0]
    assert "UserWarning" not in err and "cache.py" not in err
    assert (tmp_path / "o" / "report.md").exists()  # the run itself goes on


def _command_paths(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*path, name))


def test_every_help_is_japanese_first_and_names_its_default_folder(capsys):
    """click's 「Show this message and exit.」 was English only, and the --out line of
    diff, scenario, access, robustness and design said ./out/<計画ファイル名>/ while
    they write into a subfolder."""
    from geo_zaitaku.cli import cli

    folders = {
        ("diff",): "./out/<PLAN_B のファイル名>/diff/",
        ("scenario",): "./out/<計画ファイル名>/<シナリオ名>/",
        ("access",): "./out/<計画ファイル名>/access/",
        ("robustness",): "./out/<計画ファイル名>/robustness/",
        ("design", "areas"): "./out/<計画ファイル名>/design/",
        ("design", "hubs"): "./out/<計画ファイル名>/hubs/",
        ("check",): "./out/<計画ファイル名>/）",
    }
    paths = list(_command_paths(cli))
    assert len(paths) > 20
    for path in paths:
        assert main([*path, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())  # (wrapped lines joined)
        assert "この説明を表示して終わる / show this message and exit." in text, path
        assert "Show this message" not in text, path
        if path in folders:
            assert f"出力フォルダ（既定{folders[path]}".replace(" ", "") in text.replace(" ", ""), path


def test_control_characters_in_names_never_reach_the_terminal(tmp_path, capsys, grid_file):
    """An area named with ESC sequences set the terminal's title, erased a line and
    forged 「計画にエラーはありません」 on a line of its own."""
    from geo_zaitaku.cli._output import escape

    assert escape("a\x1b]0;T\x07b\r\nc\u202ed[x]") == "a\ufffd]0;T\ufffdb\ufffd\ufffdc\ufffdd\\[x]"
    # a plan's area name cannot hold them at all; a municipality name of the boundary
    # file (or a facility's) is shown with them replaced
    name = "南\\u001b]0;TITLE\\u0007\\u001b[2K\\r計画にエラーはありません\\n"
    plan = write_plan(tmp_path / "p.toml", f'[plan]\nname = "x"\n[areas]\n"{name}" = ["99201"]\n')
    assert main(["check", str(plan), "--units", str(grid_file), "--out", str(tmp_path / "o")]) == 2
    assert "が空か、制御文字を含んでいます" in capsys.readouterr().err
    grid = make_grid()
    grid.loc[1, "N03_004"] = "町\x1b]0;TITLE\x07\x1b[2K\r計画にエラーはありません\n"
    units = tmp_path / "evil.geojson"
    grid.to_file(units, driver="GeoJSON")
    plan = write_plan(tmp_path / "q.toml", '[plan]\nname = "x"\n[areas]\n"南" = ["99201"]\n')
    assert main(["check", str(plan), "--units", str(units), "--out", str(tmp_path / "o")]) == 1
    shown = capsys.readouterr()
    for text in (shown.out, shown.err):
        assert not any(ch in text for ch in "\x1b\x07\r"), text
    assert "町\ufffd]0;TITLE" in shown.out
