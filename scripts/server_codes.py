#!/usr/bin/env python3
"""Every code the server can emit, collected from its source: web/src/i18n/server-codes.json.

A code is what the web translates under `codes.<code>` (funnel steps, notices, upload reasons,
IIN reasons, errors, job stages). The scan finds, in src/dataquery/**/*.py:
  - a string literal passed as the keyword `code=...` or `stage_code=...` (any call);
  - the first argument of a `Code(...)`, `Problem(...)` or `Notice(...)` when it is a literal;
  - the string values of a code table: a module- or class-level name ending in `_CODES`
    or `STAGES` (a job's stages in order)
    assigned a dict, list, tuple or set literal.
Only dotted snake case counts (`iin.reason.empty`), so other `code=` values (an HTTP status, a
campaign code) are not taken for one. `make api-client` runs this; tests/test_codes.py and
web/src/i18n/serverCodes.test.ts check the list and its translations.

Usage: scripts/server_codes.py [--check]   (--check: exit 1 when the JSON is out of date)
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "dataquery"
OUTPUT = ROOT / "web" / "src" / "i18n" / "server-codes.json"

CODE = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")
VALUE_TYPES = frozenset({"Code", "Problem", "Notice"})
CODE_KEYWORDS = frozenset({"code", "stage_code"})  # stage_code: a job's progress stage
TABLE_SUFFIXES = ("_CODES", "STAGES")


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _strings(node: ast.expr | None) -> Iterator[str]:
    """The string literals of a table literal (dict values, elements), nested ones too."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _strings(value)
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _strings(element)
    elif isinstance(node, ast.Call):  # e.g. frozenset({...}) or MappingProxyType({...})
        for argument in node.args:
            yield from _strings(argument)


def _choices(node: ast.expr) -> Iterator[str]:
    """A literal, or each literal branch of `a if cond else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _choices(node.body)
        yield from _choices(node.orelse)


def codes_in(source: str) -> set[str]:
    """The codes one module can emit."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in CODE_KEYWORDS:
                    found.extend(_choices(keyword.value))
            first = node.args[0] if node.args else None
            if (
                _name(node.func) in VALUE_TYPES
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.append(first.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any((_name(t) or "").endswith(TABLE_SUFFIXES) for t in targets):
                found.extend(_strings(node.value))
    return {code for code in found if CODE.fullmatch(code)}


def scan(files: Iterable[Path] | None = None) -> list[str]:
    """Every code of the server's modules, sorted."""
    codes: set[str] = set()
    for path in sorted(files if files is not None else SOURCE.rglob("*.py")):
        codes |= codes_in(path.read_text(encoding="utf-8"))
    return sorted(codes)


def render(codes: list[str]) -> str:
    return json.dumps(codes, indent=2) + "\n"


def main(argv: list[str]) -> int:
    text = render(scan())
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(
                f"{OUTPUT.relative_to(ROOT)} is out of date: run make api-client", file=sys.stderr
            )
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
