"""The audiences API: preview, 422s naming what is unknown, saving frozen snapshots, owners and
roles, explain, options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from audience_bank import REFERENCE_DATE, campaign_row, load_bank, outside_iins
from audience_reference import Data
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.core.clock import bank_today
from dataquery.core.db import make_sessionmaker
from helpers import PASSWORDS, add_user, login

API = "/api/v1/audiences"
EXAMPLE: dict[str, Any] = {
    "version": 1,
    "reference_date": REFERENCE_DATE.isoformat(),
    "source": {"kind": "feature_store"},
    "filters": [
        {"kind": "suppression", "list": "global_control"},
        {"kind": "age", "min": 25, "max": 60},
        {"kind": "mau"},
        {"kind": "product", "products": ["debit_card"], "mode": "has"},
    ],
    "rank": {"sum_of": ["score_credit", "score_deposit"], "min": 0.5, "top_n": 300},
}


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def data(client: TestClient, demo_files: Path) -> Data:
    return load_bank(_engine(client), demo_files)


def _spec(*filters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"reference_date": REFERENCE_DATE.isoformat(), "filters": list(filters), **extra}


def _members(client: TestClient, audience_id: str) -> set[str]:
    with _engine(client).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT iin FROM dq_audience_members WHERE audience_id = :a"),
            {"a": audience_id},
        ).scalars()
        return set(rows)


def test_a_user_may_preview(as_user: TestClient, data: Data) -> None:
    response = as_user.post(f"{API}/preview", json={"spec": EXAMPLE})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["funnel"][0] == {
        "step": 0,
        "kind": "source",
        "code": "funnel.source.feature_store",
        "params": {},
        "removed": 0,
        "remaining": len(data.customers),
        "filter_index": None,
    }
    assert [s["kind"] for s in body["funnel"]] == [
        "source",
        "suppression",
        "age",
        "mau",
        "product",
        "rank",
    ]
    assert body["size"] == body["funnel"][-1]["remaining"] == 300
    assert len(body["sample"]) == 20 and body["sample"][0]["score"] >= 0.5
    assert {b["key"] for b in body["distributions"]["age"]} >= {"25-34", "55-64"}
    assert sum(b["count"] for b in body["distributions"]["device"]) == 300
    # The bank's campaigns hold some of them: the overlap notice (test_audience_reach.py).
    assert [w["code"] for w in body["warnings"]] == ["notice.audience.overlap"]


UNKNOWN_NAMES: list[tuple[dict[str, Any], str]] = [
    (_spec({"kind": "suppression", "list": "nope"}), "nope"),
    (_spec({"kind": "suppression", "list": "products"}), "products"),
    (_spec({"kind": "suppression", "list": "upload_t1"}), "upload_t1"),
    (_spec({"kind": "filial", "codes": ["01", "99"]}), "99"),
    (_spec({"kind": "stream", "stream": "space"}), "space"),
    (_spec({"kind": "push_optout", "event_types": ["spam_only"]}), "spam_only"),
    (_spec({"kind": "product", "products": ["yacht"]}), "yacht"),
    (_spec({"kind": "recent_contact", "days": 3, "channels": ["pigeon"]}), "pigeon"),
    (_spec({"kind": "recent_contact", "days": 3, "streams": ["nowhere"]}), "nowhere"),
    (_spec({"kind": "upload", "upload_id": "zz9"}), "zz9"),
    (_spec(rank={"sum_of": ["score_credit", "balance_kzt"]}), "balance_kzt"),
    (_spec(source={"kind": "upload", "upload_id": "t404"}), "t404"),
    (_spec(source={"kind": "products", "products": ["yacht"]}), "yacht"),
    (_spec(source={"kind": "audience", "audience_id": "a-missing"}), "a-missing"),
]


def test_unknown_names_are_422_naming_them(as_user: TestClient, data: Data) -> None:
    for spec, named in UNKNOWN_NAMES:
        response = as_user.post(f"{API}/preview", json={"spec": spec})
        assert response.status_code == 422, (named, response.text)
        body = response.json()
        assert body["error"] == "InvalidInput"
        assert named in body["detail"]
        assert body["code"] == "audience.invalid_spec"
        assert any(named in str(item["params"].values()) for item in body["errors"]), named


def test_every_unknown_name_is_reported_at_once(as_user: TestClient, data: Data) -> None:
    spec = _spec(
        {"kind": "suppression", "list": "nope"},
        {"kind": "filial", "codes": ["98", "99"]},
        {"kind": "stream", "stream": "space"},
    )
    body = as_user.post(f"{API}/preview", json={"spec": spec}).json()
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("spec.filters.0.list", "audience.unknown_list"),
        ("spec.filters.1.codes", "audience.unknown_filials"),
        ("spec.filters.2.stream", "audience.unknown_streams"),
    ]
    assert body["errors"][1]["params"] == {"names": "98, 99"}


MALFORMED: list[dict[str, Any]] = [
    {"version": 2},
    {"filters": [{"kind": "teleport"}]},
    {"filters": [{"kind": "mau", "extra": 1}]},
    {"filters": [{"kind": "age"}]},
    {"filters": [{"kind": "age", "min": 60, "max": 25}]},
    {"filters": [{"kind": "gender", "values": ["X"]}]},
    {"filters": [{"kind": "device", "values": []}]},
    {"filters": [{"kind": "recent_contact", "days": 0}]},
    {"filters": [{"kind": "frequency_cap", "max_contacts": 0, "days": 3}]},
    {"filters": [{"kind": "upload", "upload_id": "../etc", "mode": "include"}]},
    {"source": {"kind": "warehouse"}},
    {"rank": {"sum_of": []}},
    {"rank": {"sum_of": ["score_credit", "score_credit"]}},
    {"rank": {"sum_of": ["score_credit"], "top_n": 0}},
    {"limit": 0},
    {"limit": 10**30},
    {"rank": {"sum_of": ["score_credit"], "min": "NaN"}},
    {"reference_date": "yesterday"},
    {"reference_date": "0001-01-01"},
]


def test_malformed_specs_are_422(as_user: TestClient) -> None:
    for spec in MALFORMED:
        response = as_user.post(f"{API}/preview", json={"spec": spec})
        assert response.status_code == 422, (spec, response.text)
        assert response.json()["error"] == "InvalidInput"


def test_a_validator_failure_carries_its_code_and_field(as_user: TestClient) -> None:
    spec = {"filters": [{"kind": "mau"}, {"kind": "age", "min": 50, "max": 30}]}
    body = as_user.post(f"{API}/preview", json={"spec": spec}).json()
    assert body["code"] == "validation.failed"
    assert body["params"] == {}
    assert body["errors"] == [
        {
            "field": "spec.filters.1.age",
            "code": "audience.filter.age.min_above_max",
            "params": {"min": 50, "max": 30},
            "message": "age min 50 is above max 30",
        }
    ]


def test_pydantic_failures_carry_our_code_and_its_context(as_user: TestClient) -> None:
    body = as_user.post(f"{API}/preview", json={"spec": {"limit": 0}}).json()
    (item,) = body["errors"]
    assert (item["field"], item["code"]) == ("spec.limit", "validation.greater_than_equal")
    assert item["params"] == {"ge": 1}
    missing = as_user.post(f"{API}/preview", json={}).json()["errors"]
    assert [(e["field"], e["code"]) for e in missing] == [("spec", "validation.missing")]


def test_preview_before_any_data_is_409(as_user: TestClient) -> None:
    response = as_user.post(f"{API}/preview", json={"spec": _spec()})
    assert response.status_code == 409
    assert "feature store" in response.json()["detail"]


def test_default_spec_excludes_the_global_control_group(as_user: TestClient) -> None:
    body = as_user.get(f"{API}/default-spec").json()
    assert body["filters"] == [{"kind": "suppression", "list": "global_control"}]
    assert body["source"] == {"kind": "feature_store"}
    assert body["reference_date"] == bank_today().isoformat()
    assert body["version"] == 1


def test_options_feed_the_builder_in_one_call(
    as_user: TestClient, as_analyst: TestClient, data: Data
) -> None:
    # Uploads are their owner's (anna, the analyst): a reader sees none of them.
    theirs = as_user.get(f"{API}/options").json()
    assert theirs["uploads"] == []
    assert not any(item["name"].startswith("upload_") for item in theirs["suppression_lists"])
    body = as_analyst.get(f"{API}/options").json()
    lists = body["suppression_lists"]
    assert lists[0]["name"] == "global_control" and lists[0]["default"] is True
    assert lists[0]["row_count"] == len(data.lists["global_control"])
    names = {item["name"] for item in lists}
    assert {"acrm_blacklist", "abc_ptb", "upload_t2"} <= names
    assert "upload_t1" not in names  # uploaded as an audience, not a suppression list
    assert {u["upload_id"]: u["purpose"] for u in body["uploads"]} == {
        "t1": "audience",
        "t2": "suppression",
    }
    codes = {p["code"] for p in body["products"]}
    assert codes == {c for owned in data.products.values() for c in owned}
    assert body["score_columns"] == [
        "score_credit",
        "score_deposit",
        "score_insurance",
        "score_market",
        "score_travel",
    ]
    assert len(body["streams"]) == 32 and len(body["filials"]) == 36
    assert len(body["push_event_types"]) == 18
    assert {c["code"] for c in body["channels"]} == {"push", "sms", "popup"}
    assert body["devices"] == ["android", "ios", "none"]
    assert body["feature_store"]["customers"] == len(data.customers)
    assert body["default_spec"]["filters"][0]["list"] == "global_control"


def test_saving_freezes_the_snapshot(as_analyst: TestClient, data: Data) -> None:
    preview = as_analyst.post(f"{API}/preview", json={"spec": EXAMPLE}).json()
    response = as_analyst.post(API, json={"name": "  Кредитки 25–60  ", "spec": EXAMPLE})
    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["name"] == "Кредитки 25–60"
    assert saved["owner"] == "anna"
    assert saved["size"] == preview["size"] == 300
    assert saved["funnel"] == preview["funnel"]
    assert saved["spec"]["rank"]["top_n"] == 300
    members = _members(as_analyst, saved["id"])
    assert len(members) == saved["size"]
    assert {row["iin"] for row in preview["sample"]} <= members

    # The data changes; the snapshot does not.
    with make_sessionmaker(_engine(as_analyst)).begin() as db:
        db.execute(
            sa.text("DELETE FROM feature_store WHERE iin IN :iins").bindparams(
                sa.bindparam("iins", expanding=True)
            ),
            {"iins": sorted(members)[:100]},
        )
    again = as_analyst.post(f"{API}/preview", json={"spec": EXAMPLE}).json()
    assert again["funnel"] != preview["funnel"]
    fetched = as_analyst.get(f"{API}/{saved['id']}").json()
    assert fetched["size"] == 300 and _members(as_analyst, saved["id"]) == members
    gone = sorted(members)[0]
    explained = as_analyst.get(f"{API}/{saved['id']}/explain", params={"iin": gone}).json()
    assert explained["in_snapshot"] is True and explained["in_audience"] is False
    assert explained["removed_by"][0]["kind"] == "source"


def test_roles_and_owners(
    client: TestClient,
    as_user: TestClient,
    as_analyst: TestClient,
    as_admin: TestClient,
    data: Data,
) -> None:
    spec = _spec({"kind": "suppression", "list": "global_control"}, {"kind": "mau"})
    assert as_user.post(API, json={"name": "x", "spec": spec}).status_code == 403
    mine = as_analyst.post(API, json={"name": "MAU", "spec": spec}).json()
    add_user(_engine(client), "olga", "analyst", PASSWORDS["analyst"])
    olga = TestClient(client.app, headers=login(client, "olga", PASSWORDS["analyst"]))
    hers = olga.post(API, json={"name": "Её", "spec": spec}).json()

    assert [a["id"] for a in as_analyst.get(API).json()["items"]] == [mine["id"]]
    assert [a["id"] for a in olga.get(API).json()["items"]] == [hers["id"]]
    assert as_user.get(API).json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    everyone = as_admin.get(API).json()
    assert everyone["total"] == 2
    assert [a["id"] for a in as_admin.get(API, params={"owner": "olga"}).json()["items"]] == [
        hers["id"]
    ]

    # Someone else's audience is missing to you (404, not 403: its id tells nothing).
    assert olga.get(f"{API}/{mine['id']}").status_code == 404
    assert olga.delete(f"{API}/{mine['id']}").status_code == 404
    assert olga.get(f"{API}/{mine['id']}/explain", params={"iin": "1"}).status_code == 404
    assert as_user.delete(f"{API}/{mine['id']}").status_code == 403  # the role is checked first
    assert as_admin.get(f"{API}/{mine['id']}").status_code == 200
    # Someone else's saved audience is not a source you can use.
    other = _spec(source={"kind": "audience", "audience_id": mine["id"]})
    assert olga.post(f"{API}/preview", json={"spec": other}).status_code == 422
    assert as_analyst.post(f"{API}/preview", json={"spec": other}).status_code == 200

    assert as_analyst.delete(f"{API}/{mine['id']}").status_code == 204
    assert as_analyst.get(f"{API}/{mine['id']}").status_code == 404
    assert _members(as_analyst, mine["id"]) == set()
    assert as_admin.delete(f"{API}/{hers['id']}").status_code == 204
    assert as_admin.get(API).json()["total"] == 0


def test_an_audience_a_campaign_uses_cannot_be_deleted(as_analyst: TestClient, data: Data) -> None:
    saved = as_analyst.post(API, json={"name": "a", "spec": _spec({"kind": "mau"})}).json()
    with make_sessionmaker(_engine(as_analyst)).begin() as db:
        db.add(campaign_row("C000000999", status="draft", audience_id=saved["id"]))
    response = as_analyst.delete(f"{API}/{saved['id']}")
    assert response.status_code == 409
    assert "C000000999" in response.json()["detail"]


def test_list_pages_and_searches(as_analyst: TestClient, data: Data) -> None:
    for name in ("Кредиты осень", "Депозиты", "Кредиты зима"):
        created = as_analyst.post(API, json={"name": name, "spec": _spec({"kind": "mau"})})
        assert created.status_code == 201
    first = as_analyst.get(API, params={"limit": 2}).json()
    assert first["total"] == 3 and [a["name"] for a in first["items"]] == [
        "Кредиты зима",
        "Депозиты",
    ]
    rest = as_analyst.get(API, params={"limit": 2, "offset": 2}).json()
    assert [a["name"] for a in rest["items"]] == ["Кредиты осень"]
    found = as_analyst.get(API, params={"q": "кредиты"}).json()
    assert found["total"] == 2
    assert as_analyst.get(API, params={"limit": 0}).status_code == 422


def test_explain_names_every_step_that_removes_an_iin(as_user: TestClient, data: Data) -> None:
    spec = _spec(
        {"kind": "suppression", "list": "global_control"},
        {"kind": "gender", "values": ["F"]},
        {"kind": "suppression", "list": "employees"},
    )
    in_control = sorted(i for i in data.lists["global_control"] if i in data.customers)
    both = next(i for i in in_control if data.customers[i]["gender"] == "M")
    body = as_user.post(f"{API}/explain", json={"spec": spec, "iin": both}).json()
    assert body["in_audience"] is False and body["in_source"] is True
    assert [s["kind"] for s in body["removed_by"]] == ["suppression", "gender"]
    assert body["first_removed_by"]["step"] == 1

    preview = as_user.post(f"{API}/preview", json={"spec": spec}).json()
    member = preview["sample"][0]["iin"]
    body = as_user.post(f"{API}/explain", json={"spec": spec, "iin": member}).json()
    assert body["in_audience"] is True and body["removed_by"] == []

    stranger = outside_iins(1)[0]
    body = as_user.post(f"{API}/explain", json={"spec": spec, "iin": stranger}).json()
    assert body["in_source"] is False and body["removed_by"][0]["kind"] == "source"


def test_explain_normalises_the_iin_and_refuses_garbage(as_user: TestClient, data: Data) -> None:
    young = next(i for i in sorted(data.customers) if i.startswith("0"))
    spec = _spec()
    body = as_user.post(f"{API}/explain", json={"spec": spec, "iin": young[1:]}).json()
    assert body["iin"] == young and body["in_audience"] is True
    response = as_user.post(f"{API}/explain", json={"spec": spec, "iin": "12-ab"})
    assert response.status_code == 422


def test_explain_tells_the_rank_cut(as_user: TestClient, data: Data) -> None:
    spec = _spec(rank={"sum_of": ["score_credit"], "top_n": 10}, limit=5)
    preview = as_user.post(f"{API}/preview", json={"spec": spec}).json()
    kept = [row["iin"] for row in preview["sample"]]
    assert len(kept) == 5
    scores = sorted(data.customers, key=lambda i: (-(data.customers[i]["score_credit"] or 0), i))
    assert kept == scores[:5]
    cut_by_limit = as_user.post(f"{API}/explain", json={"spec": spec, "iin": scores[7]}).json()
    assert [s["kind"] for s in cut_by_limit["removed_by"]] == ["limit"]
    cut_by_rank = as_user.post(f"{API}/explain", json={"spec": spec, "iin": scores[50]}).json()
    assert [s["kind"] for s in cut_by_rank["removed_by"]] == ["rank"]


def test_saving_and_deleting_leave_audit_rows(as_analyst: TestClient, data: Data) -> None:
    saved = as_analyst.post(API, json={"name": "a", "spec": _spec()}).json()
    as_analyst.delete(f"{API}/{saved['id']}")
    with _engine(as_analyst).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT action, target, outcome FROM dq_audit_log WHERE target = :t"),
            {"t": f"audience={saved['id']}"},
        ).all()
    assert sorted(r.action for r in rows) == [
        "audiences.delete_audience",
        "audiences.save_audience",
    ]


def test_a_funnel_saved_before_step_codes_keeps_its_label() -> None:
    from dataquery.audiences.schemas import FunnelStep

    stored = {"step": 0, "kind": "source", "label": "Все клиенты", "removed": 0, "remaining": 3}
    step = FunnelStep.model_validate(stored)
    assert (step.code, step.params) == ("funnel.step.legacy", {"label": "Все клиенты"})
