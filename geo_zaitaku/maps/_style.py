"""Colours and line styles of the maps (colour-blind-safe palettes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from geo_zaitaku import schema

#: Paul Tol's "light" qualitative palette: fills that keep black text readable and stay
#: distinguishable for the common colour-vision deficiencies.
AREA_COLORS = (
    "#77AADD",
    "#EE8866",
    "#44BB99",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#BBCC33",
    "#AAAA00",
    "#DDDDDD",
)
#: Colours for kinds not in :data:`geo_zaitaku.schema.KINDS` (used in turn).
EXTRA_COLORS = ("#6699CC", "#EE7733", "#33BBEE", "#EE3377", "#BBBBBB", "#009988")
#: Sequential classes (viridis, light to dark) for choropleths.
SEQUENTIAL = ("#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154")
ERROR_COLOR = "#B00000"
#: Reference-layer outlines: (colour, dash array).
REFERENCE_STYLES = (("#0072B2", "10 6"), ("#D55E00", "2 6"), ("#009E73", "14 4 2 4"), ("#CC79A7", "6 3"))


def color_areas(names: Sequence[str], touching: Mapping[str, set[str]]) -> dict[str, str]:
    """Give every area a colour so that touching areas differ.

    Parameters
    ----------
    names
        Area names, in plan order.
    touching
        Area -> the areas it touches.

    Returns
    -------
    dict
        Area name -> colour from :data:`AREA_COLORS`: every area its own colour when
        the palette suffices; otherwise each area, most-connected first, takes the
        least-used colour that none of its coloured neighbours has (so colours are
        spread over the whole palette, not packed into four).
    """
    if len(names) <= len(AREA_COLORS):
        return {n: AREA_COLORS[i] for i, n in enumerate(names)}
    used = dict.fromkeys(AREA_COLORS, 0)
    out: dict[str, str] = {}
    order = sorted(names, key=lambda n: (-len(touching.get(n, ())), list(names).index(n)))
    for name in order:
        taken = {out[t] for t in touching.get(name, ()) if t in out}
        free = [c for c in AREA_COLORS if c not in taken] or list(AREA_COLORS)
        choice = min(free, key=lambda c: (used[c], AREA_COLORS.index(c)))
        out[name] = choice
        used[choice] += 1
    return {n: out[n] for n in names}


def kind_color(kind: str, position: int) -> str:
    """Colour of a facility kind (:data:`geo_zaitaku.schema.KINDS`; unknown kinds take
    :data:`EXTRA_COLORS` in turn)."""
    return schema.KINDS.get(kind) or EXTRA_COLORS[position % len(EXTRA_COLORS)]
