"""What a query may not do: names that are not identifiers or not in the catalog are 422s that
reach no SQL; values are parameters; roles decide which tables exist for the caller; the
statement is read-only; the spec compiles for Oracle too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from query_data import Tables, generate, load
from sqlalchemy.dialects import oracle
from sqlalchemy.engine import Engine

from dataquery.queries import sources as src
from dataquery.queries.compiler import compile_spec
from dataquery.queries.execute import run_read_only
from dataquery.queries.spec import QuerySpec, example_spec

API = "/api/v1/queries"


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def tables(client: TestClient) -> Tables:
    data = generate(people=40)
    load(_engine(client), data)
    return data


@pytest.fixture
def statements(client: TestClient) -> Iterator[list[str]]:
    """Every SQL statement the warehouse receives while the test runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = _engine(client)
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


HOSTILE_NAMES = [
    'iin"; DROP TABLE q_people; --',
    "iin; drop table q_people",
    "iin' OR '1'='1",
    "ИИН",  # a non-ASCII letter is not an identifier here
    "iin\u200b",  # a zero-width space
    "a b",
    "1iin",
    "",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_column_names_are_422_and_reach_no_sql(
    as_user: TestClient, tables: Tables, statements: list[str], name: str
) -> None:
    specs = [
        {"source": "q_people", "columns": [{"column": name}]},
        {"source": name},
        {"source": "q_people", "joins": [{"table": name}]},
        {
            "source": "q_people",
            "filters": {
                "kind": "group",
                "filters": [{"kind": "condition", "column": {"column": name}, "op": "is_null"}],
            },
        },
        {"source": "q_people", "aggregations": [{"fn": "count"}], "order_by": [{"field": name}]},
    ]
    for spec in specs:
        for path in ("run", "sql"):
            statements.clear()
            response = as_user.post(f"{API}/{path}", json={"spec": spec})
            assert response.status_code == 422, (spec, response.text)
            assert response.json()["errors"], response.text
            if name:
                assert not [s for s in statements if name in s], statements
    with _engine(as_user).connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM q_people")).scalar_one() == 40


def test_unknown_names_say_which(as_user: TestClient, tables: Tables) -> None:
    spec = {
        "source": "q_people",
        "columns": [{"column": "nope"}, {"table": "q_products", "column": "iin"}],
        "order_by": [{"field": "zzz"}],
    }
    response = as_user.post(f"{API}/run", json={"spec": spec})
    assert response.status_code == 422
    codes = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert ("columns.0.column", "query.unknown_column") in codes
    assert ("columns.1.table", "query.unknown_table") in codes
    assert ("order_by.0.field", "query.unknown_output") in codes
    missing = as_user.post(f"{API}/run", json={"spec": {"source": "no_such_table"}})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["code"] == "query.unknown_table"


def test_values_of_the_wrong_kind_are_422(as_user: TestClient, tables: Tables) -> None:
    bad = [
        ("n", "=", "1; DROP TABLE q_people"),
        ("n", "=", True),
        ("d", ">", "not a date"),
        ("flag", "=", "yes"),
        ("n", "between", [1]),
        ("n", "in", []),
        ("n", "contains", "1"),
        ("city", "last_days", 10),
        ("d", "last_days", -1),
        ("city", "=", ["a", "b"]),
    ]
    for column, op, value in bad:
        condition = {"kind": "condition", "column": {"column": column}, "op": op, "value": value}
        spec = {"source": "q_people", "filters": {"kind": "group", "filters": [condition]}}
        response = as_user.post(f"{API}/run", json={"spec": spec})
        assert response.status_code == 422, (column, op, value, response.text)
        assert response.json()["errors"][0]["code"] == "query.bad_value", response.text
    wrong = [
        {"fn": "sum", "column": {"column": "city"}},
        {"fn": "avg"},
        {"fn": "max", "column": {"column": "flag"}},
    ]
    for aggregation in wrong:
        spec = {"source": "q_people", "aggregations": [aggregation]}
        assert as_user.post(f"{API}/run", json={"spec": spec}).status_code == 422, aggregation
    bucket = {"source": "q_people", "group_by": [{"column": {"column": "city"}, "bucket": "week"}]}
    response = as_user.post(f"{API}/run", json={"spec": bucket})
    assert response.json()["errors"][0]["code"] == "query.bucket_needs_date"


def test_unicode_values_are_data(as_user: TestClient, tables: Tables) -> None:
    condition = {"kind": "condition", "column": {"column": "city"}, "op": "=", "value": "Алматы"}
    spec = {"source": "q_people", "filters": {"kind": "group", "filters": [condition]}}
    response = as_user.post(f"{API}/run", json={"spec": spec})
    assert response.status_code == 200
    assert {row[1] for row in response.json()["rows"]} <= {"Алматы"}


def test_roles_decide_which_tables_exist(
    as_user: TestClient, as_admin: TestClient, tables: Tables
) -> None:
    user_tables = {t["name"] for t in as_user.get(f"{API}/schema").json()}
    assert {"q_people", "q_products", "mb01_camp_dict", "mb22_local_target"} <= user_tables
    assert not {t for t in user_tables if t.startswith("dq_")}
    for table in ("dq_users", "dq_audit_log", "dq_saved_queries"):
        response = as_user.post(f"{API}/run", json={"spec": {"source": table}})
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "query.unknown_table"
        assert as_user.get(f"/api/v1/viewer/{table}/rows").status_code == 404
    join = {"source": "q_people", "joins": [{"table": "dq_audit_log", "on": "iin"}]}
    assert as_user.post(f"{API}/run", json={"spec": join}).status_code == 422

    admin_tables = {t["name"]: t for t in as_admin.get(f"{API}/schema").json()}
    assert "dq_audit_log" in admin_tables and "dq_users" in admin_tables
    # the secrets of signing in are nobody's to read
    assert not {"dq_refresh_tokens", "dq_auth_sessions", "dq_password_attempts"} & set(admin_tables)
    assert "password_hash" not in {c["name"] for c in admin_tables["dq_users"]["columns"]}
    users = as_admin.post(f"{API}/run", json={"spec": {"source": "dq_users"}})
    assert users.status_code == 200, users.text
    assert "password_hash" not in {c["name"] for c in users.json()["columns"]}
    hashes = {"source": "dq_users", "columns": [{"column": "password_hash"}]}
    assert as_admin.post(f"{API}/run", json={"spec": hashes}).status_code == 422
    tokens = as_admin.post(f"{API}/run", json={"spec": {"source": "dq_refresh_tokens"}})
    assert tokens.status_code == 422


def test_execution_is_read_only(client: TestClient, tables: Tables) -> None:
    engine = _engine(client)
    rows = run_read_only(engine, sa.select(sa.literal(1)), 5)
    assert rows.rows == [(1,)]
    if engine.dialect.name != "postgresql":
        return  # DuckDB has no read-only transaction: only compiled SELECTs reach it
    write = sa.text("DELETE FROM q_people")
    with pytest.raises(sa.exc.DBAPIError, match="read-only"):
        run_read_only(engine, write, 5)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM q_people")).scalar_one() == 40


def test_a_long_statement_is_stopped(client: TestClient, tables: Tables) -> None:
    from dataquery.core.errors import InvalidInput

    engine = _engine(client)
    if engine.dialect.name == "postgresql":
        slow: sa.Executable = sa.select(sa.func.pg_sleep(5))
    else:
        slow = sa.text(
            "SELECT COUNT(*) FROM range(200000000) a, range(1000) b WHERE a.range % 7 = b.range"
        )
    with pytest.raises(InvalidInput) as caught:
        run_read_only(engine, slow, 0.3)
    assert caught.value.code == "query.timeout"


def _sources() -> dict[str, src.Source]:
    def source(name: str, key: tuple[str, ...], **kinds: str) -> src.Source:
        columns = tuple(src.Column(c, k, src.SQL_TYPES[k]) for c, k in kinds.items())
        return src.Source(name, name, "test", None, columns, key)

    return {
        "feature_store": source(
            "feature_store", ("iin",), iin="text", device_os="text", filial_code="text"
        ),
        "products": source("products", (), iin="text", product_code="text", opened_date="date"),
    }


def test_a_spec_compiles_for_oracle() -> None:
    spec = QuerySpec.model_validate(example_spec())
    compiled = compile_spec(
        spec, _sources(), dialect="oracle", reference_date=date(2026, 11, 28), max_rows=100
    )
    sql = str(compiled.statement.compile(dialect=oracle.dialect()))
    assert "trunc(t1.opened_date, 'IW')" in sql
    assert "FETCH FIRST" in sql or "ROWNUM" in sql
    assert "ios" not in sql  # the value is a bound parameter
    assert "count(*)" in sql.lower()
    postgres = str(
        compile_spec(
            spec, _sources(), dialect="postgresql", reference_date=date(2026, 11, 28), max_rows=100
        ).statement.compile(dialect=sa.dialects.postgresql.dialect())  # type: ignore[attr-defined]
    )
    assert "date_trunc('week', t1.opened_date)" in postgres
