"""Scenario files: changes applied on top of a plan's inputs, then checked.

A scenario is a TOML file::

    [scenario]
    name = "A病院の閉院と拠点の追加"

    [[close]]            # facilities closed: every key given must match
    id = "F12"
    [[close]]
    kind = "visiting_nursing"   # a kind id or its Japanese name
    area = "阿蘇"

    [[designate]]        # roles and functions of existing facilities
    id = "F40"
    hub = true           # key_institution, hub, is_24h, discharge, daily, emergency, end_of_life

    [[add]]              # new facilities, with the columns of the facility CSV
    name = "新しい連携拠点"
    municipality_code = "43214"
    hub = true

    [move]               # municipalities (code or name) -> area (a new name creates an area)
    "美里町" = "上益城"

    [checks]             # threshold overrides, as in a plan
    reach_km = 20

Selectors (``[[close]]``, ``[[designate]]``) take ``id``, ``name``, ``kind``, ``area``
and ``municipality`` (a code or name); all the keys given must match, and a selector
that matches no facility is an input error naming the file and the entry, as is an
unknown municipality or area. Changes apply in the order close → designate → add →
move → checks, each to the state the previous ones left.
"""

from __future__ import annotations

import csv
import tempfile
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_zaitaku import crs, labels, schema
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import read_input_text, toml_error
from geo_zaitaku.checks import run_checks
from geo_zaitaku.lookup import UnitLookup
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.sources.facilities import FacilityImport, load_facilities
from geo_zaitaku.sources.tabular import RowIssue

#: Keys a selector may have.
SELECTOR_KEYS = ("id", "name", "kind", "area", "municipality")
#: Columns an added facility may have (those of the canonical facility CSV).
ADD_KEYS = schema.CANONICAL_FIELDS
_TABLES = ("scenario", "close", "designate", "add", "move", "checks")
_KIND_BY_LABEL = {unicodedata.normalize("NFKC", ja): k for k, (ja, _en) in labels.KINDS.items()}


@dataclass(frozen=True)
class Selector:
    """Which facilities an entry names.

    Attributes
    ----------
    entry
        Where it is written (``"[[close]] 2番目"``), for messages.
    values
        Key -> value, every one of which must match.
    """

    entry: str
    values: Mapping[str, str]


@dataclass(frozen=True)
class Designation:
    """New roles or functions for the facilities a selector names."""

    selector: Selector
    flags: Mapping[str, bool]


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario file, parsed and validated (not yet applied).

    Attributes
    ----------
    name, description
        From ``[scenario]``.
    close
        Selectors of the facilities closed.
    designate
        New roles or functions.
    add
        New facilities (rows of the canonical facility CSV).
    move
        Municipality (code or name, as written) -> area.
    checks
        Threshold overrides.
    source
        The file.
    """

    name: str
    description: str = ""
    close: tuple[Selector, ...] = ()
    designate: tuple[Designation, ...] = ()
    add: tuple[Mapping[str, object], ...] = ()
    move: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    checks: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    source: Path | None = None


def read_scenario(path: str | Path) -> ScenarioSpec:
    """Read and validate a scenario TOML file.

    Parameters
    ----------
    path
        The scenario file (``[scenario]``, ``[[close]]``, ``[[designate]]``,
        ``[[add]]``, ``[move]``, ``[checks]``; see the README).

    Returns
    -------
    ScenarioSpec

    Raises
    ------
    InputError
        Missing, unreadable or malformed file, an unknown table or key, a value of the
        wrong type.
    """
    path = Path(path)
    text = read_input_text(path, what=labels.FILES["scenario"], not_utf8=labels.error("scenario_not_utf8"))
    return parse_scenario(text, source=path)


def parse_scenario(text: str, *, source: Path | None = None) -> ScenarioSpec:
    """Parse scenario TOML text (see :func:`read_scenario`)."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:  # (arrays nested thousands deep)
        raise InputError(
            labels.error("scenario_bad_toml", error=toml_error(exc, text), error_en=exc), path=source
        ) from None
    unknown = sorted(set(data) - set(_TABLES))
    if unknown:
        raise InputError(
            labels.error("scenario_unknown_tables", tables=unknown), path=source, where=", ".join(unknown)
        )
    head = _table(data.get("scenario", {}), "[scenario]", source)
    _known(head, ("name", "description"), "[scenario]", source)
    if isinstance(data.get("move"), list):  # [[move]] written like [[close]]
        raise InputError(labels.error("scenario_move_array"), path=source, where="[[move]]")
    move = _table(data.get("move", {}), "[move]", source)
    for unit, area in move.items():
        if not isinstance(area, str) or not area.strip():
            raise InputError(
                labels.error("scenario_move_target_not_text"), path=source, where=f'[move] "{unit}"'
            )
    checks = _table(data.get("checks", {}), "[checks]", source)
    from geo_zaitaku.config import CheckConfig

    CheckConfig().updated(checks, path=source)  # validated at the door
    spec = ScenarioSpec(
        name=str(head.get("name") or (source.stem if source else "scenario")),
        description=str(head.get("description", "")),
        close=tuple(_selector(item, "close", i, source) for i, item in _items(data, "close", source)),
        designate=tuple(_designation(item, i, source) for i, item in _items(data, "designate", source)),
        add=tuple(_addition(item, i, source) for i, item in _items(data, "add", source)),
        move=MappingProxyType({str(k): v.strip() for k, v in move.items()}),
        checks=MappingProxyType(dict(checks)),
        source=source,
    )
    if not (spec.close or spec.designate or spec.add or spec.move or spec.checks):
        # an empty file (or one whose tables are misspelt) would compare the plan with itself
        raise InputError(labels.error("scenario_empty"), path=source)
    return spec


def _table(value: object, where: str, source: Path | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(labels.error("scenario_not_table", table=where), path=source, where=where)
    return value


def _known(item: Mapping[str, object], keys: tuple[str, ...], where: str, source: Path | None) -> None:
    bad = sorted(set(item) - set(keys))
    if bad:
        raise InputError(
            labels.error("plan_unknown_keys", keys=bad, known=", ".join(keys)), path=source, where=where
        )


def _items(data: Mapping[str, Any], key: str, source: Path | None) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError(labels.error("scenario_not_array", key=key), path=source, where=f"[[{key}]]")
    return list(enumerate(value, start=1))


def _entry(table: str, i: int) -> str:
    """The place of the ``i``-th ``[[table]]`` entry: ``[[close]] 2番目``."""
    return labels.PLACES["entry"].format(table=table, n=i)


def _text(value: object, where: str, source: Path | None) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(labels.error("scenario_not_text", value=value), path=source, where=where)
    text = f"{value:05d}" if isinstance(value, int) else value.strip()
    if not text:
        raise InputError(labels.error("scenario_empty_value"), path=source, where=where)
    return text


def _selector(
    item: Mapping[str, Any], table: str, i: int, source: Path | None, extra: tuple[str, ...] = ()
) -> Selector:
    where = _entry(table, i)
    _known(item, (*SELECTOR_KEYS, *extra), where, source)
    values = {k: _text(v, f"{where} {k}", source) for k, v in item.items() if k in SELECTOR_KEYS}
    if not values:
        raise InputError(
            labels.error("scenario_no_selector", keys=", ".join(SELECTOR_KEYS)), path=source, where=where
        )
    return Selector(where, MappingProxyType(values))


def _designation(item: Mapping[str, Any], i: int, source: Path | None) -> Designation:
    selector = _selector(item, "designate", i, source, extra=schema.FLAG_FIELDS)
    flags = {}
    for key in schema.FLAG_FIELDS:
        if key in item:
            if not isinstance(item[key], bool):
                raise InputError(
                    labels.error("scenario_not_bool"), path=source, where=f"{selector.entry} {key}"
                )
            flags[key] = item[key]
    if not flags:
        raise InputError(
            labels.error("scenario_nothing_to_change", fields=", ".join(schema.FLAG_FIELDS)),
            path=source,
            where=selector.entry,
        )
    return Designation(selector, MappingProxyType(flags))


def _addition(item: Mapping[str, Any], i: int, source: Path | None) -> Mapping[str, object]:
    where = _entry("add", i)
    _known(item, ADD_KEYS, where, source)
    if not isinstance(item.get("name"), str) or not item["name"].strip():
        raise InputError(labels.error("scenario_add_no_name"), path=source, where=where)
    has_point = "lat" in item and "lon" in item
    if not has_point and "municipality_code" not in item:
        raise InputError(labels.error("scenario_add_no_location"), path=source, where=where)
    out: dict[str, object] = {}
    for key, value in item.items():
        if key in schema.FLAG_FIELDS and not isinstance(value, bool):
            raise InputError(labels.error("scenario_not_bool"), path=source, where=f"{where} {key}")
        if key in ("lat", "lon") and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InputError(labels.error("scenario_not_number"), path=source, where=f"{where} {key}")
        out[key] = value
    return MappingProxyType(out)


# --------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class AppliedChanges:
    """What a scenario changed, JSON-ready.

    Attributes
    ----------
    closed
        ``{"id", "name", "area"}`` of each facility closed.
    designated
        ``{"id", "name", "area", "field", "before", "after"}`` of each flag changed.
    added
        ``{"id", "name", "unit", "area"}`` of each facility added.
    moved
        ``{"code", "name", "from", "to"}`` of each municipality moved.
    checks
        The threshold overrides.
    """

    closed: tuple[Mapping[str, object], ...] = ()
    designated: tuple[Mapping[str, object], ...] = ()
    added: tuple[Mapping[str, object], ...] = ()
    moved: tuple[Mapping[str, object], ...] = ()
    checks: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "closed": [dict(c) for c in self.closed],
            "designated": [dict(d) for d in self.designated],
            "added": [dict(a) for a in self.added],
            "moved": [dict(m) for m in self.moved],
            "checks": dict(self.checks),
        }


@dataclass(frozen=True, eq=False)
class ScenarioRun:
    """A scenario applied to a check run: the state before, the state after, and what changed."""

    spec: ScenarioSpec
    before: CheckRun
    after: CheckRun
    changes: AppliedChanges


def run_scenario(run: CheckRun, scenario: str | Path | ScenarioSpec) -> ScenarioRun:
    """Read a scenario (unless given parsed) and apply it to ``run``.

    Parameters
    ----------
    run
        The checked plan the scenario changes (it is not modified).
    scenario
        A scenario file, or a :class:`ScenarioSpec` already read.

    Returns
    -------
    ScenarioRun
        The run before and after, and what changed.

    Raises
    ------
    InputError
        See :func:`read_scenario` and :func:`apply_scenario`.
    """
    spec = scenario if isinstance(scenario, ScenarioSpec) else read_scenario(scenario)
    return apply_scenario(run, spec)


def apply_scenario(run: CheckRun, spec: ScenarioSpec) -> ScenarioRun:
    """Apply a scenario to a check run and check the result.

    Parameters
    ----------
    run
        The checked plan (not modified).
    spec
        The scenario: closures first, then designations, additions, moves and
        threshold overrides.

    Returns
    -------
    ScenarioRun

    Raises
    ------
    InputError
        A selector that matches no facility, an unknown municipality, an added
        facility that cannot be placed or whose id is taken.
    """
    plan = run.plan
    frame = run.facilities.frame
    area_of = _area_of(frame, plan.assignment)
    lookup = UnitLookup(plan.units)
    closed_rows = np.zeros(len(frame), dtype=bool)
    closed_by = np.full(len(frame), "", dtype=object)  # the [[close]] entry that closed each row
    closed = []
    for selector in spec.close:
        matched = _match(frame, area_of, selector, lookup, spec.source, run.facilities.rejected)
        hits = matched & ~closed_rows
        if not hits.any():  # every facility it names is closed already: a repeated entry
            raise InputError(
                labels.error("scenario_closed_twice", entry=closed_by[np.flatnonzero(matched)[0]]),
                path=spec.source,
                where=selector.entry,
            )
        closed_rows |= hits
        closed_by[hits] = selector.entry
        closed += [_describe(frame, area_of, i) for i in np.flatnonzero(hits)]
    shut, shut_area, shut_by = frame.loc[closed_rows], area_of[closed_rows], closed_by[closed_rows]
    frame, area_of = frame.loc[~closed_rows].copy(), area_of[~closed_rows]
    designated = []
    for d in spec.designate:
        found = _matches(frame, area_of, d.selector, lookup, spec.source)
        if not found.any():
            closed_hits = np.flatnonzero(_matches(shut, shut_area, d.selector, lookup, spec.source))
            if len(closed_hits):  # it names a facility this scenario closed
                raise InputError(
                    labels.error("scenario_designate_closed", entry=shut_by[closed_hits[0]]),
                    path=spec.source,
                    where=d.selector.entry,
                )
            raise _no_match(d.selector, spec.source, run.facilities.rejected)
        hits = np.flatnonzero(found)
        for key, value in d.flags.items():
            for i in hits:
                old = frame.iloc[i][key]
                designated.append(
                    {
                        **_describe(frame, area_of, i),
                        "field": key,
                        "before": None if pd.isna(old) else bool(old),
                        "after": value,
                    }
                )
            frame[key] = pd.array(frame[key], dtype="boolean")
            frame.iloc[hits, frame.columns.get_loc(key)] = value
    added_frame, added = _added(spec, plan, frame)
    if len(added_frame):
        frame = pd.concat([frame, added_frame], ignore_index=True)
    facilities = FacilityImport(
        gpd.GeoDataFrame(frame, geometry="geometry", crs=crs.GEOGRAPHIC), run.facilities.logs
    )
    moves, moved = _moves(spec, plan, lookup)
    after_plan = plan.reassign(moves) if moves else plan
    if spec.checks:
        after_plan = replace(after_plan, config=after_plan.config.updated(spec.checks, path=spec.source))
    report = run_checks(after_plan, facilities, population=run.population, backend=run.backend)
    after = CheckRun(
        plan=after_plan, facilities=facilities, population=run.population, report=report, backend=run.backend
    )
    changes = AppliedChanges(
        closed=tuple(closed),
        designated=tuple(designated),
        added=tuple(added),
        moved=tuple(moved),
        checks=MappingProxyType(dict(spec.checks)),
    )
    return ScenarioRun(spec=spec, before=run, after=after, changes=changes)


def _area_of(frame: pd.DataFrame, assignment: Mapping[str, str]) -> np.ndarray:
    return np.array([assignment.get(u) for u in frame["unit"]], dtype=object)


def _describe(frame: pd.DataFrame, area_of: np.ndarray, i: int) -> dict[str, object]:
    row = frame.iloc[i]
    return {"id": row["id"], "name": row["name"], "area": area_of[i]}


def kind_id(value: str) -> str:
    """A kind given by id or Japanese name, as the facilities frame holds it."""
    text = unicodedata.normalize("NFKC", value).strip()
    if text.lower() in labels.KINDS:
        return text.lower()
    return _KIND_BY_LABEL.get(text, text)


def kinds_named(values: Iterable[str], present: Iterable[object], *, where: str) -> frozenset[str]:
    """The kinds ``values`` name (ids or Japanese names), each one a kind of the schema
    or one the facility data hold (free-text kinds are kept as written).

    Raises
    ------
    InputError
        A value that names no such kind (a typo such as ``hospitl``): the message lists
        the kinds that may be named.
    """
    held = {str(k) for k in present if isinstance(k, str) and k}
    out = set()
    for value in values:
        kind = kind_id(value)
        if kind not in labels.KINDS and kind not in held:
            known = "、".join(
                [
                    *(f"{k}（{ja}）" for k, (ja, _en) in labels.KINDS.items()),
                    *sorted(held - set(labels.KINDS)),
                ]
            )
            raise InputError(labels.error("unknown_kind", kind=value, known=known), where=where)
        out.add(kind)
    return frozenset(out)


def _matches(
    frame: pd.DataFrame, area_of: np.ndarray, selector: Selector, lookup: UnitLookup, source: Path | None
) -> np.ndarray:
    """Rows matching every key of ``selector`` (possibly none); an input error only for a
    municipality that does not exist."""
    hits = np.ones(len(frame), dtype=bool)
    for key, value in selector.values.items():
        if key == "area":
            hits &= area_of == value
        elif key == "kind":
            hits &= frame["kind"].to_numpy(dtype=object) == kind_id(value)
        elif key == "municipality":
            res = lookup.resolve(value)
            if not res.codes:
                raise InputError(
                    labels.error("scenario_unknown_municipality", value=value),
                    path=source,
                    where=f"{selector.entry} municipality",
                )
            hits &= frame["unit"].isin(res.codes).to_numpy()
        else:
            hits &= frame[key].astype(str).to_numpy(dtype=object) == value
    return hits


def _match(
    frame: pd.DataFrame,
    area_of: np.ndarray,
    selector: Selector,
    lookup: UnitLookup,
    source: Path | None,
    rejected: Sequence[RowIssue] = (),
) -> np.ndarray:
    """Rows matching every key of ``selector``; an input error when none does."""
    hits = _matches(frame, area_of, selector, lookup, source)
    if not hits.any():
        raise _no_match(selector, source, rejected)
    return hits


def _no_match(selector: Selector, source: Path | None, rejected: Sequence[RowIssue] = ()) -> InputError:
    """The error of a selector that matches no facility; when it names (by id, or by
    name alone) a row that was set aside on import, that row and why."""
    shown = ", ".join(f"{k} = {v!r}" for k, v in selector.values.items())
    items = list(selector.values.items())
    if len(items) == 1 and items[0][0] in ("id", "name"):
        key, value = items[0]
        for row in rejected:
            if (row.facility_id if key == "id" else row.name) == value:
                return InputError(
                    labels.error(
                        "scenario_selects_rejected",
                        shown=shown,
                        file=row.source,
                        line=row.line,
                        reason=row.message.ja,
                        reason_en=row.message.en,
                    ),
                    path=source,
                    where=selector.entry,
                )
    return InputError(
        labels.error("scenario_no_facility_matches", shown=shown), path=source, where=selector.entry
    )


def _added(
    spec: ScenarioSpec, plan: Any, frame: pd.DataFrame
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """New facilities, placed as the facility CSV's rows are (through the same reader)."""
    if not spec.add:
        return frame.iloc[0:0], []
    stem = spec.source.stem if spec.source is not None else "scenario"
    taken = set(frame["id"])
    rows = []
    for i, item in enumerate(spec.add, start=1):
        fid = str(item.get("id") or f"{stem}:add{i}")
        if fid in taken:
            raise InputError(
                labels.error("scenario_id_taken", fid=fid), path=spec.source, where=_entry("add", i)
            )
        taken.add(fid)
        rows.append({**{k: _cell(v) for k, v in item.items()}, "id": fid})
    with tempfile.TemporaryDirectory(prefix="gz-scenario-") as tmp:
        path = Path(tmp) / f"{stem}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(schema.CANONICAL_FIELDS))
            writer.writeheader()
            writer.writerows(rows)
        result = load_facilities([path], plan.units, preset="canonical")
    for issue in result.rejected:
        raise InputError(
            labels.error(
                "scenario_add_unplaced", name=issue.name, reason=issue.message.ja, reason_en=issue.message.en
            ),
            path=spec.source,
            where=_entry("add", issue.line - 1),
        )
    added = result.frame.assign(source=spec.source.name if spec.source is not None else "scenario")
    described = [
        {"id": r.id, "name": r.name, "unit": r.unit, "area": plan.assignment.get(r.unit)}
        for r in added.itertuples(index=False)
    ]
    return added, described


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _moves(
    spec: ScenarioSpec, plan: Any, lookup: UnitLookup
) -> tuple[dict[str, str], list[dict[str, object]]]:
    moves: dict[str, str] = {}
    moved = []
    given: dict[str, str] = {}  # code -> the entry that moved it
    for entry, area in spec.move.items():
        res = lookup.resolve(entry)
        if not res.codes or res.status == "ambiguous":
            hint = (
                labels.ERROR_PARTS["candidates"].format(names="・".join(res.candidates))
                if res.candidates
                else ""
            )
            raise InputError(
                labels.error("scenario_move_unknown_unit", entry=entry, hint=hint),
                path=spec.source,
                where=f'[move] "{entry}"',
            )
        if res.status == "ward_to_city":  # a ward of a municipality plan: the whole city would move
            raise InputError(
                labels.error("scenario_move_ward", entry=entry, city=plan.unit_name(res.codes[0])),
                path=spec.source,
                where=f'[move] "{entry}"',
            )
        for code in res.codes:
            if code in given:  # 「美里町」 and 「43348」: the last one won without a word
                raise InputError(
                    labels.error(
                        "scenario_move_twice", entry=entry, other=given[code], unit=plan.unit_name(code)
                    ),
                    path=spec.source,
                    where=f'[move] "{entry}"',
                )
            given[code] = entry
            moves[code] = area
            moved.append(
                {"code": code, "name": plan.unit_name(code), "from": plan.assignment.get(code), "to": area}
            )
    return moves, moved
