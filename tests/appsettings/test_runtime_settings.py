"""GET/PUT /api/v1/admin/settings: defaults from DQ_ variables, validated, audited, and read
by the code paths they govern without a restart."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audit.models import AuditEntry
from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker

URL = "/api/v1/admin/settings"


def test_defaults_come_from_the_environment(as_admin: TestClient, settings: Settings) -> None:
    body = as_admin.get(URL).json()
    assert body["values"] == body["defaults"]
    assert body["values"]["upload_max_mb"] == settings.upload_max_mb
    assert body["values"]["distribution_time"] == "09:00"
    assert body["changed"] == []


def test_a_change_is_stored_audited_and_used_at_once(
    as_admin: TestClient, as_analyst: TestClient, engine: Engine
) -> None:
    body = {
        "upload_max_mb": 1,
        "upload_job_threshold_mb": 0.5,
        "notification_recipients": ["Ops@Bank.kz", "ops@bank.kz", " team@bank.kz "],
    }
    response = as_admin.put(URL, json=body)
    assert response.status_code == 200, response.text
    values = response.json()["values"]
    assert values["upload_max_mb"] == 1
    assert values["notification_recipients"] == ["ops@bank.kz", "team@bank.kz"]
    assert {c["key"] for c in response.json()["changed"]} == {
        "upload_max_mb",
        "upload_job_threshold_mb",
        "notification_recipients",
    }
    assert all(c["updated_by"] == "adam" for c in response.json()["changed"])
    with make_sessionmaker(engine)() as db:
        entry = db.scalars(sa.select(AuditEntry).where(AuditEntry.target == "settings")).one()
    assert entry.username == "adam" and entry.outcome == "success"
    assert entry.summary["changes"]["upload_max_mb"] == [50, 1]

    # The upload route reads the stored limit: a 1.3 MB file is now too large.
    big = b"iin\n" + b"900101300017\n" * 100_000
    upload = as_analyst.post("/api/v1/uploads", files={"file": ("big.csv", big)})
    assert upload.status_code == 413 and "1 MB" in upload.json()["detail"]

    reset = as_admin.put(URL, json={"reset": ["upload_max_mb", "upload_job_threshold_mb"]})
    assert reset.json()["values"]["upload_max_mb"] == 50
    assert {c["key"] for c in reset.json()["changed"]} == {"notification_recipients"}


def test_bad_values_are_refused_with_codes(as_admin: TestClient) -> None:
    cases = [
        {"default_control_share": 0.9},
        {"distribution_time": "25:00"},
        {"notification_recipients": ["not an address"]},
        {"reset": ["no_such_setting"]},
        {"secret_key": "x"},
    ]
    for body in cases:
        response = as_admin.put(URL, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] == "validation.failed"
    above = as_admin.put(URL, json={"upload_job_threshold_mb": 60})  # max is 50
    assert above.status_code == 422
    assert above.json()["code"] == "settings.job_threshold_above_max"
    assert as_admin.get(URL).json()["changed"] == []


def test_only_admins(as_analyst: TestClient) -> None:
    assert as_analyst.get(URL).status_code == 403
    assert as_analyst.put(URL, json={"upload_max_mb": 2}).status_code == 403


def test_every_user_reads_the_form_defaults(as_admin: TestClient, as_user: TestClient) -> None:
    assert as_user.get("/api/v1/settings/defaults").json()["default_control_share"] == 0.1
    as_admin.put(URL, json={"default_control_share": 0.2, "upload_max_mb": 20})
    defaults = as_user.get("/api/v1/settings/defaults").json()
    assert defaults == {
        "default_control_share": 0.2,
        "upload_max_mb": 20,
        "upload_job_threshold_mb": 5.0,
    }
