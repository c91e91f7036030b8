"""``geo-zaitaku demand``: expected home-care demand per area, now and in projection years."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from geo_zaitaku import labels
from geo_zaitaku.cli import _options as opt
from geo_zaitaku.cli import _output
from geo_zaitaku.cli._inputs import PlanInputs, plan_inputs

if TYPE_CHECKING:
    from geo_zaitaku.demand import DemandResult
    from geo_zaitaku.sources.tabular import RowIssue

#: Files written by the command.
DEMAND_FILES = ("demand.csv", "demand_units.csv")


@click.command()
@plan_inputs(facilities=False, reference=False, level=True)
@click.option(
    "--projection",
    "projection",
    type=opt.PathParam(),
    help="将来推計人口CSV（市区町村×年×年齢階級） / projected population CSV.",
)
@click.option(
    "--target-year",
    "years",
    multiple=True,
    type=click.IntRange(min=1900, max=2200),
    metavar="YYYY",
    help="推計の年（複数可。例: --target-year 2025 --target-year 2040。既定: 推計CSVのすべての年） / projection year(s).",
)
@click.option(
    "--rates",
    "rates",
    type=opt.PathParam(),
    help="年齢階級別の需要率CSV（既定: 同梱の全国値） / age-band rate table CSV.",
)
@opt.out_opt
@opt.quiet_opt
def demand(
    inputs: PlanInputs,
    projection: Path | None,
    years: tuple[int, ...],
    rates: Path | None,
    out: Path | None,
    quiet: bool,
) -> int:
    """圏域ごとの在宅医療の需要を推計する / expected home-care demand per area.

    \b
    年齢階級別の人口 × 年齢階級別の率 で、圏域ごとの在宅医療の推計患者数を
    現況（--population）と推計の年（--projection・--target-year）について求め、
    人口・65歳以上・75歳以上・推計患者数と最初と最後の年の増減を表示します。
    OUT（既定 ./out/<計画ファイル名>/）に demand.csv（圏域別）と demand_units.csv
    （市区町村別）を書き出します。
    例: geo-zaitaku demand plan.toml --population 人口.csv --projection 推計.csv --target-year 2025 --target-year 2040
    """
    from geo_zaitaku._io import write_csv
    from geo_zaitaku.demand import estimate_demand
    from geo_zaitaku.outputs import staged
    from geo_zaitaku.units import source_files

    run = estimate_demand(
        inputs.spec(),
        population=inputs.population,
        projection=projection,
        years=years,
        rates=rates,
        **inputs.boundary_kwargs(),
    )
    result = run.result
    print_demand(result, quiet=quiet)
    for imp in [run.census, *(run.projection.by_year.values() if run.projection else [])]:
        if imp is not None and imp.skipped and not quiet:
            _print_skipped(imp.source, imp.skipped, imp.year)
    sources = [*inputs.paths(), *source_files(run.plan.units)]
    sources += [Path(p.source) for p in (run.census, run.projection) if p is not None]
    sources += [p for p in (projection, rates) if p is not None]
    with staged(inputs.out_dir(out), inputs=sources, command="demand") as stage:
        write_csv(stage.path(DEMAND_FILES[0]), result.area_table())
        write_csv(stage.path(DEMAND_FILES[1]), result.unit_table())
    _output.print_written(stage.written)
    return 0


def print_demand(result: DemandResult, *, quiet: bool = False) -> None:
    """Print the demand table (areas × periods, with a change row) and its notes; quiet:
    the total only, and no source notes."""
    s = labels.DEMAND_SHORT
    d = labels.DEMAND
    fields = ("population", "pop_65over", "pop_75over", "patients")
    caption = None
    if result.change is not None:
        caption = _output.escape(d["change_caption"].format(a=result.change[0], b=result.change[1]))
    table = _output.Table(
        title=_output.escape(f"{d['title']} — {result.plan}"),
        title_justify="left",
        caption=caption,
        caption_justify="left",
    )
    table.add_column(s["area"], no_wrap=True)
    table.add_column(s["period"], no_wrap=True)
    for f in fields:
        table.add_column(s[f], justify="right", overflow="fold")
    areas = list(dict.fromkeys(result.areas["area"]))
    if quiet:  # the prefecture's total only (the areas are in demand.csv)
        areas = [a for a in areas if a == d["total"]] or areas[-1:]
    for area in areas:
        for i, period in enumerate(result.periods):
            v = result.area_values(area, period)
            row = [_output.escape(area) if i == 0 else "", _output.escape(period)]
            row += [_fmt(v[f], f) for f in fields]
            table.add_row(*row, style="bold" if area == d["total"] else None)
        if result.change is not None:
            a, b = result.change
            va, vb = result.area_values(area, a), result.area_values(area, b)
            row = ["", d["change_row"]]
            row += [_change(va[f], vb[f], f) for f in fields]
            table.add_row(*row, end_section=True)
        else:
            table.rows[-1].end_section = True
    _output.console().print(table)
    rates = result.rates
    if rates.measure:
        _output.console().print(f"{d['measure']}: {_output.escape(rates.measure)}", soft_wrap=True)
    if not quiet and rates.meta.get("source"):
        _output.console().print(f"{d['source']}: {_output.escape(rates.meta['source'])}", soft_wrap=True)
    if rates.default:
        _output.console().print(f"[yellow]{_output.escape(d['default_rates'])}[/]", soft_wrap=True)
    else:
        _output.info(f"{d['rates']}: {rates.source}")
    for period, codes in result.missing.items():
        if codes:
            names = result.units.drop_duplicates("code").set_index("code").loc[list(codes[:10]), "name"]
            more = labels.TEXT["and_more"].format(n=len(codes) - 10) if len(codes) > 10 else ""
            text = d["missing"].format(period=period, n=len(codes), names="・".join(names) + more)
            _output.console().print(f"[yellow]{_output.escape(text)}[/]", soft_wrap=True)


def _fmt(value: float, f: str) -> str:
    if value != value:  # NaN
        return "-"
    return f"{value:,.1f}" if f == "patients" else f"{value:,.0f}"


def _change(a: float, b: float, f: str) -> str:
    if a != a or b != b:  # NaN
        return "-"
    diff = b - a
    text = f"{diff:+,.1f}" if f == "patients" else f"{diff:+,.0f}"
    if a > 0:
        pct = diff / a * 100
        text += f" ({pct:+.1f}%)"
    style = "green" if diff < 0 else ("red" if diff > 0 else "")
    return f"[{style}]{text}[/]" if style and f == "patients" else text


def _print_skipped(source: str, skipped: tuple[RowIssue, ...], year: int | None) -> None:
    from collections import Counter

    counts = Counter(r.reason for r in skipped)
    reasons = "、".join(f"{labels.POPULATION_SKIPPED.get(k, k)} {n}行" for k, n in counts.items())
    name = Path(source).name + (f"（{year}年）" if year is not None else "")
    _output.info(labels.DEMAND["skipped"].format(file=name, n=len(skipped), reasons=reasons))
    for r in skipped[:10]:
        _output.info(f"  行 {r.line}: {r.message}")
    if len(skipped) > 10:
        _output.info(f"  … ほか {len(skipped) - 10}行")
