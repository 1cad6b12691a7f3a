"""The reference data editor: admins add, edit, disable and (when unused) delete rows; every
change is audited; the audience builder's options show a change on the next call."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.bank.tables import CampaignDict
from dataquery.core.db import make_sessionmaker


def _engine(client: TestClient) -> Engine:
    return client.app.state.engine  # type: ignore[attr-defined,no-any-return]


def _campaign(client: TestClient, *, stream: str, channels: str, filials: list[str]) -> None:
    spec = {"source": {"kind": "feature_store"}, "filters": [{"kind": "filial", "codes": filials}]}
    with make_sessionmaker(_engine(client)).begin() as db:
        db.add(
            CampaignDict(
                camp_cd="C000000001",
                camp_type="RB1",
                camp_name="used",
                stream=stream,
                channels=channels,
                start_date=date(2026, 12, 1),
                end_date=date(2026, 12, 31),
                status="draft",
                owner="anna",
                audience_spec=spec,
            )
        )


def _audit(client: TestClient, target: str) -> list[dict[str, object]]:
    response = client.get("/api/v1/audit", params={"target": target})
    assert response.status_code == 200
    return response.json()["items"]  # type: ignore[no-any-return]


def test_admin_adds_edits_disables_and_deletes_a_stream(as_admin: TestClient) -> None:
    body = {
        "code": "pets",
        "campaign_type": "RB3",
        "name_ru": " Зоотовары ",
        "name_kz": "Жануарлар",
    }
    created = as_admin.post("/api/v1/reference/streams", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["name_ru"] == "Зоотовары" and created.json()["enabled"] is True

    again = as_admin.post("/api/v1/reference/streams", json=body)
    assert again.status_code == 409 and again.json()["code"] == "reference.duplicate"

    changed = as_admin.patch("/api/v1/reference/streams/pets", json={"enabled": False})
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    listed = as_admin.get("/api/v1/reference/streams", params={"campaign_type": "RB3"}).json()
    assert {"code": "pets", "enabled": False}.items() <= next(
        s for s in listed["items"] if s["code"] == "pets"
    ).items()
    assert listed["total"] == 23  # disabled rows are listed

    assert as_admin.delete("/api/v1/reference/streams/pets").status_code == 204
    gone = as_admin.patch("/api/v1/reference/streams/pets", json={"enabled": True})
    assert gone.status_code == 404 and gone.json()["code"] == "reference.not_found"

    actions = {(r["action"], r["outcome"]) for r in _audit(as_admin, "stream=pets")}
    assert ("reference.create_stream", "success") in actions
    assert ("reference.update_stream", "success") in actions
    assert ("reference.delete_stream", "success") in actions
    assert ("reference.create_stream", "failure") in actions  # the duplicate
    update = next(
        r
        for r in _audit(as_admin, "stream=pets")
        if r["action"] == "reference.update_stream" and r["outcome"] == "success"
    )
    assert update["summary"] == {"changes": {"enabled": {"from": True, "to": False}}}


def test_rows_campaigns_use_cannot_be_deleted(as_admin: TestClient) -> None:
    _campaign(as_admin, stream="travel", channels="push,sms", filials=["07", "12"])
    for path, code in [
        ("streams/travel", "stream"),
        ("channels/sms", "channel"),
        ("filials/12", "filial"),
    ]:
        response = as_admin.delete(f"/api/v1/reference/{path}")
        assert response.status_code == 409, path
        body = response.json()
        assert body["code"] == "reference.in_use"
        assert body["params"]["kind"] == code and body["params"]["campaigns"] == 1
    # Rows no campaign uses can go; a used one can still be disabled.
    assert as_admin.delete("/api/v1/reference/channels/popup").status_code == 204
    assert as_admin.delete("/api/v1/reference/filials/01").status_code == 204
    disabled = as_admin.patch("/api/v1/reference/streams/travel", json={"enabled": False})
    assert disabled.status_code == 200 and disabled.json()["enabled"] is False
    refused = _audit(as_admin, "stream=travel")
    assert any(
        r["action"] == "reference.delete_stream" and r["status_code"] == 409 for r in refused
    )


def test_a_renamed_filial_shows_in_the_builder_options(as_admin: TestClient) -> None:
    before = as_admin.get("/api/v1/audiences/options").json()
    assert (
        next(f for f in before["filials"] if f["code"] == "05")["name_ru"]
        == "Карагандинский филиал"
    )
    changed = as_admin.patch(
        "/api/v1/reference/filials/05",
        json={"name_ru": "Филиал Караганды", "region": "область Караганда", "enabled": False},
    )
    assert changed.status_code == 200, changed.text
    after = as_admin.get("/api/v1/audiences/options").json()
    filial = next(f for f in after["filials"] if f["code"] == "05")
    assert filial["name_ru"] == "Филиал Караганды" and filial["region"] == "область Караганда"
    assert filial["enabled"] is False


def test_bad_input_and_roles(as_admin: TestClient, as_analyst: TestClient) -> None:
    bad = as_admin.post(
        "/api/v1/reference/filials",
        json={"code": "7", "name_ru": "", "name_kz": "x", "region": "y"},
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"code", "name_ru"} <= {str(f).split(".")[-1] for f in fields}
    unknown = as_admin.patch("/api/v1/reference/channels/push", json={"colour": "red"})
    assert unknown.status_code == 422
    denied = as_analyst.patch("/api/v1/reference/channels/push", json={"name_ru": "Пуш"})
    assert denied.status_code == 403
    push = as_admin.get("/api/v1/reference/channels").json()["items"]
    assert next(c for c in push if c["code"] == "push")["name_ru"] == "Push-уведомление"
