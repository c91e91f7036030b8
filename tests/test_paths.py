"""Odd paths: a NUL byte, a name too long for the file system, and files that are not
regular files (a FIFO blocks whoever opens it for reading) are refused with an
InputError at the one door every reader goes through, and the CLI exits 2."""

import contextlib
import os
import threading
from pathlib import Path

import pytest
from conftest import make_grid, write_plan

from geo_zaitaku._errors import InputError, show_path
from geo_zaitaku._io import check_input_path, is_regular_file, read_text_table
from geo_zaitaku.cli import main
from geo_zaitaku.plan import read_plan
from geo_zaitaku.sources import presets, tabular
from geo_zaitaku.units import load_units

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no os.mkfifo on this platform")
LONG = "x" * 300  # longer than the 255 bytes a file name may have
AREA = '[areas]\n"A" = ["99201"]\n'


def promptly(fn, fifos=(), timeout=10.0):
    """Run ``fn`` in a thread; fail if it has not returned within ``timeout`` seconds.

    Returns what ``fn`` returned or raised. A reader stuck on a FIFO is released by
    opening the FIFO for writing, so that a failing test does not hang the run.
    """
    outcome = {}

    def target():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        for fifo in fifos:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout)
        pytest.fail(f"blocked for more than {timeout} s (a FIFO was opened)")
    return outcome


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


# --- the door ---------------------------------------------------------------------


def test_door_accepts_regular_files_and_folders_where_asked(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x\n", encoding="utf-8")
    assert check_input_path(str(f), what="施設CSV") == f
    assert check_input_path(tmp_path, what="境界ファイル", folder_ok=True) == tmp_path
    with pytest.raises(InputError, match="フォルダが指定されました") as e:
        check_input_path(tmp_path, what="施設CSV")
    assert e.value.path == tmp_path
    with pytest.raises(InputError, match="施設CSVが見つかりません"):
        check_input_path(tmp_path / "nope.csv", what="施設CSV")
    assert is_regular_file(f) and not is_regular_file(tmp_path) and not is_regular_file("a\0b")


def test_door_refuses_a_nul_byte_and_shows_it_escaped(tmp_path):
    with pytest.raises(InputError) as e:
        check_input_path(tmp_path / "a\0b.csv", what="施設CSV")
    message = str(e.value)
    assert "NUL" in message and "/ the path contains a NUL byte" in message
    assert "\0" not in message  # shown as \x00, never written raw to the terminal
    assert repr(str(tmp_path / "a\0b.csv")) in message
    assert show_path("町 一覧.csv") == "町 一覧.csv"  # ordinary names are shown as they are


def test_door_refuses_a_name_too_long(tmp_path):
    with pytest.raises(InputError, match="長すぎます") as e:
        check_input_path(tmp_path / f"{LONG}.csv", what="人口CSV")
    assert "人口CSV" in str(e.value) and "too long" in str(e.value)
    assert e.value.path == tmp_path / f"{LONG}.csv"


@needs_fifo
def test_door_refuses_a_fifo(tmp_path):
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="通常のファイルではありません") as e:
        check_input_path(fifo, what="施設CSV", folder_ok=True)
    assert "FIFO" in str(e.value) and str(fifo) in str(e.value)
    assert not is_regular_file(fifo)


# --- every reader goes through it --------------------------------------------------


@needs_fifo
@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("units.geojson", lambda p: load_units(p, cache=False)),
        ("plan.toml", read_plan),
        ("facilities.csv", lambda p: tabular.read_table(p, what="施設CSV")),
        ("facilities.xlsx", lambda p: tabular.read_excel_table(p, what="施設CSV")),
        ("facilities.zip", lambda p: tabular.read_table(p, what="施設CSV")),
        ("population.csv", lambda p: read_text_table(p, what="人口CSV")),
        ("preset.toml", presets.load_preset_file),
    ],
)
def test_a_fifo_is_refused_by_every_reader_without_blocking(tmp_path, name, read):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    outcome = promptly(lambda: read(fifo), fifos=[fifo])
    assert isinstance(outcome.get("error"), InputError), outcome
    assert "FIFO" in str(outcome["error"])


@needs_fifo
def test_a_fifo_inside_a_folder_is_never_opened(tmp_path):
    folder = tmp_path / "n03"
    folder.mkdir()
    make_grid().to_file(folder / "grid.geojson")
    os.mkfifo(folder / "zz.geojson")  # would be read after grid.geojson
    outcome = promptly(lambda: load_units(folder, cache=False), fifos=[folder / "zz.geojson"])
    assert "error" not in outcome, outcome
    units = outcome["value"]
    assert len(units) == 9
    assert units.attrs["sources"] == [str(folder / "grid.geojson")]


@needs_fifo
def test_a_shapefile_whose_dbf_is_a_fifo_is_refused(tmp_path):
    make_grid().to_file(tmp_path / "grid.shp")
    (tmp_path / "grid.dbf").unlink()
    os.mkfifo(tmp_path / "grid.dbf")
    outcome = promptly(lambda: load_units(tmp_path / "grid.shp", cache=False), fifos=[tmp_path / "grid.dbf"])
    assert isinstance(outcome.get("error"), InputError), outcome
    assert "grid.dbf" in str(outcome["error"]) and "FIFO" in str(outcome["error"])


# --- the command line exits 2 -------------------------------------------------------


@needs_fifo
def test_cli_fifo_as_units_exits_2_promptly(tmp_path, capsys):
    plan = write_plan(tmp_path / "p.toml", AREA)
    fifo = tmp_path / "units.geojson"
    os.mkfifo(fifo)
    outcome = promptly(lambda: run(capsys, "check", plan, "--units", fifo, "--out", tmp_path / "o"), [fifo])
    assert "error" not in outcome, outcome
    code, out, err = outcome["value"]
    assert code == 2
    assert "境界ファイルが通常のファイルではありません" in err and "FIFO" in err
    assert "Traceback" not in out + err
    assert not (tmp_path / "o").exists()


def test_cli_nul_in_plan_boundaries_exits_2(tmp_path, capsys):
    plan = write_plan(tmp_path / "p.toml", '[plan]\nboundaries = "a\\u0000b.geojson"\n' + AREA)
    code, out, err = run(capsys, "check", plan, "--out", tmp_path / "o")
    assert code == 2
    assert "[plan] boundaries" in err and "NUL" in err and "'a\\x00b.geojson'" in err
    assert "Traceback" not in out + err
    with pytest.raises(InputError, match=r"\[plan\] reference"):
        read_plan(write_plan(tmp_path / "r.toml", '[plan]\nreference = "r\\u0000.csv"\n' + AREA))


@pytest.mark.parametrize("option", ["--units", "--facilities", "--population", "--out"])
def test_cli_nul_in_an_option_exits_2(tmp_path, capsys, grid_file, option):
    plan = write_plan(tmp_path / "p.toml", AREA)
    given = {"--units": grid_file, "--out": tmp_path / "o", option: "a\0b"}
    code, out, err = run(capsys, "check", plan, *(x for pair in given.items() for x in pair))
    assert code == 2
    assert f"'a\\x00b' ({option})" in err and "NUL" in err
    assert "Traceback" not in out + err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("option", ["--units", "--facilities", "--population", "plan"])
def test_cli_name_too_long_exits_2(tmp_path, capsys, grid_file, option):
    plan = write_plan(tmp_path / "p.toml", AREA)
    long = tmp_path / f"{LONG}.csv"
    if option == "plan":
        args = [long, "--units", grid_file]
    else:
        args = [plan, *(["--units", grid_file] if option != "--units" else []), option, long]
    code, out, err = run(capsys, "check", *args, "--out", tmp_path / "o")
    assert code == 2
    assert "長すぎます" in err and LONG in err
    assert "Traceback" not in out + err


def test_unusual_but_fine_names_still_work(tmp_path):
    folder = tmp_path / "境界 データ[1]"
    folder.mkdir()
    make_grid().to_file(folder / "N03 熊本.shp")
    assert len(load_units(folder, cache=False)) == 9
    assert Path(load_units(folder / "N03 熊本.shp", cache=False).attrs["sources"][0]).name == "N03 熊本.shp"


def test_messages_name_files_inside_the_working_folder_relatively(tmp_path, monkeypatch):
    from geo_zaitaku._errors import InputError, show_path

    monkeypatch.chdir(tmp_path)
    assert show_path(tmp_path / "bp" / "nonexist.geojson") == "bp/nonexist.geojson"
    assert show_path("/elsewhere/x.csv") == "/elsewhere/x.csv"  # outside: as given
    assert str(InputError("x", path=tmp_path / "a.csv")) == "a.csv: x"
