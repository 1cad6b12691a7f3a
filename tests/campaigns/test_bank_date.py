"""At 23:30 UTC the bank (Asia/Almaty, UTC+5) is already on the next day: the product's today
is the bank's in the health answer, the builder's default reference date and the campaign date
checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from campaign_data import draft_body, save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.core import clock

LATE_EVENING_UTC = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
BANK_TODAY = "2026-12-07"
UTC_TODAY = "2026-12-06"


@pytest.fixture(autouse=True)
def late_evening(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utc_now", lambda: LATE_EVENING_UTC)


def test_today_is_the_banks_everywhere(as_analyst: TestClient, engine: Engine) -> None:
    health = as_analyst.get("/api/v1/health").json()
    assert (health["bank_date"], health["timezone"]) == (BANK_TODAY, "Asia/Almaty")

    options = as_analyst.get("/api/v1/audiences/options").json()
    assert options["default_spec"]["reference_date"] == BANK_TODAY

    audience_id = save_audience(engine, [f"{i:012d}" for i in range(9_100_000, 9_100_050)])
    end = (datetime.fromisoformat(BANK_TODAY) + timedelta(days=7)).date().isoformat()
    starts_today = as_analyst.post(
        "/api/v1/campaigns",
        json=draft_body(audience_id, start_date=BANK_TODAY, end_date=end),
    )
    assert starts_today.status_code == 201, starts_today.text
    # The server's UTC date is the bank's yesterday: too late to start a campaign on it.
    started_yesterday = as_analyst.post(
        "/api/v1/campaigns",
        json=draft_body(audience_id, start_date=UTC_TODAY, end_date=end),
    )
    assert started_yesterday.status_code == 422
    assert {e["field"] for e in started_yesterday.json()["errors"]} >= {"start_date"}
