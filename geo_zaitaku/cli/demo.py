"""``geo-zaitaku demo``: the whole pipeline on the built-in fictional sample."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku import labels
from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output


@click.command()
@click.option(
    "--out",
    "-o",
    type=opt.PathParam(file_okay=False),
    default=Path("out/demo"),
    show_default=True,
    help="出力フォルダ / output folder.",
)
@click.option("--quiet", "-q", is_flag=True, default=False, help="表と情報を省略 / less output.")
def demo(out: Path, quiet: bool) -> int:
    """サンプル（架空の「さくら県」）で一通り実行する / run everything on the sample.

    \b
    OUT/input/ にサンプルの入力を書き出し、計画を点検して OUT/ に報告・地図・需要推計
    （areas_map.html・resources_map.html、オフラインで開けます）を出力します。
    サンプル計画には点検の様子を示すため意図的な誤り（連携拠点のない圏域）が1件あり、
    そのエラーが報告されれば正常終了（終了コード 0）です。
    """
    from geo_zaitaku._io import write_csv
    from geo_zaitaku.demand import estimate_demand
    from geo_zaitaku.maps import area_map, resource_map, write_resource_list
    from geo_zaitaku.pipeline import check_plan
    from geo_zaitaku.report import write_report
    from geo_zaitaku.sample import write_sample

    files = write_sample(out / "input")
    _output.info(f"サンプルの入力 / sample inputs: {files.directory}")
    run = check_plan(files.plan)
    _output.print_report(run.report, quiet=quiet)
    written = write_report(run.report, out)
    # the fictional prefecture lies at sea: no basemap; self-contained so the maps open offline
    written.append(
        area_map(run, basemap=False, choropleth="pop_75over").save(
            out / "areas_map.html", self_contained=True
        )
    )
    written.append(resource_map(run, basemap=False).save(out / "resources_map.html", self_contained=True))
    written += write_resource_list(run, out)
    # expected home-care demand, now and in 2040 (fictional projection, default national rates)
    demand = estimate_demand(run, years=(2025, 2040)).result  # reuses the check's plan and units
    written += [
        write_csv(out / "demand.csv", demand.area_table()),
        write_csv(out / "demand_units.csv", demand.unit_table()),
    ]
    total = (
        demand.area_values(labels.DEMAND["total"], "2025年"),
        demand.area_values(labels.DEMAND["total"], "2040年"),
    )
    _output.info(labels.TEXT["demo_demand"].format(a=total[0]["patients"], b=total[1]["patients"]))
    _output.print_written(written)
    _output.info(labels.TEXT["demo_note"])
    return 0
