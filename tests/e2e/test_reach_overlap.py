"""Reachability and overlap in Chromium against a real server with the demo bank: a campaign is
deployed through the API first; the builder then shows who each channel reaches under the funnel
(the API's numbers) and warns that the audience overlaps the deployed campaign; the review step
of a new draft warns the same for the draft's dates."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from dq_e2e import BrowserErrors, DQServer, OpenPage, count_text, settled_size
from playwright.sync_api import Page, expect
from test_campaigns import (
    BANK_ZONE,
    TEXTS,
    build_and_save_audience,
    fill_details,
    review_dry_run,
    shot,
    split_audience,
)

pytestmark = pytest.mark.e2e


def deploy_through_the_api(server: DQServer, run: str) -> dict[str, Any]:
    """A saved audience (age 30-60) and a deployed campaign with it, starting tomorrow."""
    token = server.access_token("analyst")
    options = server.get_json("/api/v1/audiences/options", token)
    assert isinstance(options, dict)
    spec = dict(options["default_spec"])
    spec["filters"] = [*spec["filters"], {"kind": "age", "min": 30, "max": 60}]
    status, audience = server.post_json(
        "/api/v1/audiences", {"name": f"Перекрытие {run}", "spec": spec}, token
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    today = datetime.now(BANK_ZONE).date()
    body = {
        "type": "RB1",
        "name": f"Уже запущена {run}",
        "stream": "travel",
        "channels": ["push"],
        "texts": {lang: {"title": t, "body": b} for lang, (t, b) in TEXTS.items()},
        "start_date": (today + timedelta(days=1)).isoformat(),
        "end_date": (today + timedelta(days=20)).isoformat(),
        "audience_id": audience["id"],
        "control_share": 0.1,
    }
    status, campaign = server.post_json("/api/v1/campaigns", body, token)
    assert status == 201 and isinstance(campaign, dict), (status, campaign)
    status, report = server.post_json(
        f"/api/v1/campaigns/{campaign['code']}/deploy?background=false", {}, token
    )
    assert status == 200 and isinstance(report, dict), (status, report)
    return {"code": campaign["code"], "size": audience["size"], "report": report}


def test_reachability_and_overlap_in_the_builder_and_the_review(
    open_page: OpenPage,
    dq_server: DQServer,
    browser_errors: BrowserErrors,
    results_dir: Path,
) -> None:
    run = secrets.token_hex(3)
    deployed = deploy_through_the_api(dq_server, run)
    token = dq_server.access_token("analyst")

    page: Page = open_page("analyst")
    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_role("heading", name="Менеджер кампаний")).to_be_visible()
    size = settled_size(page)

    # What the API says of the same (default) spec, with the same rules as the deploy.
    options = dq_server.get_json("/api/v1/audiences/options", token)
    assert isinstance(options, dict)
    status, expected = dq_server.post_json(
        "/api/v1/audiences/preview",
        {"spec": options["default_spec"], "sample": False, "distributions": False},
        token,
    )
    assert status == 200 and isinstance(expected, dict), (status, expected)
    reach = expected["reachability"]
    assert reach["total"] == size and 0 < reach["push"] < size and 0 < reach["sms"] < size

    panel = page.get_by_test_id("reachability")
    line = panel.get_by_test_id("reach-line")
    expect(line).to_have_text(
        f"Доступно: Push {count_text(reach['push'])} · SMS {count_text(reach['sms'])} · "
        f"Pop-up {count_text(reach['popup'])}"
    )
    push_dropouts = panel.locator('[data-testid="reach-dropouts"][data-channel="push"]')
    expect(push_dropouts).to_have_attribute("data-dropped", str(size - reach["push"]))
    expect(push_dropouts).to_contain_text("Push-уведомления отключены")

    # The audience holds the deployed campaign's members: a warning names it.
    warning = page.get_by_test_id("overlap-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("уже участвуют в развёрнутых кампаниях")
    row = warning.locator(f'[data-testid="overlap-campaign"][data-code="{deployed["code"]}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(f"Уже запущена {run}")
    members = int(row.get_attribute("data-members") or -1)
    report = deployed["report"]
    # Every member of the deployed campaign (target + control) is in the default audience.
    assert members == report["target"] + report["control"] == deployed["size"]
    stream = warning.locator('[data-testid="overlap-stream"][data-stream="travel"]')
    assert int(stream.get_attribute("data-members") or -1) >= members

    # Choosing a push event type recounts push without its opt-outs.
    page.get_by_test_id("reach-event-type").click()
    page.locator(".ant-select-dropdown:visible .ant-select-item-option").first.click()
    expect(push_dropouts).to_contain_text("Отписан от этого типа push-событий", timeout=15_000)
    opted = int(re.sub(r"\D", "", line.inner_text().split("·")[0]))
    assert opted < reach["push"]
    page.get_by_test_id("builder-aside").screenshot(path=str(results_dir / "reach-builder.png"))
    shot(page, results_dir, "reach-builder-page")

    # A new campaign whose audience overlaps the deployed one: the review step warns too.
    audience_id, audience_size = build_and_save_audience(page, f"Пересекается {run}")
    next_button = page.get_by_test_id("wizard-next")
    next_button.click()
    split = split_audience(page, dq_server, audience_id, audience_size)
    next_button.click()
    today = datetime.now(BANK_ZONE).date()
    fill_details(
        page, f"Вторая кампания {run}", today + timedelta(days=5), today + timedelta(days=25)
    )
    next_button.click()
    code, _tables, _eligible = review_dry_run(page, split)
    review = page.get_by_test_id("review-overlap")
    review_warning = review.get_by_test_id("overlap-warning")
    expect(review_warning).to_be_visible(timeout=15_000)
    expect(
        review_warning.locator(f'[data-testid="overlap-campaign"][data-code="{deployed["code"]}"]')
    ).to_be_visible()
    api_overlap = dq_server.get_json(f"/api/v1/campaigns/{code}/overlap", token)
    assert isinstance(api_overlap, dict) and api_overlap["members"] > 0
    expect(review_warning).to_have_attribute("data-members", str(api_overlap["members"]))
    review.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "reach-review.png"), full_page=True)

    # The deployed campaign's page: its members against the other deployed campaigns.
    page.goto(dq_server.url(f"/campaigns/{deployed['code']}"))
    expect(page.get_by_test_id("campaign-overlap")).to_be_visible(timeout=15_000)
    assert browser_errors.messages == []
