"""A campaign's whole life in Chromium against a real server with the demo bank: the analyst
builds and saves an audience in the Campaign Manager, splits it, fills in the details, reviews
the dry run and deploys; finds the campaign in Active Theories, checks its page against the API
and exports its members (CSV and XLSX); the admin deletes it behind a password."""

from __future__ import annotations

import csv
import io
import re
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dq_e2e import (
    E2E_USERS,
    THIN_SPACE,
    BrowserErrors,
    DQServer,
    OpenPage,
    add_filter,
    count_text,
    settled_size,
)
from playwright.sync_api import Locator, Page, expect
from python_calamine import CalamineWorkbook

pytestmark = pytest.mark.e2e

BANK_ZONE = ZoneInfo("Asia/Almaty")
CONTROL_SHARE = 0.2
SPLIT_SEED = 20_261_130
STREAM = "travel"  # RB1 «Путешествия»
CODE = re.compile(r"^C\d{9}$")
IIN_ROW = re.compile(r"^\d{12}$")
# Short enough for one SMS segment each (UCS-2: 70 characters).
TEXTS = {
    "ru": ("Путешествуйте выгодно", "Кешбэк 5% на билеты и отели до конца месяца."),
    "kz": ("Тиімді саяхаттаңыз", "Билеттер мен қонақүйлерге 5% кешбэк ай соңына дейін."),
}


@dataclass
class Split:
    target: int
    control: int


def ru_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def api_status(server: DQServer, path: str, token: str) -> int:
    """The status of GET `path` (the helpers' get_json raises on anything but 2xx)."""
    request = urllib.request.Request(server.url(path), headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def api_campaign(server: DQServer, code: str) -> dict[str, Any]:
    found = server.get_json(f"/api/v1/campaigns/{code}", server.access_token("analyst"))
    assert isinstance(found, dict)
    return found


def shot(page: Page, results_dir: Path, name: str, full_page: bool = True) -> None:
    """A screenshot from the top of the page (a full page one scrolled down shows the fixed header
    halfway down); a dialog's is of the window only, the mask covering no more than it."""
    if full_page:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(results_dir / f"campaign-{name}.png"), full_page=full_page)


def step_title(page: Page) -> Locator:
    return page.get_by_test_id("wizard-step-title")


def pick_option(page: Page, select: Locator, option: str) -> None:
    """Open an antd select and click the option whose text contains `option`."""
    select.click()
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text=option).click()


def fill_date(page: Page, picker: Locator, day: date) -> None:
    """Type a date into an antd date picker the way a user does: the text, then Enter."""
    picker.click()
    picker.fill(ru_date(day))
    picker.press("Enter")
    expect(picker).to_have_value(ru_date(day))
    expect(page.locator(".ant-picker-dropdown:visible")).to_have_count(0)  # Enter closes it


# Step 1 ---------------------------------------------------------------------------------------


def build_and_save_audience(page: Page, name: str) -> tuple[str, int]:
    """Two filters (age 30–50, without the bank's employees), saved: (audience id, size)."""
    expect(step_title(page)).to_have_text("Шаг 1 из 5. Аудитория")
    start = settled_size(page)

    add_filter(page, "Возраст")
    page.get_by_label("Возраст от").fill("30")
    page.get_by_label("Возраст до").fill("50")
    after_age = settled_size(page)
    assert 0 < after_age < start

    add_filter(page, "Стоп")
    filters = page.get_by_test_id("filters")
    filters.get_by_role("checkbox", name=re.compile("Сотрудники банка")).check()
    steps = page.get_by_test_id("funnel-step")
    expect(steps.last).to_contain_text("Стоп-лист: Сотрудники банка")
    size = settled_size(page)
    assert 0 < size < after_age

    field = page.get_by_label("Название аудитории")
    field.fill(name)
    field.press("Enter")
    saved = page.get_by_test_id("saved-audience")
    expect(saved).to_contain_text(f"Аудитория «{name}» сохранена")
    audience_id = saved.get_attribute("data-id")
    assert audience_id
    # The wizard takes the snapshot just saved as the campaign's audience.
    chosen = page.get_by_test_id("chosen-audience")
    expect(chosen).to_have_attribute("data-id", audience_id)
    expect(chosen).to_contain_text(f"«{name}», клиентов: {count_text(size)}")
    return audience_id, size


# Step 2 ---------------------------------------------------------------------------------------


def split_audience(page: Page, server: DQServer, audience_id: str, size: int) -> Split:
    """Set the control share and the seed; the sizes and the SRM p-value are the API's."""
    expect(step_title(page)).to_have_text("Шаг 2 из 5. Разделение")
    share = page.get_by_label("Доля контрольной группы")
    expect(share).to_have_value("10")  # the default, in percent
    share.fill("12,5")  # a Russian decimal comma: 12.5 %
    share.press("Tab")
    expect(page.get_by_text(re.compile(r"^12,5\s?%\sаудитории"))).to_be_visible()
    share.fill(f"{CONTROL_SHARE * 100:.0f}")
    share.press("Tab")
    seed = page.get_by_label("Зерно разделения (seed)")
    seed.fill(str(SPLIT_SEED))
    seed.press("Tab")
    # A regular expression sees the page's own spaces (thin, no-break): any space will do.
    approx = count_text(round(size * CONTROL_SHARE)).replace(THIN_SPACE, r"\s")
    expect(page.get_by_text(re.compile(rf"^20\s?%\sаудитории \(≈ {approx}\)"))).to_be_visible()

    status, expected = server.post_json(
        "/api/v1/campaigns/split-preview",
        {"audience_id": audience_id, "control_share": CONTROL_SHARE, "split_seed": SPLIT_SEED},
        server.access_token("analyst"),
    )
    assert status == 200 and isinstance(expected, dict), (status, expected)
    assert expected["target"] + expected["control"] == size

    preview = page.get_by_test_id("split-preview")
    expect(preview).to_have_attribute("data-fresh", "true")
    target = preview.get_by_test_id("split-target").locator(".ant-statistic-content-value")
    control = preview.get_by_test_id("split-control").locator(".ant-statistic-content-value")
    expect(target).to_have_text(count_text(expected["target"]))
    expect(control).to_have_text(count_text(expected["control"]))
    p_text = preview.get_by_test_id("split-pvalue").inner_text()
    match = re.fullmatch(r"p = ([\d,]+(?:e-\d+)?)", p_text)
    assert match, p_text
    assert float(match[1].replace(",", ".")) == pytest.approx(expected["srm_p_value"], rel=0.01)
    verdict = preview.get_by_test_id("split-srm")
    expect(verdict).to_have_attribute("data-ok", "false" if expected["mismatch"] else "true")
    return Split(target=expected["target"], control=expected["control"])


# Step 3 ---------------------------------------------------------------------------------------


def fill_details(page: Page, name: str, start: date, end: date) -> None:
    """RB1, the name, the stream, push + SMS, RU/KZ texts, the dates."""
    expect(step_title(page)).to_have_text("Шаг 3 из 5. Параметры")
    expect(page.get_by_test_id("details-type").get_by_text("RB1 — стандартная")).to_be_visible()
    page.get_by_test_id("details-name").fill(name)
    page.get_by_test_id("details-description").fill("Сквозной тест: от аудитории до удаления.")
    pick_option(page, page.get_by_role("combobox", name=re.compile(r"^Поток")), f"({STREAM})")

    channels = page.get_by_test_id("details-channels")
    expect(channels.get_by_role("checkbox", name="Push")).to_be_checked()
    channels.get_by_role("checkbox", name="SMS").check()
    expect(channels.get_by_role("checkbox", name="SMS")).to_be_checked()

    for language, (title, body) in TEXTS.items():
        page.get_by_test_id(f"texts-tab-{language}").click()
        page.get_by_test_id(f"details-title-{language}").fill(title)
        page.get_by_test_id(f"details-body-{language}").fill(body)
        counter = page.get_by_test_id(f"sms-counter-{language}")
        expect(counter).to_have_attribute("data-segments", "1")
        expect(counter).to_have_attribute("data-encoding", "ucs2")
    page.get_by_test_id("texts-tab-ru").click()

    fill_date(page, page.get_by_label("Дата начала"), start)
    fill_date(page, page.get_by_label("Дата окончания"), end)
    expect(page.get_by_test_id("field-error")).to_have_count(0)


# Step 4 ---------------------------------------------------------------------------------------


def review_dry_run(page: Page, split: Split) -> tuple[str, dict[str, int], dict[str, int]]:
    """The saved draft's code and the dry run: (code, rows per table, eligible per channel)."""
    expect(step_title(page)).to_have_text("Шаг 4 из 5. Проверка")
    code = page.get_by_test_id("review-code").inner_text().strip()
    assert CODE.match(code), code
    expect(page.get_by_test_id("review-split")).to_contain_text(
        f"целевая {count_text(split.target)}, контрольная {count_text(split.control)}"
    )

    dry_run = page.get_by_test_id("dry-run")
    expect(dry_run).to_be_visible(timeout=30_000)
    tables = {
        str(cell.get_attribute("data-table")): int(cell.get_attribute("data-rows") or -1)
        for cell in dry_run.get_by_test_id("review-table").all()
    }
    assert tables["mb01_camp_dict"] == 1
    assert tables["mb22_local_target"] == split.target
    assert tables["mb21_local_control"] == split.control

    eligible: dict[str, int] = {}
    for channel in ("push", "sms"):
        card = dry_run.get_by_test_id(f"review-channel-{channel}")
        got = int(card.get_by_test_id("channel-eligible").get_attribute("data-value") or -1)
        dropped = int(card.get_by_test_id("channel-dropped").get_attribute("data-value") or -1)
        # Every member of the target group either gets the channel or drops out of it, for a reason.
        assert got + dropped == split.target, (channel, got, dropped)
        reasons = card.get_by_test_id("dropout-reason")
        assert sum(int(r.get_attribute("data-count") or 0) for r in reasons.all()) == dropped
        eligible[channel] = got
    assert eligible["push"] > 0 and eligible["sms"] > 0
    assert tables["fd_rb2_campaigns_users"] == eligible["push"] + eligible["sms"]
    return code, tables, eligible


# The test -------------------------------------------------------------------------------------


def test_a_campaign_from_audience_to_deploy_export_and_delete(
    open_page: OpenPage,
    dq_server: DQServer,
    browser_errors: BrowserErrors,
    results_dir: Path,
    tmp_path: Path,
) -> None:
    run = secrets.token_hex(3)
    audience_name = f"Путешественники 30–50 {run}"
    campaign_name = f"Путешествия: кешбэк 5% ({run})"
    today = datetime.now(BANK_ZONE).date()
    start, end = today + timedelta(days=1), today + timedelta(days=30)

    # 1. The analyst, in the Campaign Manager.
    page = open_page("analyst")
    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_role("heading", name="Менеджер кампаний")).to_be_visible()
    audience_id, size = build_and_save_audience(page, audience_name)
    shot(page, results_dir, "1-audience")
    next_button = page.get_by_test_id("wizard-next")
    next_button.click()

    split = split_audience(page, dq_server, audience_id, size)
    shot(page, results_dir, "2-split")
    next_button.click()

    fill_details(page, campaign_name, start, end)
    shot(page, results_dir, "3-details")
    expect(next_button).to_have_text("Сохранить черновик и проверить")
    next_button.click()

    code, tables, eligible = review_dry_run(page, split)
    draft = api_campaign(dq_server, code)
    assert draft["status"] == "draft"
    assert (draft["name"], draft["type"], draft["stream"]) == (campaign_name, "RB1", STREAM)
    assert draft["channels"] == ["push", "sms"]
    assert (draft["start_date"], draft["end_date"]) == (start.isoformat(), end.isoformat())
    assert (draft["control_share"], draft["split_seed"]) == (CONTROL_SHARE, SPLIT_SEED)
    assert draft["texts"]["kz"] == {"title": TEXTS["kz"][0], "body": TEXTS["kz"][1]}
    shot(page, results_dir, "4-review")
    expect(next_button).to_have_text("К запуску")
    next_button.click()

    expect(step_title(page)).to_have_text("Шаг 5 из 5. Запуск")
    expect(page.get_by_text(f"Кампания {code} «{campaign_name}» будет записана")).to_be_visible()
    page.get_by_test_id("deploy-button").click()
    # The confirmation: what will be written, and the code typed by hand.
    confirm_ok = page.get_by_test_id("deploy-confirm-ok")
    expect(page.get_by_test_id("deploy-confirm-tables")).to_contain_text("mb22_local_target")
    expect(confirm_ok).to_be_disabled()
    page.get_by_test_id("deploy-confirm-code").fill(code)
    expect(confirm_ok).to_be_enabled()
    page.wait_for_timeout(400)  # the dialog's opening animation, for the screenshot
    shot(page, results_dir, "5-confirm")
    confirm_ok.click()
    result = page.get_by_test_id("deploy-result")
    expect(result).to_have_attribute("data-code", code, timeout=60_000)
    expect(result).to_contain_text(f"Кампания {code} запущена")
    expect(result).to_contain_text(
        f"целевая группа — {count_text(split.target)}, контрольная — {count_text(split.control)}, "
        f"строк рассылки — {count_text(tables['fd_rb2_campaigns_users'])}"
    )
    shot(page, results_dir, "5-deployed")

    # 2. The link to the campaign, then Active Theories: found by its name, opened from the table.
    result.get_by_test_id("deploy-link").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{code}$"))
    expect(page.get_by_test_id("campaign-detail")).to_have_attribute("data-code", code)
    page.get_by_test_id("detail-back").click()
    expect(page).to_have_url(re.compile(r"/campaigns$"))
    expect(page.get_by_role("heading", name="Активные теории")).to_be_visible()
    page.get_by_test_id("theories-search").fill(campaign_name)
    expect(page).to_have_url(re.compile(r"[?&]q="))
    rows = page.get_by_test_id("theories-table").locator("tr.ant-table-row")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.get_by_test_id("campaign-link")).to_have_text(code)
    expect(row).to_contain_text(campaign_name)
    expect(row.get_by_test_id("campaign-members")).to_have_text(
        f"{count_text(split.target)} / {count_text(split.control)}"
    )
    status = row.get_by_test_id("campaign-status")
    expect(status).to_have_attribute("data-status", "scheduled")  # deployed, starts tomorrow
    expect(status).to_have_text("Запланирована")
    shot(page, results_dir, "6-theories")
    row.get_by_test_id("campaign-link").click()

    detail = page.get_by_test_id("campaign-detail")
    expect(detail).to_have_attribute("data-code", code)
    campaign = api_campaign(dq_server, code)
    stats = dq_server.get_json(f"/api/v1/campaigns/{code}/stats", dq_server.access_token())
    assert isinstance(stats, dict)
    assert campaign["status"] == "deployed"
    assert (campaign["target_count"], campaign["control_count"]) == (split.target, split.control)
    assert campaign["split"]["source"] == "tables"
    # The deploy wrote what the dry run said it would.
    assert {channel: stats["channels"].get(channel) for channel in eligible} == eligible
    expect(detail.get_by_test_id("detail-code")).to_have_text(code)
    expect(detail.get_by_test_id("detail-name")).to_have_text(campaign_name)
    expect(detail.get_by_test_id("detail-stream")).to_have_text(f"Путешествия ({STREAM})")
    expect(detail.get_by_test_id("detail-period")).to_have_text(
        f"{ru_date(start)} – {ru_date(end)}"
    )
    expect(detail.get_by_test_id("detail-owner")).to_have_text(E2E_USERS["analyst"][0])
    for group in ("target", "control"):
        expected = count_text(campaign[f"{group}_count"])
        expect(detail.get_by_test_id(f"group-{group}")).to_have_text(expected)
        expect(detail.get_by_test_id(f"split-{group}")).to_have_text(expected)
    for channel, rows_written in eligible.items():
        expect(detail.get_by_test_id(f"channel-{channel}")).to_have_text(count_text(rows_written))
    expect(detail.get_by_test_id("split-verdict")).to_be_visible()
    expect(detail).to_contain_text(TEXTS["ru"][0])
    shot(page, results_dir, "7-detail")

    # 3. Export: the target group as CSV, both groups as XLSX.
    page.get_by_test_id("action-export").click()
    dialog = page.get_by_role("dialog", name=f"Выгрузка участников {code}")
    expect(dialog).to_be_visible()
    dialog.get_by_text("CSV", exact=True).click()
    dialog.get_by_text(f"Целевая · {count_text(split.target)}", exact=True).click()
    shot(page, results_dir, "8-export", full_page=False)
    with page.expect_download() as csv_download:
        dialog.get_by_test_id("export-confirm").click()
    download = csv_download.value
    assert download.suggested_filename == f"{code}_target.csv"
    csv_path = tmp_path / download.suggested_filename
    download.save_as(csv_path)
    lines = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert lines[0] == ["iin", "group"]
    members = lines[1:]
    assert len(members) == campaign["target_count"]
    assert all(IIN_ROW.match(iin) and group == "target" for iin, group in members)
    assert len({iin for iin, _ in members}) == len(members)
    expect(page.get_by_text(f"Файл {code}_target.csv сохранён")).to_be_visible()
    expect(dialog).to_be_hidden()

    page.get_by_test_id("action-export").click()
    expect(dialog).to_be_visible()
    dialog.get_by_text("Excel (XLSX)", exact=True).click()
    dialog.get_by_text(re.compile(r"^Обе группы · ")).click()
    with page.expect_download() as xlsx_download:
        dialog.get_by_test_id("export-confirm").click()
    download = xlsx_download.value
    assert download.suggested_filename == f"{code}_all.xlsx"
    xlsx_path = tmp_path / download.suggested_filename
    download.save_as(xlsx_path)
    sheet = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["iin", "group"]
    by_group = {"target": 0, "control": 0}
    for iin, group in sheet[1:]:
        assert isinstance(iin, str) and IIN_ROW.match(iin), iin  # text: leading zeros kept
        by_group[group] += 1
    assert by_group == {"target": campaign["target_count"], "control": campaign["control_count"]}
    expect(dialog).to_be_hidden()

    # 4. The admin deletes it: a wrong password first (nothing deleted), then the right one.
    admin = open_page("admin")
    admin.goto(dq_server.url("/campaigns"))
    admin.get_by_test_id("theories-search").fill(code)
    admin_rows = admin.get_by_test_id("theories-table").locator("tr.ant-table-row")
    expect(admin_rows).to_have_count(1)
    admin_rows.first.get_by_test_id("campaign-link").click()
    expect(admin.get_by_test_id("campaign-detail")).to_have_attribute("data-code", code)
    admin.get_by_test_id("action-delete").click()
    confirm = admin.get_by_role("dialog", name=f"Удалить кампанию {code}?")
    expect(confirm).to_contain_text("Восстановить её будет нельзя")
    password = confirm.get_by_test_id("delete-password")
    expect(password).to_be_focused()
    password.fill(f"not-the-password-{run}")
    confirm.get_by_test_id("delete-confirm").click()
    expect(confirm.get_by_role("alert")).to_contain_text("Неверный пароль")
    expect(confirm).to_be_visible()
    shot(admin, results_dir, "9-delete-wrong-password", full_page=False)
    assert api_status(dq_server, f"/api/v1/campaigns/{code}", dq_server.access_token()) == 200

    password.fill(E2E_USERS["admin"][1])
    confirm.get_by_test_id("delete-confirm").click()
    expect(admin.get_by_text(f"Кампания {code} удалена")).to_be_visible()
    expect(admin).to_have_url(re.compile(r"/campaigns$"))
    admin.get_by_test_id("theories-search").fill(code)
    expect(admin).to_have_url(re.compile(rf"[?&]q={code}"))
    expect(admin.get_by_test_id("theories-table").locator("tr.ant-table-row")).to_have_count(0)
    expect(admin.get_by_text("Нет кампаний, подходящих под условия отбора.")).to_be_visible()
    shot(admin, results_dir, "10-deleted")
    assert api_status(dq_server, f"/api/v1/campaigns/{code}", dq_server.access_token()) == 404

    # The browser logged the refusal of the wrong password, and nothing else.
    assert [m for m in browser_errors.messages if "status of 403" not in m] == []
