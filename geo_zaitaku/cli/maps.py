"""``geo-zaitaku map areas|resources``: interactive maps (one HTML file each)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs

#: File name endings a map may be written as (``--out``).
HTML = (".html", ".htm")

basemap_opt = opt.no_basemap_opt
cdn_opt = click.option(
    "--cdn/--self-contained",
    "cdn",
    default=False,
    help="Leaflet 等を CDN から読み込む（既定は HTML に埋め込み、ネットワークなしで開ける） / "
    "link Leaflet from a CDN (default: inline every script so the map opens offline).",
)


#: Characters not allowed (or unsafe) in file names on Windows, macOS and Linux.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
#: Longest area part of a default file name, in bytes.
_MAX_PART = 180


def resources_file(areas: tuple[str, ...]) -> str:
    """Default file name of the resource map: ``resources_map.html``, or with the
    areas shown, ``resources_map_有明.html`` (``resources_map_有明_菊池.html``), so that
    maps of several areas of one plan do not replace each other."""
    if not areas:
        return "resources_map.html"
    part = "_".join(_UNSAFE.sub("_", a).strip(" .") or "_" for a in areas)
    while len(part.encode("utf-8")) > _MAX_PART:  # file names stop at 255 bytes
        part = part[:-1]
    return f"resources_map_{part}.html"


def list_stem(target: Path) -> str:
    """Stem of the companion list beside a map: ``resources_map_有明.html`` ->
    ``resources_list_有明``; ``r_map.html`` -> ``r_list``; ``x.html`` -> ``x_list``."""
    stem = target.stem
    if "_map_" in stem:
        head, _, tail = stem.partition("_map_")
        return f"{head}_list_{tail}"
    return stem.removesuffix("_map") + "_list"


@click.group(name="map")
def maps() -> None:
    """地図（HTML）を作る / write interactive maps.

    \b
    areas      計画担当者向けの圏域図（圏域・エラー・二次医療圏・拠点）
    resources  住民向けの在宅医療・介護資源マップ（施設の種類別・検索・現在地）
    """


@maps.command()
@plan_inputs(level=True)
@basemap_opt
@cdn_opt
@click.option(
    "--choropleth",
    metavar="MEASURE",
    help="市区町村の塗り分け: aging_rate（高齢化率）, pop_75over_rate（75歳以上の割合）, people_per_hub"
    "（拠点あたり人口）, patients_per_1000（在宅医療の推計患者数・人口千対）, population, pop_65over, "
    "pop_75over, pop_85over, area_km2（面積） / shade municipalities by a rate or a count.",
)
@click.option(
    "--rates",
    "rates",
    type=opt.PathParam(),
    help="patients_per_1000 の需要率CSV（既定: 同梱の全国値） / demand rate table.",
)
@click.option(
    "--no-reach",
    is_flag=True,
    default=False,
    help="積極的医療機関からの距離の円を作らない / no reach circles.",
)
@opt.out_option(file="areas_map.html")
def areas(
    inputs: PlanInputs,
    no_basemap: bool,
    cdn: bool,
    choropleth: str | None,
    rates: Path | None,
    no_reach: bool,
    out: Path | None,
) -> int:
    """計画担当者向けの圏域図 / the planner's area map.

    圏域を色分けし、エラーのある圏域は赤い斜線と理由のツールチップで示します。
    二次医療圏・保健所圏域の境界、積極的医療機関と連携拠点、種類別の施設、
    16km 圏（切替）、--choropleth で人口などの塗り分けを表示します。
    """
    from geo_zaitaku.maps import area_map
    from geo_zaitaku.outputs import check_suffix, check_target, staged
    from geo_zaitaku.pipeline import input_paths

    target = opt.out_file(out, inputs.out_dir(), "areas_map.html")
    check_target(target, inputs.paths())
    check_suffix(target, HTML)
    run = inputs.run()
    doc = area_map(
        run,
        basemap=not no_basemap,
        reach=not no_reach,
        choropleth=choropleth,
        rates=rates,
        show_choropleth=choropleth is not None,  # asked for: shown when the page opens
    )
    sources = (*inputs.paths(), *input_paths(run), *((rates,) if rates else ()))
    with staged(target.parent, inputs=sources, command=f"map areas {target.name}") as stage:
        doc.save(stage.path(target.name), self_contained=not cdn)
    _output.print_written(stage.written)
    return 0


@maps.command()
@plan_inputs(level=True)
@basemap_opt
@cdn_opt
@click.option(
    "--area",
    "areas_",
    multiple=True,
    metavar="NAME",
    help="表示する圏域（複数可。既定は全圏域） / areas to show.",
)
@click.option(
    "--no-cluster",
    is_flag=True,
    default=False,
    help="施設をまとめて表示（クラスタ）しない / do not cluster markers.",
)
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
    印刷すると一覧が続きます。同じフォルダに一覧の .csv と .html も書きます。
    既定のファイル名は resources_map.html、--area を付けると
    resources_map_<圏域>.html と resources_list_<圏域>.csv/.html です。
    """
    from geo_zaitaku import labels
    from geo_zaitaku.maps import resource_map, write_resource_list
    from geo_zaitaku.maps.resources import LIST_PAGE_LIMIT
    from geo_zaitaku.outputs import check_suffix, check_target, staged
    from geo_zaitaku.pipeline import input_paths

    target = opt.out_file(out, inputs.out_dir(), resources_file(areas_))
    check_target(target, inputs.paths())
    check_suffix(target, HTML)
    run = inputs.run()
    doc = resource_map(run, areas=areas_, basemap=not no_basemap, cluster=not no_cluster)
    stem = list_stem(target)
    sources = (*inputs.paths(), *input_paths(run))
    with staged(target.parent, inputs=sources, command=f"map resources {target.name}") as stage:
        doc.save(stage.path(target.name), self_contained=not cdn)
        listed = write_resource_list(run, stage.dir, areas=areas_, stem=stem)
    _output.print_written(stage.written)
    if len(listed) > 2:  # the CSV and more than one page of the HTML list
        _output.info(labels.MAP_TEXT["list_split"].format(limit=LIST_PAGE_LIMIT, pages=len(listed) - 1))
    return 0
