"""The ``geo-zaitaku`` command: a thin layer over the library, one module per command.

Exit status: 0 success (and, for ``check``, a plan with no error finding), 1 a plan
with error findings, 2 unusable input (a one-paragraph message, no traceback).
"""

from __future__ import annotations

import sys

import click

from geo_zaitaku import __version__
from geo_zaitaku._errors import InputError
from geo_zaitaku.cli import _output


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="geo-zaitaku")
def cli() -> None:
    """geo_zaitaku: 在宅医療の圏域を点検・設計するツール / home-care area planning toolkit.

    \b
    例 / examples:
      geo-zaitaku demo                       サンプル（架空の県）で一通り実行
      geo-zaitaku check PLAN.toml --units N03.zip --facilities 施設.csv
    """


#: Command modules under geo_zaitaku/cli/, each defining a click command of the same name.
COMMANDS: tuple[str, ...] = (
    "check",
    "demand",
    "demo",
    "facilities",
    "fetch",
    "maps",
    "population",
    "sample",
)


def _register() -> None:
    import importlib

    for name in COMMANDS:
        module = importlib.import_module(f"geo_zaitaku.cli.{name}")
        cli.add_command(getattr(module, name))


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return (and, as a script, exit with) the exit status."""
    try:
        result = cli.main(args=argv, prog_name="geo-zaitaku", standalone_mode=False)
    except InputError as exc:
        _output.error(str(exc))
        code = 2
    except click.exceptions.Abort:
        _output.error("中断しました / aborted")
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    else:
        code = result if isinstance(result, int) else 0
    if __name__ == "__main__" or argv is None:
        sys.exit(code)
    return code
