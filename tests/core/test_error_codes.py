"""Every domain error raised in src/ names its code as a literal `code="..."`, so a scanner (and
the web's catalog test) finds every code the server can emit, and codes are dotted snake case."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dataquery.core import errors

SRC = Path(errors.__file__).resolve().parents[1]
ERROR_CLASSES = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.DQError)
}
CODE = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")


def _raised_errors() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ERROR_CLASSES:
                calls.append((f"{path.relative_to(SRC)}:{node.lineno}", node))
    return calls


def test_every_domain_error_has_a_literal_dotted_code() -> None:
    calls = _raised_errors()
    assert len(calls) > 100  # the walk found the raises
    bad = []
    for where, call in calls:
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        if where.startswith("core/problems.py"):
            continue  # passes on the literal its caller gave
        if not (isinstance(code, ast.Constant) and CODE.fullmatch(str(code.value))):
            bad.append(where)
    assert bad == []
