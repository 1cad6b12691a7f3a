"""The data viewer and the query builder against a real server in Chromium: open the feature
store from the Datasets page, page, sort, filter, look at a column's profile; open a saved
summarised query with a join, run it, see its chart, export it as XLSX, save it again."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

import pytest
from dq_e2e import BrowserErrors, DQServer
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

pytestmark = pytest.mark.e2e


def _grid_column(page: Page, index: int) -> list[str]:
    cells = page.locator(
        f'[data-testid="viewer-grid"] .ant-table-tbody tr.ant-table-row td:nth-child({index + 1})'
    )
    return [text.strip() for text in cells.all_inner_texts()]


def test_view_page_sort_and_filter_the_feature_store(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    page.goto(dq_server.url("/datasets"))
    page.get_by_test_id("open-feature_store").click()
    expect(page.get_by_role("heading", name="feature_store")).to_be_visible()
    grid = page.get_by_test_id("viewer-grid")
    expect(grid.locator("tr.ant-table-row")).to_have_count(100)
    expect(page.get_by_test_id("viewer-total")).to_contain_text("20")
    first_page = _grid_column(page, 0)

    page.get_by_role("button", name="Вперёд").click()
    expect(page.get_by_test_id("viewer-page")).to_have_text("Страница 2")
    expect(grid.locator("tr.ant-table-row").first).not_to_have_text(first_page[0])
    assert not set(_grid_column(page, 0)) & set(first_page)  # the next 100, none again
    page.get_by_role("button", name="Назад").click()
    expect(page.get_by_test_id("viewer-page")).to_have_text("Страница 1")

    # Sort by balance_kzt, descending (two clicks on its header).
    header = grid.locator("th", has_text="balance_kzt")
    header.click()
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    columns = [t.strip() for t in grid.locator("thead th").all_inner_texts()]
    position = next(i for i, name in enumerate(columns) if name.startswith("balance_kzt"))
    page.wait_for_timeout(500)
    balances = [float(v) for v in _grid_column(page, position) if v not in ("", "∅")]
    assert balances == sorted(balances, reverse=True) and len(balances) > 50

    # Filter device_os = ios through the column's filter.
    grid.get_by_role("button", name="Фильтр по device_os").first.click()
    dropdown = page.locator(".ant-table-filter-dropdown:visible")
    dropdown.get_by_label("Значение").fill("ios")
    dropdown.get_by_role("button", name="Применить").click()
    expect(page.get_by_test_id("viewer-filter")).to_contain_text("device_os")
    device = next(i for i, name in enumerate(columns) if name.startswith("device_os"))
    expect(grid.locator("tr.ant-table-row").first).to_be_visible()
    page.wait_for_timeout(500)
    assert set(_grid_column(page, device)) == {"ios"}

    # The profile of a column.
    grid.get_by_role("button", name="Профиль: filial_code").first.click()
    expect(page.get_by_test_id("column-profile")).to_be_visible()
    expect(page.get_by_test_id("column-profile")).to_contain_text("Частые значения")
    page.wait_for_timeout(400)
    page.screenshot(path=str(results_dir / "viewer-profile.png"), full_page=False)
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    page.screenshot(path=str(results_dir / "viewer.png"), full_page=False)
    assert browser_errors.messages == []


SPEC = {
    "version": 1,
    "source": "feature_store",
    "joins": [{"table": "products", "on": "iin", "kind": "inner"}],
    "filters": {
        "kind": "group",
        "combine": "and",
        "filters": [
            {"kind": "condition", "column": {"column": "device_os"}, "op": "=", "value": "ios"},
            {
                "kind": "condition",
                "column": {"table": "products", "column": "product_code"},
                "op": "=",
                "value": "credit_card",
            },
        ],
    },
    "aggregations": [{"fn": "count_distinct", "column": {"column": "iin"}}],
    "group_by": [{"column": {"table": "products", "column": "opened_date"}, "bucket": "month"}],
    "limit": 1000,
}


def test_a_saved_summarised_query_runs_charts_exports_and_saves_again(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    name = f"iOS кредитные карты {secrets.token_hex(3)}"
    token = dq_server.access_token("analyst")
    status, saved = dq_server.post_json(
        "/api/v1/queries/saved", {"name": name, "spec": SPEC}, token
    )
    assert status == 201, saved
    page.goto(dq_server.url("/query"))
    expect(page.get_by_role("heading", name="Конструктор запросов")).to_be_visible()
    expect(page.get_by_test_id("schema-tree")).to_contain_text("feature_store")
    page.get_by_test_id("open-saved").click()
    page.locator(".ant-select-dropdown:visible").get_by_title(name, exact=False).click()
    expect(page.get_by_test_id("join-row")).to_have_count(1)
    expect(page.get_by_test_id("filter-row")).to_have_count(2)
    page.get_by_test_id("run-query").click()
    expect(page.get_by_test_id("result-chart")).to_be_visible()
    expect(page.get_by_test_id("result-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("compiled-sql")).to_contain_text("JOIN products")
    rows = page.get_by_test_id("result-grid").locator("tr.ant-table-row")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    shown = int(page.get_by_test_id("result-count").inner_text().split(":")[1])
    page.get_by_test_id("result-chart").get_by_text("Линия").click()
    page.wait_for_timeout(400)
    page.screenshot(path=str(results_dir / "query-builder.png"), full_page=True)

    page.get_by_test_id("export-button").hover()
    with page.expect_download() as download_info:
        page.get_by_role("menuitem", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "feature_store.xlsx"
    content = Path(download.path()).read_bytes()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["products__opened_date", "count_distinct_iin"]
    assert len(sheet) == 1 + shown

    # Save it again under a new name: it is listed and reopens.
    page.get_by_role("button", name="Сохранить").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Название").fill(name + " (2)")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()
    listed = dq_server.get_json("/api/v1/queries/saved", token)
    assert isinstance(listed, list)
    assert name + " (2)" in {q["name"] for q in listed}
    assert browser_errors.messages == []


def test_a_query_keeps_the_columns_picked_for_its_result(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    name = f"Столбцы {secrets.token_hex(3)}"
    spec = {
        "version": 1,
        "source": "feature_store",
        "joins": [{"table": "products", "on": "iin", "kind": "inner"}],
        "columns": [
            {"column": "iin"},
            {"column": "device_os"},
            {"table": "products", "column": "product_code"},
        ],
        "limit": 50,
    }
    token = dq_server.access_token("analyst")
    status, saved = dq_server.post_json(
        "/api/v1/queries/saved", {"name": name, "spec": spec}, token
    )
    assert status == 201, saved
    page.goto(dq_server.url("/query"))
    page.get_by_test_id("open-saved").click()
    page.locator(".ant-select-dropdown:visible").get_by_title(name, exact=False).click()
    picker = page.get_by_test_id("output-columns")
    expect(picker.locator(".ant-select-selection-item")).to_have_count(3)

    headers = page.get_by_test_id("result-grid").locator("thead th")
    page.get_by_test_id("run-query").click()
    expect(headers).to_have_text(["iin", "device_os", "products__product_code"])

    # One column fewer, picked off in the step: the next run has two.
    picker.locator(".ant-select-selection-item", has_text="device_os").locator(
        ".ant-select-selection-item-remove"
    ).click()
    page.get_by_test_id("run-query").click()
    expect(headers).to_have_text(["iin", "products__product_code"])
    expect(page.get_by_test_id("compiled-sql")).not_to_contain_text("device_os")
    page.screenshot(path=str(results_dir / "query-columns.png"), full_page=True)
    assert browser_errors.messages == []
