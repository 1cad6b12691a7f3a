"""Stratified 2–5 group splits through the API: the preview's balance proof, the draft that
stores it, and the deploy that writes the kept split (control = group 0 into mb21)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.bank.tables import local_control, local_target

GROUPS = [
    {"name": "control", "share": 0.2},
    {"name": "A", "share": 0.4},
    {"name": "B", "share": 0.4},
]


def _preview(client: TestClient, audience_id: str, **changes: Any) -> Any:
    body = {
        "audience_id": audience_id,
        "split_seed": 7,
        "groups": GROUPS,
        "strata": ["gender", "age_band", "score_credit"],
        "rerandomize": 40,
        **changes,
    }
    return client.post("/api/v1/campaigns/split-preview", json=body)


def test_preview_returns_the_balance_proof(
    as_analyst: TestClient, engine: Engine, bank: list[str]
) -> None:
    audience_id = save_audience(engine, bank[:3000])
    response = _preview(as_analyst, audience_id)
    assert response.status_code == 200, response.text
    result = response.json()
    experiment = result["experiment"]
    sizes = [g["size"] for g in experiment["groups"]]
    assert sum(sizes) == 3000 and result["control"] == sizes[0]
    assert abs(sizes[0] - 600) <= 20 and abs(sizes[1] - 1200) <= 20
    assert [g["name"] for g in experiment["groups"]] == ["control", "A", "B"]
    balance = experiment["balance"]
    assert balance["srm"]["verdict"] == "ok" and balance["verdict"] in ("ok", "warn")
    names = {c["name"] for c in balance["covariates"]}
    assert {"age", "score_credit", "gender", "filial", "device", "mau"} <= names
    assert experiment["max_smd_after"] <= experiment["max_smd_before"]
    assert {p["name"] for p in balance["love_plot"]} == names
    # Deterministic for (seed, N); another seed gives another split.
    again = _preview(as_analyst, audience_id).json()
    again["experiment"].pop("computed_at"), experiment.pop("computed_at")
    assert again == result
    other = _preview(as_analyst, audience_id, split_seed=8).json()["experiment"]
    assert other["groups"] != experiment["groups"] or other["salt"] != experiment["salt"]


def test_bad_designs_are_422_with_codes(
    as_analyst: TestClient, engine: Engine, bank: list[str]
) -> None:
    audience_id = save_audience(engine, bank[:200])
    unknown = _preview(as_analyst, audience_id, strata=["shoe_size"])
    assert unknown.status_code == 422 and unknown.json()["code"] == "split.unknown_strata"
    assert unknown.json()["errors"][0]["field"] == "strata.0"
    shares = _preview(as_analyst, audience_id, groups=[{"share": 0.5}, {"share": 0.6}])
    assert shares.status_code == 422
    assert "split.shares_sum" in {e["code"] for e in shares.json()["errors"]}
    six = _preview(as_analyst, audience_id, groups=[{"share": 1 / 6}] * 6)
    assert six.status_code == 422
    many = _preview(as_analyst, audience_id, rerandomize=1001)
    assert many.status_code == 422
    no_control = _preview(as_analyst, audience_id, groups=None, control_share=0)
    assert no_control.status_code == 422 and no_control.json()["code"] == "split.no_control"


def test_plain_preview_is_unchanged(
    as_analyst: TestClient, engine: Engine, bank: list[str]
) -> None:
    audience_id = save_audience(engine, bank[:400])
    body = {"audience_id": audience_id, "control_share": 0.25, "split_seed": 3}
    result = as_analyst.post("/api/v1/campaigns/split-preview", json=body).json()
    assert result["experiment"] is None and result["target"] + result["control"] == 400


def test_the_draft_stores_the_proof_and_the_deploy_writes_the_kept_split(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    audience_id = save_audience(engine, bank[:2000])
    preview = _preview(as_analyst, audience_id, split_seed=42).json()
    draft = create_draft(
        audience_id,
        groups=GROUPS,
        strata=["gender", "age_band", "score_credit"],
        rerandomize=40,
        channels=["popup"],
        texts=None,
        popup={
            "title_ru": "Т",
            "title_kz": "Т",
            "text_ru": "Текст",
            "text_kz": "Мәтін",
        },
    )
    stored = draft["split"]["experiment"]
    assert stored["groups"] == preview["experiment"]["groups"]
    assert stored["salt"] == preview["experiment"]["salt"]
    assert draft["control_share"] == 0.2 and draft["control_count"] == stored["groups"][0]["size"]
    again = as_analyst.get(f"/api/v1/campaigns/{draft['code']}").json()
    assert again["split"]["experiment"]["balance"] == stored["balance"]

    deployed = as_analyst.post(f"/api/v1/campaigns/{draft['code']}/deploy")
    assert deployed.status_code == 200, deployed.text
    with engine.connect() as conn:
        control = conn.scalar(
            sa.select(sa.func.count())
            .select_from(local_control)
            .where(local_control.c.camp_cd == draft["code"])
        )
        target = conn.scalar(
            sa.select(sa.func.count())
            .select_from(local_target)
            .where(local_target.c.camp_cd == draft["code"])
        )
    assert control == stored["groups"][0]["size"]
    assert target == stored["groups"][1]["size"] + stored["groups"][2]["size"]
    after = as_analyst.get(f"/api/v1/campaigns/{draft['code']}").json()["split"]
    assert after["source"] == "tables" and after["experiment"]["salt"] == stored["salt"]

    # Editing the design away gives the plain split again.
    copy = as_analyst.post(f"/api/v1/campaigns/{draft['code']}/copy").json()
    assert copy["split"]["experiment"]["salt"] == stored["salt"]
    plain = as_analyst.patch(
        f"/api/v1/campaigns/{copy['code']}", json={"groups": None, "strata": None}
    )
    assert plain.status_code == 200, plain.text
    assert plain.json()["split"]["experiment"] is None
