"""Check thresholds: the ``[checks]`` table of a plan, CLI options, or defaults.

Every numeric threshold has one allowed range, in :data:`LIMITS`; the ``[checks]``
table, the CLI options (``--reach-km`` …, see :mod:`geo_zaitaku.cli._options`), the
``settings`` overrides of :func:`geo_zaitaku.check_plan` and :class:`CheckConfig`
itself are all checked against it by :func:`check_value`, so the messages and the
validation always agree.

Whole-number settings (``min_key_institutions``, ``min_hubs``, ``people_per_hub``)
accept an integer or a float without a fractional part (``2`` or ``2.0``; TOML and
the CLI alike); ``1.5``, ``inf`` and ``nan`` are errors. ``reach_km`` accepts any
finite number above 0 up to :data:`MAX_REACH_KM`, ``reach_min`` (travel time on a
road network) any above 0 up to :data:`MAX_REACH_MIN`. Booleans are never numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from geo_zaitaku import labels, settings
from geo_zaitaku._errors import InputError

SEVERITIES = ("error", "warning", "info")
#: Largest ``reach_km`` accepted (km): more than any distance within Japan.
MAX_REACH_KM = 10_000.0
#: Largest ``reach_min`` accepted (minutes): a day.
MAX_REACH_MIN = 1_440.0
#: Largest count of key institutions or hubs an area may be required to have.
MAX_COUNT = 1_000
#: Largest ``people_per_hub`` accepted (more than the population of Japan).
MAX_PEOPLE_PER_HUB = 1_000_000_000


@dataclass(frozen=True)
class Limit:
    """The allowed range of one numeric setting.

    Attributes
    ----------
    low, high
        Smallest and largest value allowed (``high`` inclusive).
    integer
        Whether the value must be a whole number.
    low_open
        Whether ``low`` itself is excluded (``reach_km > 0``).
    unit
        Unit shown in messages, in Japanese (``"km"``, ``"人"``, ``"か所"``).
    """

    low: float
    high: float
    integer: bool
    low_open: bool = False
    unit: str = ""

    def describe(self) -> tuple[str, str]:
        """The range in words: (Japanese, English) (wording in :data:`geo_zaitaku.labels.RANGES`)."""
        kind = "integer" if self.integer else ("above" if self.low_open else "between")
        unit = labels.ERROR_PARTS["range_unit"].format(unit=self.unit) if self.unit else ""
        words = labels.RANGES[kind].format(low=f"{self.low:,.0f}", high=f"{self.high:,.0f}", unit=unit)
        return words.ja, words.en

    def accepts(self, value: float) -> bool:
        """Whether a finite number lies in the range (and is whole when required)."""
        if not math.isfinite(value):
            return False
        if self.integer and value != math.floor(value):
            return False
        if value < self.low or (self.low_open and value == self.low):
            return False
        return value <= self.high


#: The allowed range of every numeric setting of :class:`CheckConfig` (one table for
#: validation and messages alike).
LIMITS: Mapping[str, Limit] = MappingProxyType(
    {
        "min_key_institutions": Limit(0, MAX_COUNT, integer=True, unit="か所"),
        "min_hubs": Limit(0, MAX_COUNT, integer=True, unit="か所"),
        "people_per_hub": Limit(1, MAX_PEOPLE_PER_HUB, integer=True, unit="人"),
        "reach_km": Limit(0, MAX_REACH_KM, integer=False, low_open=True, unit="km"),
        "reach_min": Limit(0, MAX_REACH_MIN, integer=False, low_open=True, unit="分"),
    }
)


def check_value(key: str, value: object, *, path: str | Path | None = None, where: str | None = None) -> Any:
    """Validate one numeric setting against :data:`LIMITS` and return it typed.

    Parameters
    ----------
    key
        Setting name (a key of :data:`LIMITS`).
    value
        The value given: an ``int`` or ``float`` (not a ``bool``).
    path
        File the value comes from, for messages.
    where
        What the message names (default ``"[checks] <key>"``; the CLI passes
        ``"--reach-km"``).

    Returns
    -------
    int or float
        ``int`` for whole-number settings, ``float`` for ``reach_km`` and ``reach_min``.

    Raises
    ------
    InputError
        Not a number, not finite, not whole when it must be, or out of range (the
        message gives the allowed range and the value given).

    Examples
    --------
    >>> check_value("min_hubs", 2.0), check_value("reach_km", 16)
    (2, 16.0)
    """
    limit = LIMITS[key]
    number: int | float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    if isinstance(number, int):  # compared exactly: an int may be too large for a float
        ok = limit.low <= number <= limit.high and not (limit.low_open and number == limit.low)
    else:
        ok = number is not None and limit.accepts(number)
    if number is None or not ok:
        ja, en = limit.describe()
        shown = shown_value(value)
        raise InputError(
            labels.error("setting_out_of_range", shown=shown, range=ja, range_en=en),
            path=path,
            where=where or f"[checks] {key}",
        )
    return int(number) if limit.integer else float(number)


@dataclass(frozen=True)
class CheckConfig:
    """Thresholds and severities used by the checks.

    Numeric thresholds must lie in their range of :data:`LIMITS` (checked on
    construction, so a config with ``nan`` or ``inf`` cannot exist).

    Attributes
    ----------
    min_key_institutions
        Key institutions (24-hour) each area needs (guideline: at least 1; 0-1,000).
    min_hubs
        Coordination hubs each area needs (guideline: at least 1; 0-1,000).
    people_per_hub
        Population per hub above which hub density is flagged (guideline 70,000-100,000;
        1-1,000,000,000).
    reach_km
        Distance from a unit to the nearest key institution of its area above which
        reach is flagged (16 km: the home-visit rule of the fee schedule; finite,
        > 0 and <= 10,000).
    reach_min
        The same threshold in minutes, used when costs are travel times on a road
        network (``--travel-time``; default 30; finite, > 0 and <= 1,440).
    point_contact
        Whether units touching at a single point count as neighbours for contiguity.
    functions_severity
        Severity of a missing care function (``"warning"`` by default: function data
        are often incomplete; set ``"error"`` to enforce).
    reach_severity, density_severity
        Severities of the reach and hub-density findings.

    Raises
    ------
    InputError
        A numeric threshold out of its range (``where`` names the attribute).
    """

    min_key_institutions: int = settings.min_key_institutions
    min_hubs: int = settings.min_hubs
    people_per_hub: int = settings.people_per_hub
    reach_km: float = settings.reach_km
    reach_min: float = settings.reach_min
    point_contact: bool = settings.point_contact
    functions_severity: str = "warning"
    reach_severity: str = "warning"
    density_severity: str = "warning"

    def __post_init__(self) -> None:
        for key in LIMITS:
            object.__setattr__(self, key, check_value(key, getattr(self, key), where=f"CheckConfig.{key}"))

    @classmethod
    def from_settings(cls) -> CheckConfig:
        """Defaults as currently set in :mod:`geo_zaitaku.settings`.

        Raises
        ------
        InputError
            A setting out of its range (``where`` names ``geo_zaitaku.settings.<name>``).
        """
        values = {
            key: getattr(settings, key)
            for key in ("min_key_institutions", "min_hubs", "people_per_hub", "reach_km", "reach_min")
        }
        for key, value in values.items():
            values[key] = check_value(key, value, where=f"geo_zaitaku.settings.{key}")
        return cls(**values, point_contact=settings.point_contact)

    def reach_limit(self, measure: str = "km") -> float:
        """The reach threshold in a cost measure: :attr:`reach_min` for ``"min"``
        (travel time), else :attr:`reach_km`."""
        return self.reach_min if measure == "min" else self.reach_km

    def updated(
        self,
        values: Mapping[str, Any],
        *,
        path: str | Path | None = None,
        source: str = "checks",
    ) -> CheckConfig:
        """Return a copy with ``values`` applied, validating names, types and ranges.

        Parameters
        ----------
        values
            Mapping of attribute name to value (``None`` values are ignored).
        path
            File the values come from, for messages.
        source
            Where the values come from, for messages: ``"checks"`` (a plan's
            ``[checks]`` table: messages name ``[checks] reach_km``) or ``"cli"``
            (options: messages name ``--reach-km``); any other word names a
            mapping (``"settings"`` -> ``settings['reach_km']``).

        Raises
        ------
        InputError
            Unknown key, wrong type, or a value out of range (see :data:`LIMITS`).
        """
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            where = setting_name(key, source)
            if key not in known:
                raise InputError(
                    labels.error("setting_unknown", known=", ".join(known)),
                    path=path,
                    where=where,
                )
            current = getattr(self, key)
            if key in LIMITS:
                value = check_value(key, value, path=path, where=where)
            elif isinstance(current, bool):
                if not isinstance(value, bool):
                    raise InputError(labels.error("setting_not_bool"), path=path, where=where)
            elif key.endswith("_severity") and value not in SEVERITIES:
                raise InputError(
                    labels.error("setting_not_severity", value=value),
                    path=path,
                    where=where,
                )
            changes[key] = value
        return replace(self, **changes)


def shown_value(value: object, width: int = 24) -> str:
    """A value as messages show it: its ``repr``, cut to ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def setting_name(key: str, source: str = "checks") -> str:
    """How messages name a setting.

    ``"[checks] reach_km"`` for a plan's table (``source="checks"``), the option
    ``"--reach-km"`` for ``source="cli"``, else ``"<source>['reach_km']"`` (for example
    ``settings['reach_km']``, the argument of :func:`geo_zaitaku.check_plan`).
    """
    if source == "cli":
        return "--" + key.replace("_", "-")
    if source == "checks":
        return f"[checks] {key}"
    return f"{source}[{key!r}]"
