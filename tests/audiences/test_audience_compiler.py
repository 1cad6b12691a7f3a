"""The spec contract and the compiler, without a warehouse: dialects, quoting, parameters."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from duckdb_engine import Dialect as DuckDBEngineDialect
from pydantic import ValidationError
from sqlalchemy.dialects import oracle, postgresql

from dataquery.audiences.compiler import Compiler, Resolved
from dataquery.audiences.spec import (
    AudienceSpec,
    SuppressionFilter,
    UploadFilter,
    default_spec,
)
from dataquery.core.clock import bank_today

EVERY_KIND: dict[str, Any] = {
    "version": 1,
    "reference_date": "2026-11-28",
    "source": {"kind": "products", "products": ["debit_card", "mortgage"], "mode": "all"},
    "filters": [
        {"kind": "suppression", "list": "global_control"},
        {"kind": "suppression", "list": "select"},
        {"kind": "age", "min": 25, "max": 60},
        {"kind": "gender", "values": ["F"]},
        {"kind": "device", "values": ["ios", "none"]},
        {"kind": "filial", "codes": ["01", "02"]},
        {"kind": "mau"},
        {"kind": "push_enabled"},
        {"kind": "push_optout", "event_types": ["marketing_offers"]},
        {"kind": "product", "products": ["credit_card"], "mode": "has"},
        {"kind": "stream", "stream": "travel", "exclude": ["local_control", "local_target"]},
        {"kind": "recent_contact", "days": 14, "streams": ["market"], "channels": ["sms"]},
        {"kind": "frequency_cap", "max_contacts": 3, "days": 30},
        {"kind": "upload", "upload_id": "Ab-1", "mode": "include"},
    ],
    "rank": {"sum_of": ["score_credit", "score_deposit"], "min": 0.5, "top_n": 100000},
    "limit": 5000,
}
RESOLVED = Resolved(
    feature_store="feature_store",
    feature_columns=frozenset(
        ["iin", "birth_date", "gender", "filial_code", "device_os", "is_mau", "push_enabled"]
    ),
    score_columns=("score_credit", "score_deposit"),
    products="products",
    push_optouts="push_optouts",
    lists={"global_control": "mb11_global_control", "select": "select"},
    uploads={"Ab-1": "upload_Ab-1"},
)


def _compiler(raw: dict[str, Any] = EVERY_KIND) -> Compiler:
    return Compiler(AudienceSpec.model_validate(raw), RESOLVED)


def _statements(compiler: Compiler) -> dict[str, sa.Executable]:
    return {
        "funnel": compiler.funnel(),
        "preview": compiler.preview(),
        "members": compiler.members(),
        "explain": compiler.explain("000101500011"),
        "is_member": compiler.is_member("000101500011"),
    }


def test_the_issue_example_is_the_contract() -> None:
    spec = AudienceSpec.model_validate(EVERY_KIND)
    again = AudienceSpec.model_validate_json(spec.model_dump_json())
    assert again == spec
    dumped = json.loads(spec.model_dump_json())
    assert dumped["filters"][2] == {"kind": "age", "min": 25, "max": 60}
    assert dumped["filters"][-1] == {"kind": "upload", "upload_id": "Ab-1", "mode": "include"}


def test_defaults_and_coercions() -> None:
    spec = AudienceSpec.model_validate({"filters": [{"kind": "upload", "upload_id": 42}]})
    assert spec.reference_date == bank_today()
    assert spec.source.kind == "feature_store"
    assert spec.filters == [UploadFilter(upload_id="42", mode="exclude")]
    stream = AudienceSpec.model_validate({"filters": [{"kind": "stream", "stream": "kino"}]})
    assert stream.filters[0].exclude == ["local_control", "local_target"]  # type: ignore[union-attr]


def test_a_new_spec_excludes_the_global_control_group() -> None:
    spec = default_spec(date(2026, 1, 2))
    assert spec.filters == [SuppressionFilter(list="global_control")]
    assert spec.reference_date == date(2026, 1, 2)


@pytest.mark.parametrize(
    "raw",
    [
        {"filters": [{"kind": "mau", "typo": True}]},
        {"filters": [{"kind": "nope"}]},
        {"filters": [{"list": "global_control"}]},
        {"source": {"kind": "audience"}},
        {"version": 2},
        {"unknown_top_level": 1},
    ],
)
def test_the_spec_refuses_what_it_does_not_know(raw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        AudienceSpec.model_validate(raw)


def test_the_schema_is_a_discriminated_union() -> None:
    schema = AudienceSpec.model_json_schema()
    filters = schema["properties"]["filters"]["items"]
    assert filters["discriminator"]["propertyName"] == "kind"
    assert len(filters["discriminator"]["mapping"]) == 15
    assert schema["properties"]["source"]["discriminator"]["propertyName"] == "kind"


def test_steps_follow_the_spec() -> None:
    compiler = _compiler()
    kinds = [step.kind for step in compiler.steps]
    assert kinds[:2] == ["source", "not_in_feature_store"]
    assert kinds[2:-2] == [f["kind"] for f in EVERY_KIND["filters"]]
    assert kinds[-2:] == ["rank", "limit"]
    assert [step.number for step in compiler.steps] == list(range(len(kinds)))
    assert compiler.keep_at_most == 5000


@pytest.mark.parametrize("dialect", [oracle.dialect(), postgresql.dialect()], ids=lambda d: d.name)
def test_every_statement_compiles_for_the_bank_engines(dialect: sa.Dialect) -> None:
    for name, statement in _statements(_compiler()).items():
        sql = str(statement.compile(dialect=dialect))
        assert "WITH" in sql, name
        if dialect.name == "oracle":
            assert "MATERIALIZED" not in sql and "mod(" in sql
        # Catalog names reach SQL quoted by the dialect's preparer, never as given.
        assert '"select"' in sql, name
        assert '"upload_Ab-1"' in sql, name


def test_the_funnel_is_one_statement_with_one_aggregate_per_set() -> None:
    sql = str(_compiler().funnel().compile(dialect=postgresql.dialect()))
    assert sql.count("GROUP BY sets.iin") == 1
    assert sql.count("LEFT OUTER JOIN membership") == 1
    # The rows with their step are kept once on DuckDB and scanned twice (in parallel workers)
    # on PostgreSQL: the final rows are kept once on both.
    preview = str(_compiler().preview().compile(dialect=postgresql.dialect()))
    assert "flagged AS NOT MATERIALIZED" in preview
    assert "final AS MATERIALIZED" in preview
    preview = str(_compiler().preview().compile(dialect=DuckDBEngineDialect()))
    assert "flagged AS MATERIALIZED" in preview
    assert "final AS MATERIALIZED" in preview
    # Read back (DuckDB): the final rows' columns come from the feature store again, for them
    # only, joined by row id (test_audience_engines checks both shapes give the same answers).
    assert "final_base" not in preview
    read_back = str(_compiler().preview(read_back=True).compile(dialect=DuckDBEngineDialect()))
    assert "final_base" in read_back
    assert "ON feature_store.rowid = source.fs_row" in read_back
    # A feature-store column named rowid would shadow the row id: then by IIN.
    named = Compiler(AudienceSpec.model_validate(EVERY_KIND), replace(RESOLVED, row_id=False))
    by_iin = str(named.preview(read_back=True).compile(dialect=DuckDBEngineDialect()))
    assert "rowid" not in by_iin
    assert "ON feature_store.iin = source.iin" in by_iin


def test_user_values_are_bound_parameters() -> None:
    raw = {**EVERY_KIND, "filters": [{"kind": "filial", "codes": ["0'; DROP TABLE x; --"]}]}
    compiled = _compiler(raw).funnel().compile(dialect=postgresql.dialect())
    assert "DROP TABLE" not in str(compiled)
    assert "0'; DROP TABLE x; --" in [
        v
        for value in compiled.params.values()
        for v in (value if isinstance(value, list) else [value])
    ]
