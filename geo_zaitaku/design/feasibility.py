"""Necessary conditions of a design, tested before the solver: they explain an
infeasible request in terms a planner can act on, naming the units that block it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo_zaitaku import labels
from geo_zaitaku.design.problem import DesignOptions, Problem, component_labels
from geo_zaitaku.labels import Message


@dataclass(frozen=True)
class Reason:
    """Why a design cannot exist, and the units concerned.

    Attributes
    ----------
    message
        The reason, a :class:`~geo_zaitaku.labels.Message` of
        :data:`geo_zaitaku.labels.DESIGN_REASONS` (made with :meth:`of`).
    units
        Codes of the units that block the design.
    """

    message: Message
    units: tuple[str, ...] = ()

    @classmethod
    def of(cls, key: str, /, units: tuple[str, ...] = (), **values: object) -> Reason:
        """The reason :data:`~geo_zaitaku.labels.DESIGN_REASONS` ``key``, its
        placeholders filled from ``values``."""
        return cls(labels.DESIGN_REASONS[key].format(**values), units)

    @property
    def ja(self) -> str:
        """The Japanese text."""
        return self.message.ja

    @property
    def en(self) -> str:
        """The English text."""
        return self.message.en

    def __str__(self) -> str:
        return str(self.message)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"message": self.ja, "message_en": self.en, "units": list(self.units)}


def _names(p: Problem, idx: np.ndarray, limit: int = 6) -> str:
    names = [p.names[i] for i in idx]
    if len(names) <= limit:
        return "・".join(names)
    return labels.DESIGN["names_more"].format(names="・".join(names[:limit]), n=len(names) - limit)


def necessary_conditions(p: Problem, o: DesignOptions) -> list[Reason]:
    """Every necessary condition the request breaks (empty: the solver may find a plan)."""
    out: list[Reason] = []
    parts = component_labels(p.n, p.edges, p.nest)
    n_parts = int(parts.max()) + 1 if p.n else 0
    for k in range(n_parts):
        idx = np.flatnonzero(parts == k)
        out += _part_reasons(p, o, idx, n_parts)
    if o.reach == "hard":
        far = [i for i, row in enumerate(p.within(p.limit)) if len(row) == 0]
        if far:
            idx = np.array(far)
            out.append(
                Reason.of(
                    "reach_hard",
                    tuple(p.codes[i] for i in idx),
                    names=_names(p, idx),
                    limit=p.limit,
                    measure=p.measure,
                    n=len(far),
                )
            )
    if o.mode == "count":
        out += _count_reasons(p, o, n_parts)
    return out


def _part_reasons(p: Problem, o: DesignOptions, idx: np.ndarray, n_parts: int) -> list[Reason]:
    """A connected part (an island without a link, a nest group's piece) must hold an
    area of its own."""
    out = []
    t = labels.DESIGN
    shared = {
        "names": _names(p, idx),
        "part": t["part"] if n_parts > 1 else "",
        "link": t["part_link"] if n_parts > 1 else "",
    }
    units = tuple(p.codes[i] for i in idx)
    if p.n_key[idx].sum() < p.min_key:
        named = {"n": len(idx), "codes": ", ".join(units[:6])}
        out.append(
            Reason.of("part_no_key", units, **shared, **named)
            if n_parts > 1
            else Reason.of("too_few_key", units, have=p.n_key[idx].sum(), need=p.min_key, **named)
        )
    if p.n_hub[idx].sum() < p.min_hub:
        out.append(
            Reason.of("part_few_hubs", units, **shared, n=len(idx), have=p.n_hub[idx].sum(), need=p.min_hub)
        )
    if o.min_pop is not None and p.pop_known and p.pop[idx].sum() < o.min_pop:
        out.append(Reason.of("part_below_min_pop", units, **shared, pop=p.pop[idx].sum(), min_pop=o.min_pop))
    return out


def _count_reasons(p: Problem, o: DesignOptions, n_parts: int) -> list[Reason]:
    k = int(o.areas or 0)
    out = []
    if len(p.centres) < k:
        out.append(Reason.of("count_few_centres", k=k, have=len(p.centres)))
    if n_parts > k:
        out.append(Reason.of("count_many_parts", k=k, parts=n_parts))
    if p.min_hub and p.n_hub.sum() < k * p.min_hub:
        out.append(Reason.of("count_few_hubs", k=k, need=k * p.min_hub, have=p.n_hub.sum()))
    total = p.pop.sum()
    if p.pop_known and o.min_pop is not None and k * o.min_pop > total:
        out.append(Reason.of("count_min_pop", k=k, min_pop=o.min_pop, total=total))
    if p.pop_known and o.max_pop is not None and k * o.max_pop < total:
        out.append(Reason.of("count_max_pop", k=k, max_pop=o.max_pop, total=total))
    return out
