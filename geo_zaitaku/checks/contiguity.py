"""Contiguity: each area is one connected piece of the units graph.

Shared borders of positive length and declared links ([[links]]: bridges, ferries)
connect units; touching at a single point does not, unless ``point_contact`` is set.
"""

from __future__ import annotations

from geo_zaitaku import labels
from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule
from geo_zaitaku.graph import POINT
from geo_zaitaku.plan import Plan


@rule("contiguity")
def check_contiguity(ctx: CheckContext) -> list[Finding]:
    """Report areas in several pieces (error), listing the pieces by name; point
    contacts that would join two pieces and units with no neighbour at all (info)."""
    plan = ctx.plan
    out: list[Finding] = []
    point_edges = [(a, b) for a, b, kind in ctx.edges if kind == POINT]
    for area, pieces in ctx.components.items():
        if len(pieces) <= 1:
            continue
        names = [_piece_names(plan, piece) for piece in pieces]
        out.append(
            finding(
                "error",
                "not_contiguous",
                area=area,
                units=tuple(c for piece in pieces[1:] for c in piece),
                n=len(pieces),
                pieces=" / ".join(names),
                pieces_en=" | ".join(names),
            )
        )
        if not ctx.config.point_contact:
            piece_of = {c: i for i, piece in enumerate(pieces) for c in piece}
            for a, b in point_edges:
                if a in piece_of and b in piece_of and piece_of[a] != piece_of[b]:
                    out.append(
                        finding(
                            "info",
                            "point_contact",
                            area=area,
                            units=(a, b),
                            a=plan.unit_name(a),
                            b=plan.unit_name(b),
                        )
                    )
    for code in sorted(c for c, near in ctx.neighbours.items() if not near):  # islands
        out.append(
            finding(
                "info",
                "island_unit",
                area=plan.assignment.get(code),
                units=(code,),
                unit=plan.unit_name(code),
            )
        )
    return out


def _piece_names(plan: Plan, piece: tuple[str, ...], limit: int = 5) -> str:
    """Names of a piece's units; a long piece is shortened to its first three names."""
    names = [plan.unit_name(c) for c in piece]
    if len(names) <= limit:
        return "・".join(names)
    return "・".join(names[:3]) + labels.TEXT["and_more"].format(n=len(names) - 3)
