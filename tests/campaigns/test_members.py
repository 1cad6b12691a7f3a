"""Members by hand: pasted IINs and uploaded files, every table kept consistent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from campaign_data import rows_of, save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine


def test_add_and_remove_from_an_upload(
    as_analyst: TestClient,
    as_admin: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    code = create_draft(
        save_audience(engine, bank[:1000]),
        channels=["push"],
        texts={"ru": {"title": "t", "body": "b"}, "kz": {"title": "t", "body": "b"}},
    )["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    before = rows_of(engine, code)

    newcomers = bank[2000:2050]
    lines = ["ИИН;Имя", *(f"{iin};Клиент" for iin in newcomers), "12345;плохой", f"{bank[5]};x"]
    upload = as_analyst.post(
        "/api/v1/uploads",
        files={"file": ("list.csv", "\n".join(lines).encode("cp1251"), "text/csv")},
    )
    assert upload.status_code in (200, 201), upload.text
    upload_id = upload.json()["id"]

    added = as_analyst.post(
        f"/api/v1/campaigns/{code}/members", json={"upload_id": upload_id, "group": "control"}
    )
    assert added.status_code == 200, added.text
    report = added.json()
    assert report["received"] == 52 and report["invalid"] == 1 and report["valid"] == 51
    assert report["already_member"] == 1 and report["changed"] == 50
    assert report["global_control"] == 0 and report["channels"] == {}
    after = rows_of(engine, code)
    assert after["mb21_local_control"] == before["mb21_local_control"] + 50
    assert after["fd_rb2_campaigns_users"] == before["fd_rb2_campaigns_users"]
    assert report["control_count"] == after["mb21_local_control"]

    # Someone else's upload is not yours to use (administrators may).
    other = as_admin.post(
        f"/api/v1/campaigns/{code}/members/remove",
        json={"upload_id": upload_id, "group": "control"},
    )
    assert other.status_code == 200 and other.json()["changed"] == 50
    assert rows_of(engine, code) == before

    both = as_analyst.post(
        f"/api/v1/campaigns/{code}/members", json={"upload_id": upload_id, "iins": ["1"]}
    )
    assert both.status_code == 422
    missing = as_analyst.post(f"/api/v1/campaigns/{code}/members", json={"upload_id": "nope"})
    assert missing.status_code == 404


def test_target_adds_write_delivery_and_contacts(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    code = create_draft(save_audience(engine, bank[:800]), control_share=0.2)["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    added = as_analyst.post(f"/api/v1/campaigns/{code}/members", json={"iins": bank[900:1000]})
    report = added.json()
    assert report["changed"] + report["global_control"] == 100
    for channel in ("push", "sms"):
        counts = report["channels"][channel]
        assert counts["eligible"] + counts["dropped"] == report["changed"]
    rows = rows_of(engine, code)
    assert rows["fd_rb2_campaigns_users"] == rows["off_limit_campaigns_users"]
    stats = as_analyst.get(f"/api/v1/campaigns/{code}/stats").json()
    assert (
        stats["channels"]["push"]
        == rows_of(engine, code)["fd_rb2_campaigns_users"] - stats["channels"]["sms"]
    )
    assert [h["kind"] for h in stats["history"]] == ["created", "deployed", "members_added"]
    # Control members of this campaign are already members: never added to its target too.
    control = as_analyst.get(
        f"/api/v1/campaigns/{code}/export", params={"group": "control", "format": "csv"}
    ).text.splitlines()[1:3]
    again = as_analyst.post(
        f"/api/v1/campaigns/{code}/members", json={"iins": [line.split(",")[0] for line in control]}
    ).json()
    assert again["already_member"] == 2 and again["changed"] == 0
