"""``geo-zaitaku map areas|resources``: interactive maps (one HTML file each)."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs

basemap_opt = opt.no_basemap_opt
cdn_opt = click.option(
    "--cdn/--self-contained",
    "cdn",
    default=False,
    help="Leaflet 等を CDN から読み込む（既定は HTML に埋め込み、ネットワークなしで開ける） / "
    "link Leaflet from a CDN (default: inline every script so the map opens offline).",
)


@click.group(name="map")
def maps() -> None:
    """地図（HTML）を作る / write interactive maps.

    \b
    areas      計画担当者向けの圏域図（圏域・エラー・二次医療圏・拠点）
    resources  住民向けの在宅医療・介護資源マップ（施設の種類別・検索・現在地）
    """


@maps.command()
@plan_inputs()
@basemap_opt
@cdn_opt
@click.option(
    "--choropleth", metavar="COLUMN", help="市区町村を塗り分ける列（例: pop_65over, pop_75over, population）."
)
@click.option("--no-reach", is_flag=True, default=False, help="積極的医療機関からの距離の円を作らない.")
@opt.out_option(file="areas_map.html")
def areas(
    inputs: PlanInputs,
    no_basemap: bool,
    cdn: bool,
    choropleth: str | None,
    no_reach: bool,
    out: Path | None,
) -> int:
    """計画担当者向けの圏域図 / the planner's area map.

    圏域を色分けし、エラーのある圏域は赤い斜線と理由のツールチップで示します。
    二次医療圏・保健所圏域の境界、積極的医療機関と連携拠点、種類別の施設、
    16km 圏（切替）、--choropleth で人口などの塗り分けを表示します。
    """
    from geo_zaitaku.maps import area_map
    from geo_zaitaku.outputs import check_target, staged
    from geo_zaitaku.pipeline import input_paths

    target = out or inputs.out_dir() / "areas_map.html"
    check_target(target, inputs.paths())
    run = inputs.run()
    doc = area_map(run, basemap=not no_basemap, reach=not no_reach, choropleth=choropleth)
    sources = (*inputs.paths(), *input_paths(run))
    with staged(target.parent, inputs=sources, command=f"map areas {target.name}") as stage:
        doc.save(stage.path(target.name), self_contained=not cdn)
    _output.print_written(stage.written)
    return 0


@maps.command()
@plan_inputs()
@basemap_opt
@cdn_opt
@click.option("--area", "areas_", multiple=True, metavar="NAME", help="表示する圏域（複数可。既定は全圏域）.")
@click.option("--no-cluster", is_flag=True, default=False, help="施設をまとめて表示（クラスタ）しない.")
@opt.out_option(file="resources_map.html")
def resources(
    inputs: PlanInputs,
    no_basemap: bool,
    cdn: bool,
    areas_: tuple[str, ...],
    no_cluster: bool,
    out: Path | None,
) -> int:
    """住民向けの資源マップと施設一覧 / the residents' resource map and list.

    施設を種類別に表示し（チェックボックスで切替、密集はまとめて表示）、
    名称検索・現在地・全画面表示、ポップアップに住所・電話・対応・ウェブサイト、
    印刷すると一覧が続きます。同じフォルダに <名前>_list.csv と .html も書きます。
    """
    from geo_zaitaku.maps import resource_map, write_resource_list
    from geo_zaitaku.outputs import check_target, staged
    from geo_zaitaku.pipeline import input_paths

    target = out or inputs.out_dir() / "resources_map.html"
    check_target(target, inputs.paths())
    run = inputs.run()
    doc = resource_map(run, areas=areas_, basemap=not no_basemap, cluster=not no_cluster)
    stem = target.stem.removesuffix("_map") + "_list"
    sources = (*inputs.paths(), *input_paths(run))
    with staged(target.parent, inputs=sources, command=f"map resources {target.name}") as stage:
        doc.save(stage.path(target.name), self_contained=not cdn)
        write_resource_list(run, stage.dir, areas=areas_, stem=stem)
    _output.print_written(stage.written)
    return 0
