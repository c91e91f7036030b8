"""Exception classes.

Every error a user can cause by giving unusable input is an :class:`InputError`.
Its message names the file and the row or key concerned and says what to do;
the CLI prints it without a traceback and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path


class GeoZaitakuError(Exception):
    """Base class of the errors raised by geo_zaitaku."""


class InputError(GeoZaitakuError, ValueError):
    """A file or value given by the user cannot be used.

    Parameters
    ----------
    message
        What is wrong and what to do, in Japanese first, English after.
    path
        The file concerned, when there is one.
    where
        The row, line or key inside the file (for example ``"行 12"`` or ``"[areas]"``).
    """

    def __init__(self, message: str, *, path: str | Path | None = None, where: str | None = None) -> None:
        self.path = None if path is None else Path(path)
        self.where = where
        self.detail = message
        prefix = ""
        if self.path is not None:
            prefix = f"{self.path}"
            if where:
                prefix += f" ({where})"
            prefix += ": "
        elif where:
            prefix = f"{where}: "
        super().__init__(prefix + message)


class GeometryError(InputError):
    """Boundary geometry that cannot be used (empty, invalid beyond repair, no code column)."""


class CacheError(GeoZaitakuError):
    """The cache directory cannot be used."""
