"""Campaign Manager → Audience in Chromium: an "Any of (OR)" group (owns a credit card OR
score_credit ≥ 0.7) and a column filter (balance between 100 000 and 500 000 ₸) built through
the page; the funnel's live counts are the server's counts of the same spec."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from dq_e2e import BrowserErrors, DQServer, add_filter, settled_size
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e


def _pick(page: Page, select: Locator, typed: str) -> None:
    """Choose in an antd select from the keyboard: focus it, type part of the option, Enter."""
    select.focus()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


def test_an_or_group_and_a_column_filter_with_live_counts(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    token = dq_server.access_token("analyst")
    page.goto(dq_server.url("/campaigns/new"))
    start = settled_size(page)
    steps = page.get_by_test_id("funnel-step")
    expect(steps).to_have_count(2)

    # 1. Any of: owns a credit card OR score_credit >= 0.7.
    add_filter(page, "Любое из")
    group = page.get_by_test_id("any-of")
    expect(group).to_contain_text("Добавьте хотя бы два условия")
    _pick(page, group.get_by_label("Добавить условие в группу", exact=True), "Продукты")
    _pick(page, group.get_by_label("Продукты", exact=True), "Кредитная карта")
    page.keyboard.press("Escape")
    _pick(page, group.get_by_label("Добавить условие в группу", exact=True), "Столбец")
    _pick(page, group.get_by_label("Столбец", exact=True), "score_credit")
    _pick(page, group.get_by_label("Условие", exact=True), "не меньше")
    group.get_by_label("Значение", exact=True).fill("0.7")
    group.get_by_label("Значение", exact=True).press("Tab")
    expect(steps).to_have_count(3)
    expect(steps.nth(2)).to_contain_text("Любое из: Есть продукт: Кредитная карта или")
    after_group = settled_size(page)
    assert 0 < after_group < start

    # 2. A column filter: balance between 100 000 and 500 000.
    add_filter(page, "Столбец витрины")
    card = page.locator('[data-testid="filter-card"][data-kind="column"]')
    _pick(page, card.get_by_label("Столбец", exact=True), "balance_kzt")
    expect(card.get_by_test_id("column-facts")).to_contain_text("число")
    _pick(page, card.get_by_label("Условие", exact=True), "между")
    card.get_by_label("От", exact=True).fill("100000")
    card.get_by_label("До", exact=True).fill("500000")
    card.get_by_label("До", exact=True).press("Tab")
    expect(steps).to_have_count(4)
    expect(steps.nth(3)).to_contain_text(re.compile(r"Баланс, ₸: от 100\s000 до 500\s000"))
    after_column = settled_size(page)
    assert 0 < after_column < after_group

    # The page's funnel is the server's funnel of the same spec.
    counted = [
        (int(s.get_attribute("data-removed") or 0), int(s.get_attribute("data-remaining") or 0))
        for s in steps.all()
    ]
    for (_, before), (removed, remaining) in itertools.pairwise(counted):
        assert remaining == before - removed
    reference_date = page.get_by_label("Дата расчёта", exact=True).input_value()
    day, month, year = reference_date.split(".")
    spec = {
        "reference_date": f"{year}-{month}-{day}",
        "filters": [
            {"kind": "suppression", "list": "global_control"},
            {
                "kind": "any_of",
                "filters": [
                    {"kind": "product", "products": ["credit_card"], "mode": "has"},
                    {"kind": "column", "column": "score_credit", "op": ">=", "value": 0.7},
                ],
            },
            {
                "kind": "column",
                "column": "balance_kzt",
                "op": "between",
                "value": [100000, 500000],
            },
        ],
    }
    status, body = dq_server.post_json(
        "/api/v1/audiences/preview", {"spec": spec, "sample": False}, token
    )
    assert status == 200, body
    assert isinstance(body, dict)
    assert [(s["removed"], s["remaining"]) for s in body["funnel"]] == counted
    assert [s["kind"] for s in body["funnel"]] == ["source", "suppression", "any_of", "column"]

    # Explain an IIN of the audience: the page names the group's conditions it passed by.
    sample = page.get_by_test_id("sample").locator("tbody tr.ant-table-row")
    first_iin = sample.first.locator("td").first.inner_text().strip()
    iin = page.get_by_label("ИИН", exact=True)
    iin.fill(first_iin)
    iin.press("Enter")
    answer = page.get_by_test_id("explain-result")
    expect(answer).to_have_attribute("data-in", "true")
    expect(answer.get_by_test_id("explain-groups")).to_contain_text(
        "Шаг 2 «Любое из»: прошёл по условиям"
    )

    page.get_by_test_id("filters").screenshot(
        path=str(results_dir / "audience-or-columns-filters.png")
    )
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(results_dir / "audience-or-columns.png"), full_page=True)
    assert browser_errors.messages == []
