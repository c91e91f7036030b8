"""Exception classes, and the byte-size wording their messages share.

Every error a user can cause by giving unusable input is an :class:`InputError`.
Its message names the file and the row or key concerned and says what to do;
the CLI prints it without a traceback and exits with status 2. A failed or unusable
download is a :class:`FetchError`, an :class:`InputError` that names the URL.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from geo_zaitaku import labels
from geo_zaitaku.labels import Message


class GeoZaitakuError(Exception):
    """Base class of the errors raised by geo_zaitaku."""


class InputError(GeoZaitakuError, ValueError):
    """A file or value given by the user cannot be used.

    Parameters
    ----------
    message
        What is wrong and what to do: a :class:`~geo_zaitaku.labels.Message` of
        :data:`geo_zaitaku.labels.ERRORS` (made with :func:`geo_zaitaku.labels.error`).
        A plain ``"日本語 / English"`` text is still accepted (read with
        :meth:`~geo_zaitaku.labels.Message.from_text`) for callers not yet converted.
    path
        The file concerned, when there is one.
    where
        The row, line or key inside the file (for example ``"行 12"`` or ``"[areas]"``).

    Attributes
    ----------
    message
        The :class:`~geo_zaitaku.labels.Message` (its ``ja`` and ``en`` halves).
    detail
        The message as one text, ``"日本語 / English"`` (``str(exc)`` without the
        path and place).

    ``str(exc)`` is ``"path (where): message"``. A path holding control characters
    (a NUL byte, a line break, an escape) is shown with :func:`repr`
    (``'a\\x00b'``), so that the message shows them and the terminal does not act
    on them.
    """

    def __init__(
        self, message: Message | str, *, path: str | Path | None = None, where: str | None = None
    ) -> None:
        self.path = None if path is None else Path(path)
        self.where = where
        self.message = Message.from_text(message)
        self.detail = str(self.message)
        prefix = ""
        if self.path is not None:
            prefix = show_path(self.path)
            if where:
                prefix += f" ({where})"
            prefix += ": "
        elif where:
            prefix = f"{where}: "
        super().__init__(prefix + self.detail)


class FetchError(InputError):
    """A download failed or brought back something unusable.

    Parameters
    ----------
    message
        What went wrong and what to do, Japanese first, English after.
    url
        The URL concerned (shown before the message).
    """

    def __init__(self, message: Message | str, *, url: str) -> None:
        self.url = url
        super().__init__(message, where=url)


class GeometryError(InputError):
    """Boundary geometry that cannot be used (empty, invalid beyond repair, no code column)."""


class CacheError(InputError):
    """The cache folder cannot be used (the message says how to choose another)."""


def show_path(path: str | Path) -> str:
    """Return a path as messages write it: as it is (an absolute path inside the working
    folder relative to it, as the user named the plan), or with :func:`repr` when it
    holds control or format characters (``'a\\x00b'``).

    Parameters
    ----------
    path
        The path.

    Returns
    -------
    str

    Examples
    --------
    >>> show_path("施設 一覧.csv"), show_path("a\\x00b")
    ('施設 一覧.csv', "'a\\\\x00b'")
    """
    text = str(path)
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        return repr(text)
    if os.path.isabs(text):
        try:
            relative = os.path.relpath(text)
        except ValueError:  # another drive (Windows)
            return text
        if not relative.startswith(os.pardir):
            return relative
    return text


def size_text(n: int) -> str:
    """Return a byte count as messages write it.

    Parameters
    ----------
    n
        Bytes.

    Returns
    -------
    str
        ``1,234 バイト`` below 1 MB, else ``12.3 MB`` or ``1.2 GB`` (decimal units).

    Examples
    --------
    >>> size_text(1000), size_text(5_000_000), size_text(2_000_000_000)
    ('1,000 バイト', '5.0 MB', '2.0 GB')
    """
    if n >= 1_000_000_000:
        return f"{n / 1e9:,.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1e6:,.1f} MB"
    return labels.ERROR_PARTS["bytes"].format(n=n)
