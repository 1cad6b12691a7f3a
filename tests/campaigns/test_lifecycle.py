"""A campaign's whole life through the API, on DuckDB and PostgreSQL: audience → draft →
split → dry run → deploy → statistics → members → export → status → copy → delete."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pyarrow.parquet as pq
import sqlalchemy as sa
from campaign_data import popup_content, rb3_terms, rows_of
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from dataquery.sampling.split import control_mask, iin_keys
from helpers import PASSWORDS


def test_lifecycle(
    as_analyst: TestClient,
    as_user: TestClient,
    as_admin: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    # The audience, saved through its own API: the demo bank minus the global control, 3000.
    spec = as_analyst.get("/api/v1/audiences/default-spec").json()
    saved = as_analyst.post(
        "/api/v1/audiences", json={"name": "АЗС осень", "spec": {**spec, "limit": 3000}}
    )
    assert saved.status_code == 201, saved.text
    audience_id = saved.json()["id"]
    with engine.connect() as conn:
        audience_iins = sorted(
            conn.execute(
                sa.text("SELECT iin FROM dq_audience_members WHERE audience_id = :a"),
                {"a": audience_id},
            ).scalars()
        )
    assert len(audience_iins) == 3000
    outsiders = sorted(set(bank) - set(audience_iins))

    # Draft: codes from the sequences, the split computed from the audience.
    draft = create_draft(
        audience_id,
        type="RB3",
        stream="bzk",
        channels=["push", "popup", "sms"],
        rb3=rb3_terms(),
        popup=popup_content(),
        push_event_type=None,
    )
    code = draft["code"]
    assert code.startswith("C") and len(code) == 10 and code[1:].isdigit()
    assert draft["xls_ow_id"].startswith("KKB_") and len(draft["xls_ow_id"]) == 8
    assert draft["status"] == "draft" and draft["effective_status"] == "draft"
    expected_control = int(control_mask(42, iin_keys(audience_iins), 0.1).sum())
    split = draft["split"]
    assert (split["target"], split["control"]) == (3000 - expected_control, expected_control)
    assert split["source"] == "audience" and 0 <= split["srm_p_value"] <= 1
    assert draft["sms_segments"]["kz"]["encoding"] == "ucs2"
    assert "cancelled" in draft["allowed_statuses"]
    assert rows_of(engine, code)["mb22_local_target"] == 0

    # Reading is for everyone; the same seed gives the same split.
    again = as_user.get(f"/api/v1/campaigns/{code}").json()
    assert again["split"]["control"] == expected_control and again["can_edit"] is False

    # Dry run: rows per table and drop-outs per channel; nothing written.
    dry = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"dry_run": True})
    assert dry.status_code == 200, dry.text
    report = dry.json()
    target = 3000 - expected_control
    assert report["dry_run"] is True and report["target"] == target
    assert report["tables"]["mb22_local_target"] == target
    assert report["tables"]["mb21_local_control"] == expected_control
    assert report["tables"]["rb3_tr_campaign_dict"] == 1
    assert report["tables"]["fd_rb2_pop_up_campaign"] == 1
    push, sms, popup = (report["channels"][c] for c in ("push", "sms", "popup"))
    assert push["eligible"] + push["dropped"] == target
    assert popup == {"eligible": target, "dropped": 0, "reasons": {}}
    assert push["dropped"] > 0 and set(push["reasons"]) <= {"no_p_sid", "push_disabled"}
    assert sms["dropped"] > 0 and set(sms["reasons"]) == {"no_valid_phone"}
    assert rows_of(engine, code) == {**dict.fromkeys(rows_of(engine, code), 0), "mb01_camp_dict": 1}

    # Deploy writes what the dry run announced; a second deploy is refused.
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    result = deployed.json()
    assert result["tables"] == report["tables"]
    assert result["channels"] == report["channels"]
    assert rows_of(engine, code) == report["tables"]
    again = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert again.status_code == 409 and again.json()["error"] == "Conflict"

    campaign = as_analyst.get(f"/api/v1/campaigns/{code}").json()
    assert campaign["status"] == "deployed" and campaign["effective_status"] == "scheduled"
    assert campaign["split"]["source"] == "tables"
    assert campaign["split"]["control"] == expected_control
    assert (campaign["target_count"], campaign["control_count"]) == (target, expected_control)
    with engine.connect() as conn:
        phones = conn.execute(
            sa.text(
                "SELECT phone FROM fd_rb2_campaigns_users WHERE camp_cd = :c AND channel = 'sms'"
            ),
            {"c": code},
        ).scalars()
        assert all(p.startswith("+77") and len(p) == 12 for p in phones)
        dates = conn.execute(
            sa.text("SELECT DISTINCT contact_date FROM off_limit_campaigns_users WHERE camp_cd=:c"),
            {"c": code},
        ).all()
        assert [str(d[0]) for d in dates] == [campaign["start_date"]]

    # Statistics and the list.
    stats = as_user.get(f"/api/v1/campaigns/{code}/stats").json()
    assert stats["groups"] == {"target": target, "control": expected_control}
    assert stats["channels"]["popup"] == target
    assert stats["dropouts"]["sms"] == report["channels"]["sms"]
    assert (
        sum(day["count"] for day in stats["contacts_per_day"])
        == report["tables"]["off_limit_campaigns_users"]
    )
    assert [e["kind"] for e in stats["history"]] == ["created", "deployed"]
    listed = as_user.get(
        "/api/v1/campaigns", params={"type": "RB3", "status": "deployed", "q": code[-4:]}
    ).json()
    assert [c["code"] for c in listed["items"]] == [code] and listed["total"] == 1
    dashboard = as_user.get("/api/v1/campaigns/dashboard").json()
    assert dashboard["by_status"] == {"deployed": 1} and dashboard["by_type"] == {"RB3": 1}

    # Members by hand: a report, and every table kept consistent.
    outsider = outsiders[:10]
    pasted = [*outsider, outsider[0], "123", f"'{outsider[1]}", audience_iins[0]]
    added = as_analyst.post(f"/api/v1/campaigns/{code}/members", json={"iins": pasted})
    assert added.status_code == 200, added.text
    change = added.json()
    assert change["received"] == 14 and change["invalid"] == 1 and change["duplicate"] == 2
    assert change["normalized"] == 0  # "'0612…" counted as duplicate after normalising
    assert change["already_member"] == 1
    assert change["changed"] + change["global_control"] == 10
    assert change["target_count"] == target + change["changed"]
    after = rows_of(engine, code)
    assert after["mb22_local_target"] == target + change["changed"]
    assert after["fd_rb2_campaigns_users"] == after["off_limit_campaigns_users"]
    removed = as_analyst.post(
        f"/api/v1/campaigns/{code}/members/remove", json={"iins": [*outsider[:3], outsiders[100]]}
    ).json()
    assert removed["changed"] + removed["not_member"] == 4
    assert rows_of(engine, code)["mb22_local_target"] == removed["target_count"]

    # Exports.
    csv = as_user.get(f"/api/v1/campaigns/{code}/export", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0] == "iin,group" and len(lines) == 1 + removed["target_count"] + expected_control
    parquet = as_user.get(
        f"/api/v1/campaigns/{code}/export", params={"format": "parquet", "group": "control"}
    )
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == expected_control and set(table.column("group").to_pylist()) == {
        "control"
    }
    xlsx = as_user.get(f"/api/v1/campaigns/{code}/export", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("iin", "group") and isinstance(rows[1][0], str) and len(rows[1][0]) == 12

    # Status: a campaign that has not started can be cancelled, not finished.
    finish = as_analyst.post(f"/api/v1/campaigns/{code}/status", json={"status": "finished"})
    assert finish.status_code == 409

    # Copy as a template: a new draft with new codes.
    copy = as_analyst.post(f"/api/v1/campaigns/{code}/copy", json={})
    assert copy.status_code == 201, copy.text
    copied = copy.json()
    assert copied["code"] != code and copied["xls_ow_id"] != draft["xls_ow_id"]
    assert copied["status"] == "draft" and copied["copied_from"] == code
    assert copied["rb3"] == campaign["rb3"] and copied["popup"] == campaign["popup"]

    # Delete: admin only, password re-entered; every table emptied of the campaign.
    refused = as_analyst.request("DELETE", f"/api/v1/campaigns/{code}", json={"password": "x"})
    assert refused.status_code == 403
    wrong = as_admin.request("DELETE", f"/api/v1/campaigns/{code}", json={"password": "nope"})
    assert wrong.status_code == 403
    assert rows_of(engine, code)["mb22_local_target"] > 0
    deleted = as_admin.request(
        "DELETE", f"/api/v1/campaigns/{code}", json={"password": PASSWORDS["admin"]}
    )
    assert deleted.status_code == 200, deleted.text
    assert set(rows_of(engine, code).values()) == {0}
    assert as_user.get(f"/api/v1/campaigns/{code}").status_code == 404
    audit = as_admin.get("/api/v1/audit", params={"target": code}).json()["items"]
    assert {"success"} <= {a["outcome"] for a in audit}
