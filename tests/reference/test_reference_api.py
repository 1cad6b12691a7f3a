from __future__ import annotations

from fastapi.testclient import TestClient


def test_streams_by_type(as_user: TestClient) -> None:
    everything = as_user.get("/api/v1/reference/streams").json()
    rb1 = as_user.get("/api/v1/reference/streams", params={"campaign_type": "RB1"}).json()
    rb3 = as_user.get("/api/v1/reference/streams", params={"campaign_type": "RB3"}).json()
    assert everything["total"] == 32
    assert [s["code"] for s in rb1["items"]] == [
        "market",
        "general",
        "travel",
        "govtech",
        "credit",
        "insurance",
        "deposit",
        "kino",
        "transactions",
        "hm",
    ]
    assert rb3["total"] == 22
    assert {"bzk", "business", "real_estate", "transport"} <= {s["code"] for s in rb3["items"]}
    assert all(s["name_ru"] and s["name_kz"] for s in everything["items"])


def test_filials(as_user: TestClient) -> None:
    body = as_user.get("/api/v1/reference/filials").json()
    assert [f["code"] for f in body["items"]] == [f"{i:02d}" for i in range(1, 37)]
    big = {f["region"] for f in body["items"] if f["is_big_city"]}
    assert big == {"г. Алматы", "г. Астана", "г. Шымкент"}


def test_push_event_types_and_channels(as_user: TestClient) -> None:
    push = as_user.get("/api/v1/reference/push-event-types").json()
    channels = as_user.get("/api/v1/reference/channels").json()
    assert push["total"] == 18 and len({p["code"] for p in push["items"]}) == 18
    assert {c["code"] for c in channels["items"]} == {"push", "popup", "sms"}


def test_reference_needs_sign_in(client: TestClient) -> None:
    response = client.get("/api/v1/reference/streams")
    assert response.status_code == 401
    assert response.json()["error"] == "NotAuthenticated"
