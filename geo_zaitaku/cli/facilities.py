"""``geo-zaitaku facilities``: import facility files into the canonical CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_zaitaku import labels
from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output

if TYPE_CHECKING:
    from geo_zaitaku.sources.facilities import FacilityImport
    from geo_zaitaku.sources.keyinst import ListMatch
    from geo_zaitaku.sources.presets import Preset


@click.group()
def facilities() -> None:
    """施設データの取り込み / import facility data.

    \b
    例 / examples:
      geo-zaitaku facilities import 02-1_clinic_facility_info_20240601.csv --units N03.zip --out out/施設
      geo-zaitaku facilities import 医療機関一覧.csv --name-col 施設正式名称 --lon-col fX --lat-col fY \\
          --units N03.zip --key-institutions 在支診.xlsx --out out/施設
      geo-zaitaku facilities import 届出受理医療機関名簿.csv --units N03_全国.zip --name-col 医療機関名称 \\
          --address-col 医療機関所在地 --id-col 医療機関コード --towns 43 --out out/名簿
      geo-zaitaku facilities presets
    """


@facilities.command("import")
@click.argument("files", nargs=-1, required=True, type=opt.PathParam())
@opt.units_opt
@opt.pref_year_opts
@opt.level_opt
@opt.facility_format_opts
@click.option(
    "--key-institutions",
    "key_lists",
    multiple=True,
    type=opt.PathParam(),
    help="積極的医療機関のリスト（CSV・xlsx。名称と住所、または医療機関コード）。一致した施設を"
    " key_institution=1 にする / list of key institutions to mark.",
)
@click.option(
    "--hubs",
    "hub_lists",
    multiple=True,
    type=opt.PathParam(),
    help="連携拠点のリスト（同じ形式）。一致した施設を hub=1 にする / list of coordination hubs to mark.",
)
@click.option(
    "--towns",
    "towns",
    multiple=True,
    metavar="FILE|PREF",
    help="位置参照情報（大字・町丁目レベル）の zip・CSV・取得済みの都道府県コード（geo-zaitaku fetch isj）。"
    "緯度経度のない行に町丁目の代表点を付ける（複数可） / 位置参照情報 towns: town-level points for rows "
    "without coordinates.",
)
@click.option(
    "--towns-year",
    "towns_year",
    metavar="YYYY",
    default=None,
    help="--towns に都道府県を指定したときの位置参照情報の年版（既定 2024） / edition of cached towns.",
)
@opt.out_option(Path("out/facilities"))
@opt.no_cache_opt
@opt.quiet_opt
def import_(
    files: tuple[Path, ...],
    units: tuple[Path, ...],
    pref: str | None,
    year: str | None,
    level: str,
    facility_format: Preset | None,
    key_lists: tuple[Path, ...],
    hub_lists: tuple[Path, ...],
    towns: tuple[str, ...],
    towns_year: str | None,
    out: Path | None,
    no_cache: bool,
    quiet: bool,
) -> int:
    """施設ファイルを読み、市区町村に配置して標準の施設CSVに書き出す / import facility files.

    \b
    FILE は CSV（UTF-8・BOM付き・Shift_JIS）・xlsx・CSV 1つの zip。形式は見出しとファイル名から
    自動判別します（医療情報ネット・介護サービス情報公表システム・自治体の標準オープンデータ・
    標準の施設CSV）。列名が違うファイルは --name-col・--lat-col・--lon-col・--code-col・
    --address-col で列を指定します。緯度経度もコードもない行は、都道府県（--pref-col・10桁の
    医療機関コード・--pref）、住所の郡＋町村名、郵便番号（--postcode-col、日本郵便のデータ）、
    住所の市区町村名の順で配置し、--towns があれば町丁目の代表点を付けます。すべての列が同じ行は
    1件にまとめます。OUT（既定 ./out/facilities/）に facilities.csv・import_log.md・
    import_issues.csv を書き出します。終了コード: 0 実行できた（不採用の行があっても）、2 入力不備。
    """
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import resolve_units
    from geo_zaitaku.sources.facilities import load_facilities
    from geo_zaitaku.sources.importlog import roles_line, total_line, town_totals, write_import
    from geo_zaitaku.sources.isj import load_towns, town_sources
    from geo_zaitaku.sources.keyinst import mark_from_list
    from geo_zaitaku.units import source_files

    unit_frame = resolve_units(
        list(units) or None, pref=pref, year=year, level=level, cache=False if no_cache else None
    )
    town_index = load_towns(list(towns), year=towns_year) if towns else None
    result = load_facilities(list(files), unit_frame, preset=facility_format, pref=pref, towns=town_index)
    matches = []
    for field, lists in (("key_institution", key_lists), ("hub", hub_lists)):
        for path in lists:
            result, match = mark_from_list(result, path, unit_frame, field=field)
            matches.append(match)
    out_dir = out
    sources = [*files, *units, *key_lists, *hub_lists, *source_files(unit_frame)]
    sources += town_sources(list(towns), year=towns_year) if towns else []
    with staged(out_dir, inputs=sources, command="facilities import") as stage:
        write_import(result, stage.dir, matches=matches, units=unit_frame)
    _print_summary(result, matches, quiet=quiet)
    _output.console().print(total_line(result.logs), soft_wrap=True)
    _output.console().print(_output.escape(roles_line(result.frame)), soft_wrap=True)
    town_counts = town_totals(result.logs)
    if town_counts is not None:
        _output.console().print(labels.IMPORT_TEXT["towns"].format(**town_counts), soft_wrap=True)
    _output.print_written(stage.written)
    return 0


@facilities.command("presets")
def presets() -> int:
    """組み込みプリセットの一覧 / list the built-in presets."""
    from geo_zaitaku.sources.presets import builtin_presets

    _output.console().print("[bold]組み込みプリセット / built-in presets[/]（--preset NAME）", soft_wrap=True)
    for p in builtin_presets():
        detect = "・".join(p.detect) or "（ほかに当てはまらないとき / fallback）"
        if p.files:
            detect += "（ファイル名 " + "・".join(p.files) + "）"
        _output.console().print(
            f"[bold]{_output.escape(p.name)}[/]: {_output.escape(p.title)}", soft_wrap=True
        )
        _output.console().print(f"  自動判別 / detected by: {_output.escape(detect)}", soft_wrap=True)
    return 0


def _print_summary(result: FacilityImport, matches: list[ListMatch], *, quiet: bool) -> None:
    from geo_zaitaku.sources.importlog import encoding_name

    t = labels.IMPORT_TEXT
    logs = result.logs
    for log in logs:
        how = t["detected"] if log.preset_detected else t["given"]
        counts = "・".join(f"{t[k]} {v:,}" for k, v in log.placed.items())
        merged = f"・{t['merged']} {len(log.merged):,}" if log.merged else ""
        _output.console().print(
            f"[bold]{_output.escape(Path(log.source).name)}[/]: {t['preset']} {_output.escape(log.preset)}（{how}）・"
            f"{encoding_name(log.encoding)}・{log.rows:,}{t['line']} → {counts}・"
            f"{t['rejected']} {len(log.rejected):,}{merged}・{t['corrected']} {len(log.notes):,}",
            soft_wrap=True,
        )
        if quiet:
            continue
        if log.unused_columns:
            _output.console().print(
                f"  {_output.escape(labels.unused_columns_text(log.unused_columns))}", soft_wrap=True
            )
        for r in log.rejected[:10]:
            _output.console().print(
                f"  [yellow]{t['rejected']}[/] {t['line']} {r.line} {_output.escape(r.name)}: {_output.escape(r.message)}",
                soft_wrap=True,
            )
        if len(log.rejected) > 10:
            _output.console().print(
                "  " + t["more"].format(n=len(log.rejected) - 10, file="import_issues.csv"), soft_wrap=True
            )
    from geo_zaitaku.sources.keyinst import FIELDS

    for m in matches:
        counts = m.counts()
        _output.console().print(
            t["list"].format(
                what=FIELDS[m.field], file=_output.escape(Path(m.source).name), n=len(m.entries), **counts
            ),
            soft_wrap=True,
        )
        if m.other_notifications:
            _output.console().print(
                t["other_notifications"].format(n=len(m.other_notifications)), soft_wrap=True
            )
        if m.field == "hub" and counts["unmatched"]:
            _output.console().print(t["hub_not_listed"], soft_wrap=True)
        if not quiet:
            for e in m.entries:
                if e.status != "matched":
                    _output.console().print(
                        f"[yellow]{labels_status(e.status)}[/] {t['line']} {e.line} {_output.escape(e.name)}: "
                        f"{_output.escape(e.message)}",
                        soft_wrap=True,
                    )


def labels_status(status: str) -> str:
    """Japanese word of a list entry's status."""
    from geo_zaitaku.sources.keyinst import STATUS

    return STATUS.get(status, status)
