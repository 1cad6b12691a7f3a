"""Sign-in, roles and the Admin pages in Chromium against a real server.

Sign-in here goes through the login page; other suites use the fast path (`open_page(role)`).
Mind the login throttle (5 failed sign-ins per IP in 5 minutes, and every browser here is
127.0.0.1): this module fails a password once, on purpose, and nothing else should.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from dq_e2e import (
    E2E_USERS,
    REFRESH_TOKEN_KEY,
    BrowserErrors,
    DQServer,
    OpenPage,
    sign_in_through_page,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ROLE_LABELS = {"user": "Пользователь", "analyst": "Аналитик", "admin": "Администратор"}


def settle(page: Page) -> None:
    """Before a screenshot: no toasts or closing popups left, no hover, transitions done."""
    page.mouse.move(0, 0)
    expect(page.locator(".ant-message-notice")).to_have_count(0, timeout=10_000)
    expect(page.locator(".ant-popover:visible, .ant-tooltip:visible")).to_have_count(0)
    page.wait_for_timeout(300)


def stored_refresh_token(page: Page) -> str | None:
    token = page.evaluate(f"() => sessionStorage.getItem({REFRESH_TOKEN_KEY!r})")
    return token if isinstance(token, str) else None


@pytest.mark.parametrize("role", ["user", "analyst", "admin"])
def test_sign_in_through_the_page_shows_the_roles_navigation(
    role: str, open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page = open_page(None)
    page.goto(dq_server.url("/datasets"))

    # Not signed in: the login page, which remembers where the user was going.
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdatasets$"))
    expect(page.get_by_role("heading", name="Вход в систему")).to_be_visible()
    expect(page.get_by_text("DataQuery Pro", exact=True)).to_be_visible()
    expect(page).to_have_title("Вход · DataQuery Pro")

    sign_in_through_page(page, role)
    expect(page).to_have_url(re.compile(r"/datasets$"))
    expect(page.get_by_role("heading", name="Наборы данных")).to_be_visible()

    username = E2E_USERS[role][0]
    expect(page.get_by_test_id("user-name")).to_have_text(username)
    expect(page.get_by_test_id("user-role")).to_have_text(ROLE_LABELS[role])

    sidebar = page.get_by_test_id("sidebar")
    admin_section = sidebar.get_by_text("Администрирование", exact=True)
    if role == "admin":
        expect(admin_section).to_be_visible()
    else:
        expect(admin_section).to_have_count(0)
    # Analyst pages: open to analysts and admins, locked (not links) for users.
    locked = sidebar.get_by_test_id("nav-locked-campaignManager")
    expect(locked).to_have_count(1 if role == "user" else 0)
    expect(sidebar.get_by_role("link", name="Наборы данных")).to_be_visible()

    # The access token lives in memory only; a reload signs in again silently.
    assert stored_refresh_token(page)
    page.reload()
    expect(page.get_by_role("heading", name="Наборы данных")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_text(username)
    expect(page).to_have_url(re.compile(r"/datasets$"))
    assert browser_errors.messages == []


def test_wrong_password_says_so(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    page = open_page(None)
    page.goto(dq_server.url("/login"))
    expect(page.get_by_role("button", name="Войти")).to_be_visible()
    page.screenshot(path=str(results_dir / "login.png"))

    sign_in_through_page(page, "user", password="not-the-password")
    error = page.get_by_test_id("login-error")
    expect(error).to_have_text("Неверное имя пользователя или пароль")
    expect(page).to_have_url(re.compile(r"/login$"))
    assert stored_refresh_token(page) is None
    expect(page.get_by_label("Пароль")).to_be_focused()
    settle(page)
    page.screenshot(path=str(results_dir / "login-error.png"))

    # The browser reports the refused request itself; nothing else may go wrong.
    assert [m for m in browser_errors.messages if "401" not in m] == []


def test_sign_out_returns_to_login_and_back_shows_no_data(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page = open_page(None)
    page.goto(dq_server.url("/datasets"))
    sign_in_through_page(page, "analyst")
    feature_store = page.get_by_text("feature_store", exact=True)
    expect(feature_store).to_be_visible()

    # Some history inside the app, and a page loaded anew (a document Back may restore from cache).
    sidebar = page.get_by_test_id("sidebar")
    sidebar.get_by_role("link", name="Загрузки").click()
    expect(page).to_have_url(re.compile(r"/uploads$"))
    page.goto(dq_server.url("/datasets"))
    expect(feature_store).to_be_visible()
    refresh_token = stored_refresh_token(page)
    assert refresh_token

    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name="Выйти").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Вы вышли из системы.")).to_be_visible()
    assert stored_refresh_token(page) is None

    # Back, twice: to the other document, then inside it. Neither shows data again.
    for _ in range(2):
        page.go_back()
        expect(page.get_by_role("button", name="Войти")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/login"))
        expect(feature_store).to_have_count(0)
        expect(page.get_by_test_id("sidebar")).to_have_count(0)

    # Signing out revoked the refresh token on the server.
    status, body = dq_server.post_json("/api/v1/auth/refresh", {"refresh_token": refresh_token})
    assert status == 401, body
    assert browser_errors.messages == []


def test_a_user_is_told_what_they_may_not_open(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors
) -> None:
    page = open_page("user")
    page.goto(dq_server.url("/admin/users"))
    expect(page.get_by_text("Недостаточно прав")).to_be_visible()
    refusal = "Нужна роль «Администратор», ваша роль — «Пользователь»"
    expect(page.get_by_text(re.compile(refusal))).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)

    page.goto(dq_server.url("/uploads"))
    expect(page.get_by_text(re.compile("Нужна роль «Аналитик»"))).to_be_visible()

    page.get_by_test_id("nav-locked-campaignManager").hover()
    expect(page.get_by_role("tooltip")).to_have_text("Нужна роль «Аналитик»")
    assert browser_errors.messages == []


def test_admin_adds_a_user_changes_the_role_disables_them_and_the_audit_log_shows_it(
    open_page: OpenPage, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    newcomer = f"e2e-new-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    page = open_page("admin")
    page.goto(dq_server.url("/admin/users"))
    expect(page.get_by_role("heading", name="Пользователи")).to_be_visible()

    # Add.
    page.get_by_role("button", name="Добавить пользователя").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Имя пользователя").fill(newcomer)
    dialog.get_by_label(re.compile("Имя и фамилия")).fill("Новый Сотрудник")
    dialog.get_by_label(re.compile("Пароль")).fill(password)
    dialog.get_by_role("button", name="Добавить").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_role("row").filter(has=page.get_by_text(newcomer, exact=True))
    expect(row.get_by_text("Новый Сотрудник")).to_be_visible()
    expect(row.locator("[data-role]")).to_have_attribute("data-role", "user")

    # Change the role.
    page.get_by_test_id(f"role-{newcomer}").click()
    page.locator(".ant-select-dropdown:visible").get_by_title("Аналитик").click()
    expect(row.locator("[data-role]")).to_have_attribute("data-role", "analyst")

    # Disable, after confirming.
    switch = page.get_by_test_id(f"enabled-{newcomer}")
    expect(switch).to_be_checked()
    switch.click()
    expect(page.get_by_text(f"Отключить {newcomer}?")).to_be_visible()
    page.get_by_role("button", name="Отключить", exact=True).click()
    expect(switch).not_to_be_checked()
    expect(page.get_by_text(f"{newcomer}: доступ отключён")).to_be_visible()
    settle(page)
    page.screenshot(path=str(results_dir / "admin-users.png"), full_page=True)

    # The server refuses what the admin may not do, and the page says so plainly.
    admin_name = E2E_USERS["admin"][0]
    page.get_by_test_id(f"enabled-{admin_name}").click()
    page.get_by_role("button", name="Отключить", exact=True).click()
    expect(page.get_by_test_id("users-action-error")).to_contain_text(
        "Нельзя понизить роль или отключить собственную учётную запись."
    )

    # The disabled user cannot sign in, and is told why.
    other = open_page(None)
    other.goto(dq_server.url("/login"))
    other.get_by_label("Имя пользователя").fill(newcomer)
    other.get_by_label("Пароль").fill(password)
    other.get_by_role("button", name="Войти").click()
    refusal = other.get_by_test_id("login-error")
    expect(refusal).to_contain_text("Вход запрещён")
    expect(refusal).to_contain_text(f"Учётная запись {newcomer} отключена")

    # The audit log has the three changes, newest first.
    page.get_by_test_id("sidebar").get_by_role("link", name="Журнал аудита").click()
    expect(page.get_by_role("heading", name="Журнал аудита")).to_be_visible()
    page.get_by_label("Объект").fill(newcomer)
    actions = page.get_by_test_id("audit-action")
    expect(actions).to_have_count(3)
    assert [a.get_attribute("data-action") for a in actions.all()] == [
        "users.update_user",
        "users.update_user",
        "users.create_user",
    ]
    rows = page.get_by_role("row").filter(has=actions)
    expect(rows.nth(0)).to_contain_text('{"enabled":false}')
    expect(rows.nth(1)).to_contain_text('{"role":"analyst"}')
    expect(rows.nth(2)).to_contain_text('{"role":"user", "enabled":true}')
    for n in range(3):
        expect(rows.nth(n).locator("[data-outcome]")).to_have_text("Успех")
        expect(rows.nth(n)).to_contain_text(admin_name)
    # Times are local (Asia/Almaty in these browsers): dd.mm.yyyy, hh:mm:ss.
    expect(rows.nth(0).get_by_role("cell").first).to_have_text(
        re.compile(r"^\d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d$")
    )

    # Refused attempts are there too: the admin disabling themselves.
    page.get_by_label("Объект").fill(admin_name)
    page.get_by_label("Результат").click()
    page.locator(".ant-select-dropdown:visible").get_by_title("Ошибка").click()
    expect(page.locator("[data-outcome=failure]").first).to_be_visible()
    page.get_by_role("button", name="Сбросить").click()
    page.get_by_label("Объект").fill(newcomer)
    expect(actions).to_have_count(3)
    settle(page)
    page.screenshot(path=str(results_dir / "audit.png"), full_page=True)

    # Only the login attempt of the disabled user made the browser log a refused request (403).
    assert [m for m in browser_errors.messages if "403" not in m and "409" not in m] == []
