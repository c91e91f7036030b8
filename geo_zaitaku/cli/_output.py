"""Console output shared by the commands (rich): tables, messages, errors."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from geo_zaitaku import labels
from geo_zaitaku.checks import Report

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
#: Style of an area's verdict in the console table.
_VERDICT_STYLE = {"error": "bold red", "warning": "yellow", "ok": "green"}


def error(message: str) -> None:
    """Print an input error (no traceback)."""
    err_console.print(f"[bold red]{labels.TEXT['error_label']}:[/] {escape(message)}", soft_wrap=True)


def info(message: str) -> None:
    """Print a progress or status line on stderr."""
    err_console.print(escape(message), style="dim", soft_wrap=True)


def print_report(report: Report, *, quiet: bool = False) -> None:
    """Print the areas table and the findings (infos only counted unless not quiet)."""
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
            (c["max_reach_km"], "right"),
            (c["verdict"], "left"),
        ):
            table.add_column(col, justify=justify)
        for a in report.areas:
            errs = sum(1 for f in report.findings if f.area == a.name and f.severity == "error")
            warns = sum(1 for f in report.findings if f.area == a.name and f.severity == "warning")
            verdict = _verdict("error" if errs else ("warning" if warns else "ok"))
            table.add_row(
                a.name,
                str(len(a.units)),
                "-" if a.population is None else f"{a.population:,.0f}",
                str(len(a.key_institutions)),
                str(len(a.hubs)),
                labels.TEXT["yes"] if a.contiguous else f"[red]{labels.TEXT['no']}[/]",
                "-" if a.max_reach_km is None else f"{a.max_reach_km:.1f}",
                verdict,
            )
        console.print(table)
    for f in report.findings:
        if f.severity == "info" and quiet:
            continue
        tag = labels.SEVERITY[f.severity]
        area = labels.TEXT["area_tag"].format(area=f.area) if f.area else ""
        console.print(
            f"[{_STYLE[f.severity]}]{tag}[/] {labels.RULES[f.rule][0]} {area}{f.message}", soft_wrap=True
        )
    verdict = labels.TEXT["plan_ok"] if report.ok else labels.TEXT["plan_errors"].format(n=counts["error"])
    style = "bold green" if report.ok else "bold red"
    console.print(
        f"[{style}]{verdict}[/]（{labels.TEXT['summary'].format(errors=counts['error'], warnings=counts['warning'], infos=counts['info'])}）"
    )


def _verdict(kind: str) -> str:
    """An area's verdict in the table: エラー, 警告 or OK, styled."""
    word = labels.TEXT["ok"] if kind == "ok" else labels.SEVERITY[kind]
    return f"[{_VERDICT_STYLE[kind]}]{word}[/]"


def print_written(paths: list[Path]) -> None:
    """List the files written."""
    for p in paths:
        info(f"{labels.TEXT['written']}: {p}")
