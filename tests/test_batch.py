"""The batch engine: in process, on a local Dask cluster, and on a real Dask scheduler
and worker started as processes; the same results everywhere."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo_zaitaku import InputError
from geo_zaitaku.batch import Engine, engine_from_options
from geo_zaitaku.cli._inputs import PlanInputs
from geo_zaitaku.cli.robustness import RobustnessTask, robustness_task

distributed = pytest.importorskip("distributed", reason='Dask not installed (pip install ".[dask]")')


def _tasks(sample_files, tmp_path):
    variant = tmp_path / "variant.toml"
    text = (
        sample_files.plan.read_text(encoding="utf-8")
        .replace(
            '"南部" = ["99206", "99302", "潮見町", "99362", "浮島町"]',
            '"南部" = ["99206", "99302", "潮見町", "99362"]',
        )
        .replace('"東部" = ["港原市"', '"東部" = ["浮島町", "港原市"')
    )
    for name in ("units.geojson", "reference.csv", "facilities.csv", "population.csv", "projection.csv"):
        text = text.replace(f'"{name}"', f'"{(sample_files.directory / name).as_posix()}"')
    variant.write_text(text, encoding="utf-8")
    plans = [sample_files.plan, variant]
    return [
        RobustnessTask(PlanInputs(plan=p, no_cache=True), 0.1, (), None, 3000, 5, True, False) for p in plans
    ]


def _same(a, b):
    ra, fa, _ = a
    rb, fb, _ = b
    assert ra.to_dict() == rb.to_dict()
    assert fa["robustness.json"] == fb["robustness.json"] and fa["robustness.csv"] == fb["robustness.csv"]


def test_a_plans_figures_do_not_depend_on_the_batch(sample_files, tmp_path):
    """Each plan of a batch had a seed spawned by its position: 東部's p_fail was 0.4131
    alone and 0.41455 beside another plan. Every plan now uses the seed given."""
    import shutil

    from geo_zaitaku.cli import main

    plan = sample_files.plan
    other = shutil.copytree(plan.parent, tmp_path / "b") / plan.name  # the same plan, another folder
    args = ["--p", "0.1", "--samples", "2000", "--seed", "5", "-q"]
    assert main(["robustness", str(plan), *args, "--out", str(tmp_path / "alone")]) == 0
    assert main(["robustness", str(other), str(plan), *args, "--out", str(tmp_path / "batch")]) == 0
    alone = json.loads((tmp_path / "alone" / "robustness.json").read_text(encoding="utf-8"))
    folders = sorted(p for p in (tmp_path / "batch").iterdir() if p.is_dir())
    assert len(folders) == 2
    batch = json.loads((folders[1] / "robustness.json").read_text(encoding="utf-8"))
    first = json.loads((folders[0] / "robustness.json").read_text(encoding="utf-8"))
    assert first["areas"] == batch["areas"]  # the same plan, the same draws (common random numbers)
    assert alone["seed"] == batch["seed"] == 5
    assert alone["areas"] == batch["areas"]


def test_local_cluster_equals_in_process(sample_files, tmp_path):
    tasks = _tasks(sample_files, tmp_path)
    here = Engine(progress=False).map(robustness_task, tasks)
    there = Engine(workers=2, progress=False).map(robustness_task, tasks)
    assert len(here) == len(there) == 2
    for a, b in zip(here, there, strict=True):
        _same(a, b)
    # the two plans differ, and so do their results
    assert here[0][0].to_dict() != here[1][0].to_dict()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _cluster(tmp_path: Path):
    dask = Path(sys.executable).parent / "dask"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = {"cwd": tmp_path, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **common
    )
    worker = subprocess.Popen(
        [
            str(dask),
            "worker",
            address,
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--no-dashboard",
            "--local-directory",
            str(tmp_path),
        ],
        **common,
    )
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5) as client:
                    if client.scheduler_info()["workers"]:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the dask scheduler and worker did not start")
            time.sleep(0.5)
        yield address
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
        for proc in (worker, scheduler):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_real_scheduler_and_worker_equal_in_process(sample_files, tmp_path):
    tasks = _tasks(sample_files, tmp_path)
    here = Engine(progress=False).map(robustness_task, tasks)
    with _cluster(tmp_path) as address:
        there = Engine(scheduler=address, progress=False).map(robustness_task, tasks)
    for a, b in zip(here, there, strict=True):
        _same(a, b)


def test_cli_on_a_local_cluster(sample_files, tmp_path, capsys):
    from geo_zaitaku.cli import main

    tasks = _tasks(sample_files, tmp_path)
    plans = [str(t.inputs.plan) for t in tasks]
    args = [
        "robustness",
        *plans,
        "--p",
        "0.1",
        "--samples",
        "3000",
        "--seed",
        "5",
        "--pairs",
        "--no-basemap",
        "-q",
        "--no-cache",
    ]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b"), "--workers", "2"]) == 0
    for plan in ("plan", "variant"):
        a = (tmp_path / "a" / plan / "robustness.json").read_bytes()
        b = (tmp_path / "b" / plan / "robustness.json").read_bytes()
        assert a == b


def test_engine_options_and_unreachable_scheduler(monkeypatch):
    with pytest.raises(InputError, match="同時"):
        engine_from_options(2, "tcp://127.0.0.1:1")
    with pytest.raises(InputError) as err:
        engine_from_options(0, None)
    assert err.value.where == "--workers"
    with pytest.raises(InputError, match="tcp://"):
        engine_from_options(None, "127.0.0.1:8786")
    import geo_zaitaku.batch as batch

    monkeypatch.setattr(batch, "CONNECT_TIMEOUT", 2.0)
    start = time.monotonic()
    with pytest.raises(InputError, match="接続できません") as err:
        Engine(scheduler=f"tcp://127.0.0.1:{_free_port()}", progress=False).map(len, ["a"])
    assert err.value.where == "--scheduler" and time.monotonic() - start < 30


def test_missing_dask_says_which_extra(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith(("dask", "distributed")):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(InputError, match=r'pip install "\.\[dask\]"'):
        Engine(workers=1, progress=False).map(len, ["a"])
