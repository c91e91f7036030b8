"""Outputs never replace inputs; a command's outputs are written as one set."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from geo_zaitaku.cli import main
from geo_zaitaku.outputs import MANIFEST, staged


def _copy_sample(sample_files, tmp_path):
    d = tmp_path / "in"
    shutil.copytree(sample_files.directory, d)
    return d


def _bytes(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_map_resources_out_onto_the_facility_csv_is_refused(sample_files, tmp_path, capsys):
    d = _copy_sample(sample_files, tmp_path)
    before = _bytes(d)
    fac = d / "facilities.csv"
    code = main(["map", "resources", str(d / "plan.toml"), "--facilities", str(fac), "--out", str(fac)])
    assert code == 2
    err = capsys.readouterr().err
    assert "facilities.csv" in err and "入力ファイル" in err and "Traceback" not in err
    assert _bytes(d) == before


@pytest.mark.parametrize("command", ["areas", "resources"])
@pytest.mark.parametrize("name", ["map", "map.csv", "map.html.txt"])
def test_map_out_must_be_an_html_file(sample_files, tmp_path, capsys, command, name):
    code = main(["map", command, str(sample_files.plan), "--out", str(tmp_path / name)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"出力 {tmp_path / name} の拡張子が .html・.htm ではありません" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert (
        main(["map", command, str(sample_files.plan), "--no-basemap", "--out", str(tmp_path / "地図.HTM")])
        == 0
    )


def test_check_out_into_the_folder_of_an_input_named_like_an_output(sample_files, tmp_path, capsys):
    d = _copy_sample(sample_files, tmp_path)
    fac = d / "units.csv"  # the facility file happens to be called like check's units table
    shutil.copy(d / "facilities.csv", fac)
    before = _bytes(d)
    code = main(["check", str(d / "plan.toml"), "--facilities", str(fac), "--out", str(d)])
    assert code == 2
    err = capsys.readouterr().err
    assert "units.csv" in err and "--out" in err
    assert _bytes(d) == before  # nothing written at all, not even report.json
    assert not [p for p in tmp_path.rglob("*.partial")]


def test_plan_file_as_output_of_map_areas_is_refused(sample_files, tmp_path, capsys):
    d = _copy_sample(sample_files, tmp_path)
    before = _bytes(d)
    assert main(["map", "areas", str(d / "plan.toml"), "--out", str(d / "plan.toml")]) == 2
    assert "plan.toml" in capsys.readouterr().err
    assert _bytes(d) == before


def test_failed_run_leaves_no_temporaries_and_keeps_old_files(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "a.txt").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), staged(out, command="t") as stage:
        stage.path("a.txt").write_text("new", encoding="utf-8")
        raise RuntimeError("boom")
    assert (out / "a.txt").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]


def test_interrupted_move_is_recorded_in_the_manifest(tmp_path, monkeypatch):
    out = tmp_path / "o"
    real = os.replace
    moved = []

    def flaky(src, dst):
        if str(dst).endswith("b.txt"):
            raise OSError("disk full")
        moved.append(dst)
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError), staged(out, command="t") as stage:
        stage.path("a.txt").write_text("1", encoding="utf-8")
        stage.path("b.txt").write_text("2", encoding="utf-8")
    monkeypatch.setattr(os, "replace", real)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["runs"]["t"] == {**manifest["runs"]["t"], "files": ["a.txt", "b.txt"], "complete": False}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_manifest_keeps_other_commands_files(tmp_path):
    out = tmp_path / "o"
    with staged(out, command="check") as stage:
        stage.path("report.json").write_text("{}", encoding="utf-8")
        stage.path("areas.csv").write_text("", encoding="utf-8")
    with staged(out, command="map areas areas_map.html") as stage:
        stage.path("areas_map.html").write_text("", encoding="utf-8")
        stage.path("areas.csv").write_text("x", encoding="utf-8")
    runs = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["runs"]
    assert runs["check"]["files"] == ["report.json"]
    assert runs["map areas areas_map.html"]["files"] == ["areas.csv", "areas_map.html"]
    assert all(r["complete"] for r in runs.values())


def test_output_folder_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "f"
    target.write_text("keep", encoding="utf-8")
    from geo_zaitaku import InputError

    with pytest.raises(InputError, match="フォルダ"), staged(target, command="t"):
        pass
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_rerun_removes_what_it_no_longer_writes_and_nothing_else(tmp_path):
    out = tmp_path / "o"
    with staged(out, command="map resources m.html") as stage:
        for name in ("m.html", "list.html", "list_p2.html", "list_p3.html"):
            stage.path(name).write_text("old", encoding="utf-8")
    with staged(out, command="check") as stage:
        stage.path("report.json").write_text("{}", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # the user's own file
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    # run.json is text a user could edit: names outside the folder are never touched
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["runs"]["map resources m.html"]["files"] += ["../outside.txt", str(outside), "notes.txt"]
    manifest["runs"]["map resources m.html"]["files"].remove("notes.txt")
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with staged(out, command="map resources m.html") as stage:
        stage.path("m.html").write_text("new", encoding="utf-8")
        stage.path("list.html").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == [
        "list.html",
        "m.html",
        "notes.txt",
        "report.json",
        MANIFEST,
    ]
    assert outside.read_text(encoding="utf-8") == "keep"
    runs = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["runs"]
    assert runs["map resources m.html"]["files"] == ["list.html", "m.html"]
    assert runs["check"]["files"] == ["report.json"]


def test_a_rerun_never_removes_an_input(tmp_path):
    out = tmp_path / "o"
    with staged(out, command="t") as stage:
        stage.path("a.csv").write_text("output once", encoding="utf-8")
        stage.path("b.txt").write_text("", encoding="utf-8")
    # the user then keeps their input in the output folder under that name
    (out / "a.csv").write_text("now an input", encoding="utf-8")
    with staged(out, inputs=[out / "a.csv"], command="t") as stage:
        stage.path("b.txt").write_text("", encoding="utf-8")
    assert (out / "a.csv").read_text(encoding="utf-8") == "now an input"


def test_a_file_listed_in_run_json_is_removed_only_if_it_is_still_the_one_written(tmp_path):
    """A run.json brought along (or edited) that names the user's files made the next
    run delete them: only files whose size and time are still those recorded go."""
    out = tmp_path / "o"
    with staged(out, command="t") as stage:
        stage.path("page_p2.html").write_text("old page", encoding="utf-8")
        stage.path("kept.html").write_text("x", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["runs"]["t"]["files"] += ["important.docx", "sub/keep.txt"]
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "important.docx").write_text("the user's", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "keep.txt").write_text("the user's", encoding="utf-8")
    with staged(out, command="t") as stage:
        stage.path("kept.html").write_text("y", encoding="utf-8")
    assert not (out / "page_p2.html").exists()  # the page it wrote and no longer writes
    assert (out / "important.docx").read_text(encoding="utf-8") == "the user's"
    assert (out / "sub" / "keep.txt").read_text(encoding="utf-8") == "the user's"


def test_a_run_json_that_is_not_ours_or_is_an_input_is_never_replaced(tmp_path, capsys):
    from geo_zaitaku import InputError

    out = tmp_path / "o"
    out.mkdir()
    foreign = out / MANIFEST
    foreign.write_text('{"runs": {"check": {"files": ["important.docx"]}}}', encoding="utf-8")
    (out / "important.docx").write_text("the user's", encoding="utf-8")
    with (
        pytest.raises(InputError, match="geo_zaitaku が書いた記録ではありません"),
        staged(out, command="check") as stage,
    ):
        stage.path("report.json").write_text("{}", encoding="utf-8")
    assert foreign.read_text(encoding="utf-8").startswith('{"runs"') and (out / "important.docx").exists()
    assert not (out / "report.json").exists()
    # an input file called run.json in the output folder (a boundary file, say)
    ours = tmp_path / "p"
    with staged(ours, command="check") as stage:
        stage.path("a.txt").write_text("", encoding="utf-8")
    with (
        pytest.raises(InputError, match="と同じファイルです"),
        staged(ours, inputs=[ours / MANIFEST], command="check") as stage,
    ):
        stage.path("a.txt").write_text("", encoding="utf-8")


def test_the_output_folder_may_not_be_an_input_folder(sample_files, tmp_path, capsys, monkeypatch):
    """--out onto the --units folder put report.json and run.json among the boundary
    files, and the next run with the same --units failed. An output folder inside it
    (``--units .`` with the default ./out/…) is fine: its files are not read as boundaries."""
    folder = tmp_path / "bnd"
    folder.mkdir()
    shutil.copy(sample_files.units, folder / "units.geojson")
    assert main(["check", str(sample_files.plan), "--units", str(folder), "--out", str(folder), "-q"]) == 2
    assert "は入力のフォルダ" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["units.geojson"]
    monkeypatch.chdir(folder)
    for _ in range(2):  # the second run reads the folder with the first run's outputs in out/
        assert main(["check", str(sample_files.plan), "--units", ".", "--out", "out/x", "-q"]) == 1
        err = capsys.readouterr().err
        assert "エラー / error" not in err, err
    assert (folder / "out" / "x" / "report.json").exists()


def test_unusable_output_places_exit_2_without_a_traceback(sample_files, tmp_path, capsys):
    """A file on the way, a name too long, a dangling link and a folder where an output
    goes gave tracebacks with exit 1 (the status that means 「errors in the plan」)."""
    plan = str(sample_files.plan)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "o" / "report.md").mkdir(parents=True)
    long = "x" * 300
    cases = [
        (["check", plan, "--out", f"{plan}/sub"], "出力フォルダを作れません"),
        (["check", plan, "--out", str(tmp_path / long)], "出力フォルダを作れません"),
        (["map", "areas", plan, "--out", str(tmp_path / f"{long}.html")], "出力を書けませんでした"),
        (["check", plan, "--out", str(tmp_path / "dangling")], "--out"),
        (
            ["check", plan, "--out", str(tmp_path / "o")],
            "の場所にフォルダ（またはファイル）があり、置き換えられません",
        ),
    ]
    for args, needle in cases:
        assert main([*args, "-q"] if args[0] == "check" else args) == 2, args
        err = capsys.readouterr().err
        assert needle in err and "Traceback" not in err, (args, err)
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["report.md"]  # nothing half-replaced
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_inputs_that_break_the_parsers_exit_2(sample_files, tmp_path, capsys):
    """A cell over the csv module's 131,072 characters, TOML nested thousands deep and a
    loop of symbolic links raised _csv.Error, RecursionError and OSError."""
    from geo_zaitaku import InputError, check_plan
    from geo_zaitaku.plan import parse_plan

    with pytest.raises(InputError, match="入れ子が深すぎます"):
        parse_plan("a = " + "[" * 5000 + "]" * 5000 + "\n")
    long = tmp_path / "long.csv"
    long.write_text("id,name,lat,lon\nA," + "名" * 200_000 + ",31.2,137.1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\(行 2\): CSVとして読めません"):
        check_plan(sample_files.plan, facilities=[long])
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "loop").symlink_to(folder / "loop")
    import re

    text = re.sub(
        r'population = "[^"]*"', 'population = "loop"', sample_files.plan.read_text(encoding="utf-8")
    )
    (folder / "plan.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"\[plan\] population.*をたどれません"):
        check_plan(folder / "plan.toml")


def test_sigterm_stops_like_ctrl_c_and_leaves_nothing(tmp_path):
    """``kill`` (SIGTERM) or a closed terminal (SIGHUP) left the staging folder with
    half-written pages beside the output; only Ctrl-C cleaned up."""
    import signal

    from geo_zaitaku.cli import _stop_on_signals

    replaced = _stop_on_signals()
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with pytest.raises(KeyboardInterrupt), staged(tmp_path / "o", command="t") as stage:
                stage.path("page.html").write_text("half", encoding="utf-8")
                os.kill(os.getpid(), signum)
            assert list(tmp_path.iterdir()) == []
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)


def test_an_empty_out_is_refused(sample_files, tmp_path, capsys, monkeypatch):
    """--out "" wrote every output into the current folder without a word."""
    monkeypatch.chdir(tmp_path)
    for args in (["check", str(sample_files.plan)], ["map", "areas", str(sample_files.plan)]):
        assert main([*args, "--out", ""]) == 2
        assert "--out: パスが空です" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_staging_folder_left_by_a_killed_run_is_swept_a_day_later(tmp_path):
    """SIGKILL leaves .<name>.<random>.partial beside the output; no later run removed it."""
    old = tmp_path / ".o.abc123.partial"
    (old / "sub").mkdir(parents=True)
    (old / "sub" / "page.html").write_text("half", encoding="utf-8")
    recent = tmp_path / ".o.def456.partial"  # (perhaps a run going on now)
    recent.mkdir()
    other = tmp_path / ".other.abc.partial"
    other.mkdir()
    day_ago = time.time() - 25 * 3600
    for path in (old, other):
        os.utime(path, (day_ago, day_ago))
    with staged(tmp_path / "o", command="t") as stage:
        stage.path("a.txt").write_text("", encoding="utf-8")
    assert not old.exists() and recent.exists() and other.exists()
