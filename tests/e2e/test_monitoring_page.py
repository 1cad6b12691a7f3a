"""The Monitoring page against a real server: a deploy just made shows in the slowest
operations (kind, user, campaign), in today's tiles and in the daily chart; the Settings page
saves a value an admin changes."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from dq_e2e import BrowserErrors, DQServer, OpenPage
from playwright.sync_api import expect

from dataquery.core.clock import bank_today

pytestmark = pytest.mark.e2e


def _deploy(server: DQServer) -> str:
    token = server.access_token("analyst")
    status, audience = server.post_json(
        "/api/v1/audiences",
        {
            "name": "Мониторинг",
            "spec": {"filters": [{"kind": "age", "min": 25, "max": 35}], "limit": 600},
        },
        token,
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    start = bank_today()
    status, draft = server.post_json(
        "/api/v1/campaigns",
        {
            "type": "RB1",
            "name": "Мониторинг: запуск",
            "stream": "market",
            "channels": ["push"],
            "texts": {
                "ru": {"title": "Кешбэк", "body": "Кешбэк 5% на АЗС"},
                "kz": {"title": "Кешбэк", "body": "Жанармайға 5% кешбэк"},
            },
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=7)).isoformat(),
            "audience_id": audience["id"],
            "split_seed": 3,
        },
        token,
    )
    assert status == 201 and isinstance(draft, dict), (status, draft)
    status, report = server.post_json(f"/api/v1/campaigns/{draft['code']}/deploy", {}, token)
    assert status == 200, (status, report)
    return str(draft["code"])


def test_the_monitoring_page_shows_a_deploy_just_made(
    open_page: OpenPage,
    dq_server: DQServer,
    browser_errors: BrowserErrors,
    results_dir: Path,
) -> None:
    page = open_page("analyst")
    page.goto(dq_server.url("/monitoring"))
    expect(page.get_by_role("heading", name="Мониторинг", level=3)).to_be_visible()
    expect(page.get_by_test_id("health-check-warehouse")).to_have_attribute("data-status", "ok")
    before = int(page.get_by_test_id("tile-deployed-today").inner_text().replace("\u2009", ""))

    code = _deploy(dq_server)
    page.get_by_test_id("monitoring-refresh").click()

    # The slowest operations of the session: narrowed to deploys, the one just made is on a page.
    queries = page.get_by_test_id("monitoring-queries")
    page.get_by_label("Вид операции").click()
    page.locator(".ant-select-dropdown").get_by_text("Запуск кампании", exact=True).click()
    expect(queries.locator('tbody tr[data-kind]:not([data-kind="deploy.write"])')).to_have_count(0)
    row = queries.locator(f'tr[data-detail="{code}"]')
    next_page = queries.locator(".ant-pagination-next:not(.ant-pagination-disabled)")
    for _ in range(10):
        if row.count() or not next_page.count():
            break
        next_page.click()
    expect(row).to_have_attribute("data-kind", "deploy.write")
    expect(row).to_contain_text("Запуск кампании")
    expect(row).to_contain_text("e2e-analyst")
    expect(page.get_by_test_id("tile-deployed-today")).to_have_text(str(before + 1))
    expect(page.get_by_role("img", name="График: Контакты по каналам за 30 дн.")).to_be_visible()
    # The deploy request is in the rolling store the routes table reads (which page of the
    # table it lands on depends on the other requests of the session).
    stats = dq_server.get_json("/api/v1/monitoring/routes", dq_server.access_token("analyst"))
    assert isinstance(stats, dict)
    deploys = [r for r in stats["items"] if r["route"] == "/api/v1/campaigns/{code}/deploy"]
    assert deploys and deploys[0]["requests"] >= 1 and deploys[0]["p95_ms"] > 0
    expect(page.get_by_test_id("monitoring-routes").locator("tbody tr").first).to_be_visible()
    page.screenshot(path=str(results_dir / "monitoring-1-after-deploy.png"), full_page=True)

    page.get_by_text("ҚАЗ", exact=True).click()
    expect(page.get_by_role("heading", name="Мониторинг", level=3)).to_be_visible()
    expect(row).to_contain_text("Науқанды іске қосу")
    page.get_by_text("EN", exact=True).click()
    expect(page.get_by_role("heading", name="Monitoring", level=3)).to_be_visible()
    expect(row).to_contain_text("Campaign deploy")
    expect(page.get_by_test_id("health-check-warehouse")).to_contain_text("Warehouse")
    page.screenshot(path=str(results_dir / "monitoring-2-english.png"))

    assert browser_errors.messages == []


def test_an_admin_changes_a_setting(
    open_page: OpenPage, dq_server: DQServer, results_dir: Path
) -> None:
    page = open_page("admin")
    page.goto(dq_server.url("/admin/settings"))
    field = page.get_by_label("Наибольшее число строк файла")
    expect(field).to_have_value("5000000")
    field.fill("4000000")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("setting-changed-upload_max_rows")).to_contain_text("e2e-admin")
    page.screenshot(path=str(results_dir / "settings-1-saved.png"))
    token = dq_server.access_token("admin")
    settings = dq_server.get_json("/api/v1/admin/settings", token)
    assert isinstance(settings, dict) and settings["values"]["upload_max_rows"] == 4_000_000
    # Back to the default for the other tests of the session.
    request = urllib.request.Request(
        dq_server.url("/api/v1/admin/settings"),
        data=json.dumps({"reset": ["upload_max_rows"]}).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["values"]["upload_max_rows"] == 5_000_000
