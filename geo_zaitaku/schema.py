"""The facility schema: every field a facility has, and every kind, in one place.

Readers (:mod:`geo_zaitaku.sources.facilities`, the presets, the import log), the
checks, the tables and the maps take their field lists from here; the maps' script
receives the flag names and bits with its data (``data.flags``), so it holds no
numbers of its own. Wording (Japanese and English names of kinds and functions) is in
:mod:`geo_zaitaku.labels`, keyed by the ids defined here.

To add a facility field: add it here (to :data:`FLAG_FIELDS` for a yes/no field, else
:data:`TEXT_FIELDS`), give it header spellings in ``data/presets/canonical.toml`` and,
for a care function, a name in :data:`geo_zaitaku.labels.FUNCTIONS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: Roles a facility can have in a plan.
ROLE_FIELDS = ("key_institution", "hub")
#: The four care functions (their names: :data:`geo_zaitaku.labels.FUNCTIONS`).
FUNCTION_FIELDS = ("discharge", "daily", "emergency", "end_of_life")
#: Yes/no fields (an empty cell is unknown).
FLAG_FIELDS = (*ROLE_FIELDS, "is_24h", *FUNCTION_FIELDS)
#: Bit of each yes/no field in the maps' compact table.
FLAG_BITS: Mapping[str, int] = MappingProxyType({f: 1 << i for i, f in enumerate(FLAG_FIELDS)})
#: Kinds that are not medical institutions (医療機関: hospitals, clinics, dental clinics),
#: so cannot be the 24-hour key institution of an area (in principle chosen among
#: 在宅療養支援診療所・病院); kinds written as free text are not judged.
NON_MEDICAL_KINDS = frozenset(
    {
        "visiting_nursing",
        "pharmacy",
        "home_rehab",
        "community_support",
        "care_management",
        "care_facility",
        "medical_association",
        "health_center",
        "municipality",
    }
)
#: Text fields.
TEXT_FIELDS = ("id", "name", "kind", "phone", "address", "url")
#: How exact a facility's point is: empty when the point is the facility's own (given
#: in the file), :data:`TOWN_POSITION` when it is the representative point of its
#: 大字・町丁目 (位置参照情報), shown as 「町丁目の位置」 (:data:`geo_zaitaku.labels.POSITIONS`).
POSITION_FIELD = "position"
#: The ``position`` of a town-level point.
TOWN_POSITION = "town"
#: Columns of the canonical facility CSV, in order.
CANONICAL_FIELDS = (
    "id", "name", "kind", "lat", "lon", "municipality_code", *FLAG_FIELDS, "phone", "address", "url",
    POSITION_FIELD,
)  # fmt: skip
#: How and from where each facility was read.
PLACEMENT_FIELDS = ("unit", "placed_by", "source", "line")
#: Columns of the facilities frame, in order.
FACILITY_COLUMNS = (
    "id", "name", "kind", *FLAG_FIELDS, "phone", "address", "url", "municipality_code",
    *PLACEMENT_FIELDS, POSITION_FIELD, "lon", "lat", "geometry",
)  # fmt: skip

#: Facility kinds, in display order, with their map colours (Okabe-Ito and Paul Tol
#: "muted" palettes, both designed for colour-vision deficiencies; markers also differ
#: in shape by role). Names: :data:`geo_zaitaku.labels.KINDS`.
KINDS: Mapping[str, str] = MappingProxyType(
    {
        "support_clinic": "#0072B2",
        "support_hospital": "#D55E00",
        "hospital": "#CC79A7",
        "clinic": "#56B4E9",
        "backup_hospital": "#882255",
        "visiting_nursing": "#009E73",
        "dental": "#E69F00",
        "support_dental": "#DDCC77",
        "pharmacy": "#F0E442",
        "home_rehab": "#44AA99",
        "community_support": "#332288",
        "care_management": "#999933",
        "care_facility": "#AA4499",
        "medical_association": "#000000",
        "health_center": "#117733",
        "municipality": "#888888",
        "other": "#DDDDDD",
    }
)
#: The kind of a facility whose kind is not known.
OTHER_KIND = "other"
