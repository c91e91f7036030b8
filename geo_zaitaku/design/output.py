"""What an area design writes: a plan TOML a planner can edit and check, ``design.json``
and ``design.md``; and the proposed plan checked, so that its zero errors can be shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

from geo_zaitaku import labels
from geo_zaitaku._io import json_text, write_text
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
        reference=spec.reference,
        inputs=spec.inputs,
        description=spec.description,
        source=None,
    )


def proposed_run(design: AreaDesign) -> CheckRun:
    """The proposed plan over the same units, facilities and population, checked."""
    from geo_zaitaku.graph import adjacency

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
    lines = [f"# {t['header']}", f"# {command}", f"# {_status_line(design)}", ""]
    lines += ["[plan]", f"name = {_s(spec.name)}", f"units = {_s(spec.level)}"]
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
        comment = "・".join(a.unit_names)
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


def _s(text: str) -> str:
    """A TOML basic string (JSON string escapes are TOML escapes)."""
    return json.dumps(str(text), ensure_ascii=False)


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


def design_markdown(design: AreaDesign, check: CheckRun | None = None) -> str:
    """The design as Japanese Markdown (``design.md``)."""
    t = labels.DESIGN
    lines = [
        f"# {t['title']}: {design.run.plan.name}",
        "",
        f"- {t['mode']}: {t['modes'][design.options.mode]}",
    ]
    lines.append(f"- {_status_line(design)}")
    if design.reasons:
        lines += ["", f"## {t['reasons']}", ""]
        lines += [f"- {r.ja}" for r in design.reasons]
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
                f"| {a.name} | {'・'.join(a.unit_names)} | {pop} | {len(a.key_institutions)} | {len(a.hubs)} | {a.note} |"
            )
    if design.options.mode == "repair":
        lines += ["", f"## {t['moved']}", ""]
        lines += [f"- {m.name}（{m.code}）: {m.before or '—'} → {m.after}" for m in design.moved] or [
            labels.TEXT["none"]
        ]
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
        lines += [f"- {f.message}" for f in check.report.errors]
    lines += ["", labels.N03_CREDIT, ""]
    return "\n".join(lines)


def write_design(
    design: AreaDesign,
    out_dir: str | Path,
    *,
    command: str,
    check: CheckRun | None = None,
    paths_from: str | Path | None = None,
) -> list[Path]:
    """Write :data:`DESIGN_FILES` into ``out_dir`` (``plan.toml`` only when there is a
    design); the plan's input paths are written relative to ``paths_from`` (the folder
    the plan will end up in; default ``out_dir``)."""
    out = Path(out_dir)
    written = []
    if design.areas:
        base = Path(paths_from) if paths_from is not None else out
        written.append(write_text(out / "plan.toml", plan_toml(design, out_dir=base, command=command)))
    written.append(write_text(out / "design.json", json_text(design_to_dict(design, check), indent=2) + "\n"))
    written.append(write_text(out / "design.md", design_markdown(design, check)))
    return written
