"""Saved queries: create, list, open, change and delete; private ones are their owner's (and the
admins'), shared ones everyone reads but only the owner changes; specs that do not compile are
refused; every change is audited."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient
from query_data import generate, load
from sqlalchemy.engine import Engine

API = "/api/v1/queries/saved"
SPEC = {
    "source": "q_people",
    "aggregations": [{"fn": "count"}],
    "group_by": [{"column": {"column": "city"}}],
}


def test_saved_queries_crud_owner_shared_and_audit(
    client: TestClient, as_user: TestClient, as_analyst: TestClient, as_admin: TestClient
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    load(engine, generate(people=20))
    private = as_analyst.post(API, json={"name": "по городам", "spec": SPEC})
    assert private.status_code == 201, private.text
    shared = as_analyst.post(API, json={"name": "общий", "shared": True, "spec": SPEC})
    assert shared.status_code == 201
    pid, sid = private.json()["id"], shared.json()["id"]
    assert private.json()["owner"] == "anna" and private.json()["spec"]["source"] == "q_people"

    assert {q["id"] for q in as_analyst.get(API).json()} == {pid, sid}
    assert {q["id"] for q in as_user.get(API).json()} == {sid}  # a private one is hidden
    assert {q["id"] for q in as_admin.get(API).json()} >= {pid, sid}
    assert as_user.get(f"{API}/{pid}").status_code == 404
    assert as_user.get(f"{API}/{sid}").json()["name"] == "общий"
    assert as_user.post(API, json={"name": "x", "spec": SPEC}).status_code == 403  # users read

    changed = {"name": "по городам v2", "shared": True, "spec": {**SPEC, "limit": 5}}
    updated = as_analyst.put(f"{API}/{pid}", json=changed)
    assert updated.status_code == 200 and updated.json()["name"] == "по городам v2"
    assert updated.json()["spec"]["limit"] == 5
    # an admin may change anyone's query; a user may not change one at all
    as_admin.put(f"{API}/{sid}", json={"name": "общий (админ)", "spec": SPEC}).raise_for_status()
    assert as_user.put(f"{API}/{sid}", json={"name": "x", "spec": SPEC}).status_code == 403

    broken = {"name": "x", "spec": {"source": "q_people", "columns": [{"column": "nope"}]}}
    assert as_analyst.post(API, json=broken).status_code == 422
    hidden = {"name": "x", "spec": {"source": "dq_users"}}
    assert as_analyst.post(API, json=hidden).status_code == 422

    assert as_analyst.delete(f"{API}/{pid}").status_code == 204
    assert as_analyst.get(f"{API}/{pid}").status_code == 404
    with engine.connect() as conn:
        actions = conn.execute(
            sa.text("SELECT action, target FROM dq_audit_log WHERE target LIKE 'saved_query=%'")
        ).all()
    got = {(a, t) for a, t in actions}
    assert ("queries.create_saved_query", f"saved_query={pid}") in got
    assert ("queries.update_saved_query", f"saved_query={pid}") in got
    assert ("queries.delete_saved_query", f"saved_query={pid}") in got
