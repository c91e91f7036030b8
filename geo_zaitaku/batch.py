"""Many tasks at once: in this process (the default, no Dask import), on a local Dask
cluster (``workers=N``), or on an existing Dask scheduler (``scheduler="tcp://…"``).

A task is a plain function and one argument, both picklable (module-level functions
and plain data: paths, numbers, dicts). Tasks must be deterministic given their
argument (a random task carries its seed), so that the results are the same on every
engine. Results come back in the order of the arguments.

Dask is an optional extra (``pip install ".[dask]"``); asking for it without the
package installed, or giving a scheduler that cannot be reached, is an
:class:`~geo_zaitaku.InputError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import copyreg
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError

T = TypeVar("T")
R = TypeVar("R")

#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = 10.0


def _mappingproxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


# Read-only mappings (the frozen results' fields) travel to and from workers as dicts.
copyreg.pickle(MappingProxyType, lambda m: (_mappingproxy, (dict(m),)))


@dataclass(frozen=True)
class Engine:
    """Where tasks run.

    Attributes
    ----------
    workers
        Start a local Dask cluster with this many worker processes (one thread each).
    scheduler
        Address of an existing Dask scheduler (``tcp://host:port``).
    progress
        Show a progress bar (rich in process; Dask's own when distributed).
    """

    workers: int | None = None
    scheduler: str | None = None
    progress: bool = True

    @property
    def kind(self) -> str:
        """``"process"``, ``"local-cluster"`` or ``"scheduler"``."""
        if self.scheduler:
            return "scheduler"
        return "local-cluster" if self.workers else "process"

    def map(self, fn: Callable[[T], R], items: Sequence[T], *, label: str = "") -> list[R]:
        """``[fn(item) for item in items]``, on this engine, in order."""
        if self.kind == "process":
            return _in_process(fn, items, label=label, progress=self.progress)
        with self._client() as client:
            futures = client.map(fn, list(items), pure=False)
            if self.progress:
                from dask.distributed import progress

                progress(futures)
            return client.gather(futures)

    @contextlib.contextmanager
    def _client(self) -> Iterator[Any]:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:
            raise InputError(
                labels.error("dask_missing"), where="--workers" if self.workers else "--scheduler"
            ) from exc
        if self.scheduler:
            try:
                client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    labels.error("dask_unreachable", scheduler=self.scheduler, error_type=type(exc).__name__),
                    where="--scheduler",
                ) from exc
            with client:
                yield client
            return
        with (
            LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client


def engine_from_options(workers: int | None, scheduler: str | None, *, progress: bool = True) -> Engine:
    """Validate ``--workers`` and ``--scheduler``.

    Raises
    ------
    InputError
        Both given, ``--workers`` below 1, or a scheduler address that is not ``tcp://``
        or ``tls://``.
    """
    if workers is not None and scheduler is not None:
        raise InputError(labels.error("workers_and_scheduler"), where="--scheduler")
    if workers is not None and workers < 1:
        raise InputError(labels.error("workers_below_one", workers=workers), where="--workers")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://")):
        raise InputError(labels.error("scheduler_bad_address", scheduler=scheduler), where="--scheduler")
    return Engine(workers=workers, scheduler=scheduler, progress=progress)


def _in_process(fn: Callable[[T], R], items: Sequence[T], *, label: str, progress: bool) -> list[R]:
    if not progress or len(items) <= 1:
        return [fn(item) for item in items]
    from rich.console import Console
    from rich.progress import Progress

    out = []
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            out.append(fn(item))
            bar.advance(task)
    return out


def files_of(write: Callable[[Path], object]) -> dict[str, bytes]:
    """The files ``write(folder)`` writes, as bytes by relative name: how a task sends its
    outputs back (the caller writes them where they belong, as one set)."""
    with tempfile.TemporaryDirectory(prefix="gz-task-") as tmp:
        write(Path(tmp))
        return {str(p.relative_to(tmp)): p.read_bytes() for p in sorted(Path(tmp).rglob("*")) if p.is_file()}
