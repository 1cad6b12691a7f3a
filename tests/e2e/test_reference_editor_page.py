"""Admin → Справочники in Chromium against a real server: an admin renames a filial and the
audience builder offers it under its new name, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from dq_e2e import BrowserErrors, DQServer, OpenPage, add_filter
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

NEW_NAME = "Улытауский филиал (Жезказган)"


def test_an_admin_renames_a_filial_and_the_builder_shows_it(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    page = open_page("admin")
    page.goto(dq_server.url("/admin/reference"))
    expect(page.get_by_role("heading", name="Справочники")).to_be_visible()
    page.get_by_role("tab", name="Филиалы").click()
    row = page.get_by_role("row").filter(has=page.get_by_test_id("edit-19"))
    expect(row).to_contain_text("Жезказганский филиал")

    page.get_by_test_id("edit-19").click()
    dialog = page.get_by_role("dialog")
    name = dialog.get_by_label("Название (RU)")
    expect(name).to_have_value("Жезказганский филиал")
    name.fill(NEW_NAME)
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()
    expect(row).to_contain_text(NEW_NAME)
    page.screenshot(path=str(results_dir / "reference-filials.png"), full_page=False)

    # The audit log has the change, with what it was before.
    token = dq_server.access_token("admin")
    audit = dq_server.get_json("/api/v1/audit?target=filial%3D19", token)
    assert isinstance(audit, dict)
    change = audit["items"][0]
    assert change["action"] == "reference.update_filial" and change["outcome"] == "success"
    assert change["summary"]["changes"]["name_ru"] == {
        "from": "Жезказганский филиал",
        "to": NEW_NAME,
    }

    # The builder, opened now, offers the filial under its new name.
    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_test_id("wizard-step-title")).to_have_text("Шаг 1 из 5. Аудитория")
    add_filter(page, "Филиал")
    picker = page.get_by_role("combobox", name="Филиалы")
    picker.click()
    page.keyboard.type("Улытау")
    dropdown = page.locator(".ant-select-dropdown:visible")
    expect(dropdown.get_by_title(f"{NEW_NAME} (19)")).to_be_visible()
    dropdown.get_by_title(f"{NEW_NAME} (19)").click()
    # The live funnel recounts after the pick (debounced, then a query on a loaded machine).
    expect(page.get_by_test_id("funnel-step").last).to_contain_text(NEW_NAME, timeout=20_000)
    expect(page.get_by_test_id("filters")).not_to_contain_text("Жезказганский филиал")

    # The page in Kazakh and English too (screenshots for the review).
    page.goto(dq_server.url("/admin/reference"))
    page.get_by_text("ҚАЗ").click()
    expect(page.get_by_role("heading", name="Анықтамалықтар")).to_be_visible()
    page.screenshot(path=str(results_dir / "reference-streams-kk.png"), full_page=False)
    page.get_by_text("EN", exact=True).click()
    expect(page.get_by_role("heading", name="Reference data")).to_be_visible()
    page.get_by_role("tab", name="Push event types").click()
    page.screenshot(path=str(results_dir / "reference-push-en.png"), full_page=False)
    assert browser_errors.messages == []
