"""Download files over HTTP(S), capped in size and never half-written.

:func:`download` is the only way geo_zaitaku reads from the network. What it
guarantees:

- Only ``http`` and ``https`` URLs are fetched, and redirects are followed only to
  ``http``/``https`` URLs (:func:`check_scheme`); ``file:``, ``ftp:`` and the like are
  refused before anything is opened.
- The size is capped twice: an announced ``Content-Length`` above the cap is refused
  before the body is read, and the bytes actually received are counted while
  streaming, so a server that announces nothing (or lies) is cut off at the cap too.
- The body goes to a temporary file beside the target and is moved into place only
  when it is complete (as many bytes as announced) and the caller's ``verify`` accepted
  it; on any failure the temporary file is removed and the target is left as it was,
  so a partial download is never taken for a whole one.
- Every failure a user can meet (offline, DNS, connection refused, TLS, HTTP error
  status, timeout, truncated or oversized body) raises
  :class:`~geo_zaitaku._errors.FetchError` with a message naming the URL and saying
  what to do; no urllib or socket exception escapes.

The code knows nothing about the data downloaded: what to do with the file is the
caller's business (see :mod:`geo_zaitaku.sources.fetch`). Some messages still point at options
of ``geo-zaitaku fetch`` (``--units``, ``--max-mb``, ``--timeout``) and, for HTTP 404,
at the prefecture and year; that wording is its only caller's.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from geo_zaitaku import __version__, labels
from geo_zaitaku._errors import FetchError, size_text
from geo_zaitaku._io import atomic_path

#: Largest download accepted by default (bytes; 500 MB).
MAX_DOWNLOAD_BYTES = 500_000_000
#: Seconds without data from the server before giving up.
TIMEOUT = 60.0

_CHUNK = 1 << 16


def download(
    url: str,
    target: str | Path,
    *,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    timeout: float = TIMEOUT,
    progress: Callable[[int, int | None], None] | None = None,
    verify: Callable[[Path], object] | None = None,
) -> int:
    """Download ``url`` to ``target`` through a temporary file.

    The file appears at ``target`` only when the whole body was received (as many
    bytes as ``Content-Length`` announced), is not larger than ``max_bytes``, and
    ``verify`` (if given) accepted it; otherwise ``target`` is left as it was and the
    temporary file is removed.

    Parameters
    ----------
    url
        ``http`` or ``https`` URL (redirects to other schemes are refused).
    target
        Where the file goes.
    max_bytes
        Largest body accepted, checked against ``Content-Length`` before reading and
        against the bytes received while reading.
    timeout
        Seconds without data before giving up.
    progress
        Called with ``(bytes_so_far, total_or_None)`` after each chunk.
    verify
        Called with the temporary file before it is moved into place; raise to refuse.

    Returns
    -------
    int
        Bytes written.

    Raises
    ------
    FetchError
        Offline, DNS failure, connection refused, TLS failure, HTTP error status,
        timeout, announced or actual size above ``max_bytes``, truncated body.
    """
    check_scheme(url)
    request = urllib.request.Request(url, headers={"User-Agent": f"geo_zaitaku/{__version__}"})
    with atomic_path(target) as tmp:
        try:
            response = _opener().open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise _http_error(url, exc.code, str(exc.reason)) from None
        except urllib.error.URLError as exc:
            raise _connection_error(url, exc.reason, timeout) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _connection_error(url, exc, timeout) from None
        with response:
            total = _content_length(response)
            if total is not None and total > max_bytes:
                raise _too_large(url, max_bytes, announced=total)
            received = 0
            with open(tmp, "wb") as out:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except http.client.IncompleteRead as exc:
                        received += len(exc.partial)
                        raise _truncated(url, received, total) from None
                    except (OSError, http.client.HTTPException) as exc:
                        raise _connection_error(url, exc, timeout, during=received) from None
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > max_bytes:
                        raise _too_large(url, max_bytes)
                    out.write(chunk)
                    if progress is not None:
                        progress(received, total)
        if total is not None and received != total:
            raise _truncated(url, received, total)
        if verify is not None:
            verify(tmp)
    return received


def check_scheme(url: str) -> None:
    """Refuse a URL that is not ``http://host...`` or ``https://host...``.

    Parameters
    ----------
    url
        The URL to be fetched (or redirected to).

    Raises
    ------
    FetchError
        Another scheme (``file:``, ``ftp:``...), a bare path, or no host.
    """
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        parts = urllib.parse.SplitResult("", "", "", "", "")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(
            labels.error("url_scheme"),
            url=url,
        )


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_scheme(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_RedirectHandler)


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


#: HTTP statuses with their own hint (keys of :data:`geo_zaitaku.labels.ERROR_PARTS`).
_HTTP_HINTS = {404: "http_404", 403: "http_403", 407: "http_407"}


def _http_error(url: str, status: int, reason: str) -> FetchError:
    hint = _HTTP_HINTS.get(status, "http_server" if status >= 500 else "http_other")
    return FetchError(
        labels.error("http_status", status=status, reason=reason, hint=labels.ERROR_PARTS[hint]),
        url=url,
    )


def _connection_error(url: str, reason: object, timeout: float, *, during: int | None = None) -> FetchError:
    host = urllib.parse.urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        return FetchError(labels.error("connect_dns", host=host), url=url)
    if isinstance(reason, TimeoutError) and during:
        return FetchError(labels.error("download_timeout", host=host, timeout=timeout), url=url)
    if isinstance(reason, TimeoutError):
        return FetchError(labels.error("connect_timeout", host=host, timeout=timeout), url=url)
    if isinstance(reason, ConnectionRefusedError):
        return FetchError(labels.error("connect_refused", host=host), url=url)
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        return FetchError(labels.error("connect_tls", host=host, reason=reason), url=url)
    if during:
        return FetchError(labels.error("download_lost", reason=reason), url=url)
    return FetchError(labels.error("connect_failed", host=host, reason=reason), url=url)


def _truncated(url: str, received: int, total: int | None) -> FetchError:
    expected = "" if total is None else labels.ERROR_PARTS["announced"].format(total=total, received=received)
    return FetchError(
        labels.error(
            "download_truncated",
            expected=expected,
            received=received,
            total=total if total is not None else "?",
        ),
        url=url,
    )


def _too_large(url: str, limit: int, *, announced: int | None = None) -> FetchError:
    size = (
        size_text(announced)
        if announced is not None
        else labels.ERROR_PARTS["above_limit"].format(limit=size_text(limit))
    )
    return FetchError(
        labels.error("download_too_large", size=size, limit=size_text(limit)),
        url=url,
    )
