"""Check thresholds: the ``[checks]`` table of a plan, CLI options, or defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from geo_zaitaku import settings
from geo_zaitaku._errors import InputError

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class CheckConfig:
    """Thresholds and severities used by the checks.

    Attributes
    ----------
    min_key_institutions
        Key institutions (24-hour) each area needs (guideline: at least 1).
    min_hubs
        Coordination hubs each area needs (guideline: at least 1).
    people_per_hub
        Population per hub above which hub density is flagged (guideline 70,000-100,000).
    reach_km
        Distance from a unit to the nearest key institution of its area above which
        reach is flagged (16 km: the home-visit rule of the fee schedule).
    point_contact
        Whether units touching at a single point count as neighbours for contiguity.
    functions_severity
        Severity of a missing care function (``"warning"`` by default: function data
        are often incomplete; set ``"error"`` to enforce).
    reach_severity, density_severity
        Severities of the reach and hub-density findings.
    """

    min_key_institutions: int = settings.min_key_institutions
    min_hubs: int = settings.min_hubs
    people_per_hub: int = settings.people_per_hub
    reach_km: float = settings.reach_km
    point_contact: bool = settings.point_contact
    functions_severity: str = "warning"
    reach_severity: str = "warning"
    density_severity: str = "warning"

    @classmethod
    def from_settings(cls) -> CheckConfig:
        """Defaults as currently set in :mod:`geo_zaitaku.settings`."""
        return cls(
            min_key_institutions=settings.min_key_institutions,
            min_hubs=settings.min_hubs,
            people_per_hub=settings.people_per_hub,
            reach_km=settings.reach_km,
            point_contact=settings.point_contact,
        )

    def updated(self, values: Mapping[str, Any], *, path: str | Path | None = None) -> CheckConfig:
        """Return a copy with ``values`` applied, validating names and types.

        Parameters
        ----------
        values
            Mapping of attribute name to value (``None`` values are ignored).
        path
            File the values come from, for messages.

        Raises
        ------
        InputError
            Unknown key, wrong type, or a value out of range.
        """
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            where = f"[checks] {key}"
            if key not in known:
                raise InputError(
                    f"未知の設定です。使える設定: {', '.join(known)} / unknown setting.",
                    path=path,
                    where=where,
                )
            current = getattr(self, key)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise InputError(
                        "true か false を指定してください。 / must be true or false.", path=path, where=where
                    )
            elif isinstance(current, int | float):
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise InputError(
                        "0以上の数値を指定してください。 / must be a number >= 0.", path=path, where=where
                    )
                value = type(current)(value)
            elif key.endswith("_severity") and value not in SEVERITIES:
                raise InputError(
                    f"error・warning・info のいずれかを指定してください（指定値: {value!r}）。 / must be error, warning or info.",
                    path=path,
                    where=where,
                )
            changes[key] = value
        return replace(self, **changes)
