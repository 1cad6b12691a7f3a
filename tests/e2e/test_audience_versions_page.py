"""Saved audiences as versions in Chromium: open a saved audience in the builder, change a
filter, save it as a new version, see v2 in the versions list (the old snapshot stays)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from dq_e2e import BrowserErrors, DQServer, count_text, settled_size
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_open_a_saved_audience_change_it_and_save_version_2(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    token = dq_server.access_token("analyst")
    options = dq_server.get_json("/api/v1/audiences/options", token)
    assert isinstance(options, dict)
    spec = dict(options["default_spec"])
    spec["filters"] = [*spec["filters"], {"kind": "age", "min": 25, "max": 60}]
    name = f"Версии {uuid.uuid4().hex[:6]}"
    status, first = dq_server.post_json("/api/v1/audiences", {"name": name, "spec": spec}, token)
    assert status == 201 and isinstance(first, dict), first

    page.goto(dq_server.url("/campaigns/new"))
    settled_size(page)
    pick = page.get_by_label("Аудитория для правки")
    pick.click()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.get_by_test_id("open-submit").click()
    editing = page.get_by_test_id("editing-audience")
    expect(editing).to_contain_text(f"Редактируется: «{name}», версия 1")
    upper = page.get_by_label("Возраст до")
    expect(upper).to_have_value("60")
    expect(page.get_by_test_id("audience-size")).to_have_text(count_text(first["size"]))

    # Change a filter: fewer customers; save as version 2.
    upper.fill("40")
    expect(page.get_by_test_id("funnel-step").last).to_contain_text("Возраст 25–40")
    narrower = settled_size(page)
    assert 0 < narrower < first["size"]
    save = page.get_by_test_id("save-version")
    expect(save).to_have_text("Сохранить как новую версию (v2)")
    save.click()
    saved = page.get_by_test_id("saved-audience")
    expect(saved).to_have_attribute("data-version", "2")
    expect(saved).to_contain_text(f"Сохранена версия 2 аудитории «{name}»")
    expect(saved.get_by_test_id("saved-size")).to_have_text(count_text(narrower))
    expect(editing).to_have_attribute("data-version", "2")
    expect(page.get_by_test_id("chosen-version")).to_have_text("версия 2")

    # The versions list: v1 and v2 with their sizes.
    page.get_by_test_id("versions-open").click()
    rows = page.get_by_test_id("version-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-version", "1")
    expect(rows.nth(1)).to_have_attribute("data-version", "2")
    expect(rows.nth(1)).to_contain_text("v2")
    expect(rows.nth(0).get_by_test_id("version-size")).to_have_text(count_text(first["size"]))
    expect(rows.nth(1).get_by_test_id("version-size")).to_have_text(count_text(narrower))
    expect(page.get_by_test_id("versions-table")).to_be_in_viewport(ratio=1)
    page.wait_for_timeout(500)  # the drawer's slide-in animation
    page.screenshot(path=str(results_dir / "audience-versions.png"), full_page=False)

    # The server agrees, and version 1 is untouched.
    versions = dq_server.get_json(f"/api/v1/audiences/{first['id']}/versions", token)
    assert isinstance(versions, list)
    assert [(v["version"], v["size"]) for v in versions] == [(1, first["size"]), (2, narrower)]
    old = dq_server.get_json(f"/api/v1/audiences/{first['id']}", token)
    assert isinstance(old, dict) and old["spec"]["filters"][-1]["max"] == 60

    assert browser_errors.messages == []
