"""``geo-zaitaku scenario``: apply scenario files to a plan and compare before and after."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs

if TYPE_CHECKING:
    from geo_zaitaku.scenarios import Comparison


@dataclass(frozen=True)
class ScenarioTask:
    """One scenario over one plan (a batch task: plain, picklable data)."""

    inputs: PlanInputs
    scenario: Path
    basemap: bool


def scenario_task(task: ScenarioTask) -> tuple[Comparison, bool, dict[str, bytes], tuple[Path, ...]]:
    """Check the plan, apply the scenario, compare; return the comparison, whether the
    after state is free of errors, the output files and the files read."""
    from geo_zaitaku.batch import files_of
    from geo_zaitaku.maps import comparison_map
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.report import write_report
    from geo_zaitaku.scenarios import compare_runs, read_scenario, run_scenario, write_comparison

    spec = read_scenario(task.scenario)
    run = task.inputs.run()
    result = run_scenario(run, spec)
    cmp = compare_runs(result.before, result.after, changes=result.changes.to_dict(), after_name=spec.name)

    def write(folder: Path) -> None:
        write_report(result.after.report, folder, facilities=result.after.facilities.frame)
        write_comparison(cmp, folder)
        comparison_map(result.after, cmp, basemap=task.basemap).save(folder / "areas_map.html")

    return cmp, result.after.report.ok, files_of(write), input_paths(run)


@click.command()
@plan_inputs(travel_time=True)
@click.argument("scenarios", nargs=-1, required=True, type=opt.PathParam(dir_okay=False))
@opt.out_option(folder="./out/<計画ファイル名>/<シナリオ名>/")
@opt.no_basemap_opt
@opt.engine_opts
@opt.quiet_opt
def scenario(
    inputs: PlanInputs,
    scenarios: tuple[Path, ...],
    out: Path | None,
    no_basemap: bool,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
) -> int:
    """シナリオ（閉院・指定・追加・移動）を当てて点検し、前後を比べる / what-if scenarios.

    \b
    PLAN を点検したあと、SCENARIO.toml の変更（[[close]] 閉鎖、[[designate]] 指定の変更、
    [[add]] 施設の追加、[move] 市区町村の移動、[checks] 目安）を当てて点検し直し、
    OUT（既定 ./out/<計画ファイル名>/<シナリオ名>/）に変更後の点検結果（check と同じファイル）と
    comparison.json・comparison.md（解消した指摘・新しい指摘・圏域ごとの前後・移動した
    市区町村・距離の変わった市区町村）、areas_map.html を書き出します。
    シナリオを複数指定すると、それぞれ OUT/<シナリオ名>/ に書き出し、--workers・--scheduler
    で Dask に分けて実行します。
    終了コード: 0 変更後にエラーなし、1 変更後にエラーあり、2 入力不備。
    例: geo-zaitaku scenario plan.toml 閉院.toml --facilities 施設.csv
    """
    from geo_zaitaku.batch import engine_from_options
    from geo_zaitaku.outputs import distinct_names, staged
    from geo_zaitaku.scenarios import read_scenario

    for path in scenarios:  # every file validated before any work
        read_scenario(path)
    engine = engine_from_options(workers, scheduler, progress=not quiet)
    tasks = [ScenarioTask(inputs, path, not no_basemap) for path in scenarios]
    worst = 0
    names = distinct_names(scenarios)  # x/s.toml and y/s.toml: x_s/ and y_s/, never one folder
    for name, task, (cmp, ok, files, read) in zip(
        names, tasks, engine.map(scenario_task, tasks, label="scenario"), strict=True
    ):
        _output.print_comparison(cmp, quiet=quiet)
        base = inputs.out_dir(out)
        target = base / name if len(scenarios) > 1 or out is None else base
        with staged(
            target, inputs=(*inputs.paths(), *read, *scenarios), command=f"scenario {task.scenario.name}"
        ) as stage:
            for name, data in files.items():
                stage.path(name).write_bytes(data)
        _output.print_written(stage.written)
        worst = max(worst, 0 if ok else 1)
    return worst
