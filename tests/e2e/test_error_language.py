"""No English reaches the Russian or Kazakh interface from the server: each 4xx family is
triggered through the pages against a real server, and the alert the page shows is checked for
Latin words (the server's English `detail` must never be what the user reads)."""

from __future__ import annotations

import json
import re
import secrets
import urllib.request
from collections.abc import Iterable

import pytest
from dq_e2e import E2E_USERS, BrowserErrors, DQServer, OpenPage, add_filter, drop_file
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

# Latin words a Russian or Kazakh text may hold: product and format names.
ALLOWED = {"DataQuery", "Pro", "CSV", "TXT", "XLSX", "XLS", "XLSB", "Parquet", "ZIP", "IIN"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def assert_not_english(locator: Locator, *values: str) -> str:
    """The alert's text has no Latin word but the allowed ones and the `values` the user gave
    (a username, a file name); returns the text."""
    text = locator.inner_text()
    for value in values:
        text = text.replace(value, "")
    latin = [word for word in LATIN_WORD.findall(text) if word not in ALLOWED]
    assert latin == [], f"English in the interface: {latin} in {text!r}"
    assert re.search(r"[а-яёәғқңөұүһі]", text, re.IGNORECASE), text
    return text


def switch_language(page: Page, label: str) -> None:
    page.get_by_text(label, exact=True).first.click()


def only_expected(messages: Iterable[str], *statuses: int) -> list[str]:
    return [m for m in messages if not any(f"status of {s}" in m for s in statuses)]


def test_sign_in_refusals_are_not_english(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page = open_page(None)
    page.goto(dq_server.url("/login"))
    username, _ = E2E_USERS["user"]
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти").click()
    alert = page.get_by_test_id("login-error")
    expect(alert).to_be_visible()
    assert_not_english(alert, username)
    assert only_expected(browser_errors.messages, 401) == []


def test_admin_refusals_401_403_409_are_not_english(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page = open_page("admin")
    page.goto(dq_server.url("/admin/users"))
    expect(page.get_by_role("heading", name="Пользователи")).to_be_visible()
    existing, _ = E2E_USERS["user"]

    # 409: a user that exists.
    page.get_by_role("button", name="Добавить пользователя").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Имя пользователя").fill(existing)
    dialog.get_by_label(re.compile("Пароль")).fill(secrets.token_urlsafe(12))
    dialog.get_by_role("button", name="Добавить").click()
    refusal = dialog.get_by_role("alert")
    expect(refusal).to_contain_text("уже существует")
    assert_not_english(refusal, existing)
    dialog.get_by_role("button", name=re.compile("Отмена")).click()
    expect(dialog).to_be_hidden()

    # 403: deleting a user with a wrong password.
    page.get_by_test_id(f"delete-{existing}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Ваш пароль").fill("not-my-password")
    dialog.get_by_role("button", name="Удалить").click()
    refusal = dialog.get_by_role("alert")
    expect(refusal).to_contain_text("Неверный пароль")
    assert_not_english(refusal, existing)

    # The same refusal in Kazakh.
    dialog.get_by_role("button", name=re.compile("Отмена")).click()
    switch_language(page, "ҚАЗ")
    page.get_by_test_id(f"delete-{existing}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox").last.fill("not-my-password")
    dialog.locator("button.ant-btn-dangerous").click()
    refusal = dialog.get_by_role("alert")
    expect(refusal).to_contain_text("Құпиясөз қате")
    assert_not_english(refusal, existing)
    assert only_expected(browser_errors.messages, 403, 409) == []


def test_someone_elses_or_missing_objects_are_404_not_english(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page.goto(dq_server.url("/uploads?upload=nonexistent1"))
    alert = page.get_by_role("alert").filter(has_text="Загрузки")
    expect(alert).to_contain_text("nonexistent1")
    assert_not_english(alert, "nonexistent1")

    switch_language(page, "ҚАЗ")
    alert = page.get_by_role("alert").filter(has_text="жүктеуі жоқ")
    expect(alert).to_be_visible()
    assert_not_english(alert, "nonexistent1")
    assert only_expected(browser_errors.messages, 404) == []


def test_refused_uploads_413_415_422_are_not_english(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page.goto(dq_server.url("/uploads"))
    expect(page.get_by_role("heading", name="Загрузки")).to_be_visible()
    problem = page.get_by_test_id("upload-problem")

    # 415: a PNG named .csv.
    drop_file(page, "список.csv", b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64))
    expect(problem).to_contain_text("Этот файл не подходит")
    assert_not_english(problem)

    # 413: more columns than the limit (DQ_UPLOAD_MAX_COLUMNS, 200).
    wide = ";".join(f"к{n}" for n in range(250)) + "\r\n" + ";".join("1" * 250) + "\r\n"
    drop_file(page, "широкий.csv", wide.encode("utf-8"))
    expect(problem).to_contain_text("Файл слишком большой")
    assert_not_english(problem)

    # 422: an empty file, and a file of no IINs at all.
    drop_file(page, "пустой.csv", b"")
    expect(problem).to_contain_text("Файл пустой")
    assert_not_english(problem)
    drop_file(page, "имена.csv", "Имя\r\nАнна\r\nБолат\r\n".encode())
    expect(problem).to_be_visible()
    expect(problem).not_to_contain_text("Файл пустой")
    assert_not_english(problem)

    # Kazakh.
    switch_language(page, "ҚАЗ")
    drop_file(page, "бос.csv", b"")
    expect(problem).to_contain_text("Файл бос")
    assert_not_english(problem)
    assert only_expected(browser_errors.messages, 413, 415, 422) == []


def test_an_audience_refused_by_the_server_is_not_english(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_test_id("wizard-step-title")).to_be_visible()
    add_filter(page, "Возраст")
    page.get_by_label("Возраст от").fill("50")
    page.get_by_label("Возраст до").fill("30")
    card = page.get_by_test_id("filter-card").filter(has=page.get_by_label("Возраст от"))
    issue = card.get_by_test_id("filter-error")
    expect(issue).to_contain_text("Минимальный возраст 50 больше максимального 30")
    assert_not_english(issue)
    funnel = page.get_by_test_id("funnel-error")
    expect(funnel).to_be_visible()
    assert_not_english(funnel)
    assert only_expected(browser_errors.messages, 422) == []


def test_an_action_the_role_no_longer_allows_is_403_not_english(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    """An analyst demoted to `user` while the builder is open: saving answers 403, said with
    the role names in Russian (the page still believed the old role)."""
    admin = dq_server.access_token("admin")
    name, password = f"e2e-demoted-{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    created, _ = dq_server.post_json(
        "/api/v1/users", {"username": name, "role": "analyst", "password": password}, admin
    )
    assert created == 201
    page = open_page(None)
    page.goto(dq_server.url("/login"))
    page.get_by_label("Имя пользователя").fill(name)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto(dq_server.url("/campaigns/new"))
    expect(page.get_by_test_id("funnel")).to_have_attribute("data-fresh", "true")

    request = urllib.request.Request(
        dq_server.url(f"/api/v1/users/{name}"),
        data=json.dumps({"role": "user"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {admin}"},
        method="PATCH",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    field = page.get_by_label("Название аудитории")
    field.fill("Не сохранится")
    field.press("Enter")
    refusal = page.get_by_test_id("save").get_by_role("alert")
    expect(refusal).to_contain_text("нужна роль «Аналитик»")
    assert_not_english(refusal)
    assert only_expected(browser_errors.messages, 403) == []
