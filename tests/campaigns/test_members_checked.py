"""Manual adds are checked (issue 12, item 8): IINs added to a target group pass the campaign's
own suppression steps as the audience engine evaluates them; an administrator may force."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import sqlalchemy as sa
from campaign_data import rows_of, save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audit.models import AuditEntry
from dataquery.bank.tables import contact_history
from dataquery.core.clock import bank_today
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset

SPEC_FILTERS = [
    {"kind": "suppression", "list": "global_control"},
    {"kind": "suppression", "list": "acrm_blacklist"},
    {"kind": "recent_contact", "days": 30},
    {"kind": "frequency_cap", "max_contacts": 2, "days": 30},
]


def _deployed(
    engine: Engine,
    demo_files: Path,
    bank: list[str],
    as_analyst: TestClient,
    create_draft: Callable[..., dict[str, Any]],
) -> tuple[str, dict[str, str]]:
    """A deployed campaign whose audience spec excludes the ACRM blacklist and recent contacts;
    role → IIN of people outside it: blacklisted, recently contacted, contacted only by this
    campaign, and clean."""
    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["acrm_blacklist"], demo_files / "acrm_blacklist.parquet")
    listed = set(pq.read_table(demo_files / "acrm_blacklist.parquet").column("iin").to_pylist())
    control = set(pq.read_table(demo_files / "global_control.parquet").column("iin").to_pylist())
    outside = [i for i in bank[3000:] if i not in control]
    people = {
        "blacklisted": next(i for i in outside if i in listed),
        "contacted": next(i for i in outside[10:] if i not in listed),
        "own_contact": next(i for i in outside[20:] if i not in listed),
        "clean": next(i for i in outside[30:] if i not in listed),
        "scheduled": next(i for i in outside[40:] if i not in listed),
    }
    # Another campaign, deployed today, starting tomorrow: its target is already scheduled.
    other = create_draft(save_audience(engine, [people["scheduled"]]), control_share=0)["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{other}/deploy").status_code == 200
    audience_id = save_audience(engine, [i for i in bank[:600] if i not in listed])
    spec = {"version": 1, "source": {"kind": "feature_store"}, "filters": SPEC_FILTERS}
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE dq_audiences SET spec = :spec WHERE id = :id"),
            {"spec": json.dumps(spec), "id": audience_id},
        )
    code = create_draft(audience_id)["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    today = bank_today()
    with engine.begin() as conn:
        conn.execute(
            contact_history.insert().values(
                [
                    # The bank's older history (no campaign row): a contact 3 days ago.
                    {
                        "iin": people["contacted"],
                        "camp_cd": "H000000001",
                        "stream": "market",
                        "channel": "sms",
                        "contact_date": today - timedelta(3),
                    },
                    # A row of this very campaign never counts against it.
                    {
                        "iin": people["own_contact"],
                        "camp_cd": code,
                        "stream": "market",
                        "channel": "push",
                        "contact_date": today + timedelta(1),
                    },
                ]
            )
        )
    return code, people


def test_a_blacklisted_iin_is_refused_with_its_reason_and_forced_by_an_admin(
    as_analyst: TestClient,
    as_admin: TestClient,
    users: dict[str, str],
    engine: Engine,
    demo_files: Path,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    code, people = _deployed(engine, demo_files, bank, as_analyst, create_draft)
    before = rows_of(engine, code)["mb22_local_target"]
    url = f"/api/v1/campaigns/{code}/members"

    checked = as_analyst.post(url, json={"iins": list(people.values())})
    assert checked.status_code == 200, checked.text
    report = checked.json()
    reasons = {(r["code"], r["params"].get("list")): r for r in report["blocked"]}
    assert set(reasons) == {
        ("funnel.step.list", "acrm_blacklist"),
        ("funnel.step.recent_contact", None),
    }
    listed = reasons[("funnel.step.list", "acrm_blacklist")]
    assert (listed["count"], listed["sample"]) == (1, [people["blacklisted"]])
    recent = reasons[("funnel.step.recent_contact", None)]
    assert (recent["count"], sorted(recent["sample"])) == (
        2,
        sorted([people["contacted"], people["scheduled"]]),
    )
    assert report["blocked_total"] == 3 and report["forced"] is False
    assert report["changed"] == 2  # clean and own_contact
    assert rows_of(engine, code)["mb22_local_target"] == before + 2

    refused = as_analyst.post(url, json={"iins": [people["blacklisted"]], "force": True})
    assert refused.status_code == 403
    assert refused.json()["code"] == "campaign.members.force_admin_only"
    assert rows_of(engine, code)["mb22_local_target"] == before + 2

    forced = as_admin.post(
        url, json={"iins": [people["blacklisted"], people["contacted"]], "force": True}
    )
    assert forced.status_code == 200, forced.text
    forced_report = forced.json()
    assert forced_report["changed"] == 2 and forced_report["forced"] is True
    assert rows_of(engine, code)["mb22_local_target"] == before + 4
    with engine.connect() as conn:
        audited = conn.execute(
            sa.select(AuditEntry.username, AuditEntry.summary).where(
                AuditEntry.target == f"code={code}",
                AuditEntry.action.contains("members"),
                AuditEntry.outcome == "success",
            )
        ).all()
    forced_rows = [row for row in audited if (row.summary or {}).get("forced")]
    assert len(forced_rows) == 1 and forced_rows[0].username == users["admin"]
    counts = {
        (b["code"], b["params"].get("list")): b["count"] for b in forced_rows[0].summary["blocked"]
    }
    assert counts == {
        ("funnel.step.list", "acrm_blacklist"): 1,
        ("funnel.step.recent_contact", None): 1,
    }
    assert forced_rows[0].summary["blocked_total"] == 2


def test_control_adds_and_specless_campaigns_keep_the_old_rules(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    """A campaign without a parsable spec checks the global control only."""
    code = create_draft(save_audience(engine, bank[:500]))["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    report = as_analyst.post(f"/api/v1/campaigns/{code}/members", json={"iins": bank[600:700]})
    body = report.json()
    assert body["changed"] + body["global_control"] == 100
    assert body["blocked_total"] == body["global_control"]
    assert [r["params"].get("list") for r in body["blocked"]] == (
        ["global_control"] if body["global_control"] else []
    )
