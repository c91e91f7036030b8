"""``geo-zaitaku robustness``: single points of failure and random closures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs

if TYPE_CHECKING:
    from geo_zaitaku.scenarios.robustness import RobustnessResult


@dataclass(frozen=True)
class RobustnessTask:
    """One plan's robustness run (a batch task: plain, picklable data)."""

    inputs: PlanInputs
    p: float | None
    p_kind: tuple[str, ...]
    closures: int | None
    samples: int
    seed: int
    pairs: bool
    basemap: bool


def robustness_task(task: RobustnessTask) -> tuple[RobustnessResult, dict[str, bytes], tuple[Path, ...]]:
    """Check the plan, analyse it, and return the result, its output files and the
    files it read."""
    from geo_zaitaku.batch import files_of
    from geo_zaitaku.maps import robustness_map
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.scenarios.robustness import analyse, closures_from_options, write_robustness

    run = task.inputs.run()
    frame = run.facilities.frame
    how = closures_from_options(
        task.p, task.p_kind, task.closures, total=len(frame), kinds_present=frame["kind"].unique()
    )
    result = analyse(run, closures=how, samples=task.samples, seed=task.seed, pairs=task.pairs)

    def write(folder: Path) -> None:
        write_robustness(result, folder)
        robustness_map(run, result, basemap=task.basemap).save(folder / "robustness_map.html")

    return result, files_of(write), input_paths(run)


@click.command()
@plan_inputs(many=True, travel_time=True)
@click.option(
    "--p", "p", type=float, default=None, help="各施設が閉鎖する確率（独立） / closure probability."
)
@click.option(
    "--p-kind",
    "p_kind",
    multiple=True,
    metavar="KIND=P",
    help="種別ごとの閉鎖確率（例: hospital=0.05。複数可） / closure probability by kind.",
)
@click.option(
    "--closures", type=int, default=None, help="全施設から無作為にちょうど K 施設を閉鎖 / close exactly K."
)
@click.option("--samples", type=int, default=10_000, show_default=True, help="無作為の試行の回数 / samples.")
@click.option("--seed", type=int, default=1, show_default=True, help="乱数の種 / random seed.")
@click.option("--pairs", is_flag=True, default=False, help="2施設の同時閉鎖も調べる（同じ圏域の全組） / N-2.")
@opt.out_option(folder="./out/<計画ファイル名>/robustness/")
@opt.no_basemap_opt
@opt.engine_opts
@opt.quiet_opt
def robustness(
    inputs: PlanInputs,
    plans: tuple[PlanInputs, ...],
    p: float | None,
    p_kind: tuple[str, ...],
    closures: int | None,
    samples: int,
    seed: int,
    pairs: bool,
    out: Path | None,
    no_basemap: bool,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
) -> int:
    """施設の閉鎖に対する頑健性（単一障害点・無作為の閉鎖） / robustness to closures.

    \b
    1施設の閉鎖だけで圏域が目安（積極的医療機関・連携拠点の最小数、距離）を満たさなくなる
    「単一障害点」を全施設について調べ、--pairs で同じ圏域の2施設の組も調べます。
    --p（と --p-kind）で各施設が独立に閉鎖する場合、--closures K でちょうど K 施設が閉鎖する
    場合の、圏域ごとの目安を満たさない確率（標準誤差と、最低数の項目は厳密値も）と、目安を
    超える人口の期待値を求めます。OUT（既定 ./out/<計画ファイル名>/robustness/）に robustness.json・
    robustness.csv・robustness.md・robustness_map.html を書き出します。計画を複数指定すると
    それぞれ OUT/<計画ファイル名>/ に書き、--workers・--scheduler で Dask に分けて実行します。
    """
    from geo_zaitaku.batch import engine_from_options
    from geo_zaitaku.outputs import distinct_names, staged
    from geo_zaitaku.scenarios.robustness import check_samples, check_seed

    check_seed(seed)
    check_samples(samples)  # refused even when nothing is sampled (no --p): never ignored
    engine = engine_from_options(workers, scheduler, progress=not quiet)
    # every plan is sampled with the same seed (common random numbers): a plan's figures
    # do not depend on which other plans are in the batch, and plans compare on the same draws
    tasks = [
        RobustnessTask(plan, p, p_kind, closures, samples, seed, pairs, not no_basemap) for plan in plans
    ]
    results = engine.map(robustness_task, tasks, label="robustness")
    names = distinct_names(p.plan or Path("plan") for p in plans)  # x/plan.toml, y/plan.toml: two folders
    for name, task, (result, files, read) in zip(names, tasks, results, strict=True):
        _output.print_robustness(result, quiet=quiet)
        target = _target(name, out, many=len(plans) > 1)
        with staged(target, inputs=(*task.inputs.paths(), *read), command="robustness") as stage:
            for name, data in files.items():
                stage.path(name).write_bytes(data)
        _output.print_written(stage.written)
    return 0


def _target(name: str, out: Path | None, *, many: bool) -> Path:
    """``./out/<name>/robustness/``, or ``out`` (``out/<name>/`` for several plans)."""
    if out is None:
        return Path("out") / name / "robustness"
    return out / name if many else out
