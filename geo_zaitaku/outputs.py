"""A command's outputs, written as one set.

Every command writes its files into a hidden staging folder beside the output folder
first; only when all of them are written are they moved into place, one
``os.replace`` each. Before anything is moved, every target is compared with the
command's input files: an output that would replace an input (``--out`` pointing at
the facility CSV, a report file name that is also an input) is refused with an
:class:`~geo_zaitaku.InputError` and nothing is written.

The folder's ``run.json`` says what each command wrote and when. It is written before
the files are moved (``"complete": false``) and again after (``"complete": true``), so
a run interrupted while moving files leaves a manifest that says so instead of a
folder where old and new files are silently mixed. When a run fails, the staging
folder and everything in it is removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo_zaitaku import __version__, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import write_text

#: The manifest of an output folder.
MANIFEST = "run.json"
#: A ``run.json`` larger than this is no manifest of ours (it lists a few hundred names).
MANIFEST_LIMIT = 16 * 1024 * 1024


@dataclass
class Stage:
    """Where a command writes its outputs before they are moved into place.

    Attributes
    ----------
    directory
        The output folder (created when the outputs are committed).
    dir
        The staging folder to write into (a hidden sibling of ``directory``).
    inputs
        The command's input files (never overwritten).
    command
        The command, for the manifest (``"check"``, ``"map areas"`` …).
    written
        The final paths, after :meth:`commit`.
    """

    directory: Path
    dir: Path
    inputs: tuple[Path, ...]
    command: str
    written: list[Path] = field(default_factory=list)

    def path(self, name: str | Path) -> Path:
        """The staging path of an output named ``name`` (relative to the output folder)."""
        target = self.dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def final(self, staged: Path) -> Path:
        """The final path of a file written under :attr:`dir`."""
        return self.directory / Path(staged).relative_to(self.dir)

    def commit(self) -> list[Path]:
        """Check the targets against the inputs, then move every staged file into place
        and record the run in the folder's ``run.json``."""
        files = sorted(p for p in self.dir.rglob("*") if p.is_file())
        targets = [self.final(p) for p in files]
        runs = _earlier_runs(self.directory, self.inputs)
        for target in targets:
            clash = _input_at(target, self.inputs)
            if clash is not None:
                raise InputError(
                    labels.error("output_is_input_folder", target=target, clash=clash),
                    where="--out",
                )
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                labels.error("output_unwritable", error=_os_reason(exc)), path=self.directory, where="--out"
            ) from None
        for target in targets:  # nothing is moved while one of them cannot be replaced
            if target.is_dir() or any(
                p.exists() and not p.is_dir()
                for p in target.parents
                if p != self.directory and self.directory in p.parents
            ):
                raise InputError(labels.error("output_target_folder", target=target), where="--out")
        names = [str(t.relative_to(self.directory)) for t in targets]
        earlier = _files_of(runs, self.command)
        _write_manifest(self.directory, runs, self.command, names, complete=False)
        for staged, target in zip(files, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        for name, stamp in earlier.items():  # what the same command wrote last time and not now
            if name not in names:
                _remove_own(self.directory, name, stamp, self.inputs)
        _write_manifest(self.directory, runs, self.command, names, complete=True)
        self.written = [*targets, self.directory / MANIFEST]
        return list(self.written)


@contextlib.contextmanager
def staged(directory: str | Path, *, inputs: Iterable[str | Path] = (), command: str) -> Iterator[Stage]:
    """Stage a command's outputs and commit them when the block ends without error.

    Parameters
    ----------
    directory
        The output folder.
    inputs
        The command's input files and folders (outputs may not replace them).
    command
        The command's name, for the manifest.

    Raises
    ------
    InputError
        ``directory`` is an existing file, or an output would replace an input.
    """
    directory = Path(directory)
    try:
        not_a_folder = (directory.exists() and not directory.is_dir()) or (
            directory.is_symlink() and not directory.exists()
        )
    except OSError as exc:  # a name too long ...
        raise InputError(
            labels.error("output_unwritable", error=_os_reason(exc)), path=directory, where="--out"
        ) from None
    if not_a_folder:
        raise InputError(
            labels.error("output_is_file"),
            path=directory,
            where="--out",
        )
    folder = _inside_input_folder(directory, tuple(Path(p) for p in inputs))
    if folder is not None:  # the next run would read the outputs as inputs
        raise InputError(
            labels.error("output_in_input_folder", target=directory, folder=folder), where="--out"
        )
    parent = directory.parent
    _sweep_stale(parent, directory.name)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".partial", dir=parent))
    except OSError as exc:  # a file on the way, no such place, no permission, a name too long
        raise InputError(
            labels.error("output_unwritable", error=_os_reason(exc)), path=directory, where="--out"
        ) from None
    stage = Stage(directory, tmp, tuple(Path(p) for p in inputs), command)
    try:
        yield stage
        stage.commit()
    except OSError as exc:
        if os.path.abspath(str(exc.filename or "")).startswith(
            os.path.abspath(tmp)
        ):  # a name too long, a full disk …
            raise InputError(
                labels.error("output_not_written", error=_os_reason(exc)), path=directory, where="--out"
            ) from None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def distinct_names(paths: Iterable[str | Path]) -> list[str]:
    """Output folder names for several input files, one each: the file's stem; where
    two files share a stem (``x/s.toml``, ``y/s.toml``), the parent folder's name before
    it (``x_s``, ``y_s``); a number after any name still repeated (the same file twice:
    ``c_s``, ``c_s-2``). So that a batch never writes two results into one folder.

    Examples
    --------
    >>> distinct_names(["a/plan.toml", "b/plan.toml", "c/other.toml", "c/other.toml"])
    ['a_plan', 'b_plan', 'c_other', 'c_other-2']
    """
    files = [Path(p) for p in paths]
    stems = [f.stem for f in files]
    names = [
        f"{f.parent.name}_{s}" if stems.count(s) > 1 and f.parent.name else s
        for f, s in zip(files, stems, strict=True)
    ]
    out: list[str] = []
    for name in names:
        candidate, k = name, 1
        while candidate in out:
            k += 1
            candidate = f"{name}-{k}"
        out.append(candidate)
    return out


def check_target(target: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output file that is one of the inputs (before any work is done).

    Raises
    ------
    InputError
        ``target`` is the same file as an input.
    """
    clash = _input_at(Path(target), tuple(Path(p) for p in inputs))
    if clash is not None:
        raise InputError(
            labels.error("output_is_input", target=target, clash=clash),
            where="--out",
        )


def check_suffix(target: str | Path, suffixes: tuple[str, ...]) -> None:
    """Refuse an output file whose name does not end in one of ``suffixes`` (a map
    written as ``map`` or ``map.csv`` would not open in a browser).

    Raises
    ------
    InputError
        The suffix of ``target`` (case-insensitive) is not one of ``suffixes``.
    """
    if Path(target).suffix.lower() not in suffixes:
        raise InputError(
            labels.error(
                "output_suffix",
                target=target,
                suffix=suffixes[0],
                suffixes="・".join(suffixes),
                suffixes_en=" or ".join(suffixes),
            ),
            where="--out",
        )


def _input_at(target: Path, inputs: tuple[Path, ...]) -> Path | None:
    """The input that ``target`` is (same file or same resolved path), if any."""
    try:
        if not target.exists():
            return None
    except OSError:  # (a name too long: it is no input, and writing it says why)
        return None
    for source in inputs:
        with contextlib.suppress(OSError, ValueError):
            if source.exists() and source.is_file() and os.path.samefile(source, target):
                return source
    return None


#: A staging folder left this long (a run killed with SIGKILL, a power cut) is stale.
STALE_SECONDS = 24 * 3600


def _sweep_stale(parent: Path, name: str) -> None:
    """Remove the staging folders of ``name`` that a run killed outright left beside it
    (``.<name>.<random>.partial``, untouched for a day): Ctrl-C, SIGTERM and errors
    remove their own, SIGKILL cannot."""
    now = time.time()
    with contextlib.suppress(OSError):
        for stale in parent.glob(f".{glob.escape(name)}.*.partial"):
            with contextlib.suppress(OSError):
                if stale.is_dir() and not stale.is_symlink() and now - stale.stat().st_mtime > STALE_SECONDS:
                    shutil.rmtree(stale)


def _os_reason(exc: OSError) -> str:
    """An operating-system error as a short reason (its text, without Python's class)."""
    return exc.strerror or str(exc)


def _inside_input_folder(directory: Path, inputs: tuple[Path, ...]) -> Path | None:
    """The input folder that ``directory`` is, if any (an output folder inside one is
    fine: boundary folders are read without the output folders of this tool in them)."""
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        here = directory.resolve()
        for source in inputs:
            if source.is_dir() and here == source.resolve():
                return source
    return None


def is_manifest(path: Path) -> bool:
    """Whether ``path`` is a ``run.json`` this tool wrote (it marks an output folder)."""
    return path.is_file() and _read_manifest(path) is not None


def _earlier_runs(directory: Path, inputs: tuple[Path, ...]) -> dict[str, dict[str, object]]:
    """The runs the output folder's ``run.json`` records (none without one), read once
    per commit. A ``run.json`` that is an input, or that geo_zaitaku did not write (a
    file of the user's of that name), is refused: it is never replaced."""
    path = directory / MANIFEST
    if not path.exists():
        return {}
    clash = _input_at(path, inputs)
    if clash is not None:
        raise InputError(labels.error("output_is_input_folder", target=path, clash=clash), where="--out")
    runs = _read_manifest(path)
    if runs is None:
        raise InputError(labels.error("output_foreign_manifest", target=path), where="--out")
    return runs


def _read_manifest(path: Path) -> dict[str, dict[str, object]] | None:
    """The runs of a ``run.json`` this tool wrote, or ``None`` for any other file."""
    try:
        if path.stat().st_size > MANIFEST_LIMIT:
            return None
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("runs"), dict) or "note" not in body:
        return None
    return {k: v for k, v in body["runs"].items() if isinstance(k, str) and isinstance(v, dict)}


def _files_of(runs: dict[str, dict[str, object]], command: str) -> dict[str, list[int] | None]:
    """The files the last run of ``command`` wrote (of the manifest's ``runs``), with the
    size and modification time each had then (``None`` when not recorded)."""
    run = runs.get(command, {})
    files, stamps = run.get("files", []), run.get("stamps", {})
    if not isinstance(files, list):
        return {}
    stamps = stamps if isinstance(stamps, dict) else {}
    return {f: stamps.get(f) for f in files if isinstance(f, str)}


def _stamp(path: Path) -> list[int] | None:
    """Size and modification time (ns) of a file, as recorded in ``run.json``."""
    with contextlib.suppress(OSError):
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]
    return None


def _remove_own(directory: Path, name: str, stamp: object, inputs: tuple[Path, ...]) -> None:
    """Remove a file an earlier run wrote (a list page the new run no longer has), so
    that the folder holds one run's outputs, not old pages beside new ones. Only a
    regular file inside ``directory`` that is no input, and whose size and
    modification time are still those recorded when it was written, is removed
    (``run.json`` is a text anyone could edit or bring along)."""
    path = directory / name
    with contextlib.suppress(OSError, ValueError):
        if Path(name).is_absolute() or ".." in Path(name).parts or name == MANIFEST:
            return
        if not path.resolve().is_relative_to(directory.resolve()):
            return
        if path.is_symlink() or not path.is_file() or _input_at(path, inputs) is not None:
            return
        if stamp is None or _stamp(path) != stamp:
            return
        path.unlink()


def _write_manifest(
    directory: Path, runs: dict[str, dict[str, object]], command: str, files: list[str], *, complete: bool
) -> None:
    """Record ``command``'s files in ``runs`` (the folder's earlier runs, updated in
    place) and write them as ``run.json``."""
    path = directory / MANIFEST
    for other in runs.values():  # files this run rewrites no longer belong to earlier runs
        kept = other.get("files", [])
        other["files"] = (
            [f for f in kept if isinstance(f, str) and f not in files] if isinstance(kept, list) else []
        )
    runs[command] = {
        "files": files,
        "stamps": {f: _stamp(directory / f) for f in files} if complete else {},
        "complete": complete,
        "time": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "version": __version__,
    }
    body = {
        "note": labels.TEXT["manifest_note"],
        "runs": runs,
    }
    write_text(path, json.dumps(body, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
