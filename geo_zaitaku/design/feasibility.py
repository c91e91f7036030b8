"""Necessary conditions of a design, tested before the solver: they explain an
infeasible request in terms a planner can act on, naming the units that block it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo_zaitaku.design.problem import DesignOptions, Problem, component_labels


@dataclass(frozen=True)
class Reason:
    """Why a design cannot exist (Japanese first, English after), and the units concerned."""

    ja: str
    en: str
    units: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.ja} / {self.en}"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"message": self.ja, "message_en": self.en, "units": list(self.units)}


def _names(p: Problem, idx: np.ndarray, limit: int = 6) -> str:
    names = [p.names[i] for i in idx]
    return (
        "・".join(names) if len(names) <= limit else "・".join(names[:limit]) + f" ほか{len(names) - limit}"
    )


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
                Reason(
                    f"{_names(p, idx)}から{p.limit:g}{p.measure}以内に積極的医療機関がないため、--reach hard では"
                    "どの圏域にも入れられません（--reach soft にするか、施設を確かめてください）",
                    f"no key institution within {p.limit:g} {p.measure} of {len(far)} units; --reach hard cannot hold",
                    tuple(p.codes[i] for i in idx),
                )
            )
    if o.mode == "count":
        out += _count_reasons(p, o, n_parts)
    return out


def _part_reasons(p: Problem, o: DesignOptions, idx: np.ndarray, n_parts: int) -> list[Reason]:
    """A connected part (an island without a link, a nest group's piece) must hold an
    area of its own."""
    out = []
    what = "（島など、他とつながらない部分）" if n_parts > 1 else ""
    units = tuple(p.codes[i] for i in idx)
    link = "[[links]] で橋・航路を結ぶか、" if n_parts > 1 else ""
    if p.n_key[idx].sum() < p.min_key:
        out.append(
            Reason(
                f"{_names(p, idx)}{what}はリンクがなく、積極的医療機関もないため、どの圏域にも入れられません"
                f"（{link}施設データを確かめてください）"
                if n_parts > 1
                else f"積極的医療機関が{p.n_key[idx].sum()}か所しかなく、必要数 {p.min_key} に足りません",
                f"{len(idx)} unit(s) ({', '.join(units[:6])}) reach no key institution: no area can hold them",
                units,
            )
        )
    if p.n_hub[idx].sum() < p.min_hub:
        out.append(
            Reason(
                f"{_names(p, idx)}{what}には連携を担う拠点が{p.n_hub[idx].sum()}か所しかなく（必要数 {p.min_hub}）、"
                f"どの圏域にも入れられません（{link}拠点を指定してください。geo-zaitaku design hubs が候補を示します）",
                f"{len(idx)} unit(s) have too few coordination hubs ({p.n_hub[idx].sum()} < {p.min_hub})",
                units,
            )
        )
    if o.min_pop is not None and p.pop_known and p.pop[idx].sum() < o.min_pop:
        out.append(
            Reason(
                f"{_names(p, idx)}{what}の人口は{p.pop[idx].sum():,.0f}人で、--min-pop {o.min_pop:,.0f} に届かないため"
                "1つの圏域にできません",
                f"a separate part of {p.pop[idx].sum():,.0f} people is below --min-pop {o.min_pop:,.0f}",
                units,
            )
        )
    return out


def _count_reasons(p: Problem, o: DesignOptions, n_parts: int) -> list[Reason]:
    k = int(o.areas or 0)
    out = []
    if len(p.centres) < k:
        out.append(
            Reason(
                f"{k}圏域には、積極的医療機関のある市区町村が{k}必要ですが、{len(p.centres)}しかありません",
                f"K = {k} areas need {k} key institutions in separate municipalities; there are {len(p.centres)}",
            )
        )
    if n_parts > k:
        out.append(
            Reason(
                f"市区町村は互いにつながらない{n_parts}つの部分に分かれているため（島・--nest の境界）、圏域は{n_parts}以上"
                f"必要です（--areas {k}）",
                f"the units form {n_parts} separate parts: at least {n_parts} areas are needed, not {k}",
            )
        )
    if p.min_hub and p.n_hub.sum() < k * p.min_hub:
        out.append(
            Reason(
                f"{k}圏域には連携を担う拠点が{k * p.min_hub}必要ですが、{p.n_hub.sum()}しかありません",
                f"K = {k} areas need {k * p.min_hub} hubs; there are {p.n_hub.sum()}",
            )
        )
    total = p.pop.sum()
    if p.pop_known and o.min_pop is not None and k * o.min_pop > total:
        out.append(
            Reason(
                f"{k}圏域 × --min-pop {o.min_pop:,.0f}人が人口の合計 {total:,.0f}人を超えています",
                f"{k} × --min-pop exceeds the total population",
            )
        )
    if p.pop_known and o.max_pop is not None and k * o.max_pop < total:
        out.append(
            Reason(
                f"{k}圏域 × --max-pop {o.max_pop:,.0f}人では人口の合計 {total:,.0f}人に足りません",
                f"{k} × --max-pop is below the total population",
            )
        )
    return out
