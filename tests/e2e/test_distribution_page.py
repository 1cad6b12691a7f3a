"""Monitoring → Распределение in Chromium against a real server with the demo bank: a deployed
campaign takes the pool; the admin runs today by hand, sees the dry run first, then runs it; the
history, the campaign's counts and the API agree, and a second run changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from dq_e2e import BrowserErrors, DQServer, OpenPage
from playwright.sync_api import expect

from dataquery.core.clock import bank_today

pytestmark = pytest.mark.e2e


def _pool_campaign(server: DQServer) -> str:
    token = server.access_token("analyst")
    status, audience = server.post_json(
        "/api/v1/audiences",
        {"name": "Пул: малая аудитория", "spec": {"filters": [], "limit": 30}},
        token,
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    start = bank_today()
    status, draft = server.post_json(
        "/api/v1/campaigns",
        {
            "type": "RB1",
            "name": "Пул новых пользователей",
            "stream": "market",
            "channels": ["push"],
            "texts": {
                "ru": {"title": "Добро пожаловать", "body": "Кешбэк новым клиентам"},
                "kz": {"title": "Қош келдіңіз", "body": "Жаңа клиенттерге кешбэк"},
            },
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=10)).isoformat(),
            "audience_id": audience["id"],
            "control_share": 0.1,
            "split_seed": 9,
            "pool_share": True,
        },
        token,
    )
    assert status == 201 and isinstance(draft, dict), (status, draft)
    assert draft["pool_share"] is True
    status, report = server.post_json(f"/api/v1/campaigns/{draft['code']}/deploy", {}, token)
    assert status == 200, (status, report)
    return str(draft["code"])


def test_an_admin_runs_today_after_a_dry_run(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    code = _pool_campaign(dq_server)
    token = dq_server.access_token("admin")
    page = open_page("admin")
    page.goto(dq_server.url("/monitoring/distribution"))
    expect(page.get_by_role("heading", name="Распределение пула")).to_be_visible()
    expect(page.get_by_text("ещё не выполнялось")).to_be_visible()
    expect(page.get_by_test_id("next-run")).to_have_text("планировщик выключен")

    page.get_by_role("button", name=re.compile("Запустить вручную")).click()
    preview = page.get_by_test_id("distribution-preview")
    expect(preview.get_by_text(code)).to_be_visible()
    page.screenshot(path=str(results_dir / "distribution-dry-run.png"), full_page=True)
    overview = dq_server.get_json("/api/v1/distributions", token)
    assert isinstance(overview, dict) and overview["items"] == []  # the dry run wrote nothing

    page.get_by_role("button", name="Распределить").click()
    expect(page.get_by_text(re.compile(r"^Распределено .+ из .+ за "))).to_be_visible()
    expect(preview).to_be_hidden()
    row = page.locator("tr", has=page.get_by_text("вручную"))
    expect(row.get_by_text("Выполнено")).to_be_visible()
    expect(row.locator("[data-reason]").first).to_be_visible()
    page.screenshot(path=str(results_dir / "distribution.png"), full_page=True)

    overview = dq_server.get_json("/api/v1/distributions", token)
    assert isinstance(overview, dict) and overview["today_status"] == "done"
    (run,) = overview["items"]
    assert run["trigger"] == "manual" and run["distributed"] > 0
    assert (
        run["campaigns"][code]["target"] + run["campaigns"][code]["control"] == run["distributed"]
    )
    campaign = dq_server.get_json(f"/api/v1/campaigns/{code}", token)
    assert isinstance(campaign, dict)
    assert campaign["target_count"] + campaign["control_count"] == 30 + run["distributed"]

    # Today once: a second run by hand says so and changes nothing.
    status, again = dq_server.post_json("/api/v1/distributions", {"dry_run": False}, token)
    assert status == 200 and isinstance(again, dict) and again["status"] == "already_done"
    assert browser_errors.messages == []
