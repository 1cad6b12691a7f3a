"""The import rules of ARCHITECTURE.md, checked on the source: layers point one way.

A small AST walk instead of a linter plugin: every `import` and `from … import` of every module
under src/dataquery (function-level and TYPE_CHECKING imports too: they are couplings all the
same) is matched against the rules below.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "dataquery"

# Pure modules compute; they never reach a database, the network or a file. pyarrow is allowed
# (like numpy it is an in-memory columnar structure, and the split hashes Arrow arrays), but not
# its readers and writers.
PURE = (
    "dataquery.iin",
    "dataquery.sampling",
    "dataquery.core.progress",
    "dataquery.distribution.deal",
)
IO_LIBRARIES = (
    "sqlalchemy",
    "duckdb",
    "psycopg",
    "fastapi",
    "starlette",
    "httpx",
    "ldap3",
    "pyarrow.parquet",
    "pyarrow.csv",
    "pyarrow.json",
    "pyarrow.dataset",
    "pyarrow.fs",
    "pyarrow.flight",
)


DOMAINS = tuple(
    f"dataquery.{name}"
    for name in (
        "bank",
        "reference",
        "datasets",
        "datasources",
        "uploads",
        "audiences",
        "campaigns",
        "auth",
        "monitoring",
        "appsettings",
        "queries",
        "distribution",
        "notifications",
        "integrations",
    )
)
# The HTTP edge of a domain: routers, request dependencies, and the streaming upload receiver.
HTTP_EDGE_MODULES = (
    "dataquery.auth.deps",
    "dataquery.uploads.receive",
    "dataquery.appsettings.deps",
)


@dataclass(frozen=True)
class Rule:
    """Modules under `importer` must not import anything under `forbidden` (unless under
    `allowed`)."""

    name: str
    importer: tuple[str, ...]
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    # Importers the rule does not apply to: these modules, and modules named `*<suffix>`.
    spared: tuple[str, ...] = ()
    spared_suffix: str | None = None

    def applies_to(self, module: str) -> bool:
        if not _under(module, self.importer) or module in self.spared:
            return False
        return not (self.spared_suffix and module.endswith(self.spared_suffix))


RULES = (
    Rule("core imports no domain", ("dataquery.core",), (PACKAGE,), ("dataquery.core",)),
    Rule(
        "bank imports nothing but core",
        ("dataquery.bank",),
        (PACKAGE,),
        ("dataquery.core", "dataquery.bank"),
    ),
    Rule("audiences do not import campaigns", ("dataquery.audiences",), ("dataquery.campaigns",)),
    Rule("pure modules import no I/O", PURE, IO_LIBRARIES),
    Rule(
        "domain logic does not touch FastAPI",
        DOMAINS,
        ("fastapi", "starlette"),
        spared=HTTP_EDGE_MODULES,
        spared_suffix=".router",
    ),
    Rule("pure modules import only pure modules", PURE, (PACKAGE,), PURE),
)


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def imported_names(module: str, source: str) -> set[str]:
    """Every module `source` (the text of `module`) imports, as absolute dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing package
                base = module.split(".")[: -node.level]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            # `from dataquery import campaigns` imports dataquery.campaigns.
            names.update(f"{target}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def violations(module: str, source: str) -> list[str]:
    found = []
    for rule in RULES:
        if not rule.applies_to(module):
            continue
        for name in sorted(imported_names(module, source)):
            if _under(name, rule.forbidden) and not _under(name, rule.allowed):
                # `from dataquery import iin` adds `dataquery` itself: the package, not a layer.
                if name == PACKAGE:
                    continue
                found.append(f"{module} imports {name}: {rule.name}")
    return found


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def test_the_source_keeps_the_import_rules() -> None:
    broken = [v for module, path in modules() for v in violations(module, path.read_text("utf-8"))]
    assert broken == []


def test_the_rules_cover_the_packages_they_name() -> None:
    names = {module for module, _ in modules()}
    for prefix in ("dataquery.core", "dataquery.bank", "dataquery.audiences", *PURE):
        assert any(_under(name, (prefix,)) for name in names), prefix


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        ("dataquery.core.db", "from dataquery.audit.service import record_success", "core imports"),
        ("dataquery.core.db", "def f():\n    import dataquery.models\n", "core imports"),
        ("dataquery.core.web", "from dataquery import campaigns", "core imports"),
        (
            "dataquery.bank.tables",
            "from dataquery.audiences.models import Audience",
            "bank imports",
        ),
        ("dataquery.audiences.compiler", "from dataquery.campaigns.models import X", "audiences"),
        ("dataquery.audiences.service", "from ..campaigns import service", "audiences"),
        ("dataquery.iin", "import sqlalchemy as sa", "no I/O"),
        ("dataquery.sampling.split", "import pyarrow.parquet as pq", "no I/O"),
        ("dataquery.sampling.balance", "from fastapi import Request", "no I/O"),
        ("dataquery.sampling.split", "from dataquery.core.db import IIN", "only pure"),
        ("dataquery.campaigns.deploy", "from fastapi import FastAPI", "FastAPI"),
    ],
)
def test_the_checker_catches_a_violation(module: str, source: str, rule: str) -> None:
    found = violations(module, source)
    assert found and all(rule in v for v in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("dataquery.core.db", "import sqlalchemy as sa\nfrom dataquery.core.errors import DQError"),
        ("dataquery.bank.tables", "from dataquery.core.db import Base"),
        ("dataquery.campaigns.service", "from dataquery.audiences.models import Audience"),
        ("dataquery.sampling.split", "import numpy as np\nimport pyarrow.compute as pc"),
        ("dataquery.sampling.split", "from dataquery import iin"),
        ("dataquery.campaigns.router", "from fastapi import APIRouter"),
    ],
)
def test_the_checker_lets_allowed_imports_pass(module: str, source: str) -> None:
    assert violations(module, source) == []
