"""Synthetic inputs shared by the benchmarks: plans with one area per prefecture and
random points inside polygons (never committed; generated at run time)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import shapely

#: Facility kinds the benchmarks cycle through (those a plan and the maps distinguish).
FACILITY_KINDS = (
    "support_clinic",
    "clinic",
    "hospital",
    "support_hospital",
    "visiting_nursing",
    "dental",
    "pharmacy",
    "community_support",
    "care_management",
)


def points_in(
    geoms: np.ndarray, n: int, rng: np.random.Generator, *, tries: int = 100
) -> list[tuple[int, float, float]]:
    """``n`` random points inside polygons, polygons drawn in proportion to their area.

    Returns (polygon index, x, y) triples; a polygon that rejects every try gives its
    representative point.
    """
    weights = shapely.area(geoms)
    out = []
    for k in rng.choice(len(geoms), size=n, p=weights / weights.sum()):
        g = geoms[k]
        x0, y0, x1, y1 = g.bounds
        for _ in range(tries):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            if g.contains(shapely.Point(x, y)):
                break
        else:
            p = g.representative_point()
            x, y = p.x, p.y
        out.append((int(k), float(x), float(y)))
    return out


def plan_by_prefecture(codes: Iterable[str], path: Path, *, name: str = "全国（都道府県ごと）") -> Path:
    """Write a ward-level plan with one area per prefecture (area name = prefecture code)."""
    by_pref: dict[str, list[str]] = {}
    for code in sorted(codes):
        by_pref.setdefault(code[:2], []).append(code)
    lines = [f'[plan]\nname = "{name}"\nunits = "ward"\n[areas]']
    lines += [f'"{p}" = [{", ".join(chr(34) + c + chr(34) for c in cs)}]' for p, cs in by_pref.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
