"""Outputs of a facility import: the canonical CSV, a Japanese log, an issues CSV.

``geo-zaitaku facilities import`` writes, into its output folder:

- ``facilities.csv``: every placed facility in the canonical layout (UTF-8 with BOM,
  codes as text, booleans as 1/0, empty when unknown), followed by where each row
  came from (``unit``, ``placed_by``, ``source``, ``line``). It reads back with
  :func:`geo_zaitaku.sources.facilities.load_facilities` (canonical preset) to the same
  placement; rows placed by code or address carry their unit's code in
  ``municipality_code``, and a town-level point (位置参照情報) says ``town`` in
  ``position`` (its point lies inside the unit, so it reads back to the same unit).
- ``import_log.md``: what was read, how every file was interpreted, counts by
  placement rule and by reason, the town-level positions given, every rejected,
  merged (verbatim repeat) or corrected row, the matching of key-institution and hub
  lists, and the source credits.
- ``import_issues.csv``: one row per rejected, merged or corrected facility row and per
  list entry not matched (file, line, status, reason, message, name).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_zaitaku import labels, schema
from geo_zaitaku._io import md_cell as _md
from geo_zaitaku._io import public_path, write_csv, write_text
from geo_zaitaku.sources.facilities import FacilityImport, ImportLog
from geo_zaitaku.sources.keyinst import FIELDS, METHODS, STATUS, ListMatch
from geo_zaitaku.sources.placement import RULES
from geo_zaitaku.sources.tabular import RowIssue, issue_table

#: Files written by :func:`write_import`.
IMPORT_FILES = ("facilities.csv", "import_log.md", "import_issues.csv")
#: Columns of ``facilities.csv``: the canonical ones, then provenance.
OUTPUT_COLUMNS = (*schema.CANONICAL_FIELDS, "unit", "placed_by", "source", "line")
#: Rows listed per table in the Markdown log (the CSV has them all).
MD_LIMIT = 200
_METHODS = RULES


def canonical_frame(frame: gpd.GeoDataFrame | pd.DataFrame) -> pd.DataFrame:
    """Facilities as the canonical CSV table (all text; see the module docstring)."""
    n = len(frame)
    out: dict[str, list[str]] = {}
    for column in OUTPUT_COLUMNS:
        if column in ("lat", "lon"):
            out[column] = [_number(v) for v in frame[column].to_numpy(dtype=float).tolist()]
        elif column in schema.FLAG_FIELDS:
            flags = pd.array(frame[column], dtype="boolean")
            text = np.where(flags.fillna(False).to_numpy(dtype=bool), "1", "0").astype(object)
            text[flags.isna()] = ""
            out[column] = text.tolist()
        elif column == "municipality_code":
            out[column] = [
                c if isinstance(c, str) and c else (u or "")
                for c, u in zip(frame["municipality_code"].tolist(), frame["unit"].tolist(), strict=True)
            ]
        elif column == "line":
            out[column] = [str(int(v)) for v in frame["line"].tolist()]
        elif column == "source":  # shared files name no local folders
            out[column] = [public_path(v) if isinstance(v, str) and v else "" for v in frame[column]]
        else:
            out[column] = ["" if not isinstance(v, str) else v for v in frame[column].tolist()]
    return pd.DataFrame(out, index=range(n), columns=list(OUTPUT_COLUMNS), dtype=object)


def issues_frame(result: FacilityImport, matches: Sequence[ListMatch] = ()) -> pd.DataFrame:
    """Rejected, merged and corrected facility rows, and list entries not matched."""
    rows = []
    for log in result.logs:
        for status, items in (("rejected", log.rejected), ("merged", log.merged), ("corrected", log.notes)):
            for r in items:
                rows.append((Path(log.source).name, r.line, status, r.reason, r.message, r.name))
    for m in matches:
        for e in m.entries:
            if e.status != "matched":
                rows.append((Path(m.source).name, e.line, e.status, m.field, e.message, e.name))
    return issue_table(rows)


def totals(logs: Sequence[ImportLog]) -> dict[str, int]:
    """Rows read, placed by each rule, placed in all, rejected, merged and corrected."""
    out = {"rows": sum(log.rows for log in logs)}
    for k in _METHODS:
        out[k] = sum(log.placed.get(k, 0) for log in logs)
    out["placed"] = sum(out[k] for k in _METHODS)
    out["rejected"] = sum(len(log.rejected) for log in logs)
    out["merged"] = sum(len(log.merged) for log in logs)
    out["corrected"] = sum(len(log.notes) for log in logs)
    return out


def total_line(logs: Sequence[ImportLog]) -> str:
    """The one-line summary of an import: rows read, placed by each rule (the rules
    that place by the row's words only when they placed a row), rejected, merged."""
    t = totals(logs)
    always = ("point", "swapped", "code")
    methods = "・".join(f"{labels.PLACED_TOTALS[k]} {t[k]:,}" for k in _METHODS if k in always or t[k])
    merged = labels.IMPORT_TEXT["total_merged"].format(merged=t["merged"]) if t["merged"] else ""
    return labels.IMPORT_TEXT["total"].format(
        rows=t["rows"], placed=t["placed"], methods=methods, rejected=t["rejected"], merged=merged
    )


def roles_line(frame: pd.DataFrame) -> str:
    """How many facilities the import marks as key institutions and hubs: 「指定:
    積極的医療機関 59・連携拠点 未指定（…）」, so that a file without those columns is
    seen at the import, before ``check`` reports them 未確認."""
    t = labels.IMPORT_TEXT
    counts = {}
    for role in schema.ROLE_FIELDS:
        flags = (
            pd.array(frame[role], dtype="boolean") if role in frame.columns else pd.array([], dtype="boolean")
        )
        given = bool((~flags.isna()).any())
        counts[role] = f"{int(flags.fillna(False).sum()):,}" if given else t["role_unknown"]
    return t["roles"].format(key=counts["key_institution"], hub=counts["hub"])


def town_totals(logs: Sequence[ImportLog]) -> dict[str, int] | None:
    """Town-level positions of all files (``None`` when no towns were given)."""
    given = [log.towns for log in logs if log.towns]
    if not given:
        return None
    out = {k: sum(t.get(k, 0) for t in given) for k in ("town", "unmatched", "outside")}
    out["n"] = sum(out.values())
    return out


def import_markdown(
    result: FacilityImport,
    matches: Sequence[ListMatch] = (),
    *,
    units: gpd.GeoDataFrame | None = None,
    written: Sequence[str] = (),
) -> str:
    """The import log in Japanese Markdown (``import_log.md``)."""
    t = labels.IMPORT_TEXT
    lines = [f"# {t['title']}", ""]
    if units is not None:
        sources = ", ".join(_md(public_path(s)) for s in units.attrs.get("sources", [])) or "-"
        units_count = t["units_count"].format(n=len(units), level=units.attrs.get("level", ""))
        lines.append(f"- {t['boundaries']}: {sources}{units_count}")
    if written:
        count = t["facility_count"].format(n=len(result.frame))
        lines.append(f"- {t['outputs']}: {'・'.join(written)}{count}")
    lines += ["", f"**{total_line(result.logs)}**", "", f"- {roles_line(result.frame)}", ""]
    towns = town_totals(result.logs)
    if towns is not None:
        lines += [f"- {t['towns'].format(**towns)}", ""]
    header = [t["file"], t["preset"], t["encoding"], t["rows"], *(t[k] for k in _METHODS)]
    header += [t["rejected"], t["merged"], t["corrected"]]
    lines += [_row(header), "|" + "|".join("---" for _ in header) + "|"]
    for log in result.logs:
        how = t["detected"] if log.preset_detected else t["given"]
        cells = [
            Path(log.source).name,
            f"{log.preset}（{how}）",
            encoding_name(log.encoding),
            f"{log.rows:,}",
        ]
        cells += [f"{log.placed.get(k, 0):,}" for k in _METHODS]
        cells += [f"{len(log.rejected):,}", f"{len(log.merged):,}", f"{len(log.notes):,}"]
        lines.append(_row(cells))
    for log in result.logs:
        name = Path(log.source).name
        lines += ["", f"## {_md(name)}", ""]
        if log.rejected:
            counts = Counter(r.reason for r in log.rejected)
            parts = "・".join(f"{_reason(k)} {v:,}" for k, v in counts.most_common())
            lines += [f"- {t['rejected']}（{t['by_reason']}）: {parts}", ""]
            lines += _issue_table(log.rejected, "import_issues.csv")
        if log.merged:
            lines += ["", f"- {t['merged']}: {len(log.merged):,}（{_reason('repeated')}）", ""]
            lines += _issue_table(log.merged, "import_issues.csv")
        if log.notes:
            counts = Counter(r.reason for r in log.notes)
            parts = "・".join(f"{_reason(k)} {v:,}" for k, v in counts.most_common())
            lines += ["", f"- {t['corrected']}（{t['by_reason']}）: {parts}", ""]
            lines += _issue_table(log.notes, "import_issues.csv")
        if log.unused_columns:
            lines += ["", f"- {_md(labels.unused_columns_text(log.unused_columns, len(log.unused_columns)))}"]
        if not log.rejected and not log.notes and not log.merged:
            lines.append(f"- {t['rejected']}・{t['corrected']}: {labels.TEXT['none']}")
    for m in matches:
        counts = m.counts()
        what = FIELDS[m.field]
        lines += ["", f"## {what}: {_md(Path(m.source).name)}", ""]
        lines.append(
            "- " + t["list"].format(what=what, file=_md(Path(m.source).name), n=len(m.entries), **counts)
        )
        if m.other_notifications:
            lines.append("- " + t["other_notifications"].format(n=len(m.other_notifications)))
        if m.field == "hub" and counts["unmatched"]:
            lines.append("- " + t["hub_not_listed"].strip())
        methods = Counter(e.method for e in m.entries if e.status == "matched")
        if methods:
            lines.append(
                f"- {t['methods']}: " + "・".join(f"{METHODS[k]} {v}" for k, v in methods.most_common())
            )
        lines += ["", _row([t["line"], t["name"], t["result"], t["detail"]]), "|---|---|---|---|"]
        for e in m.entries:
            detail = e.message.ja
            if e.status == "matched":
                detail = f"{detail}（{METHODS.get(e.method, e.method)}）"
            lines.append(_row([str(e.line), e.name, STATUS[e.status], detail]))
    credits = list(dict.fromkeys(log.credit for log in result.logs if log.credit))
    if towns is not None:
        credits.append(labels.ISJ_CREDIT)
    lines += ["", f"## {t['credits']}", ""]
    lines += [f"- {_md(c)}" for c in credits]  # (a preset's credit is the user's text)
    if units is not None:
        lines.append(f"- {labels.N03_CREDIT}")
    lines.append("")
    return "\n".join(lines)


def write_import(
    result: FacilityImport,
    out_dir: str | Path,
    *,
    matches: Sequence[ListMatch] = (),
    units: gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Write :data:`IMPORT_FILES` into ``out_dir`` (created when missing), atomically.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    return [
        write_csv(out / "facilities.csv", canonical_frame(result.frame)),
        write_text(
            out / "import_log.md", import_markdown(result, matches, units=units, written=IMPORT_FILES)
        ),
        write_csv(out / "import_issues.csv", issues_frame(result, matches)),
    ]


def encoding_name(encoding: str) -> str:
    """How an encoding is shown to users."""
    return labels.ENCODING_NAMES.get(encoding, encoding)


def _reason(key: str) -> str:
    if key in labels.NOTES:
        return labels.NOTES[key]
    reason = labels.REASONS.get(key)
    return reason.ja if reason is not None else key


def _issue_table(items: Sequence[RowIssue], csv_name: str) -> list[str]:
    t = labels.IMPORT_TEXT
    out = [_row([t["line"], t["name"], t["reason"]]), "|---|---|---|"]
    for r in items[:MD_LIMIT]:
        out.append(_row([str(r.line), r.name, r.message.ja]))
    if len(items) > MD_LIMIT:
        out.append("")
        out.append(t["more"].format(n=len(items) - MD_LIMIT, file=csv_name))
    return out


def _number(value: float) -> str:
    if value != value:  # NaN
        return ""
    return f"{value:.8f}".rstrip("0").rstrip(".")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"
