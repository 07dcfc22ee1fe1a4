"""Turns student source into normalized token streams, one per top-level definition.

What copying changes cheaply does not survive: local names (all become ``V``), comments,
docstrings, string contents (``S``), layout, the order of top-level definitions (each is
its own stream) and import aliases (``np.exp``, ``numpy.exp`` and ``from numpy import exp``
all become ``numpy . exp``). What carries meaning stays: keywords, operators, numbers, the
graded functions' names, builtins, library calls and keyword-argument names. The source
is only tokenized (``tokenize``) and its import lines parsed (``ast``); nothing is executed
or imported, and a syntax error costs only what the tokenizer cannot read past.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import tokenize
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np

MODULE_CODE = "<module>"
LOCAL = "V"
STRING = "S"
_SKIPPED = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}
_CONTINUATIONS = {"else", "elif", "except", "finally"}
_CLOSING = {")", "]", "}"}
_OPENING = {"(", "[", "{"}
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
# Method and attribute names of arrays and Python containers: `x.sum(axis=1)` and `x.T`
# say how a student computed something; `self.weights` is a name they chose.
_KNOWN_ATTRIBUTES = frozenset(
    name
    for kind in (np.ndarray, list, dict, set, tuple, str, float, int)
    for name in dir(kind)
    if not name.startswith("_")
)


class Token(NamedTuple):
    """One normalized token and where it came from (chunk index, lines 1-based)."""

    text: str
    chunk: int
    first_line: int
    last_line: int


@dataclass
class Unit:
    """The tokens of one top-level definition (``name``), a method (``Class.method``),
    or one top-level statement (``<module>``), and the helpers it refers to."""

    name: str
    tokens: list[Token]
    calls: set[str] = field(default_factory=set)


@dataclass
class NormalizedCode:
    units: list[Unit]
    notes: list[str] = field(default_factory=list)


@dataclass
class _Line:
    depth: int
    tokens: list[tokenize.TokenInfo]

    @property
    def first(self) -> str:
        return self.tokens[0].string

    @property
    def is_import(self) -> bool:
        return self.first == "import" or (
            self.first == "from" and any(t.string == "import" for t in self.tokens)
        )

    @property
    def is_bare_string(self) -> bool:  # a docstring, or a string used as a comment
        return all(t.type == tokenize.STRING for t in self.tokens)


@dataclass
class _Context:
    chunk: int
    aliases: dict[str, str]
    keep: Collection[str]
    helpers: set[str]
    methods: set[str] = field(default_factory=set)
    owner: str = ""  # the class whose methods these are


def normalize(chunks: Sequence[tuple[str, str]], keep: Collection[str]) -> NormalizedCode:
    """Units of normalized tokens for a submission given as ``(label, source)`` chunks.

    ``keep`` names the graded functions: their names stay, since the template fixes them.
    """
    code = NormalizedCode([])
    read = []
    for index, (label, source) in enumerate(chunks):
        lines, problem = _logical_lines(source)
        if problem:
            code.notes.append(f"{label}: {problem}; the rest of it is not compared")
        read.append((index, _blocks(lines, 0)))
    aliases = _aliases(line for _, blocks in read for block in blocks for line in block)
    defined = {_definition(block) for _, blocks in read for block in blocks}
    helpers = {name for name in defined if name and name not in keep}
    for index, blocks in read:
        ctx = _Context(index, aliases, keep, helpers)
        for block in blocks:
            code.units += [unit for unit in _units(block, ctx) if unit.tokens]
    return code


def _logical_lines(source: str) -> tuple[list[_Line], str]:
    """Logical lines (split at `;` too) with their indentation depth; and what stopped us."""
    lines: list[_Line] = []
    current: list[tokenize.TokenInfo] = []
    depth = brackets = start_depth = 0
    problem = ""

    def close() -> None:
        if current:
            lines.append(_Line(start_depth, current.copy()))
            current.clear()

    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.INDENT:
                depth += 1
            elif tok.type == tokenize.DEDENT:
                depth -= 1
            elif tok.type == tokenize.NEWLINE or (tok.string == ";" and brackets == 0):
                close()
            elif tok.type not in _SKIPPED and not (
                tok.type == tokenize.ERRORTOKEN and not tok.string.strip()
            ):
                if not current:
                    start_depth = depth
                brackets += (tok.string in _OPENING) - (tok.string in _CLOSING)
                brackets = max(brackets, 0)
                current.append(tok)
    except (tokenize.TokenError, SyntaxError) as exc:
        where = getattr(exc, "lineno", None) or (exc.args[1][0] if len(exc.args) > 1 else "?")
        problem = f"cannot be tokenized past line {where} ({exc.args[0]})"
    close()
    return lines, problem


def _blocks(lines: list[_Line], depth: int) -> list[list[_Line]]:
    """Group lines into statements at ``depth``: decorators, bodies, else/except arms."""
    blocks: list[list[_Line]] = []
    for line in lines:
        starts = line.depth <= depth and line.first not in _CONTINUATIONS
        after_decorator = bool(blocks) and all(x.first == "@" for x in blocks[-1])
        if starts and not after_decorator or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _definition(block: list[_Line]) -> str:
    """The name a `def` or `class` block defines, else ``""``."""
    for line in block:
        if line.first == "@":
            continue
        names = [t.string for t in line.tokens[:3]]
        if names[:1] == ["async"]:
            names = names[1:]
        if len(names) >= 2 and names[0] in ("def", "class"):
            return names[1]
        return ""
    return ""


def _aliases(lines) -> dict[str, str]:
    """Local name -> dotted module path, from every import line (any depth)."""
    aliases: dict[str, str] = {}
    for line in lines:
        if not line.is_import:
            continue
        text = " ".join(t.string for t in line.tokens)
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    top = a.name.split(".")[0]
                    aliases[a.asname or top] = a.name if a.asname else top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    if a.name != "*":
                        aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def _units(block: list[_Line], ctx: _Context) -> list[Unit]:
    """One unit per block; a class also gives one unit per method (``Class.method``)."""
    name = _definition(block)
    header = next((x for x in block if x.first != "@"), block[0])
    if header.first == "class" and name:
        inner = _blocks([x for x in block if x.depth > 0], 1)
        methods = {m for m in map(_definition, inner) if m}
        ctx = _Context(ctx.chunk, ctx.aliases, ctx.keep, ctx.helpers, methods, name)
        body = [header]
        units = []
        for sub in inner:
            method = _definition(sub)
            if method:
                units.append(_unit(f"{name}.{method}", sub, ctx))
            else:
                body += sub
        return [_unit(name, body, ctx), *units]
    return [_unit(name or MODULE_CODE, block, ctx)]


def _unit(name: str, lines: list[_Line], ctx: _Context) -> Unit:
    unit = Unit(name, [])
    for line in lines:
        if not (line.is_import or line.is_bare_string):
            _normalize_line(line, ctx, unit)
    unit.calls.discard(name)
    return unit


def _normalize_line(line: _Line, ctx: _Context, unit: Unit) -> None:
    toks = line.tokens
    chain = False  # inside `numpy . linalg . norm`: attribute names of a module stay
    depth = 0
    grouping: list[bool] = []  # per open `(`: True for grouping, False for a call
    for i, tok in enumerate(toks):
        prev = toks[i - 1].string if i else ""
        after = toks[i + 1].string if i + 1 < len(toks) else ""
        depth += (tok.string in _OPENING) - (tok.string in _CLOSING)
        texts: list[str]
        if tok.type == tokenize.NAME:
            texts, chain = _name(tok.string, prev, after, depth, chain, ctx, unit)
        elif tok.type == tokenize.STRING:  # "a" "b" is one string
            texts = [] if i and toks[i - 1].type == tokenize.STRING else [STRING]
            chain = False
        elif tok.type == tokenize.NUMBER:
            texts, chain = [_number(tok.string)], False
        elif tok.string == "," and after in _CLOSING:
            texts = []  # a trailing comma is layout
        elif tok.string == "(":  # parentheses that only group are layout too
            grouping.append(not (i and _ends_callee(toks[i - 1])))
            texts, chain = ([] if grouping[-1] else ["("]), False
        elif tok.string == ")" and grouping:
            texts, chain = ([] if grouping.pop() else [")"]), False
        else:
            texts = [tok.string]
            chain = chain and tok.string == "."
        for text in texts:
            unit.tokens.append(Token(text, ctx.chunk, tok.start[0], tok.end[0]))


def _ends_callee(tok: tokenize.TokenInfo) -> bool:
    """Whether a `(` after ``tok`` calls something (or defines a function or class)."""
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string)
    return tok.string in (")", "]") or tok.type == tokenize.STRING


def _name(
    text: str, prev: str, after: str, depth: int, chain: bool, ctx: _Context, unit: Unit
) -> tuple[list[str], bool]:
    """Normalized tokens for a NAME token, and whether a module's attribute chain goes on."""
    if keyword.iskeyword(text):
        return [text], False
    if prev == ".":
        if chain or text in _KNOWN_ATTRIBUTES:
            return [text], chain
        if text in ctx.methods:
            unit.calls.add(f"{ctx.owner}.{text}")
        return [LOCAL], False
    if after == "=" and depth > 0:
        return [text], False  # a keyword argument: the library's name, not the student's
    if text in ctx.aliases:
        parts = ctx.aliases[text].split(".")
        return [x for part in parts for x in (".", part)][1:], True
    if text in ctx.keep or text in _BUILTINS:
        return [text], False
    if text in ctx.helpers:
        unit.calls.add(text)
    return [LOCAL], False


@lru_cache(maxsize=4096)
def _number(text: str) -> str:
    """``1``, ``1.0`` and ``1.`` alike; anything else as written."""
    try:
        value = ast.literal_eval(text)
        return repr(float(value)) if isinstance(value, int | float) else text
    except (ValueError, SyntaxError, OverflowError):
        return text
