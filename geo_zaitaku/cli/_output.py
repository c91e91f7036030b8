"""Console output shared by the commands (rich): tables, messages, errors."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo_zaitaku import labels

if TYPE_CHECKING:
    from rich.console import Console

    from geo_zaitaku.checks import AreaSummary, Report


@cache
def _consoles() -> tuple[Console, Console]:
    from rich.console import Console

    return Console(highlight=False), Console(stderr=True, highlight=False)


def console() -> Console:
    """The stdout console (rich is imported when a command first prints, so that
    ``--help`` stays fast)."""
    return _consoles()[0]


def err_console() -> Console:
    """The stderr console."""
    return _consoles()[1]


#: Characters a terminal acts on (C0 and C1 controls, DEL; line breaks too: a name
#: may not start a line of its own) and the bidirectional overrides, which reorder text.
_TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """Text for the console: rich markup escaped (``[x]`` shown as typed), and every
    control character (``ESC`` sequences that set the title or erase a line, line
    breaks, bidirectional overrides) shown as ``�``, so that a name in the user's files
    can neither act on the terminal nor forge a line of output."""
    from rich.markup import escape as rich_escape

    return rich_escape(_TERMINAL_CONTROLS.sub("\ufffd", text))


def Table(*args: Any, **kwargs: Any) -> Any:
    """A rich :class:`~rich.table.Table` (imported on first use)."""
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)


_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
#: Style of an area's verdict in the console table.
_VERDICT_STYLE = {"error": "bold red", "warning": "yellow", "ok": "green", "unchecked": "yellow"}


def error(message: str) -> None:
    """Print an input error (no traceback)."""
    err_console().print(f"[bold red]{labels.TEXT['error_label']}:[/] {escape(message)}", soft_wrap=True)


def warning(message: str) -> None:
    """Print a warning of the package's own (a cache it could not write ...), without
    Python's file and source line."""
    err_console().print(f"[yellow]{labels.TEXT['warning_label']}:[/] {escape(message)}", soft_wrap=True)


def info(message: str) -> None:
    """Print a progress or status line on stderr."""
    err_console().print(escape(message), style="dim", soft_wrap=True)


def reach_text(a: AreaSummary) -> str:
    """The 最遠 cell: 「-」 when unknown, 「行けません」 when no unit reaches a key
    institution, else the largest figure (「以上」 when some units are left out)."""
    if a.max_reach_km is None:
        return labels.TEXT["unreachable_short"] if a.reach_beyond or a.unreachable else "-"
    text = f"{a.max_reach_km:.1f}"
    return labels.TEXT["at_least"].format(value=text) if a.reach_beyond or a.unreachable else text


def population_text(a: AreaSummary) -> str:
    """An area's population for the console: 183,000, or 183,000以上 when some of its
    units' population is unknown (the sum is then a lower bound)."""
    text = f"{a.population:,.0f}"
    return labels.TEXT["at_least"].format(value=text) if a.population_unknown else text


def print_report(report: Report, *, quiet: bool = False) -> None:
    """Print the areas table and every finding; quiet: no table, the errors, and the
    warnings and infos counted per rule."""
    c = labels.SHORT
    counts = report.counts()
    if not quiet:
        table = Table(title=escape(report.plan), title_justify="left", show_lines=False)
        for col, justify in (
            (c["area"], "left"),
            (c["n_units"], "right"),
            (c["population"], "right"),
            (c["n_key_institutions"], "right"),
            (c["n_hubs"], "right"),
            (c["contiguous"], "center"),
            (c[labels.REACH_COLUMNS[str(report.settings.get("measure", "km"))][1]], "right"),
            (c["verdict"], "left"),
        ):
            table.add_column(col, justify=justify, overflow="fold")
        unknown = f"[yellow]{labels.TEXT['not_checked']}[/]"
        for a in report.areas:
            errs = sum(1 for f in report.findings if f.area == a.name and f.severity == "error")
            warns = sum(1 for f in report.findings if f.area == a.name and f.severity == "warning")
            verdict = _verdict(
                "error" if errs else ("warning" if warns else ("ok" if a.fully_checked else "unchecked"))
            )
            table.add_row(
                escape(a.name),
                str(len(a.units)),
                "-" if a.population is None else population_text(a),
                unknown if a.n_key_institutions is None else str(a.n_key_institutions),
                unknown if a.n_hubs is None else str(a.n_hubs),
                labels.TEXT["yes"] if a.contiguous else f"[red]{labels.TEXT['no']}[/]",
                reach_text(a),
                verdict,
            )
        console().print(table)
    lines = []
    for f in report.findings:
        if quiet and f.severity != "error":
            continue
        tag = labels.SEVERITY[f.severity]
        area = labels.TEXT["area_tag"].format(area=f.area) if f.area else ""
        lines.append(f"[{_STYLE[f.severity]}]{tag}[/] {labels.RULES[f.rule][0]} {escape(area + f.message)}")
    if quiet:  # warnings and infos counted per rule (all of them are in report.md)
        counted: dict[tuple[str, str], int] = {}
        for f in report.findings:
            if f.severity != "error":
                counted[(f.severity, f.rule)] = counted.get((f.severity, f.rule), 0) + 1
        for (severity, rule), n in counted.items():
            lines.append(
                f"[{_STYLE[severity]}]{labels.SEVERITY[severity]}[/] "
                + escape(labels.TEXT["quiet_count"].format(rule=labels.RULES[rule][0], n=n))
            )
    if lines:
        console().print("\n".join(lines), soft_wrap=True)
    verdict = report.verdict()
    style = ("bold green" if report.facilities_checked else "bold yellow") if report.ok else "bold red"
    console().print(
        f"[{style}]{verdict}[/]（{labels.TEXT['summary'].format(errors=counts['error'], warnings=counts['warning'], infos=counts['info'])}）",
        soft_wrap=True,
    )


def _verdict(kind: str) -> str:
    """An area's verdict in the table: エラー, 警告, OK or 未確認 (no facility data), styled."""
    word = {"ok": labels.TEXT["ok"], "unchecked": labels.TEXT["not_checked"]}.get(kind) or labels.SEVERITY[
        kind
    ]
    return f"[{_VERDICT_STYLE[kind]}]{word}[/]"


def print_written(paths: list[Path]) -> None:
    """List the files written."""
    for p in paths:
        info(f"{labels.TEXT['written']}: {p}")


def print_comparison(cmp: object, *, quiet: bool = False) -> None:
    """Print a comparison: the areas that changed, then one summary line."""
    from geo_zaitaku.scenarios.compare import figure_pair

    t = labels.COMPARE
    if not quiet:
        table = Table(title=escape(f"{cmp.before} → {cmp.after}"), title_justify="left")
        for col in ("area", "units", "population", "key", "hubs", "beyond", "area_errors"):
            table.add_column(t[col], justify="left" if col == "area" else "right", overflow="fold")
        for a in cmp.areas:
            if a.before == a.after:
                continue
            table.add_row(
                escape(a.area),
                *(
                    figure_pair(a.before, a.after, attr, fmt)
                    for attr, fmt in (
                        ("units", "{:,.0f}"),
                        ("population", "{:,.0f}"),
                        ("key_institutions", "{:,.0f}"),
                        ("hubs", "{:,.0f}"),
                        ("beyond_reach", "{:.1%}"),
                        ("errors", "{:,.0f}"),
                    )
                ),
            )
        if table.row_count:
            console().print(table)
        for a, b in getattr(cmp, "renamed_areas", ()):
            console().print(escape(labels.TEXT["comparison_renamed"].format(a=a, b=b)), soft_wrap=True)
        for m in cmp.moved:
            if m.area_before != m.area_after:
                line = labels.TEXT["comparison_moved"].format(
                    name=m.name, code=m.code, a=m.area_before or "—", b=m.area_after or "—"
                )
                console().print(escape(line), soft_wrap=True)
        infos = 0
        for word, style, found in ((t["resolved_short"], "green", cmp.resolved), (t["new"], None, cmp.new)):
            for f in found:
                if f.severity == "info":
                    infos += 1
                    continue
                area = f"［{f.area}］" if f.area else ""
                console().print(
                    f"[{style or _STYLE[f.severity]}]{word}[/] {escape(area + f.message)}", soft_wrap=True
                )
        if infos:
            console().print(
                escape(labels.TEXT["comparison_infos"].format(n=infos)), style="dim", soft_wrap=True
            )
    console().print(
        labels.TEXT["comparison_summary"].format(
            a=cmp.errors[0],
            b=cmp.errors[1],
            resolved=len(cmp.resolved),
            new=len(cmp.new),
            moved=len(cmp.moved),
        ),
        soft_wrap=True,
    )


def print_robustness(result: object, *, quiet: bool = False) -> None:
    """Print the robustness table (per area) and the single points of failure."""
    t = labels.ROBUSTNESS
    risks = {r.area: r for r in result.risks}
    critical = result.critical()
    if not quiet:
        table = Table(title=escape(f"{t['title']}: {result.plan}"), title_justify="left")
        table.add_column(t["area"], overflow="fold")
        table.add_column(t["baseline"], overflow="fold")
        table.add_column(t["critical"], justify="right", overflow="fold")
        if risks:
            for key in ("p_fail", "p_key", "p_hub", "p_reach", "exact_minimum"):
                table.add_column(t[key], justify="right", overflow="fold")
        for name, rules in result.baseline.items():
            cells = [escape(name), "・".join(labels.RULES[r][0] for r in rules), str(len(critical[name]))]
            r = risks.get(name)
            if r is not None:
                cells += [
                    f"{r.p_fail:.3f}±{r.stderr['p_fail']:.3f}",
                    f"{r.p_fail_key_institution:.3f}",
                    f"{r.p_fail_hub:.3f}",
                    f"{r.p_fail_reach:.3f}",
                    f"{r.exact['minimum']:.3f}",
                ]
            table.add_row(*cells)
        console().print(table)
        for c in result.single_points_of_failure:
            for f in c.failures:
                rules = "・".join(labels.RULES[r][0] for r in f.rules)
                console().print(
                    f"{t['spof_layer']}: {escape(c.names[0])}（{escape(c.facilities[0])}）→ {escape(f.area)} {rules}",
                    soft_wrap=True,
                )
    console().print(
        labels.TEXT["robustness_summary"].format(
            n=len(result.single_points_of_failure),
            pairs=""
            if result.pairs is None
            else labels.TEXT["robustness_pairs"].format(n=len(result.pairs), tested=result.pairs_tested),
        ),
        soft_wrap=True,
    )


def print_access(result: object, *, before: object | None = None, quiet: bool = False) -> None:
    """Print the per-area accessibility and one summary line."""
    t = labels.ACCESS
    if not quiet:
        table = Table(title=escape(f"{t['map_title']}: {result.plan}"), title_justify="left")
        for col in ("area", "demand", "score", "min_score", "units_without"):
            table.add_column(t[col], justify="left" if col == "area" else "right", overflow="fold")
        if before is not None:
            table.add_column(t["score_before"], justify="right", overflow="fold")
        prev = before.areas.set_index("area")["score"] if before is not None else None
        for row in result.areas.itertuples(index=False):
            cells = [
                escape(str(row.area)),
                f"{row.demand:,.0f}",
                _fmt(row.score),
                _fmt(row.min_score),
                str(row.units_without),
            ]
            if prev is not None:
                cells.append(_fmt(prev.get(row.area)))
            table.add_row(*cells)
        console().print(table)
    console().print(
        t["summary"].format(
            supplies=result.supplies,
            supply=result.supply_label,
            demand=result.demand_label,
            catchment=result.catchment,
            measure=labels.MEASURES.get(result.measure, result.measure),
            method=t["methods"].get(result.weighting.method, result.weighting.method),
            without=int((result.units["supply_in_reach"] == 0).sum()),
        ),
        soft_wrap=True,
    )
    unknown = list(result.notes.get("units_unknown_demand", ()))
    if unknown:
        names = result.units.set_index("code")["name"]
        console().print(
            t["unknown_demand"].format(
                n=len(unknown),
                names="・".join(str(names.get(c, c)) for c in unknown[:20]),
                demand=result.demand_label,
            ),
            soft_wrap=True,
        )
    unused = result.weighting.unused_steps(result.catchment)
    if unused:
        console().print(
            t["unused_steps"].format(
                steps="・".join(f"{b:g}" for b in unused),
                measure=labels.MEASURES.get(result.measure, result.measure),
                catchment=result.catchment,
            ),
            soft_wrap=True,
        )


def _fmt(value: object) -> str:
    return "-" if value is None or value != value else f"{value:,.2f}"


def print_design(design: object, errors: int | None, *, quiet: bool = False, prefix: str = "") -> None:
    """Print a design: its areas (unless quiet), the moves, the reasons, and one summary
    line (after ``prefix``, e.g. the prefecture of a batch)."""
    t = labels.DESIGN
    if not quiet and design.areas:
        table = Table(title=escape(f"{t['title']}: {design.run.plan.name}"), title_justify="left")
        for col in ("area", "units", "population", "key", "hubs"):
            table.add_column(t[col], justify="left" if col in ("area", "units") else "right", overflow="fold")
        for a in design.areas:
            pop = "-" if a.population is None else f"{a.population:,.0f}"
            table.add_row(
                escape(a.name),
                escape("・".join(a.unit_names)),
                pop,
                str(len(a.key_institutions)),
                str(len(a.hubs)),
            )
        console().print(table)
    for m in design.moved:
        console().print(
            f"{t['moved']}: {escape(m.name)}（「{escape(m.before or '—')}」→「{escape(m.after)}」）",
            soft_wrap=True,
        )
    for r in design.reasons:
        console().print(f"[bold red]{escape(r.ja)}[/]", soft_wrap=True)
    detail = ""  # repair: the moves; count and max: the mean distance
    if design.options.mode == "repair" and design.areas:
        detail = t["summary_moved"].format(
            n=len(design.moved), people=design.measures.get("people_moved", 0.0)
        )
    elif design.areas and design.measures.get("mean_distance") is not None:
        unit = labels.MEASURES.get(design.problem.measure, design.problem.measure)
        detail = t["summary_distance"].format(value=design.measures["mean_distance"], unit=unit)
    status = t["statuses"].get(design.status, design.status)
    line = t["summary"].format(status=status, areas=len(design.areas), moved=detail)
    if errors is not None:
        verdict = labels.TEXT["plan_ok"] if errors == 0 else labels.TEXT["plan_errors"].format(n=errors)
        line = f"{line}。{verdict}" if prefix else f"{line}\n{verdict}"
    console().print(f"{escape(prefix)}: {line}" if prefix else line, soft_wrap=True)


def print_siting(siting: object, *, quiet: bool = False) -> None:
    """Print a siting: the areas' needs, the new designations, and one summary line."""
    t = labels.DESIGN_HUBS
    if siting.existing_unknown:
        role = t["roles"][siting.options.role]
        console().print(f"[yellow]{escape(t['existing_unknown'].format(role=role))}[/]", soft_wrap=True)
    if siting.candidates_not_found:
        ids = siting.candidates_not_found
        shown = "・".join(ids[:10]) + ("…" if len(ids) > 10 else "")
        console().print(
            f"[yellow]{escape(t['candidates_not_found'].format(n=len(ids), ids=shown))}[/]", soft_wrap=True
        )
    if not quiet:
        table = Table(title=escape(t["map_title"]), title_justify="left")
        for col in ("area", "existing", "need", "new"):
            table.add_column(t[col], justify="left" if col == "area" else "right", overflow="fold")
        for a in siting.areas:
            table.add_row(escape(a.area), str(a.existing), str(a.need), str(a.new))
        console().print(table)
        for d in siting.new:
            console().print(
                f"{t['new']}: {escape(d.name)}（{escape(d.id)}、{escape(d.area)}）— {escape(d.why)}",
                soft_wrap=True,
            )
    for r in siting.reasons:
        console().print(f"[bold red]{escape(r.ja)}[/]", soft_wrap=True)
    if siting.uncovered:
        names = "・".join(siting.run.plan.unit_name(c) for c in siting.uncovered)
        console().print(t["uncovered"].format(names=escape(names)), soft_wrap=True)
    cov = siting.covered
    common = {
        "status": labels.DESIGN["statuses"].get(siting.status, siting.status),
        "n": len(siting.new),
        "role": t["roles"][siting.options.role],
        "km": cov.get("distance"),
        "unit": labels.MEASURES.get(str(cov.get("measure", "km")), "km"),
    }
    if not cov:  # not solved (no design): nothing was covered
        line = t["summary_none"].format(**common)
    elif cov["before"] is None:  # no population: units counted
        line = t["summary_units"].format(
            **common, before=cov["units_before"], after=cov["units_after"], total=cov["units"]
        )
    else:
        line = t["summary"].format(**common, before=cov["before"], after=cov["after"])
    console().print(line, soft_wrap=True)
