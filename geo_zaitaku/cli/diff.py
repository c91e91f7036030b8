"""``geo-zaitaku diff``: compare two plans over the same inputs."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs


@click.command()
@plan_inputs()
@click.argument("plan_b", type=opt.PathParam(dir_okay=False))
@opt.out_option(folder="./out/<PLAN_B のファイル名>/diff/")
@opt.no_basemap_opt
@opt.quiet_opt
def diff(inputs: PlanInputs, plan_b: Path, out: Path | None, no_basemap: bool, quiet: bool) -> int:
    """2つの計画を同じ入力で比べる / compare two plans over the same inputs.

    \b
    PLAN（前）と PLAN_B（後）を同じ境界・施設・人口・参照レイヤで点検し、移動した市区町村
    （前 → 後）、新しい・なくなった・名称の変わった圏域、解消した指摘と新しい指摘、人口の変化を
    OUT（既定 ./out/<PLAN_B の名前>/diff/）の comparison.json・comparison.md に、PLAN_B の
    点検結果（check と同じファイル）と、移動した市区町村を示す areas_map.html とともに書き出します。
    入力は PLAN の [plan] の既定値か、オプションで指定したものを両方に使います。
    終了コード: 0 PLAN_B にエラーなし、1 エラーあり、2 入力不備。
    """
    from geo_zaitaku.maps import comparison_map
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.report import write_report
    from geo_zaitaku.scenarios import compare_plans, write_comparison

    before = inputs.run()
    after, cmp = compare_plans(before, plan_b)
    _output.print_comparison(cmp, quiet=quiet)
    target = out if out is not None else Path("out") / plan_b.stem / "diff"
    sources = (*inputs.paths(), plan_b, *input_paths(before))
    with staged(target, inputs=sources, command="diff") as stage:
        write_report(after.report, stage.dir, facilities=after.facilities.frame)
        write_comparison(cmp, stage.dir)
        comparison_map(after, cmp, basemap=not no_basemap).save(stage.path("areas_map.html"))
    _output.print_written(stage.written)
    return 0 if after.report.ok else 1
