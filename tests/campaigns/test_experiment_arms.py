"""A/B/n experiments as sibling campaigns: a draft whose design has two or more arms gives each
arm a campaign of its own (code, texts, channels); the lead's deploy writes every arm in one
transaction, the one control group under each arm's code; the effect and the balance check
read the whole experiment from any of its campaigns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from campaign_data import popup_content, rows_of, save_audience, tomorrow
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.campaigns.outcomes import outcome_name, plant
from dataquery.core.db import make_sessionmaker
from helpers import PASSWORDS

GROUPS = [
    {"name": "control", "share": 0.2},
    {"name": "A", "share": 0.4},
    {"name": "B", "share": 0.4},
]
FOUR_GROUPS = [
    {"name": "control", "share": 0.25},
    {"name": "A", "share": 0.25},
    {"name": "B", "share": 0.25},
    {"name": "C", "share": 0.25},
]
POPUP_ONLY = {"channels": ["popup"], "popup": popup_content(), "texts": None}


def _iins(engine: Engine, table: str, code: str, column: str = "camp_cd") -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT iin FROM {table} WHERE {column} = :c"), {"c": code})
        return {str(r[0]) for r in rows}


def _channels(engine: Engine, code: str) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT DISTINCT channel FROM fd_rb2_campaigns_users WHERE camp_cd = :c"),
            {"c": code},
        )
        return {str(r[0]) for r in rows}


def _experiment(
    as_analyst: TestClient,
    engine: Engine,
    iins: list[str],
    create_draft: Callable[..., dict[str, Any]],
    groups: list[dict[str, Any]] = GROUPS,
    **changes: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A multi-arm draft and its arms' campaigns: (the lead, the arms as POST /arms answers)."""
    audience_id = save_audience(engine, iins)
    lead = create_draft(audience_id, groups=groups, strata=["gender"], rerandomize=10, **changes)
    before = as_analyst.get(f"/api/v1/campaigns/{lead['code']}").json()["arms"]
    assert before["complete"] is False and before["arms"][0]["code"] == lead["code"]
    assert all(a["code"] is None for a in before["arms"][1:])
    response = as_analyst.post(f"/api/v1/campaigns/{lead['code']}/arms")
    assert response.status_code == 201, response.text
    return lead, response.json()


def test_the_lead_deploys_every_arm_with_one_shared_control(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
    tmp_path: Path,
) -> None:
    audience = bank[:3000]
    lead, arms = _experiment(as_analyst, engine, audience, create_draft, **POPUP_ONLY)
    code = lead["code"]
    assert arms["lead"] == code and arms["complete"] is True
    assert [a["name"] for a in arms["arms"]] == ["A", "B"]
    arm_b = arms["arms"][1]["code"]
    assert arm_b not in (None, code) and arms["arms"][1]["status"] == "draft"
    design = lead["split"]["experiment"]["groups"]
    assert [a["target_count"] for a in arms["arms"]] == [g["size"] for g in design[1:]]
    assert arms["control_count"] == design[0]["size"]

    # Arm B is a draft of its own: other texts, other channels.
    b = as_analyst.get(f"/api/v1/campaigns/{arm_b}").json()
    assert (b["experiment"], b["arm"], b["name"]) == (code, "B", f"{lead['name']} · B")
    # Its split is its arm against the shared control, at those two groups' shares (20:40).
    assert (b["split"]["target"], b["split"]["control"]) == (design[2]["size"], design[0]["size"])
    assert abs(b["split"]["control_share"] - 1 / 3) < 1e-9 and b["split"]["mismatch"] is False
    texts = {"ru": {"title": "B", "body": "Вариант B"}, "kz": {"title": "B", "body": "B нұсқасы"}}
    changed = as_analyst.patch(
        f"/api/v1/campaigns/{arm_b}",
        json={"channels": ["push", "sms"], "texts": texts, "popup": None},
    )
    assert changed.status_code == 200, changed.json()

    # An arm is deployed by its lead, never alone.
    alone = as_analyst.post(f"/api/v1/campaigns/{arm_b}/deploy")
    assert alone.status_code == 409 and alone.json()["code"] == "campaign.experiment.deploy_lead"

    dry = as_analyst.post(f"/api/v1/campaigns/{code}/deploy", params={"dry_run": True})
    assert dry.status_code == 200, dry.text
    assert rows_of(engine, arm_b)["mb22_local_target"] == 0
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    report = deployed.json()
    assert report["tables"] == dry.json()["tables"]
    assert [(a["code"], a["name"]) for a in report["arms"]] == [(code, "A"), (arm_b, "B")]
    assert set(report["arms"][1]["channels"]) == {"push", "sms"}

    # The arms' targets are disjoint; with the control they are the audience; the control is
    # written under each arm's code.
    target_a = _iins(engine, "mb22_local_target", code)
    target_b = _iins(engine, "mb22_local_target", arm_b)
    control = _iins(engine, "mb21_local_control", code)
    assert not target_a & target_b and not (target_a | target_b) & control
    assert target_a | target_b | control == set(audience)
    assert _iins(engine, "mb21_local_control", arm_b) == control
    assert [len(control), len(target_a), len(target_b)] == [g["size"] for g in design]
    assert report["tables"]["mb01_camp_dict"] == 2
    assert report["tables"]["mb21_local_control"] == 2 * len(control)
    assert report["target"] == len(target_a) + len(target_b)
    assert _channels(engine, code) == {"popup"} and _channels(engine, arm_b) == {"push", "sms"}
    assert rows_of(engine, code)["fd_rb2_pop_up_campaign"] == 1
    assert rows_of(engine, arm_b)["fd_rb2_pop_up_campaign"] == 0
    with engine.connect() as conn:
        contacted = conn.execute(
            sa.text("SELECT COUNT(DISTINCT iin) FROM off_limit_campaigns_users WHERE camp_cd = :c"),
            {"c": code},
        ).scalar_one()
    assert contacted == len(target_a)

    for arm_code, size in ((code, len(target_a)), (arm_b, len(target_b))):
        campaign = as_analyst.get(f"/api/v1/campaigns/{arm_code}").json()
        assert campaign["status"] == "deployed" and campaign["target_count"] == size
        assert campaign["control_count"] == len(control)
        assert campaign["arms"]["complete"] is True
        split = campaign["split"]
        assert (split["source"], split["target"], split["control"]) == (
            "tables",
            size,
            len(control),
        )
        assert split["mismatch"] is False
        # The arms share the control group: they do not overlap each other.
        overlap = as_analyst.get(f"/api/v1/campaigns/{arm_code}/overlap").json()
        assert {code, arm_b}.isdisjoint(c["camp_cd"] for c in overlap["campaigns"]), overlap
    listed = as_analyst.get("/api/v1/campaigns", params={"q": lead["name"]}).json()["items"]
    assert {(c["code"], c["experiment"], c["arm"]) for c in listed} == {
        (code, code, "A"),
        (arm_b, code, "B"),
    }

    # The balance check and the effect read the whole experiment from either campaign.
    for asked in (code, arm_b):
        balance = as_analyst.get(f"/api/v1/campaigns/{asked}/balance")
        assert balance.status_code == 200, balance.text
        sizes = [g["size"] for g in balance.json()["groups"]]
        assert sizes == [len(control), len(target_a), len(target_b)]
        assert balance.json()["unplaced"] == 0
    with make_sessionmaker(engine).begin() as db:
        plant(db, arm_b, 0.3, 30, 3, tmp_path)
    effect = as_analyst.get(
        f"/api/v1/campaigns/{code}/effect", params={"outcome": outcome_name(arm_b), "days": 30}
    )
    assert effect.status_code == 200, effect.text
    by_name = {a["name"]: a for a in effect.json()["arms"]}
    assert set(by_name) == {"A", "B"}
    # The lift was planted on arm B only: B's is far above A's, and significant.
    assert by_name["B"]["conversion"]["significant"] is True
    assert by_name["B"]["conversion"]["absolute"] > by_name["A"]["conversion"]["absolute"] + 0.15


def test_a_failing_arm_leaves_no_row_of_any_arm(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    """Arm A (pop-up) is written first; arm B's push list breaks on a customer the feature
    store holds twice: the whole experiment rolls back, both campaigns stay drafts."""
    audience = bank[:2000]
    lead, arms = _experiment(as_analyst, engine, audience, create_draft, **POPUP_ONLY)
    arm_b = arms["arms"][1]["code"]
    texts = {"ru": {"title": "B", "body": "Вариант B"}, "kz": {"title": "B", "body": "B"}}
    patched = as_analyst.patch(
        f"/api/v1/campaigns/{arm_b}", json={"channels": ["push"], "texts": texts, "popup": None}
    )
    assert patched.status_code == 200, patched.text
    duplicate = sa.text("INSERT INTO feature_store SELECT * FROM feature_store WHERE iin IN :iins")
    with engine.begin() as conn:
        conn.execute(duplicate.bindparams(sa.bindparam("iins", expanding=True)), {"iins": audience})

    failed = as_analyst.post(f"/api/v1/campaigns/{lead['code']}/deploy")
    assert failed.status_code == 409, failed.text
    assert failed.json()["code"] == "campaign.deploy.write_failed"
    for code in (lead["code"], arm_b):
        rows = rows_of(engine, code)
        assert rows.pop("mb01_camp_dict") == 1 and set(rows.values()) == {0}, rows
        assert as_analyst.get(f"/api/v1/campaigns/{code}").json()["status"] == "draft"


def test_what_an_experiment_of_arm_campaigns_refuses(
    as_analyst: TestClient,
    as_admin: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    lead, arms = _experiment(
        as_analyst, engine, bank[:1500], create_draft, groups=FOUR_GROUPS, **POPUP_ONLY
    )
    code = lead["code"]
    arm_b, arm_c = (a["code"] for a in arms["arms"][1:])
    again = as_analyst.post(f"/api/v1/campaigns/{code}/arms")
    assert again.status_code == 201 and [a["code"] for a in again.json()["arms"]] == [
        a["code"] for a in arms["arms"]
    ]

    # What the split depends on is the lead's: an arm refuses to change it…
    start = tomorrow() + timedelta(days=3)
    moved = as_analyst.patch(f"/api/v1/campaigns/{arm_b}", json={"start_date": start.isoformat()})
    assert moved.status_code == 422, moved.text
    assert moved.json()["errors"][0]["code"] == "campaign.experiment.shared_field"
    assert moved.json()["errors"][0]["field"] == "start_date"
    same = as_analyst.patch(
        f"/api/v1/campaigns/{arm_b}",
        json={"start_date": lead["start_date"], "name": "Вариант B"},
    )
    assert same.status_code == 200, same.text
    # …and takes the lead's changes.
    end = (tomorrow() + timedelta(days=40)).isoformat()
    assert as_analyst.patch(f"/api/v1/campaigns/{code}", json={"end_date": end}).status_code == 200
    assert as_analyst.get(f"/api/v1/campaigns/{arm_c}").json()["end_date"] == end

    fewer = as_analyst.patch(f"/api/v1/campaigns/{code}", json={"groups": GROUPS})
    assert fewer.status_code == 409 and fewer.json()["code"] == "campaign.experiment.has_arms"
    on_arm = as_analyst.post(f"/api/v1/campaigns/{arm_b}/arms")
    assert on_arm.status_code == 409 and on_arm.json()["code"] == "campaign.experiment.is_arm"
    plain = create_draft(save_audience(engine, bank[:100]), **POPUP_ONLY)
    single = as_analyst.post(f"/api/v1/campaigns/{plain['code']}/arms")
    assert single.status_code == 409 and single.json()["code"] == "campaign.experiment.single_arm"

    password = {"password": PASSWORDS["admin"]}
    kept = as_admin.request("DELETE", f"/api/v1/campaigns/{code}", json=password)
    assert kept.status_code == 409 and kept.json()["code"] == "campaign.experiment.has_arms"
    gone = as_admin.request("DELETE", f"/api/v1/campaigns/{arm_c}", json=password)
    assert gone.status_code == 200, gone.text
    missing = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert missing.status_code == 409, missing.text
    assert missing.json()["code"] == "campaign.experiment.arms_missing"
    assert missing.json()["params"]["arms"] == "C"
    assert rows_of(engine, code)["mb22_local_target"] == 0
    # The missing arm is created again, and the experiment deploys.
    assert as_analyst.post(f"/api/v1/campaigns/{code}/arms").status_code == 201
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy")
    assert deployed.status_code == 200, deployed.text
    assert [a["name"] for a in deployed.json()["arms"]] == ["A", "B", "C"]
