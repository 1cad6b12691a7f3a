"""A/B/n theories: a control/A/B draft gets a campaign per arm from its page; the arm's page says
it is the lead's and offers no deploy; the arm is given texts of its own, the lead deploys both
arms, and Active Theories lists the arm under its lead."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from dq_e2e import BrowserErrors, DQServer, OpenPage
from playwright.sync_api import expect

from dataquery.core.clock import bank_today

GROUPS = [
    {"name": "control", "share": 0.2},
    {"name": "A", "share": 0.4},
    {"name": "B", "share": 0.4},
]


def _draft(server: DQServer, token: str) -> dict[str, Any]:
    status, audience = server.post_json(
        "/api/v1/audiences",
        {"name": "A/B/n плечи e2e", "spec": {"filters": [], "limit": 3000}},
        token,
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    start = bank_today() + timedelta(days=1)
    status, draft = server.post_json(
        "/api/v1/campaigns",
        {
            "type": "RB1",
            "name": "A/B/n: плечи",
            "stream": "market",
            "channels": ["popup"],
            "popup": {"title_ru": "Т", "title_kz": "Т", "text_ru": "Текст", "text_kz": "Мәтін"},
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=30)).isoformat(),
            "audience_id": audience["id"],
            "split_seed": 11,
            "groups": GROUPS,
            "strata": ["gender", "age_band"],
            "rerandomize": 20,
        },
        token,
    )
    assert status == 201 and isinstance(draft, dict), (status, draft)
    return draft


def test_arm_campaigns_created_on_the_page_deployed_by_the_lead_and_grouped_in_the_list(
    open_page: OpenPage,
    dq_server: DQServer,
    browser_errors: BrowserErrors,
    results_dir: Path,
) -> None:
    token = dq_server.access_token("analyst")
    lead = str(_draft(dq_server, token)["code"])

    page = open_page("analyst")
    page.goto(dq_server.url(f"/campaigns/{lead}"))
    card = page.get_by_test_id("campaign-arms")
    expect(card).to_contain_text("Эксперимент A/B/n")
    expect(card).to_have_attribute("data-complete", "false")
    rows = card.get_by_test_id("arm-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-code", lead)
    expect(rows.nth(1)).to_have_attribute("data-code", "")
    expect(rows.nth(1)).to_contain_text("не создана")

    card.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "experiment-arms-lead-before.png"), full_page=True)
    page.get_by_role("button", name="Создать кампании плеч").click()
    expect(page.get_by_text(re.compile(r"Созданы кампании плеч: C\d+"))).to_be_visible()
    expect(card).to_have_attribute("data-complete", "true")
    expect(page.get_by_role("button", name="Создать кампании плеч")).to_have_count(0)
    arm_b = rows.nth(1).get_attribute("data-code") or ""
    assert re.fullmatch(r"C\d+", arm_b) and arm_b != lead, arm_b
    expect(rows.nth(1)).to_contain_text("A/B/n: плечи · B")
    expect(page.get_by_test_id("detail-arm")).to_have_text("A/B/n · A")
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "experiment-arms-lead-draft.png"), full_page=True)

    # The arm's page: the lead's note, and nothing that would deploy the arm alone.
    card.get_by_role("link", name=arm_b).click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{arm_b}$"))
    note = page.get_by_test_id("arm-note")
    expect(note).to_have_text(
        f"Плечо B эксперимента {lead}: аудитория, даты и разбиение — как у ведущей кампании; "
        "запуск — с ведущей."
    )
    expect(note.get_by_role("link", name=lead)).to_have_attribute("href", f"/campaigns/{lead}")
    page.get_by_test_id("campaign-arms").scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "experiment-arms-arm-page.png"), full_page=True)
    # Edited like any draft, in the wizard, whose last step sends to the lead instead of deploying.
    page.get_by_test_id("action-resume").click()
    wizard = page.get_by_test_id("campaign-wizard")
    expect(wizard).to_have_attribute("data-step", "review", timeout=30_000)
    expect(page.get_by_test_id("wizard-arm-note")).to_contain_text(f"Плечо B эксперимента {lead}")
    # Its dry run is the lead's: the whole experiment, each arm's part listed.
    expect(page.get_by_test_id("deploy-arm")).to_have_count(2, timeout=30_000)
    page.get_by_test_id("deploy-arms").scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "experiment-arms-arm-wizard-review.png"), full_page=True)
    page.get_by_test_id("wizard-next").click()
    expect(wizard).to_have_attribute("data-step", "deploy")
    expect(page.get_by_test_id("deploy-arm-note")).to_contain_text("Плечо запускается вместе")
    expect(page.get_by_test_id("deploy-button")).to_have_count(0)
    page.screenshot(path=str(results_dir / "experiment-arms-arm-wizard-deploy.png"), full_page=True)

    # Arm B gets pop-up texts of its own; the lead deploys the experiment.
    status, arm = dq_server.send_json(
        "PATCH",
        f"/api/v1/campaigns/{arm_b}",
        {
            "channels": ["popup"],
            "popup": {
                "title_ru": "Вариант B",
                "title_kz": "B нұсқасы",
                "text_ru": "Другой текст",
                "text_kz": "Басқа мәтін",
            },
        },
        token,
    )
    assert status == 200, (status, arm)
    assert arm["popup"]["title_ru"] == "Вариант B"
    status, direct = dq_server.send_json("POST", f"/api/v1/campaigns/{arm_b}/deploy", {}, token)
    assert status == 409 and direct["code"] == "campaign.experiment.deploy_lead", (status, direct)
    status, report = dq_server.send_json(
        "POST", f"/api/v1/campaigns/{lead}/deploy", {}, token, timeout=60
    )
    assert status == 200, (status, report)
    assert [(a["code"], a["name"]) for a in report["arms"]] == [(lead, "A"), (arm_b, "B")]
    assert sum(a["target"] for a in report["arms"]) == report["target"]
    for code in (lead, arm_b):
        stored = dq_server.get_json(f"/api/v1/campaigns/{code}", token)
        assert isinstance(stored, dict) and stored["status"] == "deployed", (code, stored)

    # Active Theories: newest first puts arm B before its lead; the page shows it right under it.
    page.goto(dq_server.url("/campaigns"))
    table = page.get_by_test_id("theories-table")
    lead_row = table.locator(f'tr[data-row-key="{lead}"]')
    arm_row = table.locator(f'tr[data-row-key="{arm_b}"]')
    expect(lead_row).to_be_visible()
    right_after = f'tr[data-row-key="{lead}"] + tr[data-row-key="{arm_b}"]'
    expect(table.locator(right_after)).to_have_count(1)
    expect(lead_row.get_by_test_id("campaign-arm")).to_have_text("A/B/n · A")
    expect(arm_row.get_by_test_id("campaign-arm")).to_have_text("↳ B")
    expect(arm_row.get_by_test_id("campaign-arm")).to_have_attribute("data-grouped", "true")
    # Deployed, starting tomorrow: "scheduled" is what the list shows of a deployed campaign.
    for row in (lead_row, arm_row):
        expect(row.get_by_test_id("campaign-status")).to_have_attribute("data-status", "scheduled")
    page.screenshot(path=str(results_dir / "experiment-arms-list.png"), full_page=True)

    page.goto(dq_server.url(f"/campaigns/{lead}"))
    deployed = page.get_by_test_id("campaign-arms")
    expect(deployed.get_by_test_id("campaign-status")).to_have_count(2)
    for tag in deployed.get_by_test_id("campaign-status").all():
        expect(tag).to_have_attribute("data-status", "scheduled")
    deployed.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "experiment-arms-lead.png"), full_page=True)
    assert browser_errors.messages == []
