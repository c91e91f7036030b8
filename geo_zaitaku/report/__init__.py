"""Write a check :class:`~geo_zaitaku.checks.Report` as files for the plan documents.

``report.json`` (everything, machine-readable; strict JSON, unknown values ``null``),
``report.md`` (readable, Japanese), ``areas.csv``, ``units.csv`` and ``findings.csv``
(UTF-8 with BOM for Excel, codes as text), ``facilities_rejected.csv`` (every facility
row that could not be placed or was read with a correction) and ``report.xlsx`` (the
same tables, and the facilities and inputs, one sheet each). Input files are named
relative to the working folder or by their name (:func:`geo_zaitaku._io.public_path`),
so that a shared report carries no local folders.

- :mod:`~geo_zaitaku.report.tables`: the tables (pandas frames with Japanese headers);
- :mod:`~geo_zaitaku.report.markdown`: ``report.md``;
- :mod:`~geo_zaitaku.report.workbook`: ``report.xlsx`` (XlsxWriter).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._io import json_text, public_paths, write_csv, write_text
from geo_zaitaku.checks import Report
from geo_zaitaku.report.markdown import to_markdown
from geo_zaitaku.report.tables import (
    areas_frame,
    facilities_frame,
    findings_frame,
    functions_missing_text,
    inputs_frame,
    links_frame,
    network,
    rejected_frame,
    snapping_frame,
    units_frame,
)
from geo_zaitaku.report.workbook import write_workbook
from geo_zaitaku.sources.tabular import ISSUE_CODE_COLUMNS

__all__ = [
    "REPORT_FILES",
    "areas_frame",
    "facilities_frame",
    "findings_frame",
    "functions_missing_text",
    "inputs_frame",
    "links_frame",
    "rejected_frame",
    "snapping_frame",
    "to_markdown",
    "units_frame",
    "workbook_sheets",
    "write_report",
    "write_workbook",
]

REPORT_FILES = (
    "report.json",
    "report.md",
    "areas.csv",
    "units.csv",
    "findings.csv",
    "facilities_rejected.csv",
    "report.xlsx",
)


def workbook_sheets(report: Report, facilities: pd.DataFrame | None = None) -> list[tuple[str, pd.DataFrame]]:
    """The sheets of ``report.xlsx``: 圏域, 市区町村, 指摘, 施設（積極的医療機関・連携拠点）,
    不採用・補正の行, 入力データ and, when the plan declares links, 連結."""
    s = labels.SHEETS
    findings = findings_frame(report).iloc[:, :4]
    rejected = rejected_frame(report).drop(columns=list(ISSUE_CODE_COLUMNS))  # the Japanese columns
    sheets = [
        (s["areas"], areas_frame(report)),
        (s["units"], units_frame(report)),
        (s["findings"], findings),
        (s["facilities"], facilities_frame(report, facilities, roles_only=True)),
        (s["rejected"], rejected),
        (s["inputs"], inputs_frame(report)),
    ]
    links = links_frame(report)
    if len(links):
        sheets.append((s["links"], links))
    return sheets


def write_report(
    report: Report, out_dir: str | Path, *, facilities: pd.DataFrame | None = None
) -> list[Path]:
    """Write the report files into ``out_dir`` (created when missing).

    Parameters
    ----------
    report
        The check report.
    out_dir
        Folder to write into (a command's staging folder).
    facilities
        The facilities placed (``CheckRun.facilities.frame``), for the workbook's
        施設 sheet (empty without them).

    Returns
    -------
    list of pathlib.Path
        The files written (:data:`REPORT_FILES`, and ``road_snapping.csv`` when costs
        were measured on a road network).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = report.to_dict()
    data["inputs"] = public_paths(data["inputs"])
    written = [
        write_text(out / "report.json", json_text(data, items=True) + "\n"),
        write_text(out / "report.md", to_markdown(report)),
        write_csv(out / "areas.csv", areas_frame(report)),
        write_csv(out / "units.csv", units_frame(report)),
        write_csv(out / "findings.csv", findings_frame(report)),
        write_csv(out / "facilities_rejected.csv", rejected_frame(report)),
        write_workbook(out / "report.xlsx", workbook_sheets(report, facilities)),
    ]
    if network(report) is not None:
        written.append(write_csv(out / "road_snapping.csv", snapping_frame(report)))
    return written
