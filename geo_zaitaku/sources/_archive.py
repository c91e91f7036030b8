"""Check and unpack zip archives without trusting them.

What the functions here guarantee:

- Nothing is read from an archive before every entry has been checked
  (:func:`check_zip`), including the entries that will not be unpacked.
- Entries are refused (:func:`unsafe_entry`) when their name is absolute (``/x``,
  ``C:x``, ``\\\\server``), has a ``..`` component, a NUL character or a colon, or when
  they are symlinks, other special files or encrypted; one refused entry refuses the
  whole archive.
- The number of entries (:data:`MAX_ENTRIES`) and the total unpacked size
  (:data:`MAX_UNPACKED_BYTES`) are capped: the declared sizes are added up before
  unpacking, and :func:`safe_extract` counts the bytes it actually writes, so an entry
  that lies about its size is cut off at the cap too (zip bombs).
- :func:`safe_extract` writes only inside its target folder, never overwrites an
  existing file, and removes what it wrote when it fails.
- A file that is not a zip (empty, HTML page, truncated, corrupt) and every refusal
  raise :class:`~geo_zaitaku._errors.InputError`, or
  :class:`~geo_zaitaku._errors.FetchError` naming the URL when the file was just
  downloaded; no :mod:`zipfile` or :mod:`zlib` exception escapes.

The code knows nothing about what the archive holds: choosing the members to unpack
is the caller's business (see :mod:`geo_zaitaku.sources.fetch`). Some messages still ask
whether the file is an N03 zip, or suggest ``--force``; that wording is its only
caller's.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from geo_zaitaku import labels
from geo_zaitaku._errors import FetchError, InputError, size_text

#: Largest total unpacked size of the archive accepted by default (bytes; 2 GB).
MAX_UNPACKED_BYTES = 2_000_000_000
#: Most entries an archive may hold by default.
MAX_ENTRIES = 1_000
#: An entry over this size that unpacks to more than ``BOMB_RATIO`` times its packed
#: size is refused as a zip bomb (text and geometry pack 5-20 to 1).
BOMB_MIN_BYTES = 100_000_000
BOMB_RATIO = 200

_CHUNK = 1 << 16


def unsafe_entry(info: zipfile.ZipInfo) -> labels.Message | None:
    """Return why an archive entry must not be unpacked, or ``None`` if it is safe.

    Refused: absolute paths (``/x``, ``C:x``, ``\\\\server``), ``..`` components,
    NUL characters and colons, symlinks and other special files (Unix mode in the external
    attributes), and encrypted entries.

    Parameters
    ----------
    info
        The entry.

    Returns
    -------
    Message or None
        The reason, in Japanese and English (:data:`geo_zaitaku.labels.ZIP_ENTRY_PROBLEMS`).
    """
    name = info.filename
    if "\x00" in name:
        return labels.ZIP_ENTRY_PROBLEMS["nul"]
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"[A-Za-z]:", posix):
        return labels.ZIP_ENTRY_PROBLEMS["absolute"]
    if ".." in posix.split("/"):
        return labels.ZIP_ENTRY_PROBLEMS["parent"]
    if ":" in posix:
        return labels.ZIP_ENTRY_PROBLEMS["colon"]
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return labels.ZIP_ENTRY_PROBLEMS["symlink"]
    kind = stat.S_IFMT(mode)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return labels.ZIP_ENTRY_PROBLEMS["special"]
    if info.flag_bits & 0x1:
        return labels.ZIP_ENTRY_PROBLEMS["encrypted"]
    return None


def check_zip(
    path: str | Path,
    *,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_entries: int = MAX_ENTRIES,
    url: str | None = None,
) -> list[zipfile.ZipInfo]:
    """Check an archive before anything is read from it.

    Parameters
    ----------
    path
        The zip file.
    max_unpacked
        Largest total unpacked size (sum of the entries' declared sizes).
    max_entries
        Most entries.
    url
        Where the file came from, for messages about a download.

    Returns
    -------
    list of zipfile.ZipInfo
        The entries, all safe.

    Raises
    ------
    InputError
        Not a zip (or a truncated one), too many entries, too large unpacked, or an
        entry refused by :func:`unsafe_entry` (a :class:`FetchError` when ``url`` is
        given).
    """
    path = Path(path)
    where = {"url": url} if url else {"path": path}
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise _not_a_zip(path, exc, url=url) from None
    if len(infos) > max_entries:
        raise _error(
            labels.error("zip_too_many_entries", max_entries=max_entries, n=len(infos)),
            **where,
        )
    total = 0
    for info in infos:
        reason = unsafe_entry(info)
        if reason:
            raise _error(
                labels.error("zip_unsafe_entry", filename=info.filename, reason=reason),
                **where,
            )
        if info.file_size > BOMB_MIN_BYTES and info.file_size > BOMB_RATIO * max(info.compress_size, 1):
            raise _error(  # a bomb: geographic data packs 5-20 to 1, not hundreds
                labels.error(
                    "zip_bomb",
                    filename=info.filename,
                    size=size_text(info.file_size),
                    packed=size_text(info.compress_size),
                ),
                **where,
            )
        total += info.file_size
    if total > max_unpacked:
        raise _error(
            labels.error("zip_too_large", size=size_text(total), limit=size_text(max_unpacked)),
            **where,
        )
    return infos


def safe_extract(
    path: str | Path,
    target_dir: str | Path,
    *,
    members: Iterable[str] | None = None,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_entries: int = MAX_ENTRIES,
) -> list[Path]:
    """Unpack (some of) an archive into a folder, refusing anything unsafe.

    Every entry of the archive is checked first (:func:`check_zip`), whether it is to
    be unpacked or not; then the chosen entries are copied out, counting the bytes
    actually produced (so an entry that lies about its size is still capped), never
    overwriting an existing file and never writing outside ``target_dir``. On an
    error the files written so far are removed.

    Parameters
    ----------
    path
        The zip file.
    target_dir
        Destination folder (created if needed).
    members
        Entry names to unpack (default: every file).
    max_unpacked
        Largest total size unpacked.
    max_entries
        Most entries in the archive.

    Returns
    -------
    list of pathlib.Path
        The files written, in archive order.

    Raises
    ------
    InputError
        Unsafe, corrupt or oversized archive, a requested member missing, or a file
        already present in ``target_dir``.
    """
    path = Path(path)
    infos = check_zip(path, max_unpacked=max_unpacked, max_entries=max_entries)
    root = Path(target_dir)
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    wanted = None if members is None else set(members)
    missing = set() if wanted is None else wanted - {i.filename for i in infos}
    if missing:
        raise InputError(labels.error("zip_missing_members", members=sorted(missing)), path=path)
    written: list[Path] = []
    total = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                if info.is_dir() or (wanted is not None and info.filename not in wanted):
                    continue
                dest = (root / info.filename.replace("\\", "/")).resolve()
                if not dest.is_relative_to(root) or dest == root:
                    raise InputError(
                        labels.error("zip_entry_outside", filename=info.filename),
                        path=path,
                    )
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "xb") as out:
                    written.append(dest)
                    while chunk := src.read(_CHUNK):
                        total += len(chunk)
                        if total > max_unpacked:
                            raise InputError(
                                labels.error("zip_unpacked_too_large", limit=size_text(max_unpacked)),
                                path=path,
                            )
                        out.write(chunk)
    except BaseException as exc:
        for f in written:
            f.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise InputError(
                labels.error("zip_target_exists", filename=exc.filename),
                path=path,
            ) from None
        if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
            raise _not_a_zip(path, exc) from None
        raise
    return written


def _error(message: labels.Message, *, url: str | None = None, path: Path | None = None) -> InputError:
    """A :class:`FetchError` naming ``url`` when there is one, else an InputError naming ``path``."""
    return FetchError(message, url=url) if url else InputError(message, path=path)


def _not_a_zip(path: Path, exc: BaseException, *, url: str | None = None) -> InputError:
    """Say what the file is instead of a zip: cut short, empty, or (an HTML page) something else."""
    head = b""
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        pass
    if head.startswith(b"PK"):
        return _error(labels.error("zip_truncated", error=exc), url=url, path=path)
    if not head:
        return _error(labels.error("file_empty", what=labels.FILES["file"]), url=url, path=path)
    text = head.decode("utf-8", "replace").strip()
    html = "<html" in text.lower() or "<!doctype" in text.lower()
    hint = labels.ERROR_PARTS["html_page"] if html else ""
    return _error(labels.error("zip_not_zip", hint=hint, head=text[:60]), url=url, path=path)
