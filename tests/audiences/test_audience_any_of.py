"""OR groups (`any_of`) and any-column filters (`column`), on each engine: random specs against
the plain-Python reference, the 422s (unknown column, operator unfit for the type, wrong value
shape, exclusion or any_of inside any_of), explain naming the steps, and the options' columns."""

from __future__ import annotations

from datetime import date
from typing import Any

import audience_reference as ref
import pytest
import sqlalchemy as sa
from audience_bank import REFERENCE_DATE, Bank
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.dialects import oracle, postgresql
from test_audience_properties import FILTERS, PRODUCTS, SOURCES

from dataquery.audiences import service
from dataquery.audiences.compiler import Compiler, Resolved
from dataquery.audiences.spec import AudienceSpec
from dataquery.core.errors import InvalidInput
from dataquery.reference.seed import FILIALS

API = "/api/v1/audiences"
NUMBER_COLUMNS = {
    "balance_kzt": st.integers(0, 3_000_000),
    "txn_cnt_30d": st.integers(0, 60),
    "score_credit": st.floats(0, 1).map(lambda x: round(x, 2)),
    "score_market": st.floats(0, 1).map(lambda x: round(x, 2)),
}
TEXT_COLUMNS = {
    "gender": ["M", "F", "X"],
    "device_os": ["android", "ios", "web"],
    "filial_code": [f.code for f in FILIALS][:8],
}
DATE_COLUMNS = {
    "birth_date": st.dates(date(1940, 1, 1), date(2008, 12, 31)),
    "last_active_date": st.dates(date(2021, 11, 1), date(2026, 11, 28)),
}
NUMBER_OPS = ["=", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "is_null", "not_null"]


def _column(name: str, op: str, values: list[Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": "column", "column": name, "op": op}
    if op == "between":
        item["value"] = sorted(values[:2])
    elif op in ("in", "not_in"):
        item["value"] = values
    elif op not in ("is_null", "not_null"):
        item["value"] = values[0]
    return item


@st.composite
def _number_filter(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(NUMBER_COLUMNS)))
    values = draw(st.lists(NUMBER_COLUMNS[name], min_size=2, max_size=4))
    return _column(name, draw(st.sampled_from(NUMBER_OPS)), values)


@st.composite
def _text_filter(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(TEXT_COLUMNS)))
    values = draw(st.lists(st.sampled_from(TEXT_COLUMNS[name]), min_size=1, max_size=3))
    op = draw(st.sampled_from(["=", "!=", "in", "not_in", "is_null", "not_null"]))
    return _column(name, op, values)


@st.composite
def _date_filter(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(DATE_COLUMNS)))
    days = draw(st.lists(DATE_COLUMNS[name], min_size=2, max_size=2))
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">=", "between", "is_null"]))
    return _column(name, op, [d.isoformat() for d in days])


BOOLEAN_FILTERS = st.builds(
    lambda name, op, value: _column(name, op, [value]),
    st.sampled_from(["is_mau", "push_enabled"]),
    st.sampled_from(["=", "!=", "is_null", "not_null"]),
    st.booleans(),
)
COLUMN_FILTERS = st.one_of(_number_filter(), _text_filter(), _date_filter(), BOOLEAN_FILTERS)
INNER_FILTERS = st.one_of(
    COLUMN_FILTERS,
    st.builds(lambda low: {"kind": "age", "min": low}, st.integers(18, 70)),
    st.just({"kind": "mau"}),
    st.just({"kind": "push_enabled"}),
    st.lists(st.sampled_from(["android", "ios", "none"]), min_size=1, max_size=2, unique=True).map(
        lambda v: {"kind": "device", "values": v}
    ),
    st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=2, unique=True).map(
        lambda p: {"kind": "product", "products": p, "mode": "has"}
    ),
    st.sampled_from(["t1", "t2"]).map(
        lambda u: {"kind": "upload", "upload_id": u, "mode": "include"}
    ),
)
ANY_OF = st.lists(INNER_FILTERS, min_size=2, max_size=4).map(
    lambda inner: {"kind": "any_of", "filters": inner}
)
SPECS = st.builds(
    lambda source, filters: {
        "reference_date": REFERENCE_DATE.isoformat(),
        "source": source,
        "filters": filters,
    },
    SOURCES,
    st.lists(st.one_of(ANY_OF, ANY_OF, COLUMN_FILTERS, FILTERS), min_size=1, max_size=5),
)


def _check(bank: Bank, spec: AudienceSpec, picks: list[int]) -> None:
    expected = ref.run(spec, bank.data)
    with bank.sessions.begin() as db:
        out = service.preview(db, spec, None)
        assert [(s.kind, s.removed, s.remaining) for s in out.funnel] == expected.steps
        assert out.size == expected.size
        final = set(expected.final)
        removed = sorted(expected.source - final)
        kept = sorted(final)
        chosen = [kept[p % len(kept)] for p in picks[:1] if kept]
        chosen += [removed[p % len(removed)] for p in picks[1:] if removed]
        for iin in chosen:
            answer = service.explain(db, spec, iin, None)
            assert answer.in_audience == (iin in final), iin
            assert [step.step for step in answer.removed_by] == expected.failing[iin], iin


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=SPECS, picks=st.lists(st.integers(0, 10**9), min_size=3, max_size=3))
def test_random_or_groups_and_column_filters_match_the_reference(
    bank: Bank, raw: dict[str, Any], picks: list[int]
) -> None:
    _check(bank, AudienceSpec.model_validate(raw), picks)


def test_an_or_group_keeps_either_side_and_is_one_step(bank: Bank) -> None:
    """Owns a credit card OR score_credit >= 0.7: the union of both, counted as one step."""
    group = {
        "kind": "any_of",
        "filters": [
            {"kind": "product", "products": ["credit_card"], "mode": "has"},
            {"kind": "column", "column": "score_credit", "op": ">=", "value": 0.7},
        ],
    }
    spec = AudienceSpec.model_validate(
        {"reference_date": REFERENCE_DATE.isoformat(), "filters": [group]}
    )
    data = bank.data
    cards = {i for i in data.customers if "credit_card" in data.products.get(i, set())}
    scored = {i for i, row in data.customers.items() if (row["score_credit"] or 0) >= 0.7}
    assert cards - scored and scored - cards  # both sides add people of their own
    with bank.sessions.begin() as db:
        out = service.preview(db, spec, None)
    assert [s.kind for s in out.funnel] == ["source", "any_of"]
    assert out.funnel[1].code == "funnel.step.any_of"
    assert out.funnel[1].params == {"count": 2, "kinds": "product, column"}
    assert out.size == len(cards | scored)


def test_null_cells_fail_every_operator_but_is_null(bank: Bank) -> None:
    """gender is NULL for some customers (load_bank): `!= 'M'` keeps only the known F."""
    data = bank.data
    nulls = {i for i, row in data.customers.items() if row["gender"] is None}
    women = {i for i, row in data.customers.items() if row["gender"] == "F"}
    assert nulls
    on = REFERENCE_DATE.isoformat()
    sizes = {}
    for op, value in (("!=", "M"), ("is_null", None), ("not_in", ["M"]), ("not_null", None)):
        item: dict[str, Any] = {"kind": "column", "column": "gender", "op": op}
        if value is not None:
            item["value"] = value
        spec = AudienceSpec.model_validate({"reference_date": on, "filters": [item]})
        with bank.sessions.begin() as db:
            sizes[op] = service.preview(db, spec, None, sample=False, distributions=False).size
    assert sizes["!="] == sizes["not_in"] == len(women)
    assert sizes["is_null"] == len(nulls)
    assert sizes["not_null"] == len(data.customers) - len(nulls)


def test_explain_names_the_any_of_and_column_steps(bank: Bank) -> None:
    spec = AudienceSpec.model_validate(
        {
            "reference_date": REFERENCE_DATE.isoformat(),
            "filters": [
                {
                    "kind": "any_of",
                    "filters": [
                        {"kind": "product", "products": ["mortgage"], "mode": "has"},
                        {"kind": "column", "column": "txn_cnt_30d", "op": ">", "value": 40},
                    ],
                },
                {"kind": "column", "column": "balance_kzt", "op": "between", "value": [1e5, 5e5]},
            ],
        }
    )
    data = bank.data

    def in_group(i: str) -> tuple[bool, bool]:
        return "mortgage" in data.products.get(i, set()), data.customers[i]["txn_cnt_30d"] > 40

    fails_both = next(
        i
        for i, row in sorted(data.customers.items())
        if not any(in_group(i)) and not 1e5 <= row["balance_kzt"] <= 5e5
    )
    by_mortgage = next(i for i in sorted(data.customers) if in_group(i) == (True, False))
    with bank.sessions.begin() as db:
        answer = service.explain(db, spec, fails_both, None)
        assert [(s.kind, s.code) for s in answer.removed_by] == [
            ("any_of", "funnel.step.any_of"),
            ("column", "funnel.step.column_between"),
        ]
        assert answer.removed_by[1].params == {
            "column": "balance_kzt",
            "low": 100000.0,
            "high": 500000.0,
        }
        mortgage = service.explain(db, spec, by_mortgage, None)
        assert "any_of" not in [s.kind for s in mortgage.removed_by]
        assert mortgage.any_of[0].step == 1
        assert mortgage.any_of[0].passed == [0]


RESOLVE_422: list[tuple[dict[str, Any], str, str]] = [
    (
        {"kind": "column", "column": "yacht_size", "op": "=", "value": 1},
        "audience.filter.column.unknown",
        "spec.filters.0.column",
    ),
    (
        {"kind": "column", "column": "iin", "op": "=", "value": "1"},
        "audience.filter.column.unknown",
        "spec.filters.0.column",
    ),
    (
        {"kind": "column", "column": "gender", "op": "<", "value": "M"},
        "audience.filter.column.bad_op",
        "spec.filters.0.op",
    ),
    (
        {"kind": "column", "column": "is_mau", "op": "in", "value": [True]},
        "audience.filter.column.bad_op",
        "spec.filters.0.op",
    ),
    (
        {"kind": "column", "column": "balance_kzt", "op": "=", "value": "lots"},
        "audience.filter.column.bad_value",
        "spec.filters.0.value",
    ),
    (
        {"kind": "column", "column": "birth_date", "op": ">", "value": "28.11.2026"},
        "audience.filter.column.bad_value",
        "spec.filters.0.value",
    ),
    (
        {
            "kind": "any_of",
            "filters": [{"kind": "mau"}, {"kind": "column", "column": "nope", "op": "is_null"}],
        },
        "audience.filter.column.unknown",
        "spec.filters.0.filters.1.column",
    ),
]


@pytest.mark.parametrize(("item", "code", "field"), RESOLVE_422)
def test_unknown_columns_and_unfit_operators_are_422_naming_them(
    bank: Bank, item: dict[str, Any], code: str, field: str
) -> None:
    spec = AudienceSpec.model_validate({"filters": [item]})
    with bank.sessions.begin() as db, pytest.raises(InvalidInput) as raised:
        service.preview(db, spec, None)
    assert raised.value.code == "audience.invalid_spec"
    assert [(e["code"], e["field"]) for e in raised.value.errors] == [(code, field)]
    assert raised.value.errors[0]["params"]["column"] == item.get("column", "nope")


SHAPE_422: list[tuple[dict[str, Any], str]] = [
    (
        {
            "kind": "column",
            "column": "birth_date",
            "op": "between",
            "value": ["2000-01-02", "1990-01-01"],
        },
        "audience.filter.column.between_order",
    ),
    (
        {"kind": "column", "column": "balance_kzt", "op": "between", "value": 5},
        "audience.filter.column.shape_between",
    ),
    (
        {"kind": "column", "column": "balance_kzt", "op": "between", "value": [1, 2, 3]},
        "audience.filter.column.shape_between",
    ),
    (
        {"kind": "column", "column": "balance_kzt", "op": "between", "value": [9, 2]},
        "audience.filter.column.between_order",
    ),
    (
        {"kind": "column", "column": "balance_kzt", "op": "in", "value": 5},
        "audience.filter.column.shape_list",
    ),
    (
        {"kind": "column", "column": "balance_kzt", "op": "in", "value": []},
        "audience.filter.column.shape_list",
    ),
    (
        {"kind": "column", "column": "balance_kzt", "op": ">", "value": [1]},
        "audience.filter.column.shape_single",
    ),
    ({"kind": "column", "column": "balance_kzt", "op": ">"}, "audience.filter.column.shape_single"),
    (
        {"kind": "column", "column": "balance_kzt", "op": "is_null", "value": 0},
        "audience.filter.column.shape_none",
    ),
    (
        {
            "kind": "any_of",
            "filters": [{"kind": "mau"}, {"kind": "suppression", "list": "employees"}],
        },
        "audience.filter.any_of.exclusion",
    ),
    (
        {"kind": "any_of", "filters": [{"kind": "mau"}, {"kind": "recent_contact", "days": 3}]},
        "audience.filter.any_of.exclusion",
    ),
    (
        {
            "kind": "any_of",
            "filters": [{"kind": "mau"}, {"kind": "product", "products": ["x"], "mode": "has_not"}],
        },
        "audience.filter.any_of.exclusion",
    ),
    (
        {
            "kind": "any_of",
            "filters": [{"kind": "mau"}, {"kind": "upload", "upload_id": "t1", "mode": "exclude"}],
        },
        "audience.filter.any_of.exclusion",
    ),
    (
        {
            "kind": "any_of",
            "filters": [
                {"kind": "mau"},
                {"kind": "any_of", "filters": [{"kind": "mau"}, {"kind": "mau"}]},
            ],
        },
        "audience.filter.any_of.nested",
    ),
    ({"kind": "any_of", "filters": [{"kind": "mau"}]}, "validation.too_short"),
    ({"kind": "any_of", "filters": [{"kind": "mau"}] * 21}, "validation.too_long"),
]


def test_wrong_shapes_exclusions_and_nesting_are_422_with_codes(as_user: TestClient) -> None:
    for item, code in SHAPE_422:
        response = as_user.post(f"{API}/preview", json={"spec": {"filters": [item]}})
        assert response.status_code == 422, (item, response.text)
        body = response.json()
        assert body["error"] == "InvalidInput"
        assert [e["code"] for e in body["errors"]] == [code], (item, body)
        with pytest.raises(ValidationError):
            AudienceSpec.model_validate({"filters": [item]})


def test_options_describe_the_feature_store_columns(bank: Bank) -> None:
    with bank.sessions.begin() as db:
        out = service.options(db, None)
    columns = {c.name: c for c in out.columns}
    assert "iin" not in columns and "dq_list_bits" not in columns
    data = bank.data.customers.values()
    balance = columns["balance_kzt"]
    assert balance.type == "number"
    assert balance.min == min(r["balance_kzt"] for r in data)
    assert balance.max == max(r["balance_kzt"] for r in data)
    assert balance.null_share == 0
    gender = columns["gender"]
    assert gender.type == "text"
    assert gender.categories == ["F", "M"]
    nulls = sum(1 for r in data if r["gender"] is None)
    assert gender.null_share == pytest.approx(nulls / len(bank.data.customers))
    assert columns["is_mau"].type == "boolean"
    birth = columns["birth_date"]
    assert birth.type == "date"
    assert birth.min == min(r["birth_date"] for r in data if r["birth_date"]).isoformat()
    assert columns["phone"].categories is None  # too many distinct values to list
    assert all(c.label for c in out.columns)


@pytest.mark.parametrize("dialect", [oracle.dialect(), postgresql.dialect()], ids=lambda d: d.name)
def test_column_values_are_bound_and_an_or_group_stays_one_pass(dialect: sa.Dialect) -> None:
    """The column comes from the catalog (quoted), its values are parameters; the group's
    inclusion set joins the one union, so the funnel still has one aggregate over the sets."""
    hostile = "x'); DROP TABLE feature_store; --"
    spec = AudienceSpec.model_validate(
        {
            "filters": [
                {"kind": "suppression", "list": "select"},
                {
                    "kind": "any_of",
                    "filters": [
                        {"kind": "product", "products": ["credit_card"], "mode": "has"},
                        {"kind": "column", "column": "Odd Name", "op": "in", "value": [hostile]},
                    ],
                },
                {"kind": "column", "column": "balance_kzt", "op": "between", "value": [1, 2]},
            ]
        }
    )
    resolved = Resolved(
        feature_store="feature_store",
        feature_columns=frozenset(["iin", "birth_date", "gender"]),
        products="products",
        lists={"select": "select"},
        filter_columns={"Odd Name": "text", "balance_kzt": "number"},
    )
    compiler = Compiler(spec, resolved)
    assert [step.kind for step in compiler.steps] == ["source", "suppression", "any_of", "column"]
    for statement in (compiler.funnel(), compiler.preview(), compiler.explain("000101500011")):
        compiled = statement.compile(dialect=dialect)
        sql = str(compiled)
        assert "DROP TABLE" not in sql
        assert '"Odd Name"' in sql
        assert sql.count("GROUP BY sets.iin") == 1
        flat = [v for p in compiled.params.values() for v in (p if isinstance(p, list) else [p])]
        assert hostile in flat
