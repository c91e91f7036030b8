"""``geo-zaitaku population import``: read a census or projection table as it is
published, align it to the units, and write the normalised population CSV."""

from __future__ import annotations

from pathlib import Path

import click

from geo_zaitaku import labels
from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output


@click.group(name="population")
def population() -> None:
    """人口データの取り込み / import population data."""


@population.command(name="import")
@click.argument("source", type=opt.PathParam())
@opt.units_opt
@opt.pref_year_opts
@opt.level_opt
@click.option(
    "--target-year",
    "target_year",
    type=click.IntRange(min=1900, max=2200),
    metavar="YYYY",
    help="将来推計人口のCSVから取り出す年 / the year to take from a projection CSV.",
)
@opt.out_option(Path("out/population"))
@opt.no_cache_opt
def import_(
    source: Path,
    units: tuple[Path, ...],
    pref: str | None,
    year: str | None,
    level: str,
    target_year: int | None,
    out: Path,
    no_cache: bool,
) -> int:
    """人口CSV（国勢調査・将来推計）を読み、市区町村に合わせて書き出す / import population.

    \b
    e-Stat の表のまま（タイトル行・5歳階級・検査数字付きコード・Shift_JIS）読み、
    市区町村ごとの総数・65歳以上・75歳以上・85歳以上（と年齢階級）を
    OUT/population.csv に書き出します。使わなかった行は理由とともに
    OUT/population_log.csv に残します。--target-year を付けると将来推計人口の
    その年を取り出します。書き出した CSV は check・demand の --population に使えます。
    数値として使えない値（文字・inf・nan・負の数）のある行は使わず、日本の範囲外の
    人口重心は除いて（人口は使って）、どちらも population_log.csv に記録します。
    """
    from geo_zaitaku._io import public_path, write_csv
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.pipeline import resolve_units
    from geo_zaitaku.sources.population import load_population, load_projection, population_table
    from geo_zaitaku.units import source_files

    unit_frame = resolve_units(
        list(units) or None, pref=pref, year=year, level=level, cache=False if no_cache else None
    )
    if target_year is not None:
        imported = load_projection(source, unit_frame).select(target_year)
    else:
        imported = load_population(source, unit_frame)
    table = population_table(imported, unit_frame)
    log = [
        {
            "file": public_path(r.source),
            "line": r.line,
            "status": status,
            "reason": r.reason,
            "message": r.message,
        }
        for status, rows in (("skipped", imported.skipped), ("corrected", imported.notes))
        for r in rows
    ] + [
        {
            "file": Path(imported.source).name,
            "line": "",
            "status": "missing",
            "reason": "missing",
            "message": f"{code} {unit_frame.at[code, 'name']}: {labels.TEXT['no_population']}",
        }
        for code in imported.missing
    ]
    with staged(
        out, inputs=[source, *units, *source_files(unit_frame)], command="population import"
    ) as stage:
        write_csv(stage.path("population.csv"), table)
        write_csv(stage.path("population_log.csv"), _log_frame(log))
    written = stage.written
    _output.info(
        labels.TEXT["population_summary"].format(
            file=Path(imported.source).name,
            rows=imported.rows,
            units=int(table["population"].notna().sum()),
            total=len(unit_frame),
            skipped=len(imported.skipped),
            missing=len(imported.missing),
        )
    )
    for r in imported.skipped[:10]:
        _output.info(f"  {labels.at_line(r.line)}: {r.message}")
    if imported.notes:
        _output.info(labels.TEXT["population_notes"].format(n=len(imported.notes)))
        for r in imported.notes[:10]:
            _output.info(f"  {labels.at_line(r.line)}: {r.message}")
    _output.print_written(written)
    return 0


def _log_frame(rows: list[dict[str, object]]):  # noqa: ANN202 - DataFrame
    from geo_zaitaku.sources.tabular import issue_table

    table = issue_table(
        [(r["file"], r["line"], str(r["status"]), str(r["reason"]), r["message"], "") for r in rows]
    )
    return table.drop(columns=[labels.TABLE_COLUMNS["name"]])  # population rows have no name
