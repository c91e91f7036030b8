"""``geo-zaitaku check``: check a plan and write the report."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs


@click.command()
@plan_inputs(travel_time=True, level=True)
@opt.out_opt
@opt.setting_opt(
    "--reach-km", "reach_km", "到達距離の目安 km（既定 16。0より大きく10,000以下） / reach limit."
)
@opt.setting_opt(
    "--people-per-hub",
    "people_per_hub",
    "拠点あたり人口の目安（既定 100000。1以上 1,000,000,000以下の整数） / people per hub.",
)
@opt.setting_opt(
    "--min-hubs", "min_hubs", "各圏域の連携拠点の最小数（既定 1。0以上 1,000以下の整数） / hubs per area."
)
@opt.setting_opt(
    "--min-key-institutions",
    "min_key_institutions",
    "各圏域の積極的医療機関の最小数（既定 1。0以上 1,000以下の整数） / key institutions per area.",
)
@click.option(
    "--point-contact/--no-point-contact",
    default=None,
    help="点で接する市町村を隣接とみなす / count point contact as adjacency.",
)
@opt.quiet_opt
def check(
    inputs: PlanInputs,
    out: Path | None,
    reach_km: float | None,
    people_per_hub: int | None,
    min_hubs: int | None,
    min_key_institutions: int | None,
    point_contact: bool | None,
    quiet: bool,
) -> int:
    """計画（TOML）を点検する / check a home-care area plan.

    \b
    PLAN の各圏域について、市区町村の割当て・連続性・積極的医療機関と連携拠点・
    拠点あたり人口・到達距離・4機能を点検し、OUT に report.json・report.md・
    report.xlsx（表ごとのシート）・areas.csv・units.csv・findings.csv・
    facilities_rejected.csv（--travel-time では road_snapping.csv も）を書き出します
    （既定 ./out/<計画ファイル名>/）。終了コード: 0 エラーなし、1 エラーあり、2 入力不備。
    """
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.report import write_report

    run = inputs.run(
        settings={
            "reach_km": reach_km,
            "people_per_hub": people_per_hub,
            "min_hubs": min_hubs,
            "min_key_institutions": min_key_institutions,
            "point_contact": point_contact,
        }
    )
    _output.print_report(run.report, quiet=quiet)
    with staged(inputs.out_dir(out), inputs=(*inputs.paths(), *input_paths(run)), command="check") as stage:
        write_report(run.report, stage.dir, facilities=run.facilities.frame)
    _output.print_written(stage.written)
    return 0 if run.report.ok else 1
