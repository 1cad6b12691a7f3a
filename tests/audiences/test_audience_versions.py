"""Saved audiences as versions: a new version is a new frozen snapshot in the same family; the
old one stays; the list shows the newest of each family; someone else's is missing (404)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from audience_bank import REFERENCE_DATE, campaign_row, load_bank
from audience_reference import Data
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audiences import service
from dataquery.core.db import make_sessionmaker
from helpers import PASSWORDS, add_user, login

API = "/api/v1/audiences"


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


@pytest.fixture
def data(client: TestClient, demo_files: Path) -> Data:
    return load_bank(_engine(client), demo_files)


def _spec(*filters: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference_date": REFERENCE_DATE.isoformat(),
        "filters": [{"kind": "suppression", "list": "global_control"}, *filters],
    }


def _members(client: TestClient, audience_id: str) -> set[str]:
    with _engine(client).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT iin FROM dq_audience_members WHERE audience_id = :a"),
            {"a": audience_id},
        ).scalars()
        return set(rows)


def _save(client: TestClient, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    response = client.post(API, json={"name": name, "spec": spec})
    assert response.status_code == 201, response.text
    saved: dict[str, Any] = response.json()
    return saved


def test_a_new_version_is_a_new_snapshot_and_the_old_stays(
    as_analyst: TestClient, data: Data
) -> None:
    first = _save(as_analyst, "Возраст 25–60", _spec({"kind": "age", "min": 25, "max": 60}))
    assert first["version"] == 1 and first["family_id"] == first["id"]
    old_members = _members(as_analyst, first["id"])
    assert len(old_members) == first["size"] > 0

    narrower = _spec({"kind": "age", "min": 25, "max": 40})
    response = as_analyst.post(f"{API}/{first['id']}/versions", json={"spec": narrower})
    assert response.status_code == 201, response.text
    second = response.json()
    assert second["id"] != first["id"]
    assert (second["family_id"], second["version"]) == (first["id"], 2)
    assert second["name"] == first["name"]  # kept unless a new one is given
    assert second["spec"]["filters"][1]["max"] == 40
    preview = as_analyst.post(f"{API}/preview", json={"spec": narrower}).json()
    assert second["size"] == preview["size"] < first["size"]
    assert _members(as_analyst, second["id"]) < old_members

    # The old version is untouched: its row, spec and snapshot.
    again = as_analyst.get(f"{API}/{first['id']}").json()
    assert again["spec"]["filters"][1]["max"] == 60 and again["size"] == first["size"]
    assert _members(as_analyst, first["id"]) == old_members

    # A version of an old version joins the same family, numbered after the newest.
    third = as_analyst.post(
        f"{API}/{first['id']}/versions", json={"spec": narrower, "name": "  Молодые  "}
    ).json()
    assert (third["family_id"], third["version"], third["name"]) == (first["id"], 3, "Молодые")

    versions = as_analyst.get(f"{API}/{second['id']}/versions").json()
    assert [(v["id"], v["version"]) for v in versions] == [
        (first["id"], 1),
        (second["id"], 2),
        (third["id"], 3),
    ]
    assert [v["size"] for v in versions] == [first["size"], second["size"], third["size"]]
    assert all(v["used_by_campaigns"] == 0 and v["owner"] == "anna" for v in versions)


def test_the_list_shows_the_newest_version_of_each_audience(
    as_analyst: TestClient, data: Data
) -> None:
    a1 = _save(as_analyst, "A", _spec({"kind": "mau"}))
    b1 = _save(as_analyst, "B", _spec({"kind": "age", "min": 30, "max": 50}))
    a2 = as_analyst.post(f"{API}/{a1['id']}/versions", json={"spec": _spec()}).json()
    listed = as_analyst.get(API).json()
    assert listed["total"] == 2
    assert [(a["id"], a["version"]) for a in listed["items"]] == [(a2["id"], 2), (b1["id"], 1)]
    everything = as_analyst.get(API, params={"all_versions": True}).json()
    assert everything["total"] == 3
    assert {a["id"] for a in everything["items"]} == {a1["id"], a2["id"], b1["id"]}
    # The search looks at the newest versions' names.
    renamed = as_analyst.post(
        f"{API}/{b1['id']}/versions", json={"spec": _spec(), "name": "Бета"}
    ).json()
    assert [a["id"] for a in as_analyst.get(API, params={"q": "бета"}).json()["items"]] == [
        renamed["id"]
    ]
    assert as_analyst.get(API, params={"q": "B"}).json()["total"] == 0
    # The builder's options list the newest versions too.
    options = as_analyst.get(f"{API}/options").json()
    assert {a["id"] for a in options["audiences"]} == {a2["id"], renamed["id"]}


def test_someone_elses_audience_has_no_versions_for_you(
    client: TestClient,
    as_user: TestClient,
    as_analyst: TestClient,
    as_admin: TestClient,
    data: Data,
) -> None:
    mine = _save(as_analyst, "Моя", _spec({"kind": "mau"}))
    add_user(_engine(client), "olga", "analyst", PASSWORDS["analyst"])
    olga = TestClient(client.app, headers=login(client, "olga", PASSWORDS["analyst"]))
    refused = olga.post(f"{API}/{mine['id']}/versions", json={"spec": _spec()})
    assert refused.status_code == 404 and refused.json()["code"] == "audience.not_found"
    assert olga.get(f"{API}/{mine['id']}/versions").status_code == 404
    assert as_user.post(f"{API}/{mine['id']}/versions", json={"spec": _spec()}).status_code == 403
    missing = as_analyst.post(f"{API}/nope/versions", json={"spec": _spec()})
    assert missing.status_code == 404
    # An admin may save a version; it stays in the owner's family (and list).
    by_admin = as_admin.post(f"{API}/{mine['id']}/versions", json={"spec": _spec()})
    assert by_admin.status_code == 201, by_admin.text
    assert by_admin.json()["owner"] == "anna" and by_admin.json()["version"] == 2
    assert [a["id"] for a in as_analyst.get(API).json()["items"]] == [by_admin.json()["id"]]
    assert olga.get(API).json()["total"] == 0
    # Bad specs are 422, never a 500, and save nothing.
    bad = as_analyst.post(f"{API}/{mine['id']}/versions", json={"spec": {"filters": [{"x": 1}]}})
    assert bad.status_code == 422
    assert len(as_analyst.get(f"{API}/{mine['id']}/versions").json()) == 2


def test_a_version_a_campaign_uses_cannot_be_deleted_the_others_can(
    as_analyst: TestClient, data: Data
) -> None:
    v1 = _save(as_analyst, "a", _spec({"kind": "mau"}))
    v2 = as_analyst.post(f"{API}/{v1['id']}/versions", json={"spec": _spec()}).json()
    with make_sessionmaker(_engine(as_analyst)).begin() as db:
        db.add(campaign_row("C000000998", status="draft", audience_id=v1["id"]))
    versions = as_analyst.get(f"{API}/{v2['id']}/versions").json()
    assert [v["used_by_campaigns"] for v in versions] == [1, 0]
    refused = as_analyst.delete(f"{API}/{v1['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == "audience.used_by_campaigns"
    assert as_analyst.delete(f"{API}/{v2['id']}").status_code == 204
    # The family goes on from its newest remaining version.
    v3 = as_analyst.post(f"{API}/{v1['id']}/versions", json={"spec": _spec()}).json()
    assert v3["version"] == 2 and v3["family_id"] == v1["id"]


def test_saving_a_version_leaves_an_audit_row(as_analyst: TestClient, data: Data) -> None:
    v1 = _save(as_analyst, "a", _spec())
    v2 = as_analyst.post(f"{API}/{v1['id']}/versions", json={"spec": _spec()}).json()
    with _engine(as_analyst).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT action, outcome, summary FROM dq_audit_log WHERE target = :t"),
            {"t": f"audience={v2['id']}"},
        ).all()
    assert [r.action for r in rows] == ["audiences.save_audience_version"]
    assert '"version": 2' in rows[0].summary and v1["id"] in rows[0].summary


def test_a_taken_version_number_is_409_coded_not_500(
    as_analyst: TestClient, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two saves that computed the same number: the unique (family_id, version) refuses the
    second at the insert, answered 409 with a code (and nothing of it is kept)."""
    v1 = _save(as_analyst, "a", _spec())
    monkeypatch.setattr(service, "_next_version", lambda db, family_id: 1)
    response = as_analyst.post(f"{API}/{v1['id']}/versions", json={"spec": _spec()})
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "audience.version_taken"
    with _engine(as_analyst).connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM dq_audiences")).scalar_one() == 1
        ids = conn.execute(sa.text("SELECT DISTINCT audience_id FROM dq_audience_members"))
        assert set(ids.scalars()) == {v1["id"]}


def test_two_concurrent_versions_get_distinct_numbers_or_a_409(
    as_analyst: TestClient, data: Data
) -> None:
    v1 = _save(as_analyst, "a", _spec({"kind": "mau"}))
    start = threading.Barrier(2)
    answers: list[tuple[int, dict[str, Any]]] = []

    def save(max_age: int) -> None:
        spec = _spec({"kind": "age", "min": 18, "max": max_age})
        start.wait()
        response = as_analyst.post(f"{API}/{v1['id']}/versions", json={"spec": spec})
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=save, args=(age,)) for age in (40, 50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses in ([201, 201], [201, 409]), answers
    for status, body in answers:
        if status == 409:
            assert body["code"] in ("audience.version_taken", "conflict.concurrent_write")
    created = sorted(body["version"] for status, body in answers if status == 201)
    assert created == list(range(2, 2 + len(created)))
    with _engine(as_analyst).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT version, size FROM dq_audiences WHERE family_id = :f"),
            {"f": v1["id"]},
        ).all()
        snapshots = conn.execute(
            sa.text("SELECT COUNT(DISTINCT audience_id) FROM dq_audience_members")
        ).scalar_one()
    assert sorted(r.version for r in rows) == [1, *created]
    assert snapshots == len(rows)  # a refused save leaves no snapshot behind


def test_duckdb_finds_a_taken_version_at_commit_and_it_is_a_conflict(
    as_analyst: TestClient, data: Data
) -> None:
    """DuckDB sees another transaction's row only once it is committed: the second of two
    concurrent saves fails at COMMIT, which must be answered 409 (it was a 500)."""
    from dataquery.core.handlers import concurrency_conflict

    engine = _engine(as_analyst)
    if engine.dialect.name != "duckdb":
        pytest.skip("PostgreSQL waits for the first transaction at the insert instead")
    v1 = _save(as_analyst, "a", _spec())
    insert = sa.text(
        "INSERT INTO dq_audiences (id, name, owner, spec, funnel, size, reference_date,"
        " created_at, family_id, version)"
        " VALUES (:id, 'a', 'anna', '{}', '[]', 0, '2026-12-01', '2026-12-01', :f, 2)"
    )
    first, second = engine.connect(), engine.connect()
    try:
        first.begin()
        second.begin()
        first.execute(insert, {"id": "one", "f": v1["id"]})
        second.execute(insert, {"id": "two", "f": v1["id"]})
        first.commit()
        with pytest.raises(sa.exc.DBAPIError) as failed:
            second.commit()
        assert concurrency_conflict(failed.value) is not None
    finally:
        first.close()
        second.close()
