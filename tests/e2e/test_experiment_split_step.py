"""The wizard's split step with a stratified 3-group design: the balance proof on screen."""

from __future__ import annotations

from pathlib import Path

from dq_e2e import DQServer, OpenPage
from playwright.sync_api import expect


def test_the_split_step_shows_the_balance_proof_of_a_stratified_design(
    open_page: OpenPage, dq_server: DQServer, results_dir: Path
) -> None:
    token = dq_server.access_token("analyst")
    status, audience = dq_server.post_json(
        "/api/v1/audiences",
        {"name": "Стратифицированный сплит", "spec": {"filters": [], "limit": 5000}},
        token,
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    page = open_page("analyst")
    page.goto(dq_server.url("/campaigns/new"))
    pick = page.get_by_label("Готовая аудитория")
    pick.click()
    pick.fill("Стратифицированный сплит")
    page.locator(".ant-select-item-option", has_text="Стратифицированный сплит").click()
    page.get_by_test_id("wizard-next").click()
    expect(page.get_by_test_id("campaign-wizard")).to_have_attribute("data-step", "split")

    page.get_by_test_id("design-enabled").click()
    expect(page.get_by_test_id("design-share-2")).to_be_visible()
    proof = page.get_by_test_id("balance-proof")
    expect(proof).to_be_visible(timeout=30_000)
    assert proof.get_attribute("data-verdict") in ("ok", "warn")
    sizes = [
        int(page.get_by_test_id(f"balance-group-{i}").get_attribute("data-size") or 0)
        for i in range(3)
    ]
    assert sum(sizes) == 5000 and abs(sizes[0] - 1000) <= 30
    expect(page.get_by_test_id("balance-srm-verdict")).to_have_attribute("data-verdict", "ok")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(results_dir / "experiment-split-step.png"), full_page=True)
