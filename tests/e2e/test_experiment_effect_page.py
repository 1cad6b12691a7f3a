"""A 3-group stratified split deployed, outcomes planted with the CLI, the lift read on the page.

A server of its own (not the session's): `dataquery demo outcomes` writes the DuckDB file, so
the server is stopped while it runs and started again to read the effect.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from dq_e2e import (
    DQServer,
    new_context,
    prepare_warehouse,
    run_cli,
    running_server,
    server_env,
    sign_in_fast,
)
from playwright.sync_api import Browser

from dataquery.core.clock import bank_today

GROUPS = [
    {"name": "control", "share": 0.2},
    {"name": "A", "share": 0.4},
    {"name": "B", "share": 0.4},
]
PLANTED = 0.05


def _deploy(server: DQServer) -> tuple[str, dict[str, object]]:
    token = server.access_token("analyst")
    status, audience = server.post_json(
        "/api/v1/audiences",
        {"name": "Эксперимент e2e", "spec": {"filters": [], "limit": 6000}},
        token,
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    start = bank_today() + timedelta(days=1)
    status, draft = server.post_json(
        "/api/v1/campaigns",
        {
            "type": "RB1",
            "name": "A/B/n: кэшбэк",
            "stream": "market",
            "channels": ["popup"],
            "popup": {"title_ru": "Т", "title_kz": "Т", "text_ru": "Текст", "text_kz": "Мәтін"},
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=30)).isoformat(),
            "audience_id": audience["id"],
            "split_seed": 7,
            "groups": GROUPS,
            "strata": ["gender", "age_band", "score_credit"],
            "rerandomize": 50,
        },
        token,
    )
    assert status == 201 and isinstance(draft, dict), (status, draft)
    code = str(draft["code"])
    status, report = server.post_json(f"/api/v1/campaigns/{code}/deploy", {}, token)
    assert status == 200, (status, report)
    return code, draft


def test_a_stratified_split_deployed_and_its_planted_lift_on_the_page(
    browser: Browser, web_dist: Path, tmp_path_factory: pytest.TempPathFactory, results_dir: Path
) -> None:
    workdir = tmp_path_factory.mktemp("dq-experiment")
    log = workdir / "server.log"
    env = server_env(workdir, web_dist)
    prepare_warehouse(env, workdir, log)
    with running_server(env, workdir, log) as server:
        code, draft = _deploy(server)
    split = draft["split"]
    assert isinstance(split, dict) and split["experiment"]["balance"]["srm"]["verdict"] == "ok"

    args = ["demo", "outcomes", "--campaign", code, "--lift", str(PLANTED), "--days", "30"]
    run_cli([*args, "--seed", "3"], env, log)

    with running_server(env, workdir, log) as server:
        context = new_context(browser)
        try:
            sign_in_fast(context, server, "analyst")
            page = context.new_page()
            page.goto(server.url(f"/campaigns/{code}"))
            experiment = page.get_by_test_id("campaign-experiment")
            experiment.wait_for()
            proof = page.get_by_test_id("balance-proof")
            assert proof.get_attribute("data-verdict") in ("ok", "warn")
            assert page.get_by_test_id("balance-srm-verdict").get_attribute("data-verdict") == "ok"
            sizes = [
                int(page.get_by_test_id(f"balance-group-{i}").get_attribute("data-size") or 0)
                for i in range(3)
            ]
            assert sum(sizes) == 6000 and abs(sizes[0] - 1200) <= 30
            # "Стратифицировать": the check re-run on the current (deployed) members.
            page.get_by_test_id("balance-rerun").click()
            page.get_by_text("Баланс текущих участников").wait_for()
            again = [
                int(page.get_by_test_id(f"balance-group-{i}").get_attribute("data-size") or 0)
                for i in range(3)
            ]
            assert again == sizes
            experiment.scroll_into_view_if_needed()
            page.screenshot(path=str(results_dir / "experiment-balance.png"), full_page=True)

            experiment.get_by_role("tab", name="Эффект").click()
            outcome = page.get_by_test_id("effect-outcome")
            outcome.wait_for()
            page.get_by_test_id("effect-result").wait_for()
            assert f"outcome_{code.lower()}" in outcome.inner_text()
            for arm in (1, 2):
                lift = page.get_by_test_id(f"effect-lift-{arm}")
                low = float(lift.get_attribute("data-low") or "nan")
                high = float(lift.get_attribute("data-high") or "nan")
                assert low <= PLANTED <= high, (arm, low, high)
                assert low > 0, "the planted lift is detected"
                assert "значимо" in lift.inner_text()
            experiment.scroll_into_view_if_needed()
            page.screenshot(path=str(results_dir / "experiment-effect.png"), full_page=True)
        finally:
            context.close()
