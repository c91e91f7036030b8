"""Console output shared by the commands (rich): tables, messages, errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from geo_zaitaku import labels

if TYPE_CHECKING:
    from geo_zaitaku.checks import Report

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def error(message: str) -> None:
    """Print an input error (no traceback)."""
    err_console.print(f"[bold red]エラー / error:[/] {escape(message)}", soft_wrap=True)


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
            verdict = "[bold red]エラー[/]" if errs else ("[yellow]警告[/]" if warns else "[green]OK[/]")
            table.add_row(
                a.name,
                str(len(a.units)),
                "-" if a.population is None else f"{a.population:,.0f}",
                str(len(a.key_institutions)),
                str(len(a.hubs)),
                labels.TEXT["yes"] if a.contiguous else "[red]×[/]",
                "-" if a.max_reach_km is None else f"{a.max_reach_km:.1f}",
                verdict,
            )
        console.print(table)
    for f in report.findings:
        if f.severity == "info" and quiet:
            continue
        tag = labels.SEVERITY[f.severity]
        area = f"［{f.area}］" if f.area else ""
        console.print(
            f"[{_STYLE[f.severity]}]{tag}[/] {labels.RULES[f.rule][0]} {area}{f.message}", soft_wrap=True
        )
    verdict = labels.TEXT["plan_ok"] if report.ok else labels.TEXT["plan_errors"].format(n=counts["error"])
    style = "bold green" if report.ok else "bold red"
    console.print(
        f"[{style}]{verdict}[/]（{labels.TEXT['summary'].format(errors=counts['error'], warnings=counts['warning'], infos=counts['info'])}）"
    )


def print_written(paths: list[Path]) -> None:
    """List the files written."""
    for p in paths:
        info(f"{labels.TEXT['written']}: {p}")
