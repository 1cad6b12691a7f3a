"""Drafts: validation naming the field, codes from sequences (also under load), edits, copies,
status rules and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from campaign_data import draft_body, popup_content, rb3_terms, save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.bank.tables import CampaignDict
from dataquery.campaigns.service import today
from helpers import PASSWORDS, add_user, login


@pytest.fixture
def audience_id(engine: Engine) -> str:
    return save_audience(engine, [f"{i:012d}" for i in range(9_000_000, 9_000_400)])


def _fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_rb1_and_rb3_codes(
    as_analyst: TestClient, audience_id: str, create_draft: Callable[..., Any]
) -> None:
    rb1 = create_draft(audience_id)
    assert rb1["code"][0] == "C" and len(rb1["code"]) == 10 and rb1["xls_ow_id"] is None
    rb3 = create_draft(audience_id, type="RB3", stream="bzk", rb3=rb3_terms())
    assert rb3["code"][0] == "C" and rb3["code"] != rb1["code"]
    assert rb3["xls_ow_id"][:4] == "KKB_" and rb3["xls_ow_id"][4:].isdigit()
    assert rb3["rb3"]["mcc_codes"] == ["5541", "5542"]
    assert rb3["owner"] == "anna" and rb3["audience_spec"]["version"] == 1


INVALID: list[tuple[dict[str, Any], set[str]]] = [
    ({"stream": "bzk"}, {"stream"}),  # an RB3 stream on an RB1 campaign
    ({"type": "RB3", "stream": "bzk"}, {"rb3"}),
    ({"rb3": rb3_terms()}, {"rb3"}),
    ({"channels": ["popup"]}, {"popup"}),
    ({"popup": popup_content()}, {"popup"}),
    ({"texts": {"ru": {"body": "x"}}}, {"texts.ru.title", "texts.kz.title", "texts.kz.body"}),
    ({"start_date": (today() - timedelta(days=1)).isoformat()}, {"start_date"}),
    ({"end_date": today().isoformat()}, {"end_date"}),
    ({"audience_id": "nope"}, {"audience_id"}),
    ({"push_event_type": "no-such-type"}, {"push_event_type"}),
    ({"channels": []}, {"channels"}),
    ({"channels": ["push", "fax"]}, {"channels.1"}),
    ({"control_share": 0.6}, {"control_share"}),
    ({"name": "  "}, {"name"}),
    ({"deep_link": "not a link"}, {"deep_link"}),
    (
        {"type": "RB3", "stream": "bzk", "rb3": {**rb3_terms(), "bonus_value": "150"}},
        {"rb3.bonus_value"},
    ),
    ({"unknown": 1}, {"unknown"}),
]


def test_invalid_drafts_name_the_field(as_analyst: TestClient, audience_id: str) -> None:
    for changes, fields in INVALID:
        response = as_analyst.post("/api/v1/campaigns", json={**draft_body(audience_id), **changes})
        assert response.status_code == 422, (changes, response.text)
        body = response.json()
        assert body["error"] == "InvalidInput"
        assert body["code"] in {"campaign.invalid_draft", "validation.failed"}
        assert all(e["code"] and e["message"] for e in body["errors"]), body
        reported = {e["field"] for e in body["errors"]}
        assert fields <= reported, (changes, body)
        for field in fields:
            assert field.split(".")[0] in body["detail"]
    assert as_analyst.get("/api/v1/campaigns").json()["total"] == 0


def test_sms_segments_and_warnings(
    as_analyst: TestClient, audience_id: str, create_draft: Callable[..., Any]
) -> None:
    long_kz = "Қымбатты клиент, " * 5  # 85 UCS-2 characters: two segments of 67
    draft = create_draft(
        audience_id,
        channels=["sms"],
        texts={"ru": {"body": "Short latin text"}, "kz": {"body": long_kz}},
    )
    assert draft["sms_segments"]["ru"] == {
        "encoding": "gsm7",
        "characters": 16,
        "segments": 1,
        "per_segment": 160,
    }
    assert draft["sms_segments"]["kz"]["segments"] == 2
    assert draft["sms_segments"]["kz"]["per_segment"] == 67
    assert [w for w in draft["warnings"] if w["code"] == "notice.campaign.sms_segments"] == [
        {
            "code": "notice.campaign.sms_segments",
            "message": (
                "SMS text (kz) takes 2 segments: 84 characters in UCS2, one segment holds 70"
            ),
            "params": {
                "language": "kz",
                "segments": 2,
                "characters": 84,  # the saved text is trimmed
                "encoding": "ucs2",
                "single": 70,
            },
        }
    ]
    assert "notice.campaign.no_control" not in {w["code"] for w in draft["warnings"]}
    uncontrolled = create_draft(audience_id, control_share=0)
    assert [w["code"] for w in uncontrolled["warnings"]] == ["notice.campaign.no_control"]
    counted = as_analyst.get("/api/v1/campaigns/sms-segments", params={"text": "Привет"}).json()
    assert counted["segments"]["encoding"] == "ucs2" and counted["warning"] is None


def test_fifty_concurrent_creates_get_fifty_codes(
    client: TestClient, auth_headers: dict[str, dict[str, str]], audience_id: str
) -> None:
    headers = auth_headers["analyst"]

    def create(i: int) -> tuple[int, str, str | None]:
        kind = {"type": "RB3", "stream": "bzk", "rb3": rb3_terms()} if i % 2 else {}
        response = client.post(
            "/api/v1/campaigns", json=draft_body(audience_id, name=f"c{i}", **kind), headers=headers
        )
        body = response.json()
        return response.status_code, body.get("code"), body.get("xls_ow_id")

    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(create, range(50)))
    assert [status for status, _, _ in results] == [201] * 50
    assert len({code for _, code, _ in results}) == 50
    xls = [x for _, _, x in results if x]
    assert len(xls) == 25 and len(set(xls)) == 25
    listed = client.get("/api/v1/campaigns", params={"limit": 100}, headers=headers).json()
    assert listed["total"] == 50


def test_edit_a_draft(
    as_analyst: TestClient, engine: Engine, audience_id: str, create_draft: Callable[..., Any]
) -> None:
    draft = create_draft(audience_id)
    code = draft["code"]
    other = save_audience(engine, [f"{i:012d}" for i in range(8_000_000, 8_001_000)])
    changed = as_analyst.patch(
        f"/api/v1/campaigns/{code}",
        json={"name": "Новое имя", "control_share": 0.2, "split_seed": 7, "audience_id": other},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["name"] == "Новое имя" and body["split_seed"] == 7
    assert body["split"]["target"] + body["split"]["control"] == 1000
    assert body["target_count"] == body["split"]["target"]
    bad = as_analyst.patch(f"/api/v1/campaigns/{code}", json={"channels": ["popup"]})
    assert bad.status_code == 422 and "popup" in _fields(bad)
    history = as_analyst.get(f"/api/v1/campaigns/{code}/stats").json()["history"]
    assert [h["kind"] for h in history] == ["created", "updated"]


def test_split_preview(as_analyst: TestClient, audience_id: str) -> None:
    body = {"audience_id": audience_id, "control_share": 0.25, "split_seed": 3}
    first = as_analyst.post("/api/v1/campaigns/split-preview", json=body).json()
    second = as_analyst.post("/api/v1/campaigns/split-preview", json=body).json()
    assert first == second and first["target"] + first["control"] == 400
    assert first["srm_p_value"] > 0.001 and first["mismatch"] is False
    missing = as_analyst.post(
        "/api/v1/campaigns/split-preview", json={**body, "audience_id": "none"}
    )
    assert missing.status_code == 422


def test_analysts_manage_their_own(
    client: TestClient,
    as_analyst: TestClient,
    as_user: TestClient,
    as_admin: TestClient,
    engine: Engine,
    audience_id: str,
    create_draft: Callable[..., Any],
) -> None:
    add_user(engine, "boris", "analyst", PASSWORDS["analyst"])
    as_boris = TestClient(client.app, headers=login(client, "boris", PASSWORDS["analyst"]))
    code = create_draft(audience_id)["code"]
    for client_, allowed in ((as_boris, False), (as_user, False), (as_admin, True)):
        response = client_.patch(f"/api/v1/campaigns/{code}", json={"name": "x"})
        assert (response.status_code == 200) is allowed, response.text
        if not allowed:
            assert response.status_code == 403
    assert as_boris.get(f"/api/v1/campaigns/{code}").json()["can_edit"] is False
    assert as_boris.post(f"/api/v1/campaigns/{code}/deploy").status_code == 403
    assert as_user.post("/api/v1/campaigns", json=draft_body(audience_id)).status_code == 403
    # Anyone who may create may copy someone else's campaign as a template, with an audience
    # of their own: anna's is not boris's to use (tests/test_ownership.py has the rest).
    theirs = as_boris.post(f"/api/v1/campaigns/{code}/copy", json={"name": "my copy"})
    assert theirs.status_code == 422 and _fields(theirs) == {"audience_id"}
    own_audience = save_audience(
        engine, [f"{i:012d}" for i in range(9_100_000, 9_100_100)], "boris"
    )
    copied = as_boris.post(
        f"/api/v1/campaigns/{code}/copy", json={"name": "my copy", "audience_id": own_audience}
    )
    assert copied.status_code == 201 and copied.json()["owner"] == "boris"
    mine = as_boris.get("/api/v1/campaigns", params={"owner": "boris"}).json()
    assert [c["name"] for c in mine["items"]] == ["my copy"]


def test_status_rules(
    as_analyst: TestClient, audience_id: str, create_draft: Callable[..., Any]
) -> None:
    code = create_draft(audience_id)["code"]
    for status in ("active", "finished"):
        refused = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": status})
        assert refused.status_code == 409 and "deploy it first" in refused.json()["detail"]
    bad = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": "deployed"})
    assert bad.status_code == 422
    cancelled = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": "cancelled"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["allowed_statuses"] == []
    again = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": "cancelled"})
    assert again.status_code == 409 and "final" in again.json()["detail"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 409


def test_list_filters_and_paging(
    as_user: TestClient, audience_id: str, create_draft: Callable[..., Any]
) -> None:
    start = today() + timedelta(days=20)  # the others run from tomorrow for two weeks
    create_draft(audience_id, name="Travel autumn", stream="travel")
    create_draft(
        audience_id,
        name="Later one",
        description="about deposits",
        start_date=start.isoformat(),
        end_date=(start + timedelta(days=3)).isoformat(),
    )
    create_draft(audience_id, type="RB3", stream="bzk", rb3=rb3_terms(), name="Bonus")
    everything = as_user.get("/api/v1/campaigns").json()
    assert everything["total"] == 3 and everything["items"][0]["name"] == "Bonus"

    def names(**params: Any) -> list[str]:
        response = as_user.get("/api/v1/campaigns", params=params)
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["items"]]

    assert names(stream="travel") == ["Travel autumn"]
    assert names(type="RB3") == ["Bonus"]
    assert names(q="DEPOSIT") == ["Later one"]
    assert names(date_from=(start - timedelta(days=4)).isoformat()) == ["Later one"]
    assert names(date_to=(start - timedelta(days=1)).isoformat()) == ["Bonus", "Travel autumn"]
    assert names(sort="name") == ["Bonus", "Later one", "Travel autumn"]
    assert names(sort="name", limit=1, offset=1) == ["Later one"]
    assert names(status="deployed") == []
    assert as_user.get("/api/v1/campaigns", params={"sort": "nope"}).status_code == 422


def test_list_by_what_campaigns_do_today(
    as_user: TestClient, engine: Engine, audience_id: str, create_draft: Callable[..., Any]
) -> None:
    """`state` filters by the effective status the list shows, not by the stored one."""
    day = today()
    dates = {
        "scheduled": ("deployed", day + timedelta(days=1), day + timedelta(days=9)),
        "running": ("deployed", day - timedelta(days=3), day + timedelta(days=3)),
        "running by hand": ("active", day, day),
        "ended": ("deployed", day - timedelta(days=9), day - timedelta(days=1)),
        "finished": ("finished", day - timedelta(days=9), day - timedelta(days=2)),
    }
    create_draft(audience_id, name="draft")
    for name, (status, start, end) in dates.items():
        code = create_draft(audience_id, name=name)["code"]
        with engine.begin() as conn:  # as if deployed earlier: only mb01 is read by the list
            conn.execute(
                sa.update(CampaignDict)
                .where(CampaignDict.camp_cd == code)
                .values(status=status, start_date=start, end_date=end)
            )

    def names(*states: str) -> list[str]:
        response = as_user.get("/api/v1/campaigns", params={"state": list(states)})
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert {c["effective_status"] for c in items} <= set(states)
        return sorted(c["name"] for c in items)

    assert names("active") == ["running", "running by hand"]
    assert names("scheduled") == ["scheduled"]
    assert names("ended", "finished") == ["ended", "finished"]
    assert names("draft", "cancelled") == ["draft"]
    assert as_user.get("/api/v1/campaigns", params={"state": "deployed"}).status_code == 422
