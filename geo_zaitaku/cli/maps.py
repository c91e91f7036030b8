"""``geo-zaitaku map areas|resources``: interactive maps (one HTML file each)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output

if TYPE_CHECKING:
    from geo_zaitaku.pipeline import CheckRun


def _inputs(f: click.decorators.FC) -> click.decorators.FC:
    """The plan argument and the input options shared with ``check``."""
    for decorator in reversed(
        (
            click.argument("plan", type=click.Path(path_type=Path)),
            opt.units_opt,
            opt.pref_year_opts,
            opt.facilities_opt,
            opt.population_opt,
            opt.reference_opt,
            click.option(
                "--no-basemap",
                is_flag=True,
                default=False,
                help="背景地図（地理院タイル）を使わない / blank background.",
            ),
            click.option(
                "--self-contained",
                is_flag=True,
                default=False,
                help="Leaflet 等を HTML に埋め込み、ネットワークなしで開けるようにする / inline all scripts.",
            ),
            opt.no_cache_opt,
        )
    ):
        f = decorator(f)
    return f


def _run(
    plan: Path,
    units: tuple[Path, ...],
    pref: str | None,
    year: str | None,
    facilities: tuple[Path, ...],
    population: Path | None,
    reference: Path | None,
    no_cache: bool,
) -> CheckRun:
    from geo_zaitaku.pipeline import check_plan

    return check_plan(
        plan,
        units=list(units) or None,
        pref=pref,
        year=year,
        facilities=list(facilities) or None,
        population=population,
        reference=reference,
        cache=False if no_cache else None,
    )


@click.group(name="map")
def maps() -> None:
    """地図（HTML）を作る / write interactive maps.

    \b
    areas      計画担当者向けの圏域図（圏域・エラー・二次医療圏・拠点）
    resources  住民向けの在宅医療・介護資源マップ（施設の種類別・検索・現在地）
    """


@maps.command()
@_inputs
@click.option(
    "--choropleth", metavar="COLUMN", help="市区町村を塗り分ける列（例: pop_65over, pop_75over, population）."
)
@click.option("--no-reach", is_flag=True, default=False, help="積極的医療機関からの距離の円を作らない.")
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="出力する HTML（既定 ./out/<計画名>/areas_map.html）.",
)
def areas(
    plan: Path,
    units: tuple[Path, ...],
    pref: str | None,
    year: str | None,
    facilities: tuple[Path, ...],
    population: Path | None,
    reference: Path | None,
    no_basemap: bool,
    self_contained: bool,
    no_cache: bool,
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

    run = _run(plan, units, pref, year, facilities, population, reference, no_cache)
    doc = area_map(run, basemap=not no_basemap, reach=not no_reach, choropleth=choropleth)
    target = out or Path("out") / plan.stem / "areas_map.html"
    _output.print_written([doc.save(target, self_contained=self_contained)])
    return 0


@maps.command()
@_inputs
@click.option("--area", "areas_", multiple=True, metavar="NAME", help="表示する圏域（複数可。既定は全圏域）.")
@click.option("--no-cluster", is_flag=True, default=False, help="施設をまとめて表示（クラスタ）しない.")
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="出力する HTML（既定 ./out/<計画名>/resources_map.html）。同じフォルダに一覧（CSV・HTML）も書きます.",
)
def resources(
    plan: Path,
    units: tuple[Path, ...],
    pref: str | None,
    year: str | None,
    facilities: tuple[Path, ...],
    population: Path | None,
    reference: Path | None,
    no_basemap: bool,
    self_contained: bool,
    no_cache: bool,
    areas_: tuple[str, ...],
    no_cluster: bool,
    out: Path | None,
) -> int:
    """住民向けの資源マップと施設一覧 / the residents' resource map and list.

    施設を種類別に表示し（チェックボックスで切替、密集はまとめて表示）、
    名称検索・現在地・全画面表示、ポップアップに住所・電話・対応・ウェブサイト、
    印刷すると一覧が続きます。同じフォルダに resources_list.csv と .html を書きます。
    """
    from geo_zaitaku.maps import resource_map, write_resource_list

    run = _run(plan, units, pref, year, facilities, population, reference, no_cache)
    doc = resource_map(run, areas=areas_, basemap=not no_basemap, cluster=not no_cluster)
    target = out or Path("out") / plan.stem / "resources_map.html"
    written = [doc.save(target, self_contained=self_contained)]
    written += write_resource_list(
        run, target.parent, areas=areas_, stem=target.stem.replace("_map", "") + "_list"
    )
    _output.print_written(written)
    return 0
