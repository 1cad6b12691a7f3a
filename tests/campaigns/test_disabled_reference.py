"""A reference row an administrator disabled is refused for new work: audience specs, new
drafts, draft updates and deploys answer a coded 422; a campaign already deployed is untouched."""

from __future__ import annotations

from typing import Any

from campaign_data import draft_body, save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine


def _disable(as_admin: TestClient, kind: str, code: str) -> None:
    response = as_admin.patch(f"/api/v1/reference/{kind}/{code}", json={"enabled": False})
    assert response.status_code == 200, response.text


def _codes(response: Any) -> set[str]:
    assert response.status_code == 422, response.text
    return {item["code"] for item in response.json()["errors"]}


def test_audience_specs_naming_disabled_rows_are_422(
    as_admin: TestClient, as_user: TestClient, bank: list[str]
) -> None:
    spec = {
        "source": {"kind": "feature_store"},
        "filters": [
            {"kind": "filial", "codes": ["01", "02"]},
            {"kind": "recent_contact", "days": 30, "streams": ["market"], "channels": ["sms"]},
        ],
    }
    assert as_user.post("/api/v1/audiences/preview", json={"spec": spec}).status_code == 200
    _disable(as_admin, "filials", "02")
    _disable(as_admin, "streams", "market")
    _disable(as_admin, "channels", "sms")
    response = as_user.post("/api/v1/audiences/preview", json={"spec": spec})
    assert response.status_code == 422, response.text
    problems = {
        (item["field"], item["code"], item["params"]["names"]) for item in response.json()["errors"]
    }
    assert problems == {
        ("spec.filters.0.codes", "audience.disabled_reference", "02"),
        ("spec.filters.1.streams", "audience.disabled_reference", "market"),
        ("spec.filters.1.channels", "audience.disabled_reference", "sms"),
    }


def test_drafts_and_deploys_naming_disabled_rows_are_422(
    as_admin: TestClient, as_analyst: TestClient, engine: Engine, bank: list[str]
) -> None:
    audience = save_audience(engine, bank[:50])
    deployed = as_analyst.post("/api/v1/campaigns", json=draft_body(audience))
    assert deployed.status_code == 201, deployed.text
    assert as_analyst.post(f"/api/v1/campaigns/{deployed.json()['code']}/deploy").status_code == 200
    waiting = as_analyst.post(
        "/api/v1/campaigns", json=draft_body(save_audience(engine, bank[50:100]))
    )
    assert waiting.status_code == 201, waiting.text
    code = waiting.json()["code"]

    _disable(as_admin, "channels", "sms")
    _disable(as_admin, "push-event-types", "cashback")
    _disable(as_admin, "streams", "market")

    fresh = as_analyst.post(
        "/api/v1/campaigns", json=draft_body(audience, push_event_type="cashback")
    )
    assert _codes(fresh) >= {
        "campaign.disabled_channel",
        "campaign.disabled_push_event_type",
        "campaign.stream_not_of_type",
    }
    update = as_analyst.patch(f"/api/v1/campaigns/{code}", json={"name": "renamed"})
    assert _codes(update) >= {"campaign.disabled_channel", "campaign.stream_not_of_type"}
    deploy = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deploy.json()["code"] == "campaign.deploy.disabled_reference"
    assert _codes(deploy) == {"campaign.disabled_channel", "campaign.disabled_stream"}
    # The campaign deployed before keeps working: it is still listed and readable.
    shown = as_analyst.get(f"/api/v1/campaigns/{deployed.json()['code']}")
    assert shown.status_code == 200 and shown.json()["status"] != "draft"
