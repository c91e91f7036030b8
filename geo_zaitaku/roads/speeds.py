"""How fast a car goes on each kind of road, and how OSM tags are read for it.

A way is drivable when its ``highway`` class has a speed in the :class:`SpeedTable`
(defaults: :data:`DEFAULT_SPEEDS`, typical driving speeds on Japanese roads, below the
legal 60 km/h of general roads and 100 km/h of expressways) and its access for cars is
not ``no`` or ``private``. A tagged ``maxspeed`` (in Japan the legal limit, above the
typical speeds of the table) lowers the class speed but does not raise it, unless the
table says otherwise (``[maxspeed] use``). Ferries (``route=ferry``) take their
``duration`` when tagged, else :data:`FERRY_KMH`.

A speed table file (``--speeds SPEEDS.toml``) overrides the defaults::

    [highway]          # km/h per highway class
    motorway = 90
    residential = 15
    track = 10         # a known class left out by default is used once it has a speed

    [ferry]
    speed = 25         # km/h of ferries without a duration

    [maxspeed]
    use = "lower"      # a tagged maxspeed only lowers the class speed (default);
                       # "replace": it replaces it; "ignore": class speeds only
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import read_input_bytes, toml_error

#: Default speeds (km/h) per ``highway`` class: typical driving speeds in Japan
#: (expressways about 80, national roads 40-50, town streets 20), not legal limits.
#: How a tagged ``maxspeed`` is used (:attr:`SpeedTable.maxspeed`).
MAXSPEED_USES = ("lower", "replace", "ignore")
DEFAULT_SPEEDS: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 80.0,
        "motorway_link": 40.0,
        "trunk": 50.0,
        "trunk_link": 30.0,
        "primary": 40.0,
        "primary_link": 30.0,
        "secondary": 35.0,
        "secondary_link": 25.0,
        "tertiary": 30.0,
        "tertiary_link": 20.0,
        "unclassified": 25.0,
        "residential": 20.0,
        "living_street": 10.0,
        "service": 10.0,
        "road": 20.0,
    }
)
#: Classes a speed table may add (not driven by default: forest and farm tracks).
OPTIONAL_CLASSES = ("track",)
#: Every class a speed table may name.
KNOWN_CLASSES = (*DEFAULT_SPEEDS, *OPTIONAL_CLASSES)
#: Speed (km/h) of a ferry without a ``duration`` tag (about 11 knots).
FERRY_KMH = 20.0
#: Largest speed accepted (km/h).
MAX_KMH = 200.0
#: Access values that close a way to cars.
CLOSED = ("no", "private")
#: Access tags, most specific first (the first one present decides).
ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
#: Classes that are one-way without a ``oneway`` tag.
IMPLIED_ONEWAY = ("motorway",)
_MPH = 1.609344


@dataclass(frozen=True)
class SpeedTable:
    """Speeds used to time edges.

    Attributes
    ----------
    highway
        ``highway`` class -> km/h (only these classes are driven).
    ferry_kmh
        Speed of ferries without a ``duration``.
    source
        The file read, when not the defaults.
    maxspeed
        How a tagged ``maxspeed`` is used: ``"lower"`` (default: it lowers the class
        speed, never raises it), ``"replace"`` or ``"ignore"``.
    """

    highway: Mapping[str, float] = field(default_factory=lambda: DEFAULT_SPEEDS)
    ferry_kmh: float = FERRY_KMH
    source: str | None = None
    maxspeed: str = "lower"

    def way_speed(self, highway: str, tagged: float | None) -> float:
        """The speed of a way of class ``highway`` with a ``maxspeed`` of ``tagged``
        km/h (``None``: untagged), as :attr:`maxspeed` says."""
        speed = self.highway[highway]
        if tagged is None or self.maxspeed == "ignore":
            return speed
        return tagged if self.maxspeed == "replace" else min(tagged, speed)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (stored with the network)."""
        return {
            "highway": dict(self.highway),
            "ferry_kmh": self.ferry_kmh,
            "maxspeed": self.maxspeed,
            "source": self.source,
        }


def read_speeds(path: str | Path | None) -> SpeedTable:
    """Read a speed table TOML (see the module docstring); ``None`` gives the defaults.

    Raises
    ------
    InputError
        Malformed TOML, an unknown table or key, an unknown highway class (with the
        nearest known one), or a speed that is not a finite number above 0 and up to
        :data:`MAX_KMH`.
    """
    if path is None:
        return SpeedTable()
    p = Path(path)
    raw = read_input_bytes(p, what=labels.FILES["speeds"])
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(labels.error("speeds_bad_toml", error=toml_error(exc)), path=p) from None
    unknown = [k for k in data if k not in ("highway", "ferry", "maxspeed")]
    if unknown:
        raise InputError(
            labels.error("speeds_unknown_table", tables="highway, ferry, maxspeed"), path=p, where=unknown[0]
        )
    speeds = dict(DEFAULT_SPEEDS)
    table = data.get("highway", {})
    if not isinstance(table, dict):
        raise InputError(labels.error("speeds_not_table"), path=p, where="[highway]")
    for key, value in table.items():
        if key not in KNOWN_CLASSES:
            close = difflib.get_close_matches(key, KNOWN_CLASSES, n=1)
            hint = labels.ERROR_PARTS["did_you_mean"].format(name=close[0]) if close else ""
            raise InputError(
                labels.error("speeds_unknown_class", hint=hint, known=", ".join(KNOWN_CLASSES)),
                path=p,
                where=f"[highway] {key}",
            )
        speeds[key] = _speed(value, p, f"[highway] {key}")
    ferry = data.get("ferry", {})
    if not isinstance(ferry, dict):
        raise InputError(labels.error("speeds_not_table"), path=p, where="[ferry]")
    extra = [k for k in ferry if k != "speed"]
    if extra:
        raise InputError(
            labels.error("speeds_unknown_table", tables="speed"), path=p, where=f"[ferry] {extra[0]}"
        )
    ferry_kmh = _speed(ferry["speed"], p, "[ferry] speed") if "speed" in ferry else FERRY_KMH
    policy = data.get("maxspeed", {})
    if not isinstance(policy, dict) or any(k != "use" for k in policy):
        raise InputError(labels.error("speeds_unknown_table", tables="use"), path=p, where="[maxspeed]")
    use = policy.get("use", "lower")
    if use not in MAXSPEED_USES:
        raise InputError(
            labels.error("speeds_bad_maxspeed", uses=", ".join(MAXSPEED_USES)), path=p, where="[maxspeed] use"
        )
    return SpeedTable(MappingProxyType(speeds), ferry_kmh, str(p), use)


def _speed(value: object, path: Path, where: str) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not (math.isfinite(value) and 0 < value <= MAX_KMH):
        raise InputError(
            labels.error("speeds_bad_speed", shown=repr(value)[:24], high=f"{MAX_KMH:g}"),
            path=path,
            where=where,
        )
    return float(value)


_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*$", re.IGNORECASE)


def parse_maxspeed(value: str | None) -> float | None:
    """A ``maxspeed`` tag in km/h (``"50"``, ``"50 km/h"``, ``"30 mph"``; the first of
    ``"50;60"``), or ``None`` when absent or not a number (``"JP:urban"``, ``"none"``).

    Examples
    --------
    >>> parse_maxspeed("40"), parse_maxspeed("30 mph"), parse_maxspeed("signals")
    (40.0, 48.28032, None)
    """
    if not value:
        return None
    m = _NUMBER.match(value.split(";")[0])
    if m is None:
        return None
    kmh = float(m.group(1)) * (_MPH if (m.group(2) or "").lower() == "mph" else 1.0)
    return kmh if 0 < kmh <= MAX_KMH else None


_CLOCK = re.compile(r"^\s*(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?\s*$")
_ISO = re.compile(r"^\s*PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?\s*$", re.IGNORECASE)


def parse_duration(value: str | None) -> float | None:
    """A ferry's ``duration`` tag in minutes: ``"MM"``, ``"HH:MM"``, ``"HH:MM:SS"`` or
    ISO 8601 (``"PT1H30M"``); ``None`` when absent, unreadable or not above zero.

    Examples
    --------
    >>> parse_duration("45"), parse_duration("1:30"), parse_duration("PT2H5M"), parse_duration("?")
    (45.0, 90.0, 125.0, None)
    """
    if not value:
        return None
    minutes: float | None = None
    m = _CLOCK.match(value)
    if m is not None:
        a, b, c = m.groups()
        if b is None:
            minutes = float(a)
        else:
            minutes = float(a) * 60 + float(b) + (float(c) / 60 if c is not None else 0.0)
    else:
        iso = _ISO.match(value)
        if iso is not None and any(iso.groups()):
            h, mi, s = (float(g) if g else 0.0 for g in iso.groups())
            minutes = h * 60 + mi + s / 60
    return minutes if minutes is not None and minutes > 0 else None


def car_access(tags: Mapping[str, str] | object, keys: tuple[str, ...] = ACCESS_KEYS) -> bool:
    """Whether cars may use a way: the most specific access tag present is not closed."""
    for key in keys:
        value = tags.get(key)  # type: ignore[attr-defined]
        if value is not None:
            return value not in CLOSED
    return True


def direction(tags: Mapping[str, str] | object, highway: str | None) -> int | None:
    """Direction of travel: ``1`` along the way, ``-1`` against it, ``0`` both, ``None``
    not drivable (``oneway=reversible`` / ``alternating``)."""
    value = tags.get("oneway")  # type: ignore[attr-defined]
    if value in ("yes", "true", "1"):
        return 1
    if value in ("-1", "reverse"):
        return -1
    if value in ("no", "false", "0"):
        return 0
    if value in ("reversible", "alternating"):
        return None
    if highway in IMPLIED_ONEWAY or tags.get("junction") in ("roundabout", "circular"):  # type: ignore[attr-defined]
        return 1
    return 0
