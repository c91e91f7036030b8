"""``geo-zaitaku demo``: the whole pipeline on the built-in fictional sample."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku import labels
from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output


@click.command()
@opt.out_option(Path("out/demo"))
@click.option("--quiet", "-q", is_flag=True, default=False, help="表と情報を省略 / less output.")
def demo(out: Path, quiet: bool) -> int:
    """サンプル（架空の「さくら県」）で一通り実行する / run everything on the sample.

    \b
    OUT/input/ にサンプルの入力を書き出し、計画を点検して OUT/ に報告・地図・需要推計
    （areas_map.html・resources_map.html、オフラインで開けます）を出力します。
    サンプル計画には点検の様子を示すため意図的な誤り（連携拠点のない圏域）が1件あり、
    そのエラーが報告されれば正常終了（終了コード 0）です。OUT/scenario/・OUT/robustness/ に
    シナリオと頑健性の例、OUT/design/ にその誤りを直す最小の修正案（plan.toml）を書き出します。
    """
    from geo_zaitaku._io import write_csv
    from geo_zaitaku.demand import estimate_demand
    from geo_zaitaku.design.areas import design_areas
    from geo_zaitaku.design.output import proposed_run, write_design
    from geo_zaitaku.design.problem import DesignOptions
    from geo_zaitaku.maps import area_map, comparison_map, resource_map, robustness_map, write_resource_list
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import check_plan, input_paths
    from geo_zaitaku.report import write_report
    from geo_zaitaku.sample import sample_paths, write_sample
    from geo_zaitaku.scenarios import compare_runs, run_scenario, write_comparison
    from geo_zaitaku.scenarios.robustness import Closures, analyse, write_robustness

    with staged(out / "input", command="sample") as stage:
        write_sample(stage.dir)
    files = sample_paths(out / "input")
    _output.info(f"サンプルの入力 / sample inputs: {files.directory}")
    run = check_plan(files.plan)
    _output.print_report(run.report, quiet=quiet)
    with staged(out, inputs=input_paths(run), command="demo") as stage:
        write_report(run.report, stage.dir, facilities=run.facilities.frame)
        # the fictional prefecture lies at sea: no basemap; self-contained so the maps open offline
        area_map(run, basemap=False, choropleth="pop_75over", show_choropleth=False).save(
            stage.path("areas_map.html")
        )
        resource_map(run, basemap=False).save(stage.path("resources_map.html"))
        write_resource_list(run, stage.dir)
        # expected home-care demand, now and in 2040 (fictional projection, default national rates)
        demand = estimate_demand(run, years=(2025, 2040)).result  # reuses the check's plan and units
        write_csv(stage.path("demand.csv"), demand.area_table())
        write_csv(stage.path("demand_units.csv"), demand.unit_table())
        # what if the hub of 北部 closes and a hospital of 西部 becomes a hub?
        result = run_scenario(run, files.scenario)
        cmp = compare_runs(
            result.before, result.after, changes=result.changes.to_dict(), after_name=result.spec.name
        )
        write_report(result.after.report, stage.path("scenario"), facilities=result.after.facilities.frame)
        write_comparison(cmp, stage.path("scenario"))
        comparison_map(result.after, cmp, basemap=False).save(stage.path("scenario/areas_map.html"))
        # which facilities are single points of failure; how likely is an area to fail at p = 0.1?
        robust = analyse(run, closures=Closures(p=0.1), samples=10_000, seed=1, pairs=True)
        write_robustness(robust, stage.path("robustness"))
        robustness_map(run, robust, basemap=False).save(stage.path("robustness/robustness_map.html"))
        # the fewest municipalities to move so that every area passes (exact, HiGHS)
        repair = design_areas(run, DesignOptions(mode="repair"))
        repaired = proposed_run(repair)
        write_design(
            repair,
            stage.path("design"),
            command=f"geo-zaitaku design areas --plan {files.plan}",
            check=repaired,
            paths_from=(out / "design").resolve(),
        )
        comparison_map(repaired, compare_runs(run, repaired), basemap=False).save(
            stage.path("design/design_map.html")
        )
    written = stage.written
    _output.print_comparison(cmp, quiet=True)
    _output.print_robustness(robust, quiet=True)
    _output.print_design(repair, len(repaired.report.errors), quiet=True)
    total = (
        demand.area_values(labels.DEMAND["total"], "2025年"),
        demand.area_values(labels.DEMAND["total"], "2040年"),
    )
    _output.info(labels.TEXT["demo_demand"].format(a=total[0]["patients"], b=total[1]["patients"]))
    _output.print_written(written)
    _output.info(labels.TEXT["demo_note"])
    return 0
