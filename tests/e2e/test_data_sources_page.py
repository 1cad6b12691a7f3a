"""Admin → Источники данных in Chromium against a real server: an admin registers a DuckDB file
as a source, maps a SELECT of it to a dataset, refreshes it with the button and sees its rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dq_e2e import BrowserErrors, DQServer, OpenPage
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_an_admin_maps_a_source_dataset_and_refreshes_it(
    open_page: OpenPage,
    dq_server: DQServer,
    browser_errors: BrowserErrors,
    results_dir: Path,
    tmp_path: Path,
) -> None:
    file = tmp_path / "partner.duckdb"
    with duckdb.connect(str(file)) as con:
        con.execute(
            "CREATE TABLE partner_clients AS SELECT lpad(CAST(i AS VARCHAR), 12, '0')"
            " AS iin, i % 7 AS tier FROM range(1, 1235) t(i)"
        )

    page = open_page("admin")
    page.goto(dq_server.url("/admin/data-sources"))
    expect(page.get_by_role("heading", name="Источники данных")).to_be_visible()

    page.get_by_test_id("add-source").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Название").fill("partner")
    dialog.get_by_label("Адрес подключения").fill(f"duckdb:///{file}")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()
    page.get_by_test_id("test-partner").click()
    expect(page.get_by_text("Подключение к «partner» работает")).to_be_visible()

    page.get_by_test_id("add-dataset").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Набор данных").fill("partner_clients")
    dialog.get_by_label("Источник").click()
    page.locator(".ant-select-dropdown:visible").get_by_title("partner").click()
    dialog.get_by_text("Запрос SELECT").click()
    dialog.get_by_role("textbox", name="Запрос SELECT").fill(
        "SELECT iin, tier FROM partner_clients WHERE tier > 0"
    )
    dialog.get_by_label("Расписание").fill("30 6 * * 1-5")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()

    page.get_by_test_id("refresh-partner_clients").click()
    expect(page.get_by_text("Набор «partner_clients» обновлён")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_test_id("refresh-partner_clients"))
    expected = sum(1 for i in range(1, 1235) if i % 7 > 0)
    expect(row).to_contain_text(f"{expected:,}".replace(",", "\u00a0"))
    page.screenshot(path=str(results_dir / "data-sources.png"), full_page=False)

    token = dq_server.access_token("admin")
    dataset = dq_server.get_json("/api/v1/datasets/partner_clients", token)
    assert isinstance(dataset, dict) and dataset["row_count"] == expected
    assert browser_errors.messages == []
