"""POST /api/v1/queries/run on DuckDB and PostgreSQL: every operator and every aggregation on
generated data, checked against the same computation in Python (so both engines answer the
same), joins, date buckets, order, limits and the row cap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from query_data import REFERENCE, Tables, generate, load
from sqlalchemy.engine import Engine

API = "/api/v1/queries"


@pytest.fixture
def tables(client: TestClient) -> Tables:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    data = generate()
    load(engine, data)
    return data


def _cond(column: str, op: str, value: Any = None, table: str | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = (
        {"column": column} if table is None else {"table": table, "column": column}
    )
    return {"kind": "condition", "column": ref, "op": op, "value": value}


def _count(client: TestClient, *conditions: dict[str, Any], combine: str = "and") -> int:
    spec = {
        "source": "q_people",
        "filters": {"kind": "group", "combine": combine, "filters": list(conditions)},
        "aggregations": [{"fn": "count"}],
        "reference_date": REFERENCE.isoformat(),
    }
    response = client.post(f"{API}/run", json={"spec": spec})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["name"] for c in body["columns"]] == ["count"]
    return int(body["rows"][0][0])


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def test_every_operator_counts_what_python_counts(as_user: TestClient, tables: Tables) -> None:
    people = tables.people
    d0, d1 = REFERENCE - timedelta(days=60), REFERENCE - timedelta(days=20)
    cases: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
        (_cond("city", "=", "Алматы"), lambda r: r["city"] == "Алматы"),
        (_cond("city", "!=", "Алматы"), lambda r: r["city"] not in (None, "Алматы")),
        (_cond("n", "<", 10), lambda r: r["n"] is not None and r["n"] < 10),
        (_cond("n", "<=", 10), lambda r: r["n"] is not None and r["n"] <= 10),
        (_cond("x", ">", 500.5), lambda r: r["x"] is not None and r["x"] > 500.5),
        (_cond("x", ">=", 500.5), lambda r: r["x"] is not None and r["x"] >= 500.5),
        (_cond("n", "between", [0, 20]), lambda r: r["n"] is not None and 0 <= r["n"] <= 20),
        (
            _cond("d", "between", [d0.isoformat(), d1.isoformat()]),
            lambda r: r["d"] is not None and d0 <= r["d"] <= d1,
        ),
        (
            _cond("city", "in", ["Astana", "Shymkent"]),
            lambda r: r["city"] in ("Astana", "Shymkent"),
        ),
        (
            _cond("city", "not_in", ["Astana", "Shymkent"]),
            lambda r: r["city"] is not None and r["city"] not in ("Astana", "Shymkent"),
        ),
        # contains and starts_with ignore case and treat % and _ as plain characters.
        (
            _cond("city", "contains", "TAN"),
            lambda r: r["city"] is not None and "tan" in r["city"].lower(),
        ),
        (_cond("city", "contains", "%_"), lambda r: r["city"] is not None and "%_" in r["city"]),
        (
            _cond("city", "starts_with", "o'b"),
            lambda r: r["city"] is not None and r["city"].lower().startswith("o'b"),
        ),
        (_cond("city", "is_null"), lambda r: r["city"] is None),
        (_cond("city", "not_null"), lambda r: r["city"] is not None),
        (_cond("flag", "=", True), lambda r: r["flag"] is True),
        (
            _cond("d", "last_days", 30),
            lambda r: r["d"] is not None and REFERENCE - timedelta(days=29) <= r["d"] <= REFERENCE,
        ),
        (
            _cond("ts", "last_days", 7),
            lambda r: datetime(2026, 11, 22) <= r["ts"] < datetime(2026, 11, 29),
        ),
        (_cond("ts", ">=", "2026-11-20T12:00:00"), lambda r: r["ts"] >= datetime(2026, 11, 20, 12)),
    ]
    for condition, keep in cases:
        expected = sum(1 for r in people if keep(r))
        assert _count(as_user, condition) == expected, condition
        assert 0 < expected < len(people), condition  # each case tells rows apart


def test_and_or_groups_nest(as_user: TestClient, tables: Tables) -> None:
    inner = {
        "kind": "group",
        "combine": "or",
        "filters": [_cond("city", "=", "Astana"), _cond("n", ">", 30)],
    }
    got = _count(as_user, _cond("device_os", "=", "ios"), inner)
    expected = sum(
        1
        for r in tables.people
        if r["device_os"] == "ios" and (r["city"] == "Astana" or (r["n"] or 0) > 30)
    )
    assert got == expected
    either = _count(as_user, _cond("city", "=", "Astana"), _cond("n", ">", 30), combine="or")
    assert either == sum(1 for r in tables.people if r["city"] == "Astana" or (r["n"] or 0) > 30)


def test_every_aggregation_by_group(as_user: TestClient, tables: Tables) -> None:
    spec = {
        "source": "q_people",
        "aggregations": [
            {"fn": "count"},
            {"fn": "count", "column": {"column": "n"}},
            {"fn": "count_distinct", "column": {"column": "device_os"}},
            {"fn": "sum", "column": {"column": "n"}},
            {"fn": "avg", "column": {"column": "x"}, "label": "mean_x"},
            {"fn": "min", "column": {"column": "d"}},
            {"fn": "max", "column": {"column": "city"}},
        ],
        "group_by": [{"column": {"column": "flag"}}],
    }
    response = as_user.post(f"{API}/run", json={"spec": spec})
    assert response.status_code == 200, response.text
    body = response.json()
    names = [c["name"] for c in body["columns"]]
    assert names == [
        "flag",
        "count",
        "count_n",
        "count_distinct_device_os",
        "sum_n",
        "mean_x",
        "min_d",
        "max_city",
    ]
    got = {row[0]: row[1:] for row in body["rows"]}
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in tables.people:
        groups[r["flag"]].append(r)
    assert set(got) == set(groups)
    for flag, rows in groups.items():
        ns = [r["n"] for r in rows if r["n"] is not None]
        xs = [r["x"] for r in rows if r["x"] is not None]
        count, count_n, distinct, total, mean, low, high = got[flag]
        assert count == len(rows)
        assert count_n == len(ns)
        assert distinct == len({r["device_os"] for r in rows if r["device_os"] is not None})
        assert total == pytest.approx(sum(ns))
        assert mean == pytest.approx(sum(xs) / len(xs))
        assert low == min(r["d"] for r in rows if r["d"] is not None).isoformat()
        assert high == max(r["city"] for r in rows if r["city"] is not None)


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_a_join_grouped_by_a_date_bucket(as_user: TestClient, tables: Tables, bucket: str) -> None:
    """iOS customers' credit cards by the week (day, month) they were opened: the issue's
    question, on generated data."""
    spec = {
        "source": "q_people",
        "joins": [{"table": "q_products", "on": "iin"}],
        "filters": {
            "kind": "group",
            "filters": [
                _cond("device_os", "=", "ios"),
                _cond("product_code", "=", "credit_card", table="q_products"),
            ],
        },
        "aggregations": [{"fn": "count_distinct", "column": {"column": "iin"}}],
        "group_by": [
            {"column": {"table": "q_products", "column": "opened_date"}, "bucket": bucket}
        ],
    }
    response = as_user.post(f"{API}/run", json={"spec": spec})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["name"] for c in body["columns"]] == [
        "q_products__opened_date",
        "count_distinct_iin",
    ]
    ios = {r["iin"] for r in tables.people if r["device_os"] == "ios"}

    def start(day: date) -> date:
        if bucket == "week":
            return day - timedelta(days=day.weekday())
        if bucket == "month":
            return day.replace(day=1)
        return day

    expected: dict[str, set[str]] = defaultdict(set)
    for p in tables.products:
        if p["iin"] in ios and p["product_code"] == "credit_card":
            expected[start(p["opened_date"]).isoformat()].add(p["iin"])
    assert body["rows"] == [[k, len(v)] for k, v in sorted(expected.items())]


def test_columns_order_and_limit(as_user: TestClient, tables: Tables) -> None:
    spec = {
        "source": "q_people",
        "joins": [{"table": "q_products", "on": "iin", "kind": "left"}],
        "columns": [
            {"column": "iin"},
            {"column": "x"},
            {"table": "q_products", "column": "product_code"},
        ],
        "filters": {"kind": "group", "filters": [_cond("x", "not_null")]},
        "order_by": [{"field": "x", "desc": True}, {"field": "iin"}],
        "limit": 5,
    }
    response = as_user.post(f"{API}/run", json={"spec": spec})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["name"] for c in body["columns"]] == ["iin", "x", "q_products__product_code"]
    assert [c["kind"] for c in body["columns"]] == ["text", "number", "text"]
    top = sorted((r for r in tables.people if r["x"] is not None), key=lambda r: -r["x"])
    assert [row[:2] for row in body["rows"]][:1] == [[top[0]["iin"], top[0]["x"]]]
    assert body["row_count"] == 5 and body["truncated"] is True and body["limit"] == 5


def test_rows_are_capped_by_the_setting(
    client: TestClient, as_user: TestClient, tables: Tables
) -> None:
    client.app.state.settings.query_max_rows = 10  # type: ignore[attr-defined]
    response = as_user.post(f"{API}/run", json={"spec": {"source": "q_people", "limit": 1000}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["row_count"] == 10 and body["truncated"] is True and body["limit"] == 10
    # every column of the source, in the catalog's order, values as JSON
    assert [c["name"] for c in body["columns"]] == [
        "iin",
        "city",
        "device_os",
        "n",
        "x",
        "flag",
        "d",
        "ts",
    ]


def test_the_compiled_sql_has_parameters_not_values(as_user: TestClient, tables: Tables) -> None:
    spec = {
        "source": "q_people",
        "filters": {"kind": "group", "filters": [_cond("city", "=", "Robert'); DROP TABLE x;--")]},
    }
    response = as_user.post(f"{API}/sql", json={"spec": spec})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "DROP TABLE" not in body["sql"]
    assert "Robert'); DROP TABLE x;--" in body["params"].values()
    assert _count(as_user, spec["filters"]["filters"][0]) == 0
