"""The README's commands are copy-paste correct.

Every ``geo-zaitaku`` command in a fenced shell block of the README names a real
subcommand and only options that subcommand has (with allowed choices); the
walk-throughs on the built-in sample are run as written, in a shell, and the figures the
README quotes after ``→`` appear in what the command printed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from geo_zaitaku.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```(?:sh|bash)\n(.*?)```", re.S)
#: ``# 2. …``: a comment that starts the next step (not a note on the command before).
STEP = re.compile(r"\d+\.\s")
#: ``# 終了コード 0`` after a command: the exit status it must have.
EXIT_NOTE = re.compile(r"終了コード\s*(\d)")
#: Figures quoted in a ``→`` comment: 740,000 / 4.39 / 16 (not dates, not list markers).
FIGURE = re.compile(
    r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+\.\d+|(?<![\d.,])\d+(?=[件組施圏人%])"
)


class Command:
    """One command of a fenced block, with the comments that follow it."""

    def __init__(self, text: str, block: int) -> None:
        self.text = text
        self.block = block
        self.notes: list[str] = []

    @property
    def comment(self) -> str:
        return " ".join(self.notes)

    def __repr__(self) -> str:
        return f"Command({self.text!r})"


def readme_blocks() -> list[list[Command]]:
    """The README's fenced shell blocks as commands (continuation lines joined)."""
    blocks = []
    for number, body in enumerate(BLOCK.findall(README.read_text(encoding="utf-8"))):
        commands: list[Command] = []
        current = ""
        closed = False
        for raw in body.splitlines():
            line = raw.strip()
            if not current and line.startswith("#"):
                text = line.lstrip("#").strip()
                if STEP.match(text):
                    closed = True
                elif commands and not closed:
                    commands[-1].notes.append(text)
                continue
            closed = False
            code, _, note = line.partition("  #") if not line.startswith("sed ") else (line, "", "")
            current = f"{current} {code.strip()}".strip()
            if current.endswith("\\"):
                current = current[:-1].rstrip()
                continue
            if current:
                commands.append(Command(current, number))
                if note:
                    commands[-1].notes.append(note.strip())
            current = ""
        blocks.append(commands)
    return blocks


def geo_commands() -> list[Command]:
    found = []
    for block in readme_blocks():
        for command in block:
            for part in command.text.split("&&"):
                words = shlex.split(part)
                if words and words[0].endswith("geo-zaitaku"):
                    found.append(Command(shlex.join(words[1:]), command.block))
    return found


def resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """The subcommand the words name and the words left for its options."""
    command: click.Command = cli
    rest = list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(click.Context(command), rest[0])
        assert sub is not None, f"README: unknown subcommand {rest[0]!r} in {shlex.join(words)!r}"
        command, rest = sub, rest[1:]
    return command, rest


def test_readme_has_the_commands_this_test_reads() -> None:
    commands = geo_commands()
    assert len(commands) >= 35
    assert {c.text.split()[0] for c in commands} >= {
        "demo", "check", "map", "facilities", "population", "demand", "scenario",
        "robustness", "diff", "access", "design", "fetch", "roads",
    }  # fmt: skip


@pytest.mark.parametrize("command", geo_commands(), ids=lambda c: c.text[:60])
def test_readme_command_uses_real_options(command: Command) -> None:
    words = shlex.split(command.text)
    sub, rest = resolve(words)
    options = {name: param for param in sub.params for name in (*param.opts, *param.secondary_opts)}
    i = 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("--") or (word.startswith("-") and len(word) == 2):
            name, eq, value = word.partition("=")
            assert name in options, f"README: {sub.name} has no option {name} ({command.text!r})"
            param = options[name]
            takes_value = isinstance(param, click.Option) and not param.is_flag and not param.count
            if takes_value:
                values = [value] if eq else rest[i + 1 : i + 1 + param.nargs]
                if isinstance(param.type, click.Choice):
                    for v in values:
                        assert v in param.type.choices or "," in v, (
                            f"README: {name} {v!r} is not one of {param.type.choices}"
                        )
                i += 0 if eq else param.nargs
        i += 1


def sample_blocks() -> list[list[Command]]:
    """Blocks that run on the built-in sample: they start with ``cd out/sample``, or use
    ``out/demo/input``."""
    return [
        block
        for block in readme_blocks()
        if block and (block[0].text == "cd out/sample" or any("out/demo/input" in c.text for c in block))
    ]


def test_readme_has_sample_walkthroughs() -> None:
    blocks = sample_blocks()
    assert len(blocks) >= 3
    assert sum(len(b) for b in blocks) >= 14


@pytest.mark.parametrize(
    "block", sample_blocks(), ids=lambda b: b[1].text[:40] if len(b) > 1 else b[0].text[:40]
)
def test_readme_walkthrough_runs_as_written(block: list[Command], tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("COLUMNS", "200")

    def run(text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", text], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
        )

    setup = run("geo-zaitaku sample out/sample && geo-zaitaku sample out/demo/input", tmp_path)
    assert setup.returncode == 0, setup.stderr
    cwd = tmp_path
    for command in block:
        if command.text.startswith("cd "):
            cwd = cwd / command.text.split(maxsplit=1)[1]
            continue
        done = run(command.text, cwd)
        said = done.stdout + done.stderr
        note = EXIT_NOTE.search(command.comment)
        expected = {int(note.group(1))} if note else {0, 1}
        assert done.returncode in expected, f"README: {command.text!r} exited {done.returncode}:\n{said}"
        arrow = command.comment.partition("→")[2]
        for figure in FIGURE.findall(arrow):
            assert figure in said, (
                f"README says {figure} after {command.text!r}; the command printed:\n{said}"
            )


PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def sample_python_blocks() -> list[str]:
    """The README's Python examples that run on the built-in sample (``out/sample``)."""
    blocks = PYTHON_BLOCK.findall(README.read_text(encoding="utf-8"))
    return [b for b in blocks if '"out/sample/' in b]


def test_readme_has_sample_python_examples() -> None:
    assert len(sample_python_blocks()) >= 2


@pytest.mark.parametrize("code", sample_python_blocks(), ids=lambda c: c.splitlines()[-1][:40])
def test_readme_python_example_runs_as_written(code: str, tmp_path: Path) -> None:
    """Each Python example on the sample runs as written (a call missing an argument, as
    ``write_design(d, "out/design_py")`` once was, fails here)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    setup = subprocess.run(
        ["geo-zaitaku", "sample", "out/sample"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert setup.returncode == 0, setup.stderr
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"README example failed:\n{code}\n{done.stderr[-3000:]}"
