"""Bilingual wording has one home: every error message is a :class:`labels.Message` of
:data:`labels.ERRORS`, and no module writes or splits ``"日本語 / English"`` texts itself.

The guards read the package's source with :mod:`ast`."""

from __future__ import annotations

import ast
import dataclasses
import pickle
import string
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from geo_zaitaku import labels
from geo_zaitaku._errors import CacheError, FetchError, InputError
from geo_zaitaku.labels import Message

PACKAGE = Path(labels.__file__).parent
#: Folders not converted yet (another change rewrites them).
NOT_YET: tuple[str, ...] = ()
ERROR_CLASSES = {"InputError", "FetchError", "GeometryError", "CacheError"}
#: Tables of labels whose keys the code names as string constants.
KEYED_TABLES = (
    "ISSUES",
    "MATCHES",
    "MATCH_PARTS",
    "ERROR_PARTS",
    "DETAILS",
    "SPECIAL_FILES",
    "RANGES",
    "ZIP_ENTRY_PROBLEMS",
    "FILES",
)


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in NOT_YET:
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"))


MODULES = list(_modules())


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _root(node: ast.expr) -> ast.expr:
    """The leftmost part of ``a.b[c].d(...)``."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _from_labels(node: ast.expr) -> bool:
    root = _root(node)
    return isinstance(root, ast.Name) and root.id == "labels"


def _is_error_call(node: ast.expr) -> bool:
    """``labels.error("key", ...)``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "error"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "labels"
    )


def _message_params(fn: ast.FunctionDef) -> dict[str, int]:
    """Parameters annotated ``Message`` (or ``labels.Message``): name -> position."""
    out = {}
    for i, arg in enumerate(fn.args.posonlyargs + fn.args.args):
        if arg.annotation is not None and "Message" in ast.unparse(arg.annotation):
            out[arg.arg] = i
    for arg in fn.args.kwonlyargs:
        if arg.annotation is not None and "Message" in ast.unparse(arg.annotation):
            out[arg.arg] = -1
    return out


def _calls_with_function(tree: ast.Module) -> Iterator[tuple[ast.Call, ast.FunctionDef | None]]:
    """Every call, with the function it is written in."""

    def walk(node: ast.AST, fn: ast.FunctionDef | None) -> Iterator[tuple[ast.Call, ast.FunctionDef | None]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef) else fn
            if isinstance(child, ast.Call):
                yield child, fn
            yield from walk(child, inner)

    yield from walk(tree, None)


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if 0 <= position < len(call.args):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _acceptable(arg: ast.expr, fn: ast.FunctionDef | None) -> bool:
    """A message argument: a labels Message, an error's own ``.message`` passed on, or a
    ``Message`` parameter of the function passed on."""
    if _from_labels(arg):
        return True
    if isinstance(arg, ast.Attribute) and arg.attr == "message":
        return True
    return isinstance(arg, ast.Name) and fn is not None and arg.id in _message_params(fn)


def test_every_input_error_gets_a_labels_message():
    bad = []
    count = 0
    for rel, tree in MODULES:
        helpers = {
            fn.name: params
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef) and (params := _message_params(fn))
        }
        for call, fn in _calls_with_function(tree):
            name = _name(call.func)
            if name in ERROR_CLASSES:
                checks = [(0, "message")]
            elif name in helpers and not (isinstance(call.func, ast.Attribute) and name == "error"):
                checks = list((pos, param) for param, pos in helpers[name].items())
            else:
                continue
            for position, keyword in checks:
                arg = _argument(call, position, keyword)
                if arg is None:
                    continue
                count += 1
                if not _acceptable(arg, fn):
                    bad.append(f"{rel}:{call.lineno}: {name}({ast.unparse(arg)[:80]} ...)")
    assert count > 140
    assert not bad, "\n".join(bad)


def _error_calls() -> Iterator[tuple[Path, ast.Call]]:
    for rel, tree in MODULES:
        for node in ast.walk(tree):
            if _is_error_call(node):
                yield rel, node


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_every_error_key_is_used_and_given_its_values():
    used: dict[str, list[str]] = {}
    problems = []
    for rel, call in _error_calls():
        key_node = call.args[0] if call.args else None
        if not (isinstance(key_node, ast.Constant) and isinstance(key_node.value, str)):
            problems.append(f"{rel}:{call.lineno}: the key is not a string constant")
            continue
        key = key_node.value
        used.setdefault(key, []).append(f"{rel}:{call.lineno}")
        if key not in labels.ERRORS:
            problems.append(f"{rel}:{call.lineno}: unknown key {key!r}")
            continue
        given = {k.arg for k in call.keywords}
        if None in given:  # **values: checked at run time only
            continue
        message = labels.ERRORS[key]
        wanted = _fields(message.ja) | _fields(message.en)
        if given != wanted:
            problems.append(f"{rel}:{call.lineno}: {key} wants {sorted(wanted)}, given {sorted(given)}")
    unused = sorted(set(labels.ERRORS) - set(used))
    assert not problems, "\n".join(problems)
    assert not unused, f"labels.ERRORS keys never raised: {unused}"


def _constants() -> set[str]:
    out = set()
    for rel, tree in MODULES:
        if rel == Path("labels.py"):
            continue
        out.update(
            n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
    return out


@pytest.mark.parametrize("table", KEYED_TABLES)
def test_every_key_of_the_message_tables_is_used(table):
    unused = sorted(set(getattr(labels, table)) - _constants())
    assert not unused, f"labels.{table} keys never used: {unused}"


def _messages() -> Iterator[tuple[str, Message]]:
    for name, value in vars(labels).items():
        if isinstance(value, Message) and name != "NO_MESSAGE":
            yield name, value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(item, Message):
                    yield f"{name}[{key!r}]", item


def test_every_message_has_both_halves():
    messages = dict(_messages())
    assert len(messages) > 180
    empty = [name for name, m in messages.items() if not m.ja.strip() or not m.en.strip()]
    assert not empty, empty
    # messages written to report.json and read back (Message.from_text) must split
    # where they were joined: no separator inside their Japanese half
    written = ("REASONS", "ISSUES", "MATCHES")
    split = [name for name, m in messages.items() if name.startswith(written) and labels.SEPARATOR in m.ja]
    assert not split, split


def test_no_module_splits_a_bilingual_text_apart():
    """``.split(" / ")`` / ``.partition(" / ")`` on a message: take ``.ja`` / ``.en``."""
    found = []
    for rel, tree in MODULES:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("split", "partition", "rpartition", "rsplit")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == labels.SEPARATOR
                and rel != Path("labels.py")
            ):
                found.append(f"{rel}:{node.lineno}")
    assert not found, found


def test_row_issues_and_matches_get_no_inline_wording():
    """A :class:`RowIssue` or :class:`EntryMatch` message is never a string written in place."""
    found = []
    for rel, tree in MODULES:
        for call, _fn in _calls_with_function(tree):
            name = _name(call.func)
            if name == "RowIssue":
                arg = _argument(call, 3, "message")
            elif name == "EntryMatch":
                arg = _argument(call, 5, "message")
            else:
                continue
            if isinstance(arg, ast.Constant | ast.JoinedStr | ast.BinOp):
                found.append(f"{rel}:{call.lineno}: {ast.unparse(arg)[:80]}")
    assert not found, "\n".join(found)


# --- Message and InputError -----------------------------------------------------------


def test_a_message_is_its_text():
    m = Message("{what}が空です。", "the file is empty.").format(what="施設CSV")
    assert m == "施設CSVが空です。 / the file is empty."
    assert str(m) == "施設CSVが空です。 / the file is empty." and type(str(m)) is str
    assert (m.ja, m.en) == ("施設CSVが空です。", "the file is empty.")
    assert repr(m) == "Message(ja='施設CSVが空です。', en='the file is empty.')"
    assert m.with_detail("（行 3）", " (line 3)") == "施設CSVが空です。（行 3） / the file is empty. (line 3)"
    assert m.with_prefix("a=1: ") == "a=1: 施設CSVが空です。 / the file is empty."
    assert Message("日本語だけ") == "日本語だけ"
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.ja = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(m)) == m and pickle.loads(pickle.dumps(m)).en == m.en


@pytest.mark.parametrize(
    "text", ["施設CSVが空です。 / the file is empty.", "日本語だけ", "a / b / c", "x / ", ""]
)
def test_a_text_reads_back_as_the_same_message(text):
    m = Message.from_text(text)
    assert str(m) == text
    assert Message.from_text(m) is m


def test_input_error_keeps_the_message_and_says_where():
    message = labels.error("file_empty", what="人口CSV")
    e = InputError(message, path="a/人口.csv", where=labels.at_line(3))
    assert str(e) == "a/人口.csv (行 3): 人口CSVが空です。 / the file is empty."
    assert e.message is message and e.detail == "人口CSVが空です。 / the file is empty."
    assert str(InputError(message, where="--population")) == "--population: " + message
    assert str(FetchError(message, url="https://x")) == "https://x: " + message
    assert isinstance(CacheError(message), InputError)
    legacy = InputError("古い形の文 / an old-style text", path="p")
    assert legacy.message.en == "an old-style text" and str(legacy) == "p: 古い形の文 / an old-style text"


def test_every_error_template_formats():
    """Each template formats with a value for each placeholder (no stray braces)."""
    for key, m in labels.ERRORS.items():
        values = dict.fromkeys(_fields(m.ja) | _fields(m.en), 1)
        assert str(m.format(**values)), key
