"""The list of server codes the web translates (web/src/i18n/server-codes.json) is the code's own.

scripts/server_codes.py collects the codes from the source; web/src/i18n/serverCodes.test.ts
checks that every one of them has a text in each language.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _scanner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("server_codes", ROOT / "scripts/server_codes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("server_codes", module)
    spec.loader.exec_module(module)
    return module


def test_the_committed_list_is_what_the_source_emits() -> None:
    scanner = _scanner()
    committed = json.loads((ROOT / "web/src/i18n/server-codes.json").read_text(encoding="utf-8"))
    assert committed == scanner.scan(), "run `make api-client` to refresh server-codes.json"


def test_the_scanner_finds_codes_in_keywords_values_and_tables() -> None:
    snippet = """
REASON_CODES = {"a": "zz.table.first", "b": ("zz.table.second",)}
class Holder:
    STAGE_CODES: tuple[str, ...] = ("zz.table.third",)
def f():
    raise Conflict("text", code="zz.keyword.code")
    return Notice("zz.notice.first", params={}), Step(1, "x", code="zz.step.code")
OTHER = {"x": "zz.not.a.table"}
g(code="NotDotted", status_code=404, code_="zz.other.keyword")
progress(stage_code="zz.stage.keyword")
finish(code="zz.branch.yes" if ok else "zz.branch.no")
STAGES = ("zz.stage.first",)
"""
    assert _scanner().codes_in(snippet) == {
        "zz.table.first",
        "zz.table.second",
        "zz.table.third",
        "zz.keyword.code",
        "zz.notice.first",
        "zz.step.code",
        "zz.stage.keyword",
        "zz.branch.yes",
        "zz.branch.no",
        "zz.stage.first",
    }


def test_the_scan_covers_every_area_of_this_part() -> None:
    codes = _scanner().scan()
    for expected in ("funnel.source.feature_store", "funnel.step.age_between", "iin.reason.bin"):
        assert expected in codes
    # i18next nests keys at the dots: a code that prefixes another would hide it.
    prefixes = [a for a in codes for b in codes if b.startswith(a + ".")]
    assert prefixes == []
