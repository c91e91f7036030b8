"""``geo-zaitaku robustness``: single points of failure and random closures."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs


@click.command()
@plan_inputs()
@click.option(
    "--p", "p", type=float, default=None, help="各施設が閉鎖する確率（独立） / closure probability."
)
@click.option(
    "--p-kind",
    "p_kind",
    multiple=True,
    metavar="KIND=P",
    help="種別ごとの閉鎖確率（例: hospital=0.05。複数可）.",
)
@click.option(
    "--closures", type=int, default=None, help="全施設から無作為にちょうど K 施設を閉鎖 / close exactly K."
)
@click.option("--samples", type=int, default=10_000, show_default=True, help="無作為の試行の回数 / samples.")
@click.option("--seed", type=int, default=1, show_default=True, help="乱数の種 / random seed.")
@click.option("--pairs", is_flag=True, default=False, help="2施設の同時閉鎖も調べる（同じ圏域の全組） / N-2.")
@opt.out_opt
@opt.no_basemap_opt
@opt.quiet_opt
def robustness(
    inputs: PlanInputs,
    p: float | None,
    p_kind: tuple[str, ...],
    closures: int | None,
    samples: int,
    seed: int,
    pairs: bool,
    out: Path | None,
    no_basemap: bool,
    quiet: bool,
) -> int:
    """施設の閉鎖に対する頑健性（単一障害点・無作為の閉鎖） / robustness to closures.

    \b
    1施設の閉鎖だけで圏域が目安（積極的医療機関・連携拠点の最小数、距離）を満たさなくなる
    「単一障害点」を全施設について調べ、--pairs で同じ圏域の2施設の組も調べます。
    --p（と --p-kind）で各施設が独立に閉鎖する場合、--closures K でちょうど K 施設が閉鎖する
    場合の、圏域ごとの目安を満たさない確率（標準誤差と、最低数の項目は厳密値も）と、目安を
    超える人口の期待値を求めます。OUT（既定 ./out/<計画名>/robustness/）に robustness.json・
    robustness.csv・robustness.md・robustness_map.html を書き出します。
    """
    from geo_zaitaku.maps import robustness_map
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import input_paths
    from geo_zaitaku.scenarios.robustness import analyse, closures_from_options, write_robustness

    run = inputs.run()
    how = closures_from_options(p, p_kind, closures, total=len(run.facilities.frame))
    result = analyse(run, closures=how, samples=samples, seed=seed, pairs=pairs)
    _output.print_robustness(result, quiet=quiet)
    target = out if out is not None else inputs.out_dir() / "robustness"
    with staged(target, inputs=(*inputs.paths(), *input_paths(run)), command="robustness") as stage:
        write_robustness(result, stage.dir)
        robustness_map(run, result, basemap=not no_basemap).save(stage.path("robustness_map.html"))
    _output.print_written(stage.written)
    return 0
