"""The effect endpoint on a deployed 3-group stratified campaign with planted outcomes (the
generator behind `dataquery demo outcomes`), and its refusals."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from dataquery.campaigns.outcomes import outcome_name, plant, synthetic_outcomes
from dataquery.cli import app
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset

POPUP = {"title_ru": "Т", "title_kz": "Т", "text_ru": "Текст", "text_kz": "Мәтін"}
GROUPS = [
    {"name": "control", "share": 0.3},
    {"name": "A", "share": 0.35},
    {"name": "B", "share": 0.35},
]


def _deployed(
    as_analyst: TestClient,
    engine: Engine,
    iins: list[str],
    create_draft: Callable[..., dict[str, Any]],
    **changes: Any,
) -> dict[str, Any]:
    audience_id = save_audience(engine, iins)
    body: dict[str, Any] = {"channels": ["popup"], "texts": None, "popup": POPUP}
    draft = create_draft(audience_id, **{**body, **changes})
    response = as_analyst.post(f"/api/v1/campaigns/{draft['code']}/deploy")
    assert response.status_code == 200, response.text
    return draft


def test_the_planted_lift_is_read_back_with_its_interval(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
    tmp_path: Path,
    demo_files: Path,
) -> None:
    draft = _deployed(
        as_analyst,
        engine,
        bank[:4000],
        create_draft,
        groups=GROUPS,
        strata=["gender", "age_band"],
        rerandomize=20,
    )
    code = draft["code"]
    current = as_analyst.get(f"/api/v1/campaigns/{code}/balance")
    assert current.status_code == 200, current.text
    stored = draft["split"]["experiment"]
    assert current.json()["groups"] == stored["groups"] and current.json()["unplaced"] == 0
    assert current.json()["balance"]["srm"]["verdict"] == "ok"
    with make_sessionmaker(engine).begin() as db:
        dataset = plant(db, code, 0.06, 30, 5, tmp_path)
    assert dataset.name == outcome_name(code) and dataset.category == "outcome"

    options = as_analyst.get("/api/v1/campaigns/outcomes").json()
    assert {"name": outcome_name(code), "has_value": True}.items() <= next(
        o for o in options if o["name"] == outcome_name(code)
    ).items()

    response = as_analyst.get(
        f"/api/v1/campaigns/{code}/effect",
        params={"outcome": outcome_name(code), "days": 30, "cost_per_contact": 50},
    )
    assert response.status_code == 200, response.text
    result = response.json()
    sizes = [g["members"] for g in result["groups"]]
    stored = [g["size"] for g in draft["split"]["experiment"]["groups"]]
    assert [g["name"] for g in result["groups"]] == ["control", "A", "B"]
    assert sizes == stored and result["unplaced"] == 0
    for arm in result["arms"]:
        conversion = arm["conversion"]
        assert conversion["absolute_low"] <= 0.06 <= conversion["absolute_high"]
        assert conversion["significant"] and conversion["p_value"] < 0.05
        assert arm["value"]["absolute"] > 0 and arm["roi"] is not None
        # CUPED keeps the estimate near and narrows the interval of the value.
        raw, adjusted = arm["value"], arm["value_cuped"]
        assert (adjusted["absolute_high"] - adjusted["absolute_low"]) < (
            raw["absolute_high"] - raw["absolute_low"]
        )
    assert result["variance_reduction_value"] > 0

    # The cost per contact stored on the (deployed) campaign is the ROI's default.
    params = {"outcome": outcome_name(code), "days": 30}
    unpriced = as_analyst.get(f"/api/v1/campaigns/{code}/effect", params=params).json()
    assert unpriced["cost_per_contact"] is None and unpriced["arms"][0]["roi"] is None
    priced = as_analyst.patch(f"/api/v1/campaigns/{code}", json={"cost_per_contact": 50})
    assert priced.status_code == 200, priced.text
    assert priced.json()["cost_per_contact"] == 50
    stored_cost = as_analyst.get(f"/api/v1/campaigns/{code}/effect", params=params).json()
    assert stored_cost["cost_per_contact"] == 50
    assert [a["roi"] for a in stored_cost["arms"]] == [a["roi"] for a in result["arms"]]
    assert len(result["dates"]) == 30 and len(result["daily"]) == 3
    for curve in result["daily"]:
        rates = curve["cumulative_rate"]
        assert all(a <= b for a, b in itertools.pairwise(rates))
        group = result["groups"][curve["index"]]
        assert abs(rates[-1] - group["conversion_rate"]) < 1e-9

    with make_sessionmaker(engine).begin() as db:
        load_dataset(db, STANDARD_BY_NAME["products"], demo_files / "products.parquet")
    products = as_analyst.get(f"/api/v1/campaigns/{code}/effect", params={"outcome": "products"})
    assert products.status_code == 200, products.text
    assert products.json()["has_value"] is False and products.json()["arms"][0]["value"] is None


def test_drafts_and_unknown_outcomes_are_refused(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    audience_id = save_audience(engine, bank[:100])
    draft = create_draft(audience_id)
    refused = as_analyst.get(f"/api/v1/campaigns/{draft['code']}/effect")
    assert refused.status_code == 409 and refused.json()["code"] == "effect.not_deployed"
    assert as_analyst.get(f"/api/v1/campaigns/{draft['code']}/balance").status_code == 409
    deployed = _deployed(as_analyst, engine, bank[100:300], create_draft)
    unknown = as_analyst.get(
        f"/api/v1/campaigns/{deployed['code']}/effect", params={"outcome": "feature_store"}
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "effect.unknown_outcome"
    bad_days = as_analyst.get(f"/api/v1/campaigns/{deployed['code']}/effect?days=0")
    assert bad_days.status_code == 422


def test_synthetic_outcomes_plant_the_lift_and_correlate_the_periods() -> None:
    n = 40_000
    iins = pa.array([f"{i:012d}" for i in range(n)])
    target = (np.arange(n) % 2).astype(np.int64)
    start = date(2026, 12, 1)
    table = synthetic_outcomes(iins, target, start, 30, 0.05, 1)
    again = synthetic_outcomes(iins, target, start, 30, 0.05, 1)
    assert table.equals(again)
    days = (
        np.asarray(table.column("event_date").cast(pa.int32()).to_numpy())
        - (start - date(1970, 1, 1)).days
    )
    owner = np.asarray(table.column("iin").cast(pa.int64()).to_numpy())
    post = np.zeros(n)
    pre = np.zeros(n)
    np.maximum.at(post, owner[days >= 0], 1)
    np.maximum.at(pre, owner[days < 0], 1)
    assert days.min() >= -30 and days.max() < 30
    lift = post[target == 1].mean() - post[target == 0].mean()
    assert abs(lift - 0.05) < 0.01
    assert abs(pre[target == 1].mean() - pre[target == 0].mean()) < 0.01
    assert np.corrcoef(pre, post)[0, 1] > 0.02


def test_demo_outcomes_cli_refuses_an_unknown_campaign(monkeypatch: Any, tmp_path: Path) -> None:
    from dataquery.core.config import get_settings

    monkeypatch.setenv("DQ_WAREHOUSE_URL", f"duckdb:///{tmp_path}/wh.duckdb")
    monkeypatch.setenv("DQ_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(app, ["migrate"]).exit_code == 0
        result = runner.invoke(app, ["demo", "outcomes", "--campaign", "C999999999"])
        assert result.exit_code != 0 and "C999999999" in result.output
        assert runner.invoke(app, ["demo", "outcomes", "--help"]).exit_code == 0
    finally:
        get_settings.cache_clear()
