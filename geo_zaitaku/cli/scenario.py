"""``geo-zaitaku scenario``: apply scenario files to a plan and compare before and after."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs


@click.command()
@plan_inputs()
@click.argument("scenarios", nargs=-1, required=True, type=opt.PathParam(dir_okay=False))
@opt.out_opt
@opt.no_basemap_opt
@opt.quiet_opt
def scenario(
    inputs: PlanInputs, scenarios: tuple[Path, ...], out: Path | None, no_basemap: bool, quiet: bool
) -> int:
    """シナリオ（閉院・指定・追加・移動）を当てて点検し、前後を比べる / what-if scenarios.

    \b
    PLAN を点検したあと、SCENARIO.toml の変更（[[close]] 閉鎖、[[designate]] 指定の変更、
    [[add]] 施設の追加、[move] 市区町村の移動、[checks] 目安）を当てて点検し直し、
    OUT（既定 ./out/<計画名>/<シナリオ名>/）に変更後の点検結果（check と同じファイル）と
    comparison.json・comparison.md（解消した指摘・新しい指摘・圏域ごとの前後・移動した
    市区町村・距離の変わった市区町村）、areas_map.html を書き出します。
    シナリオを複数指定すると、それぞれ OUT/<シナリオ名>/ に書き出します。
    終了コード: 0 変更後にエラーなし、1 変更後にエラーあり、2 入力不備。
    例: geo-zaitaku scenario plan.toml 閉院.toml --facilities 施設.csv
    """
    from geo_zaitaku.maps import comparison_map
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.report import write_report
    from geo_zaitaku.scenarios import compare_runs, read_scenario, run_scenario, write_comparison

    specs = [read_scenario(s) for s in scenarios]  # every file validated before any work
    run = inputs.run()
    sources = (*inputs.paths(), *input_paths(run), *scenarios)
    worst = 0
    for path, spec in zip(scenarios, specs, strict=True):
        result = run_scenario(run, spec)
        cmp = compare_runs(
            result.before, result.after, changes=result.changes.to_dict(), after_name=spec.name
        )
        base = inputs.out_dir(out)
        target = base / path.stem if len(scenarios) > 1 or out is None else base
        _output.print_comparison(cmp, quiet=quiet)
        with staged(target, inputs=sources, command=f"scenario {path.name}") as stage:
            write_report(result.after.report, stage.dir)
            write_comparison(cmp, stage.dir)
            comparison_map(result.after, cmp, basemap=not no_basemap).save(stage.path("areas_map.html"))
        _output.print_written(stage.written)
        worst = max(worst, 0 if result.after.report.ok else 1)
    return worst
