"""The web shell against a real server: navigation, language switch, the Datasets page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dq_e2e import DEMO_CUSTOMERS, THIN_SPACE, BrowserErrors, DQServer
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

# The analyst's menu (the `page` fixture signs in as the analyst): no Admin section.
MENU_RU = [
    "Менеджер кампаний",
    "Активные теории",
    "Загрузки",
    "Конструктор запросов",
    "Наборы данных",
    "Мониторинг",
]
MENU_EN = [
    "Campaign Manager",
    "Active Theories",
    "Uploads",
    "Query Builder",
    "Datasets",
    "Monitoring",
]


def test_datasets_page_in_russian_then_english(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    assert DEMO_CUSTOMERS == 20_000  # the counts below are those of the demo bank
    page.goto(dq_server.url("/"))
    expect(page).to_have_url(re.compile(r"/datasets$"))

    sidebar = page.get_by_test_id("sidebar")
    for label in MENU_RU:
        expect(sidebar.get_by_text(label, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Наборы данных")).to_be_visible()
    expect(page.get_by_test_id("health-badge")).to_have_attribute("data-status", "ok")

    feature_store = page.locator("tr", has=page.get_by_text("feature_store", exact=True))
    expect(feature_store.get_by_test_id("row-count")).to_have_text(f"20{THIN_SPACE}000")
    expect(feature_store.get_by_text("Витрина признаков", exact=True)).to_be_visible()

    # The summary counts every dataset of the catalog.
    catalog = dq_server.get_json("/api/v1/datasets", dq_server.access_token())
    assert isinstance(catalog, dict)
    expect(page.get_by_test_id("summary-count")).to_contain_text(str(catalog["total"]))

    # Expanding the feature store lists its columns.
    feature_store.get_by_role("button").first.click()
    columns = page.get_by_test_id("columns-feature_store")
    expect(columns.get_by_text("score_credit", exact=True)).to_be_visible()
    page.screenshot(path=str(results_dir / "datasets-ru.png"), full_page=True)

    page.get_by_text("EN", exact=True).click()
    for label in MENU_EN:
        expect(sidebar.get_by_text(label, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Datasets")).to_be_visible()
    expect(feature_store.get_by_test_id("row-count")).to_have_text("20,000")
    expect(page).to_have_title("Datasets · DataQuery Pro")
    page.screenshot(path=str(results_dir / "datasets.png"), full_page=True)

    # The choice of language survives a reload.
    page.reload()
    expect(page.get_by_role("heading", name="Datasets")).to_be_visible()

    assert browser_errors.messages == []


def test_unknown_address_shows_404_inside_the_shell(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page.goto(dq_server.url("/no/such/page"))
    expect(page.get_by_text("Страница не найдена")).to_be_visible()
    expect(page.get_by_test_id("sidebar").get_by_text("Наборы данных", exact=True)).to_be_visible()

    page.get_by_role("button", name="К наборам данных").click()
    expect(page).to_have_url(re.compile(r"/datasets$"))
    assert browser_errors.messages == []


def test_the_sidebar_stays_while_a_long_page_scrolls(page: Page, dq_server: DQServer) -> None:
    page.set_viewport_size({"width": 1440, "height": 600})
    page.goto(dq_server.url("/campaigns/new"))
    sidebar = page.get_by_test_id("sidebar")
    expect(sidebar).to_be_visible()
    expect(page.get_by_test_id("campaign-wizard")).to_be_visible()
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("() => window.scrollY") > 200  # the page did scroll
    box = sidebar.bounding_box()
    assert box is not None and 0 <= box["y"] <= 80, box  # still under the header, not scrolled
    expect(page.get_by_role("menuitem", name="Менеджер кампаний")).to_be_in_viewport()


def test_the_first_paint_is_the_shell_not_a_blank_screen(
    page: Page, dq_server: DQServer, results_dir: Path
) -> None:
    # Before the scripts arrive, the HTML alone draws the header and skeleton bars.
    page.route("**/assets/*.js", lambda route: route.abort())
    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_test_id("boot-skeleton")).to_be_visible()
    expect(page.get_by_text("DataQuery Pro")).to_be_visible()
    page.screenshot(path=str(results_dir / "shell-boot.png"))
    # With them, the app takes over.
    page.unroute("**/assets/*.js")
    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_test_id("sidebar")).to_be_visible()
    expect(page.get_by_test_id("boot-skeleton")).to_have_count(0)
