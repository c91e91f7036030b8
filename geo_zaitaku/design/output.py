"""What an area design writes: a plan TOML a planner can edit and check, ``design.json``
and ``design.md``; and the proposed plan checked, so that its zero errors can be shown."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import json_text, md_cell, one_line, toml_string, write_text
from geo_zaitaku.checks import run_checks
from geo_zaitaku.design.areas import AreaDesign
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.plan import AreaSpec, Plan, PlanSpec

#: Files written by :func:`write_design`.
DESIGN_FILES = ("plan.toml", "design.json", "design.md")


def proposed_spec(design: AreaDesign) -> PlanSpec:
    """The proposed plan as a :class:`~geo_zaitaku.plan.PlanSpec` (links, thresholds and
    default inputs of the starting plan carried over)."""
    spec = design.run.plan.spec
    mode = labels.DESIGN["mode_names"][design.options.mode]
    return PlanSpec(
        name=f"{spec.name}（{mode}）",
        level=spec.level,
        areas=tuple(AreaSpec(a.name, a.units, a.note) for a in design.areas),
        links=spec.links,
        checks=spec.checks,
        reference=_used_reference(design.run),
        inputs=used_inputs(design.run),
        description=spec.description,
        source=None,
        prefectures=spec.prefectures or _prefectures(design),
    )


def _prefectures(design: AreaDesign) -> tuple[str, ...]:
    """The prefectures of the proposed units (so that a plan cut from a national file is
    checked against its own prefectures only)."""
    from geo_zaitaku.codes import PREFECTURES

    found = {str(c)[:2] for a in design.areas for c in a.units}
    return tuple(sorted(found)) if found <= set(PREFECTURES) else ()


def used_inputs(run: CheckRun) -> dict[str, tuple[Path, ...]]:
    """The files a run actually read, as a plan's ``[plan]`` defaults: those given on the
    command line replace the plan's own (the cache of official boundaries is not named:
    it is a copy, and ``--pref`` finds it again)."""
    from geo_zaitaku import cache
    from geo_zaitaku.units import source_files

    inputs = dict(run.plan.spec.inputs)
    cached = Path(cache.folder("units")).resolve().parent
    boundaries = tuple(
        dict.fromkeys(p for p in source_files(run.plan.units) if not Path(p).resolve().is_relative_to(cached))
    )
    if boundaries:
        inputs["boundaries"] = boundaries
    facilities = tuple(dict.fromkeys(Path(log.source) for log in run.facilities.logs))
    if facilities:
        inputs["facilities"] = facilities
    if run.population is not None:
        inputs["population"] = (Path(run.population.source),)
    return inputs


def _used_reference(run: CheckRun) -> Path | None:
    ref = run.plan.reference
    if ref is not None and ref.attrs.get("source"):
        return Path(str(ref.attrs["source"]))
    return run.plan.spec.reference


def proposed_run(design: AreaDesign) -> CheckRun:
    """The proposed plan over the same units, facilities and population, checked.

    Parameters
    ----------
    design
        A design with a proposal (``solve()`` found one).

    Returns
    -------
    CheckRun

    Raises
    ------
    InputError
        The design has no proposal (not solved, infeasible, or stopped by the time
        limit without a plan): there is no plan to check.
    """
    from geo_zaitaku.graph import adjacency

    if not design.areas:
        raise InputError(labels.error("design_no_proposal", status=design.status), where="design")
    before = design.run
    spec = proposed_spec(design)
    units = before.plan.units
    plan = Plan.from_spec(
        spec, units, edges=adjacency(units), reference=before.plan.reference, config=before.plan.config
    )
    report = run_checks(plan, before.facilities, population=before.population, backend=before.backend)
    return CheckRun(
        plan=plan,
        facilities=before.facilities,
        population=before.population,
        report=report,
        backend=before.backend,
    )


def plan_toml(design: AreaDesign, *, out_dir: Path, command: str) -> str:
    """The proposed plan as TOML, with a header saying how it was made."""
    spec = proposed_spec(design)
    t = labels.DESIGN
    lines = [f"# {t['header']}", f"# {one_line(command)}", f"# {_status_line(design)}", ""]
    lines += ["[plan]", f"name = {_s(spec.name)}", f"units = {_s(spec.level)}"]
    if spec.prefectures:
        shown = spec.prefectures[0] if len(spec.prefectures) == 1 else list(spec.prefectures)
        lines.append(f"prefecture = {json.dumps(shown, ensure_ascii=False)}")
    if spec.reference is not None:
        lines.append(f"reference = {_s(_rel(spec.reference, out_dir))}")
    for key, paths in spec.inputs.items():
        values = [_rel(p, out_dir) for p in paths]
        shown = (
            _s(values[0])
            if key in ("boundaries", "population", "projection") and len(values) == 1
            else json.dumps(values, ensure_ascii=False)
        )
        lines.append(f"{key} = {shown}")
    lines += ["", "[areas]"]
    for a in design.areas:
        names = ", ".join(_s(c) for c in a.units)
        comment = one_line("・".join(a.unit_names))
        lines.append(f"# {comment}")
        lines.append(f"{_s(a.name)} = {{ units = [{names}], note = {_s(a.note)} }}")
    for link in spec.links:
        lines += ["", "[[links]]", f"a = {_s(link.a)}", f"b = {_s(link.b)}", f"kind = {_s(link.kind)}"]
        if link.note:
            lines.append(f"note = {_s(link.note)}")
    if spec.checks:
        lines += ["", "[checks]"]
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in spec.checks.items()]
    return "\n".join(lines) + "\n"


_s = toml_string


def _rel(path: Path, out_dir: Path) -> str:
    try:
        return Path(os.path.relpath(Path(path).resolve(), Path(out_dir).resolve())).as_posix()
    except ValueError:  # another drive
        return Path(path).as_posix()


def _status_line(design: AreaDesign) -> str:
    t = labels.DESIGN
    gap = "—" if design.gap is None else f"{design.gap:.2%}"
    return t["status_line"].format(
        status=t["statuses"].get(design.status, design.status),
        objective="—" if design.objective is None else f"{design.objective:,.4g}",
        bound="—" if design.bound is None else f"{design.bound:,.4g}",
        gap=gap,
        seconds=design.seconds,
    )


def design_to_dict(design: AreaDesign, check: CheckRun | None = None) -> dict[str, object]:
    """JSON-ready form (``design.json``)."""
    o = design.options
    return {
        "mode": o.mode,
        "status": design.status,
        "objective": design.objective,
        "bound": design.bound,
        "gap": design.gap,
        "seconds": round(design.seconds, 3),
        "options": {
            "areas": o.areas,
            "min_pop": o.min_pop,
            "max_pop": o.max_pop,
            "nest": o.nest,
            "keep": o.keep,
            "keep_weight": o.keep_weight,
            "reach": o.reach,
            "time_limit": o.time_limit,
        },
        "model": dict(design.size),
        "measures": dict(design.measures),
        "areas": [a.to_dict() for a in design.areas],
        "moved": [m.to_dict() for m in design.moved],
        "reasons": [r.to_dict() for r in design.reasons],
        "check": None
        if check is None
        else {
            "ok": check.report.ok,
            "counts": check.report.counts(),
            "errors": [f.message for f in check.report.errors],
        },
    }


def batch_summary(rows: Sequence[tuple[str, AreaDesign, int | None]]) -> pd.DataFrame:
    """One row per prefecture of a batch: ``(code, design, errors of the proposal)``."""
    from geo_zaitaku.codes import PREFECTURES

    t = labels.DESIGN
    cols = t["batch_columns"]
    records = [
        {
            cols["code"]: code,
            cols["prefecture"]: PREFECTURES.get(code, code),
            cols["status"]: t["statuses"].get(d.status, d.status),
            cols["areas"]: len(d.areas),
            cols["objective"]: d.objective,
            cols["bound"]: d.bound,
            cols["gap"]: d.gap,
            cols["seconds"]: round(d.seconds, 2),
            cols["errors"]: errors,
            cols["reasons"]: " / ".join(r.ja for r in d.reasons),
        }
        for code, d, errors in rows
    ]
    return pd.DataFrame(records, columns=list(cols.values()))


def design_markdown(design: AreaDesign, check: CheckRun | None = None) -> str:
    """The design as Japanese Markdown (``design.md``)."""
    t = labels.DESIGN
    lines = [
        f"# {t['title']}: {md_cell(design.run.plan.name)}",
        "",
        f"- {t['mode']}: {t['modes'][design.options.mode]}",
    ]
    lines.append(f"- {_status_line(design)}")
    if design.reasons:
        lines += ["", f"## {t['reasons']}", ""]
        lines += [f"- {md_cell(r.ja)}" for r in design.reasons]
    if design.areas:
        lines += [
            "",
            f"## {t['areas']}",
            "",
            f"| {t['area']} | {t['units']} | {t['population']} | {t['key']} | {t['hubs']} | {t['note']} |",
        ]
        lines.append("|---|---|---|---|---|---|")
        for a in design.areas:
            pop = "—" if a.population is None else f"{a.population:,.0f}"
            lines.append(
                f"| {md_cell(a.name)} | {md_cell('・'.join(a.unit_names))} | {pop} | {len(a.key_institutions)}"
                f" | {len(a.hubs)} | {md_cell(a.note)} |"
            )
    if design.options.mode == "repair":
        lines += ["", f"## {t['moved']}", ""]
        lines += [
            f"- {md_cell(m.name)}（{m.code}）: {md_cell(m.before or '—')} → {md_cell(m.after)}"
            for m in design.moved
        ] or [labels.TEXT["none"]]
    if check is not None:
        counts = check.report.counts()
        lines += [
            "",
            f"## {t['check']}",
            "",
            labels.TEXT["summary"].format(
                errors=counts["error"], warnings=counts["warning"], infos=counts["info"]
            ),
        ]
        lines += [f"- {md_cell(f.message)}" for f in check.report.errors]
    lines += ["", labels.N03_CREDIT, ""]
    return "\n".join(lines)


def write_design(
    design: AreaDesign,
    out_dir: str | Path,
    *,
    command: str = "geo_zaitaku.design.output.write_design",
    check: CheckRun | None = None,
    paths_from: str | Path | None = None,
) -> list[Path]:
    """Write :data:`DESIGN_FILES` into ``out_dir`` (``plan.toml`` only when there is a
    design).

    Parameters
    ----------
    design
        A solved :class:`~geo_zaitaku.design.areas.AreaDesign`.
    out_dir
        The folder to write.
    command
        What made the design, written in the plan's header comment (the command line,
        from the CLI).
    check
        The proposed plan checked (:func:`proposed_run`), for ``design.md``; checked
        here when omitted.
    paths_from
        The folder the plan will end up in: its input paths are written relative to
        it (default ``out_dir``).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    written = []
    if design.areas:
        base = Path(paths_from) if paths_from is not None else out
        written.append(write_text(out / "plan.toml", plan_toml(design, out_dir=base, command=command)))
    written.append(write_text(out / "design.json", json_text(design_to_dict(design, check), indent=2) + "\n"))
    written.append(write_text(out / "design.md", design_markdown(design, check)))
    return written
