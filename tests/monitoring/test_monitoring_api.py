"""The monitoring API: route latency from the rolling store, jobs history, daily figures,
pruning of the query log."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audit.models import AuditEntry
from dataquery.bank.tables import contact_history
from dataquery.core import clock
from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker, utcnow
from dataquery.core.metrics import LATENCY_BOUNDS_MS
from dataquery.jobs.models import Job
from dataquery.monitoring.models import QueryLogEntry
from dataquery.monitoring.service import Store, percentile


def test_percentiles_come_from_bucket_counts() -> None:
    buckets = [0] * (len(LATENCY_BOUNDS_MS) + 1)
    buckets[0] = 50  # 0-5 ms
    buckets[6] = 45  # 75-100 ms
    buckets[-1] = 5  # slower than the last bound
    assert 0 < percentile(buckets, 0.5, 9000) <= 5
    assert 75 <= percentile(buckets, 0.95, 9000) <= 100
    assert percentile(buckets, 0.99, 9000) <= 9000
    assert percentile([0] * len(buckets), 0.5, 0) == 0
    # Never above the slowest request seen.
    assert percentile(buckets, 0.95, 80) <= 80


def test_routes_show_latency_and_errors_of_requests_made(
    as_analyst: TestClient, as_user: TestClient
) -> None:
    for _ in range(4):
        assert as_user.get("/api/v1/reference/filials").status_code == 200
    response = as_analyst.get("/api/v1/monitoring/routes", params={"hours": 24})
    assert response.status_code == 200
    rows = {(r["method"], r["route"]): r for r in response.json()["items"]}
    filials = rows[("GET", "/api/v1/reference/filials")]
    assert filials["requests"] >= 4 and filials["errors"] == 0
    assert 0 < filials["p50_ms"] <= filials["p95_ms"] <= filials["max_ms"]
    tiles = as_analyst.get("/api/v1/monitoring/tiles").json()
    assert tiles["requests_24h"] >= 5
    assert tiles["health"]["warehouse"]["reachable"] is True
    assert tiles["active_users_today"] >= 0
    assert as_user.get("/api/v1/monitoring/routes").status_code == 403


def _job(kind: str, status: str, owner: str, minutes_ago: int) -> Job:
    created = utcnow() - timedelta(minutes=minutes_ago)
    return Job(
        id=uuid.uuid4().hex,
        kind=kind,
        status=status,
        progress=1.0,
        owner=owner,
        created_at=created,
        started_at=created,
        finished_at=created + timedelta(seconds=3),
        error="boom" if status == "failed" else None,
    )


def test_jobs_history_filters(as_analyst: TestClient, engine: Engine) -> None:
    with make_sessionmaker(engine).begin() as db:
        db.add_all(
            [
                _job("upload", "succeeded", "anna", 5),
                _job("upload", "failed", "anna", 4),
                _job("campaign.deploy", "succeeded", "bob", 3),
            ]
        )
    every = as_analyst.get("/api/v1/monitoring/jobs").json()
    assert every["total"] == 3 and {"upload", "campaign.deploy"} <= set(every["kinds"])
    assert every["items"][0]["kind"] == "campaign.deploy"  # newest first
    assert every["items"][0]["seconds"] == 3
    failed = as_analyst.get("/api/v1/monitoring/jobs", params={"status": "failed"}).json()
    assert [(j["kind"], j["error"]) for j in failed["items"]] == [("upload", "boom")]
    bobs = as_analyst.get("/api/v1/monitoring/jobs", params={"owner": "bob"}).json()
    assert bobs["total"] == 1
    uploads = as_analyst.get("/api/v1/monitoring/jobs", params={"kind": "upload"}).json()
    assert uploads["total"] == 2
    tiles = as_analyst.get("/api/v1/monitoring/tiles").json()
    assert tiles["jobs_failed_24h"] == 1
    bad = as_analyst.get("/api/v1/monitoring/jobs", params={"status": "lost"})
    assert bad.status_code == 422


def test_daily_counts_contacts_per_channel(as_analyst: TestClient, engine: Engine) -> None:
    from dataquery.core.clock import bank_today

    today = bank_today()
    yesterday = today - timedelta(days=1)
    rows = [
        {"iin": f"{i:012d}", "camp_cd": "C000000001", "stream": "market", "channel": channel,
         "contact_date": day}
        for i, (channel, day) in enumerate(
            [("push", today), ("push", today), ("sms", today), ("push", yesterday)]
        )
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.insert(contact_history), rows)
    body = as_analyst.get("/api/v1/monitoring/daily", params={"days": 7}).json()
    assert body["days"] == 7 and len(body["items"]) == 7
    assert set(body["channels"]) == {"push", "sms"}
    by_day = {date.fromisoformat(item["day"]): item for item in body["items"]}
    assert by_day[today]["contacts"] == {"push": 2, "sms": 1}
    assert by_day[yesterday]["contacts"] == {"push": 1}
    assert by_day[today]["active_users"] >= 0
    assert as_analyst.get("/api/v1/monitoring/daily", params={"days": 0}).status_code == 422


def test_daily_figures_follow_the_bank_day_around_midnight_in_almaty(
    as_analyst: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 19:30 UTC on 10 March is 00:30 on 11 March in Almaty (UTC+5): the bank's new day.
    monkeypatch.setattr(clock, "utc_now", lambda: datetime(2026, 3, 10, 19, 30, tzinfo=UTC))
    clock.set_timezone("Asia/Almaty")

    def seen(username: str, at: datetime) -> AuditEntry:
        return AuditEntry(
            id=uuid.uuid4().hex, occurred_at=at, username=username, action="test.seen",
            outcome="success",
        )  # fmt: skip

    try:
        with make_sessionmaker(engine).begin() as db:
            db.add_all(
                [
                    seen("anna", datetime(2026, 3, 10, 19, 10)),  # 00:10 on the 11th in Almaty
                    seen("anna", datetime(2026, 3, 10, 19, 20)),
                    seen("bob", datetime(2026, 3, 10, 18, 50)),  # 23:50 on the 10th
                    seen("carl", datetime(2026, 3, 9, 19, 5)),  # 00:05 on the 10th
                    seen("dina", datetime(2026, 3, 9, 18, 55)),  # 23:55 on the 9th: outside
                ]
            )
        body = as_analyst.get("/api/v1/monitoring/daily", params={"days": 2}).json()
    finally:
        clock.set_timezone(Settings().timezone)
    by_day = {item["day"]: item["active_users"] for item in body["items"]}
    # By UTC day all four would fall on the 10th and the 9th; by the bank's day:
    assert by_day == {"2026-03-10": 2, "2026-03-11": 1}


def test_the_query_log_keeps_its_days(engine: Engine, settings: Settings) -> None:
    factory = make_sessionmaker(engine)

    def entry(days_ago: int) -> QueryLogEntry:
        return QueryLogEntry(
            id=uuid.uuid4().hex,
            occurred_at=utcnow() - timedelta(days=days_ago),
            instance="test",
            kind="audience.preview",
            username="anna",
            duration_ms=12.0,
            ok=True,
        )

    with factory.begin() as db:
        db.add_all([entry(1), entry(3), entry(40)])
    Store(factory, settings.model_copy(update={"query_log_days": 2})).flush()
    with factory() as db:
        kept = db.scalars(sa.select(QueryLogEntry.occurred_at)).all()
    assert len(kept) == 1 and kept[0] > utcnow() - timedelta(days=2)
