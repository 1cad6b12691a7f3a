"""Campaign Manager → Audience in Chromium against a real server with the demo bank: build an
audience with three filters, watch the exact funnel change after each, save it, check an IIN."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from dq_e2e import BrowserErrors, DQServer, add_filter, count_text, settled_size
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

AUDIENCE_NAME = "Женщины 25–45 без сотрудников банка"


def test_build_an_audience_with_three_filters_and_save_it(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    token = dq_server.access_token("analyst")
    options = dq_server.get_json("/api/v1/audiences/options", token)
    assert isinstance(options, dict)
    customers = options["feature_store"]["customers"]
    global_control = next(
        lst for lst in options["suppression_lists"] if lst["name"] == "global_control"
    )

    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_role("heading", name="Менеджер кампаний")).to_be_visible()
    expect(page.get_by_test_id("wizard-step-title")).to_have_text("Шаг 1 из 5. Аудитория")

    # A new audience: every customer minus the global control group, and the page says so.
    expect(page.get_by_test_id("global-control")).to_contain_text(
        "Глобальная контрольная группа исключена"
    )
    start = settled_size(page)
    steps = page.get_by_test_id("funnel-step")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_have_attribute("data-remaining", str(customers))
    assert 0 < start < customers
    assert customers - start <= global_control["row_count"]

    # 1. Age 25–45.
    add_filter(page, "Возраст")
    expect(page.get_by_label("Возраст от")).to_be_focused()
    page.get_by_label("Возраст от").fill("25")
    page.get_by_label("Возраст до").fill("45")
    expect(steps).to_have_count(3)
    after_age = settled_size(page)
    assert 0 < after_age < start
    expect(steps.nth(2)).to_contain_text("Возраст 25–45")

    # 2. Women only.
    add_filter(page, "Пол")
    filters = page.get_by_test_id("filters")
    filters.get_by_role("checkbox", name="Женский").check()
    expect(steps).to_have_count(4)
    after_gender = settled_size(page)
    assert 0 < after_gender < after_age
    expect(steps.nth(3)).to_contain_text("Пол: Женский")

    # 3. Without the bank's employees (a suppression list, with its size shown).
    add_filter(page, "Стоп")
    employees = filters.get_by_role("checkbox", name=re.compile("Сотрудники банка"))
    expect(filters.get_by_text(re.compile(r"employees · \d"))).to_be_visible()
    employees.check()
    expect(steps).to_have_count(5)
    after_list = settled_size(page)
    assert 0 < after_list < after_gender
    expect(steps.nth(4)).to_contain_text("Стоп-лист: Сотрудники банка")

    # Every step's numbers add up: remaining = previous remaining - removed, down to the size.
    counted = [
        (int(s.get_attribute("data-removed") or 0), int(s.get_attribute("data-remaining") or 0))
        for s in steps.all()
    ]
    for (_, before), (removed, remaining) in itertools.pairwise(counted):
        assert remaining == before - removed
    assert counted[-1][1] == after_list

    # The profile of the audience: charts and 20 sample rows, all women.
    expect(page.get_by_role("img", name=re.compile(r"^Возраст: 18-24"))).to_be_visible()
    sample = page.get_by_test_id("sample").locator("tbody tr.ant-table-row")
    expect(sample).to_have_count(min(20, after_list))
    expect(sample.filter(has_text="Мужской")).to_have_count(0)

    # Save it (Enter in the name field): the snapshot has exactly the funnel's size.
    name = page.get_by_label("Название аудитории")
    name.fill(AUDIENCE_NAME)
    name.press("Enter")
    saved = page.get_by_test_id("saved-audience")
    expect(saved).to_contain_text(f"Аудитория «{AUDIENCE_NAME}» сохранена")
    expect(saved.get_by_test_id("saved-size")).to_have_text(count_text(after_list))
    audience_id = saved.get_attribute("data-id")
    assert audience_id
    stored = dq_server.get_json(f"/api/v1/audiences/{audience_id}", token)
    assert isinstance(stored, dict)
    assert stored["name"] == AUDIENCE_NAME
    assert stored["size"] == after_list

    # Check an IIN of the audience (from the sample) against the saved snapshot.
    first_iin = sample.first.locator("td").first.inner_text().strip()
    iin = page.get_by_label("ИИН", exact=True)
    iin.fill(first_iin)
    iin.press("Enter")
    answer = page.get_by_test_id("explain-result")
    expect(answer).to_have_attribute("data-in", "true")
    expect(answer).to_contain_text(f"ИИН {first_iin} входит в аудиторию.")
    expect(answer).to_contain_text(f"В сохранённом снимке «{AUDIENCE_NAME}»: есть.")

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(results_dir / "audience.png"), full_page=True)

    assert browser_errors.messages == []
