"""The ``geo-zaitaku`` command: a thin layer over the library, one module per command.

Exit status: 0 success (and, for ``check``, a plan with no error finding), 1 a plan
with error findings, 2 unusable input (a one-paragraph message, no traceback).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import click

from geo_zaitaku import __version__, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.cli import _output


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="geo-zaitaku", help=labels.TEXT["version_option"])
def cli() -> None:
    """geo_zaitaku: 在宅医療の圏域を点検・設計するツール / home-care area planning toolkit.

    \b
    例 / examples:
      geo-zaitaku demo                       サンプル（架空の県）で一通り実行
      geo-zaitaku check PLAN.toml --units N03.zip --facilities 施設.csv
    """


#: Command modules under geo_zaitaku/cli/, each defining a click command of the same name.
COMMANDS: tuple[str, ...] = (
    "access",
    "check",
    "demand",
    "demo",
    "design",
    "diff",
    "facilities",
    "fetch",
    "maps",
    "population",
    "roads",
    "robustness",
    "sample",
    "scenario",
)


def _register() -> None:
    import importlib

    for name in COMMANDS:
        module = importlib.import_module(f"geo_zaitaku.cli.{name}")
        cli.add_command(getattr(module, name))
    _japanese_help(cli)


def _japanese_help(command: click.Command) -> None:
    """Give ``command`` and its subcommands a ``-h/--help`` described in Japanese first
    (click's own says 「Show this message and exit.」)."""
    command.add_help_option = False
    click.help_option("-h", "--help", help=labels.TEXT["help_option"])(command)
    for sub in getattr(command, "commands", {}).values():
        _japanese_help(sub)


_register()


#: Exit status of each kind of error a user can cause (the first match counts). Every
#: error a user can cause is an :class:`~geo_zaitaku.InputError` (unusable input,
#: failed download, unusable cache folder): a one-paragraph message and status 2.
EXIT_STATUS: tuple[tuple[type[BaseException], int], ...] = ((InputError, 2),)
#: Exit status when the user interrupts (Ctrl-C).
INTERRUPTED = 130


#: Blocks of at least this many bytes are mapped on their own (glibc ``M_MMAP_THRESHOLD``).
MMAP_THRESHOLD = 128 * 1024
#: Allocations between two passes of the youngest generation of the garbage collector
#: while a command runs (Python's default is 700).
GC_THRESHOLD = 50_000


def give_back_large_blocks() -> bool:
    """Have glibc map every large block on its own, so that its memory goes back to the
    system when it is freed.

    glibc raises this threshold each time a mapped block is freed (up to 32 MB), after
    which the columns of a large file are carved out of the heap and stay counted
    after they are freed: 500,000 facilities leave about 110 MB more resident after
    ``check`` (and ``map resources`` peaks that much higher). Fixing the threshold
    keeps it where it was. Returns whether it was set (``False`` off glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(-3, MMAP_THRESHOLD))  # -3: M_MMAP_THRESHOLD


class PipeSafe:
    """Standard output that keeps the command going when its reader goes away
    (``geo-zaitaku check … | head -1``, or ``less`` quit early): what is printed after
    that is dropped, and the files are still written, instead of the command dying on
    ``BrokenPipeError`` with nothing written."""

    def __init__(self, stream: object) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._stream.write(text)  # type: ignore[attr-defined, no-any-return]
            except BrokenPipeError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._stream.flush()  # type: ignore[attr-defined]
            except BrokenPipeError:
                self.gone = True

    def __getattr__(self, name: str) -> object:  # isatty, encoding, fileno …
        return getattr(self._stream, name)


def usage_message(exc: click.UsageError) -> labels.Message:
    """A command-line mistake in Japanese with click's English beside it: an unknown
    option (and the near ones), a missing argument, a value that does not parse."""
    en = exc.format_message()
    if isinstance(exc, click.NoSuchOption):
        near = "・".join(sorted(exc.possibilities or ()))
        near_text = labels.TEXT["usage_near"].format(names=near) if near else ""
        return labels.error("usage_no_option", option=exc.option_name, near=near_text)
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        return labels.error("usage_missing", param=exc.param.human_readable_name)
    if isinstance(exc, click.BadParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else ""
        ja, sep, rest = exc.message.partition(labels.SEPARATOR)  # our own values come as "ja / en"
        if not sep:  # click's own message (a number or a choice that does not parse): English only
            ja, rest = _value_expected(exc.param, exc.ctx), exc.message
        return labels.error("usage_bad_value", param=name or exc.param_hint or "", ja=ja, en=rest)
    if isinstance(exc, click.NoSuchCommand):
        near = "・".join(exc.possibilities or ())
        near_text = labels.TEXT["usage_near"].format(names=near) if near else ""
        return labels.error("usage_no_command", command=exc.command_name, near=near_text)
    return labels.error("usage_other", message=en)


def _value_expected(param: click.Parameter | None, ctx: click.Context | None) -> str:
    """What a value of ``param``'s type looks like, in Japanese, for click's own
    English-only messages (``'abc' is not a valid integer.``)."""
    kind = param.type if param is not None else None
    if isinstance(kind, click.Choice):
        return labels.TEXT["usage_expect_choice"].format(choices="・".join(map(str, kind.choices))) + "。"
    if isinstance(kind, click.IntRange | click.FloatRange):
        bounds = " ".join(
            labels.TEXT[key].format(value=value)
            for key, value in (
                ("usage_range_above" if kind.min_open else "usage_range_from", kind.min),
                ("usage_range_below" if kind.max_open else "usage_range_to", kind.max),
            )
            if value is not None
        )
        whole = labels.TEXT[
            "usage_expect_integer" if isinstance(kind, click.IntRange) else "usage_expect_number"
        ]
        return f"{whole}{labels.TEXT['usage_expect_range'].format(range=bounds)}。"
    if isinstance(kind, click.types.IntParamType):
        return labels.TEXT["usage_expect_integer"] + "。"
    if isinstance(kind, click.types.FloatParamType):
        return labels.TEXT["usage_expect_number"] + "。"
    return labels.TEXT["usage_expect_other"] + "。"


_PACKAGE = Path(__file__).resolve().parents[1]


def _package_warnings(fallback: Callable[..., None]) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints the package's own warnings (a cache it could
    not write) as 「注意 / warning: …」 lines, each text once, without Python's file and
    source line; other libraries' warnings go to ``fallback``."""
    shown: set[str] = set()

    def show(
        message: Warning | str, category: type[Warning], filename: str, lineno: int, *args: object
    ) -> None:
        if not Path(filename).resolve().is_relative_to(_PACKAGE):
            fallback(message, category, filename, lineno, *args)
        elif str(message) not in shown:
            shown.add(str(message))
            _output.warning(str(message))

    return show


def _stop_on_signals() -> dict[int, object]:
    """Stop on SIGTERM and SIGHUP (``kill``, a closed terminal) as on Ctrl-C: the
    staging folders and temporary files are removed, nothing half-written is left.
    Returns the handlers replaced (none outside the main thread)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    replaced = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            replaced[signum] = signal.signal(signum, stop)
    return replaced


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (and exit with it when ``argv`` is ``None``,
    as the console script does)."""
    give_back_large_blocks()
    thresholds = gc.get_threshold()
    # a command makes many small objects that live to its end (cells, rows, findings):
    # the collector's default pass every 700 allocations costs a tenth of a check
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    stdout, stderr = sys.stdout, sys.stderr
    safe = sys.stdout = PipeSafe(stdout)  # type: ignore[assignment]
    safe_err = sys.stderr = PipeSafe(stderr)  # type: ignore[assignment]  (… 2>&1 | head: the same)
    show_warning = warnings.showwarning
    warnings.showwarning = _package_warnings(show_warning)
    handlers = _stop_on_signals()
    try:
        result = cli.main(args=argv, prog_name="geo-zaitaku", standalone_mode=False)
    except click.exceptions.Abort:
        _output.error(labels.TEXT["aborted"])
        code = INTERRUPTED
    except click.UsageError as exc:  # the command line itself: usage, hint, then the error in Japanese first
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(labels.TEXT["usage_hint"].format(command=exc.ctx.command_path), err=True)
        _output.error(str(usage_message(exc)))
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except Exception as exc:
        status = next((s for kind, s in EXIT_STATUS if isinstance(exc, kind)), None)
        if status is None:
            raise
        _output.error(str(exc))
        code = status
    else:
        code = result if isinstance(result, int) else 0
    finally:
        gc.set_threshold(*thresholds)
        sys.stdout, sys.stderr = stdout, stderr
        warnings.showwarning = show_warning
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    for wrapper, stream in ((safe, stdout), (safe_err, stderr)):
        if wrapper.gone:  # nothing more can reach the reader; Python's flush at exit must not fail either
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    if argv is None:
        sys.exit(code)
    return code
