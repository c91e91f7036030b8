"""Home-care area plans: what a planner writes (TOML) and its resolution over units.

A plan file (``boundaries/<pref>/*.toml``) names its areas and lists each area's
municipalities by code or name::

    [plan]
    name = "熊本県 在宅医療圏（保健所圏域）"
    units = "municipality"          # or "ward"
    reference = "reference.csv"     # optional: reference layers, relative to this file

    [areas]                          # area name -> municipality codes or names
    "有明" = ["43204", "玉名市", "43364", "43367", "43368", "43369"]

    [[links]]                        # optional extra adjacency (bridges, ferries ...)
    a = "42211"
    b = "42411"
    kind = "ferry"

    [checks]                         # optional thresholds (see CheckConfig)
    reach_km = 16

:func:`read_plan` parses and validates the file into a :class:`PlanSpec` (unusable
files raise :class:`~geo_zaitaku.InputError`). :meth:`Plan.from_spec` resolves it
against units: like a GerryChain ``Partition``, a :class:`Plan` is an assignment of
the units of a graph to areas. Entries that match no unit, or units listed in two
areas, do not stop resolution; they are kept as :class:`EntryProblem` for the
completeness check to report.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd

from geo_zaitaku import graph as graph_mod
from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import read_input_text, toml_error
from geo_zaitaku.codes import PREFECTURES, normalize_code, prefecture_code
from geo_zaitaku.config import CheckConfig
from geo_zaitaku.lookup import UnitLookup
from geo_zaitaku.units import LEVELS

_PLAN_KEYS = {
    "name",
    "prefecture",
    "units",
    "reference",
    "description",
    "boundaries",
    "facilities",
    "population",
    "projection",
}
_AREA_KEYS = {"units", "note"}
_LINK_KEYS = {"a", "b", "kind", "note"}


@dataclass(frozen=True)
class AreaSpec:
    """One area as written: its name, the entries listed, and an optional note."""

    name: str
    entries: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class LinkSpec:
    """A declared link as written (endpoints as codes or names)."""

    a: str
    b: str
    kind: str = "bridge"
    note: str = ""


@dataclass(frozen=True)
class PlanSpec:
    """A plan file, parsed and validated but not yet matched to units.

    Attributes
    ----------
    name
        Plan name (``[plan] name``).
    level
        ``"municipality"`` or ``"ward"``.
    areas
        Areas in file order.
    links
        Declared links.
    checks
        Raw ``[checks]`` table (validated against :class:`CheckConfig`).
    reference
        Reference-layer CSV path (absolute, resolved against the plan's folder).
    inputs
        Optional default inputs named in ``[plan]`` (``boundaries``, ``facilities``,
        ``population``, ``projection``), as absolute paths.
    source
        The plan file.
    prefectures
        Two-digit codes of the prefectures the plan covers (``[plan] prefecture``,
        a code, a name or a list of them); empty when not written (then inferred
        from the plan's entries, see :func:`plan_prefectures`).
    """

    name: str
    level: str
    areas: tuple[AreaSpec, ...]
    links: tuple[LinkSpec, ...] = ()
    checks: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    reference: Path | None = None
    inputs: Mapping[str, tuple[Path, ...]] = field(default_factory=lambda: MappingProxyType({}))
    description: str = ""
    source: Path | None = None
    prefectures: tuple[str, ...] = ()

    def config(self, base: CheckConfig | None = None) -> CheckConfig:
        """The check configuration: ``base`` (defaults) updated by ``[checks]``."""
        return (base or CheckConfig.from_settings()).updated(self.checks, path=self.source)


def read_plan(path: str | Path) -> PlanSpec:
    """Read and validate a plan TOML file.

    Parameters
    ----------
    path
        The plan file.

    Returns
    -------
    PlanSpec

    Raises
    ------
    InputError
        A path refused by :func:`geo_zaitaku._io.check_input_path` (missing, a folder,
        a FIFO, a NUL byte, a name too long), an empty file, malformed TOML (with line
        and column), no ``[areas]`` table, a key or value of the wrong shape, or a path
        in ``[plan]`` holding a NUL byte.
    """
    path = Path(path)
    text = read_input_text(path, what=labels.FILES["plan"], not_utf8=labels.error("plan_not_utf8"))
    if not text.strip():
        raise InputError(labels.error("plan_empty"), path=path)
    return parse_plan(text, source=path)


def parse_plan(text: str, *, source: Path | None = None) -> PlanSpec:
    """Parse plan TOML text (see :func:`read_plan`).

    The tables are read in turn (``[plan]``, ``[areas]``, ``[[links]]``,
    ``[checks]``, then the paths named in ``[plan]``); the first problem found stops
    the reading.
    """
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:  # (arrays nested thousands deep)
        raise InputError(
            labels.error("plan_bad_toml", error=toml_error(exc, text), error_en=exc), path=source
        ) from None
    plan, level = _plan_table(data, source)
    areas = _areas(data, source)
    links = _links(data, source)
    checks = _table(data.get("checks", {}), "[checks]", source)
    CheckConfig().updated(checks, path=source)  # validate now, at the door
    inputs, reference = _plan_inputs(plan, source.parent if source is not None else Path.cwd(), source)
    for key in ("name", "description"):  # texts (123 or true was taken as the name)
        if key in plan and not isinstance(plan[key], str):
            raise InputError(labels.error("plan_not_text", key=key), path=source, where=f"[plan] {key}")
    name = plan.get("name", "").strip() or (source.stem if source else "plan")
    prefectures = _prefectures(plan.get("prefecture"), source)
    return PlanSpec(
        name=str(name),
        level=level,
        areas=areas,
        links=links,
        checks=MappingProxyType(dict(checks)),
        reference=reference,
        inputs=MappingProxyType(inputs),
        description=str(plan.get("description", "")),
        source=source,
        prefectures=prefectures,
    )


def _prefectures(value: Any, source: Path | None) -> tuple[str, ...]:
    """``[plan] prefecture`` (43, "43", "熊本県" or a list of them) as two-digit codes."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        try:
            if isinstance(item, bool) or not isinstance(item, int | str):
                raise TypeError(item)
            code = prefecture_code(item)
        except (InputError, TypeError) as exc:
            raise InputError(
                labels.error("plan_bad_prefecture", value=item), path=source, where="[plan] prefecture"
            ) from exc
        if code not in out:
            out.append(code)
    return tuple(out)


def plan_prefectures(spec: PlanSpec, units: gpd.GeoDataFrame) -> tuple[str, ...]:
    """The prefectures a plan covers: ``[plan] prefecture`` when written, else those of
    the units its areas name (codes by their first two digits; names that match one
    unit of the boundaries). Empty when nothing can be told.

    Parameters
    ----------
    spec
        The parsed plan.
    units
        The boundaries it will be checked against (for names).
    """
    if spec.prefectures:
        return spec.prefectures
    found: list[str] = []
    names: list[str] = []
    for area in spec.areas:
        for entry in area.entries:
            code = normalize_code(entry)
            if code is not None and code[:2] in PREFECTURES:
                found.append(code[:2])
            else:
                names.append(entry)
    if names and "pref_code" in units.columns:
        pref_of = units["pref_code"]
        coded = set(found)
        # a name is looked for first in the prefectures the codes name: 「中央区」 beside
        # Kumamoto's codes is 熊本市中央区, not Tokyo's 中央区 of the national file
        near = UnitLookup(units[pref_of.astype(str).str[:2].isin(coded)]) if coded else None
        anywhere: UnitLookup | None = None
        for entry in names:
            res = near.resolve(entry) if near is not None else None
            if res is None or not (res.codes and res.status in ("ok", "ward_to_city")):
                anywhere = anywhere or UnitLookup(units)
                res = anywhere.resolve(entry)
            if res.codes and res.status in ("ok", "ward_to_city"):
                found += [str(pref_of.get(c, ""))[:2] for c in res.codes]
    return tuple(sorted({p for p in found if p in PREFECTURES}))


def _plan_table(data: Mapping[str, Any], source: Path | None) -> tuple[dict[str, Any], str]:
    """The ``[plan]`` table (no unknown table or key) and its unit level."""
    unknown = set(data) - {"plan", "areas", "links", "checks"}
    if unknown:
        raise InputError(
            labels.error("plan_unknown_tables", tables=sorted(unknown)),
            path=source,
            where=", ".join(sorted(unknown)),
        )
    plan = _table(data.get("plan", {}), "[plan]", source)
    bad = set(plan) - _PLAN_KEYS
    if bad:
        raise InputError(
            labels.error("plan_unknown_key", known=", ".join(sorted(_PLAN_KEYS))),
            path=source,
            where=f"[plan] {sorted(bad)[0]}",
        )
    level = plan.get("units", "municipality")
    if level not in LEVELS:
        raise InputError(labels.error("plan_bad_level", level=level), path=source, where="[plan] units")
    return plan, level


def _areas(data: Mapping[str, Any], source: Path | None) -> tuple[AreaSpec, ...]:
    """The areas of ``[areas]``, in file order (at least one)."""
    if "areas" not in data:
        raise InputError(labels.error("plan_no_areas"), path=source, where="[areas]")
    areas_table = _table(data["areas"], "[areas]", source)
    if not areas_table:
        raise InputError(labels.error("plan_areas_empty"), path=source, where="[areas]")
    seen: dict[str, str] = {}
    for name in areas_table:
        key = unicodedata.normalize("NFKC", name).strip()
        if not key or any(unicodedata.category(ch) == "Cc" for ch in name):
            raise InputError(
                labels.error("plan_area_name_bad", name=name), path=source, where=f'[areas] "{name}"'
            )
        if key in seen:  # 「有明」 and 「有明 」: two areas that read the same everywhere
            raise InputError(
                labels.error("plan_area_names_alike", a=seen[key], b=name),
                path=source,
                where=f'[areas] "{name}"',
            )
        seen[key] = name
    return tuple(_area(name, value, source) for name, value in areas_table.items())


def _links(data: Mapping[str, Any], source: Path | None) -> tuple[LinkSpec, ...]:
    """The declared links of ``[[links]]``."""
    links_raw = data.get("links", [])
    if not isinstance(links_raw, list):
        raise InputError(labels.error("plan_links_not_list"), path=source, where="[[links]]")
    return tuple(_link(i, item, source) for i, item in enumerate(links_raw, start=1))


def _plan_inputs(
    plan: Mapping[str, Any], base: Path, source: Path | None
) -> tuple[dict[str, tuple[Path, ...]], Path | None]:
    """The default inputs and the reference layer named in ``[plan]``, as absolute paths."""
    inputs = {}
    for key in ("boundaries", "facilities", "population", "projection"):
        if key in plan:
            value = plan[key]
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise InputError(labels.error("plan_bad_paths"), path=source, where=f"[plan] {key}")
            if (
                key in ("population", "projection") and len(items) != 1
            ):  # one table each: the rest was ignored
                raise InputError(
                    labels.error("plan_one_path", n=len(items)), path=source, where=f"[plan] {key}"
                )
            inputs[key] = tuple(_plan_path(base, v, source, f"[plan] {key}") for v in items)
    reference = plan.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise InputError(labels.error("plan_bad_reference"), path=source, where="[plan] reference")
    return inputs, _plan_path(base, reference, source, "[plan] reference") if reference else None


def _plan_path(base: Path, value: str, source: Path | None, where: str) -> Path:
    """A path written in ``[plan]``, made absolute against the plan's folder."""
    if "\0" in value:
        raise InputError(
            labels.error("plan_path_nul", value=value),
            path=source,
            where=where,
        )
    try:
        return (base / value).resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links
        raise InputError(
            labels.error("plan_path_unusable", value=value, error=exc), path=source, where=where
        ) from None


def _table(value: Any, where: str, source: Path | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(
            labels.error("plan_not_table", where=where),
            path=source,
            where=where,
        )
    return value


def _area(name: str, value: Any, source: Path | None) -> AreaSpec:
    where = f'[areas] "{name}"'
    note = ""
    if isinstance(value, dict):
        bad = set(value) - _AREA_KEYS
        if bad:
            raise InputError(
                labels.error("plan_unknown_keys", keys=sorted(bad), known="units, note"),
                path=source,
                where=where,
            )
        note = value.get("note", "")
        if not isinstance(note, str):
            raise InputError(labels.error("plan_not_text", key="note"), path=source, where=where)
        value = value.get("units")
    if not isinstance(value, list):
        raise InputError(
            labels.error("plan_area_not_list"),
            path=source,
            where=where,
        )
    entries = []
    for i, item in enumerate(value, start=1):
        if isinstance(item, bool) or not isinstance(item, str | int):
            raise InputError(
                labels.error("plan_entry_not_text", i=i, item=item),
                path=source,
                where=where,
            )
        text = f"{item:05d}" if isinstance(item, int) else item.strip()
        if not text:
            raise InputError(labels.error("plan_entry_empty", i=i), path=source, where=where)
        if text in entries:  # often a typo for another code: not merged without a word
            raise InputError(
                labels.error("plan_entry_twice", entry=text, first=entries.index(text) + 1, i=i),
                path=source,
                where=where,
            )
        entries.append(text)
    return AreaSpec(name=name, entries=tuple(entries), note=note)


def _link(i: int, item: Any, source: Path | None) -> LinkSpec:
    where = labels.PLACES["link"].format(n=i)
    if not isinstance(item, dict):
        raise InputError(labels.error("plan_link_not_table"), path=source, where=where)
    bad = set(item) - _LINK_KEYS
    if bad:
        raise InputError(
            labels.error("plan_unknown_keys", keys=sorted(bad), known="a, b, kind, note"),
            path=source,
            where=where,
        )
    for key in ("a", "b"):
        if not isinstance(item.get(key), str | int) or isinstance(item.get(key), bool):
            raise InputError(
                labels.error("plan_link_no_end", key=key),
                path=source,
                where=where,
            )
    kind = item.get("kind", "bridge")
    if kind not in graph_mod.LINK_KINDS:
        raise InputError(
            labels.error("plan_link_bad_kind", kind=kind, kinds=", ".join(graph_mod.LINK_KINDS)),
            path=source,
            where=where,
        )
    a, b = (f"{item[k]:05d}" if isinstance(item[k], int) else str(item[k]).strip() for k in ("a", "b"))
    if a == b:
        raise InputError(labels.error("plan_link_self", a=a), path=source, where=where)
    note = item.get("note", "")
    if not isinstance(note, str):
        raise InputError(labels.error("plan_not_text", key="note"), path=source, where=where)
    return LinkSpec(a=a, b=b, kind=kind, note=note)


@dataclass(frozen=True)
class EntryProblem:
    """A plan entry that could not be used as written.

    Attributes
    ----------
    kind
        ``"unknown"``, ``"ambiguous"``, ``"ward_to_city"`` (informational),
        ``"duplicate"`` (unit in several areas), ``"unknown_link"``, ``"empty_area"``.
    area
        The area concerned (``None`` for links).
    entry
        The entry as written.
    units
        Units concerned.
    candidates
        Close names (unknown), matches (ambiguous), or the areas (duplicate).
    detail
        The link's kind (``unknown_link``).
    """

    kind: str
    area: str | None
    entry: str
    units: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True, eq=False)
class Plan:
    """An assignment of the units of a graph to home-care areas.

    Build with :meth:`from_spec` (or :func:`load_plan`); :meth:`reassign` returns a
    new plan rather than changing this one.

    Attributes
    ----------
    name
        Plan name.
    units
        The units frame (index = code), with population columns when known.
    graph
        The units graph including the plan's declared links.
    areas
        Area name -> unit codes, in the plan's order.
    problems
        Entries that could not be used as written (see :class:`EntryProblem`).
    links
        Declared links, resolved to codes.
    reference
        Reference layers (index = unit code, one column per layer) or ``None``.
    config
        Check thresholds.
    spec
        The plan as written.
    """

    name: str
    units: gpd.GeoDataFrame
    graph: nx.Graph
    areas: Mapping[str, tuple[str, ...]]
    problems: tuple[EntryProblem, ...]
    links: tuple[graph_mod.Link, ...]
    reference: pd.DataFrame | None
    config: CheckConfig
    spec: PlanSpec

    @classmethod
    def from_spec(
        cls,
        spec: PlanSpec,
        units: gpd.GeoDataFrame,
        *,
        edges: pd.DataFrame | None = None,
        reference: pd.DataFrame | None = None,
        config: CheckConfig | None = None,
    ) -> Plan:
        """Resolve a plan spec against units.

        Parameters
        ----------
        spec
            The parsed plan.
        units
            Units at the plan's level (``spec.level``).
        edges
            Adjacency (computed when omitted).
        reference
            Reference layers indexed by unit code.
        config
            Thresholds to use (default: the settings defaults updated by the plan's
            ``[checks]``).

        Raises
        ------
        InputError
            The units are at another level than the plan asks.
        """
        level = units.attrs.get("level")
        if level is not None and level != spec.level:
            raise InputError(
                labels.error("plan_level_mismatch", level=spec.level, loaded=level),
                path=spec.source,
                where="[plan] units",
            )
        lookup = UnitLookup(units)
        problems: list[EntryProblem] = []
        areas: dict[str, tuple[str, ...]] = {}
        for area in spec.areas:
            codes: list[str] = []
            for entry in area.entries:
                res = lookup.resolve(entry)
                if res.status in ("unknown", "ambiguous"):
                    problems.append(EntryProblem(res.status, area.name, entry, candidates=res.candidates))
                    continue
                if res.status == "ward_to_city":
                    problems.append(EntryProblem("ward_to_city", area.name, entry, res.codes, res.candidates))
                for code in res.codes:
                    if code not in codes:
                        codes.append(code)
            areas[area.name] = tuple(codes)
            if not codes:
                problems.append(EntryProblem("empty_area", area.name, ""))
        problems += _duplicates(areas)
        links = []
        for link in spec.links:
            ends = []
            for entry in (link.a, link.b):
                res = lookup.resolve(entry)
                if len(res.codes) != 1:  # no unit, or several (a city of a ward plan: name one ward)
                    problems.append(
                        EntryProblem(
                            "unknown_link",
                            None,
                            entry,
                            units=res.codes,
                            candidates=res.candidates,
                            detail=link.kind,
                        )
                    )
                else:
                    if res.status == "ward_to_city":  # a ward of a municipality plan: the link is its city's
                        problems.append(
                            EntryProblem("ward_to_city_link", None, entry, res.codes, detail=link.kind)
                        )
                    ends.append(res.codes[0])
            if len(ends) == 2:
                links.append(graph_mod.Link(ends[0], ends[1], link.kind, link.note))
        g = graph_mod.build_graph(units, edges=edges, links=links)
        return cls(
            name=spec.name,
            units=units,
            graph=g,
            areas=MappingProxyType(areas),
            problems=tuple(problems),
            links=tuple(links),
            reference=reference,
            config=config if config is not None else spec.config(),
            spec=spec,
        )

    @cached_property
    def assignment(self) -> Mapping[str, str]:
        """Unit code -> area name (a unit listed in several areas maps to the first)."""
        out: dict[str, str] = {}
        for area, codes in self.areas.items():
            for code in codes:
                out.setdefault(code, area)
        return MappingProxyType(out)

    def unit_name(self, code: str) -> str:
        """Display name of a unit (``熊本市``, ``熊本市中央区``), the code when unknown."""
        node = self.graph.nodes.get(code)
        return node["name"] if node is not None else code

    def reassign(self, changes: Mapping[str, str]) -> Plan:
        """Return a new plan with units moved to other (possibly new) areas.

        A moved unit leaves every area it was in (so a unit listed twice is settled by
        moving it); areas left empty disappear. Entry problems that do not concern
        areas' membership (unknown or ambiguous names, links) are kept as they were.

        Parameters
        ----------
        changes
            Unit code -> area name.

        Raises
        ------
        InputError
            A code that is not a unit, or an empty area name.
        """
        unknown = [code for code in changes if code not in self.units.index]
        if unknown:
            raise InputError(
                labels.error("move_unknown_units", codes=", ".join(unknown)),
                where="move",
            )
        empty = [code for code, area in changes.items() if not isinstance(area, str) or not area.strip()]
        if empty:
            raise InputError(
                labels.error("move_empty_area", codes=", ".join(empty)),
                where="move",
            )
        areas = {a: [c for c in codes if c not in changes] for a, codes in self.areas.items()}
        for code, area in changes.items():
            areas.setdefault(area, []).append(code)
        areas = {a: codes for a, codes in areas.items() if codes}
        problems = [p for p in self.problems if p.kind not in ("duplicate", "empty_area")]
        problems += _duplicates(areas)
        return Plan(
            name=self.name,
            units=self.units,
            graph=self.graph,
            areas=MappingProxyType({a: tuple(c) for a, c in areas.items()}),
            problems=tuple(problems),
            links=self.links,
            reference=self.reference,
            config=self.config,
            spec=self.spec,
        )


def _duplicates(areas: Mapping[str, Sequence[str]]) -> list[EntryProblem]:
    """A ``duplicate`` problem for every unit listed in more than one area."""
    owner: dict[str, list[str]] = {}
    for area, codes in areas.items():
        for code in codes:
            owner.setdefault(code, []).append(area)
    return [
        EntryProblem("duplicate", names[0], code, (code,), tuple(names))
        for code, names in owner.items()
        if len(names) > 1
    ]
