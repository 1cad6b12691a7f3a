"""End-to-end support: a real `dataquery serve` on a fresh warehouse with demo data, and
Debian's Chromium driven by Playwright. Fixtures are in conftest.py; this module holds what
they and the tests share, so that later suites (sign-in, campaigns) can reuse it.

Nothing is built here: `web/dist` must exist (`cd web && npm ci && npm run build`). The
warehouse is prepared with the CLI while the server is stopped (a DuckDB file has one writing
process); then the server starts on a free port.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = REPO_ROOT / "web" / "dist"
RESULTS_DIR = REPO_ROOT / "test-results"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_CUSTOMERS = 20_000
DEMO_SEED = 7
STARTUP_TIMEOUT_S = 60.0
THIN_SPACE = "\u202f"  # the web app groups digits with it in Russian: 20 000

# One user per role, each with a password made for this run.
E2E_USERS = {
    role: (f"e2e-{role}", secrets.token_urlsafe(16)) for role in ("user", "analyst", "admin")
}


def dataquery_command() -> str:
    """The `dataquery` script of the interpreter running the tests (the project's venv)."""
    beside = Path(sys.executable).with_name("dataquery")
    found = str(beside) if beside.exists() else shutil.which("dataquery")
    if not found:
        pytest.fail("the `dataquery` command is not installed: pip install -e '.[dev]'")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(log: Path, lines: int = 40) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def run_cli(args: list[str], env: dict[str, str], log: Path, stdin: str | None = None) -> None:
    """Run `dataquery ARGS`, appending its output to `log`; fail the test run if it fails."""
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ dataquery {' '.join(args)}\n")
        out.flush()
        done = subprocess.run(
            [dataquery_command(), *args],
            env=env,
            cwd=REPO_ROOT,
            input=stdin,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
            check=False,
        )
    if done.returncode != 0:
        pytest.fail(f"`dataquery {' '.join(args)}` failed ({done.returncode}):\n{tail(log)}")


def server_env(workdir: Path, web_dist: Path) -> dict[str, str]:
    """The environment of a server of its own: no DQ_ setting leaks in from the caller."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DQ_")}
    env.update(
        DQ_WAREHOUSE_URL=f"duckdb:///{workdir / 'wh.duckdb'}",
        DQ_DATA_DIR=str(workdir / "var"),
        DQ_WEB_DIST=str(web_dist),
        DQ_AUTH_BACKEND="local",
        DQ_SCHEDULER_ENABLED="false",
    )
    return env


def prepare_warehouse(env: dict[str, str], workdir: Path, log: Path) -> None:
    """Migrate, load the demo bank and add the e2e users (the server must not be running)."""
    run_cli(["migrate"], env, log)
    demo_args = ["--customers", str(DEMO_CUSTOMERS), "--seed", str(DEMO_SEED)]
    run_cli(["demo", *demo_args, "--out", str(workdir / "demo")], env, log)
    for role, (username, password) in E2E_USERS.items():
        add = ["users", "add", username, "--role", role, "--password-stdin"]
        run_cli(add, env, log, stdin=password + "\n")


@dataclass
class DQServer:
    """A running `dataquery serve`: where it listens, its environment and its log."""

    base_url: str
    env: dict[str, str]
    workdir: Path
    log: Path
    _tokens: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def get_json(self, path: str, token: str | None = None) -> object:
        request = urllib.request.Request(self.url(path))
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def post_json(
        self, path: str, body: object, token: str | None = None
    ) -> tuple[int, object | None]:
        """POST JSON; returns (status, body) for errors too, instead of raising."""
        return self.send_json("POST", path, body, token)

    def send_json(
        self, method: str, path: str, body: object, token: str | None = None, timeout: float = 10
    ) -> tuple[int, Any]:
        """A JSON request of any method; returns (status, body) for errors too."""
        request = urllib.request.Request(
            self.url(path),
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method=method,
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def login(self, role: str) -> dict[str, object]:
        """A fresh token pair for the e2e user of `role` (each call is a new sign-in)."""
        username, password = E2E_USERS[role]
        status, pair = self.post_json(
            "/api/v1/auth/login", {"username": username, "password": password}
        )
        assert status == 200 and isinstance(pair, dict), f"sign-in as {username}: {status} {pair}"
        return pair

    def access_token(self, role: str = "analyst") -> str:
        """An access token of the e2e user of `role`, for API calls (cached for the session)."""
        if role not in self._tokens:
            self._tokens[role] = str(self.login(role)["access_token"])
        return self._tokens[role]


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`dataquery serve` exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"`dataquery serve` not healthy within {STARTUP_TIMEOUT_S:.0f} s:\n{tail(log)}")


@contextmanager
def running_server(env: dict[str, str], workdir: Path, log: Path) -> Iterator[DQServer]:
    """Start `dataquery serve` on a free port, wait for /api/v1/health, stop it on exit."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log.open("a", encoding="utf-8") as out:
        process = subprocess.Popen(
            [dataquery_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, base_url, log)
        yield DQServer(base_url=base_url, env=env, workdir=workdir, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@dataclass
class BrowserErrors:
    """Console errors and uncaught exceptions seen by a page; a test asserts there are none."""

    messages: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.messages.append(f"console: {message.text}")

    def on_page_error(self, error: Exception) -> None:
        self.messages.append(f"page error: {error}")


def new_context(browser: Browser) -> BrowserContext:
    """A fresh browser profile (empty storage, not signed in) in the bank's locale and time zone."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        locale="ru-RU",
        timezone_id="Asia/Almaty",
    )
    context.set_default_timeout(15_000)
    return context


# The `open_page` fixture: `open_page(role)` → a page signed in as that e2e user, or not (None).
OpenPage = Callable[[str | None], Page]

# Where the web app keeps its refresh token (web/src/auth/session.ts, REFRESH_TOKEN_KEY).
REFRESH_TOKEN_KEY = "dq.refreshToken"

_SEED_SESSION = """
(() => {
  try {
    if (!sessionStorage.getItem("dq.e2e.seeded")) {
      sessionStorage.setItem("dq.e2e.seeded", "1");
      sessionStorage.setItem(%(key)s, %(token)s);
    }
  } catch (e) {}  // about:blank and other opaque origins have no storage
})();
"""


def sign_in_fast(context: BrowserContext, server: DQServer, role: str) -> None:
    """Sign a browser context in as the e2e user of `role` without the login page.

    For tests that are not about signing in: the user signs in through the API and the refresh
    token is put where the app keeps it (sessionStorage) before the first page loads; the app then
    restores the session silently, as after a reload. Seeded once per tab, so that a later sign-out
    (or the app's rotation of the token) is not undone on the next navigation.
    """
    token = str(server.login(role)["refresh_token"])
    context.add_init_script(
        _SEED_SESSION % {"key": json.dumps(REFRESH_TOKEN_KEY), "token": json.dumps(token)}
    )


def sign_in_through_page(page: Page, role: str, password: str | None = None) -> None:
    """Fill in and send the login page (which must be showing) as the e2e user of `role`."""
    username, real_password = E2E_USERS[role]
    password = real_password if password is None else password
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


# The audience builder (Campaign Manager, step 1), shared by the audience and campaign suites.


def count_text(value: int) -> str:
    """A count as the web app shows it in Russian: `18 988`, digits grouped by thin spaces."""
    return f"{value:,}".replace(",", THIN_SPACE)


def shown_count(locator: Locator) -> int:
    """A count as the page shows it (`18 988`, digits grouped by thin spaces) as a number."""
    text = locator.inner_text()
    assert re.fullmatch(rf"\d{{1,3}}({THIN_SPACE}\d{{3}})*", text), f"not a Russian count: {text!r}"
    return int(text.replace(THIN_SPACE, ""))


def settled_size(page: Page) -> int:
    """The final size once the funnel shows the count of the spec on screen (not a stale one)."""
    expect(page.get_by_test_id("funnel")).to_have_attribute("data-fresh", "true")
    return shown_count(page.get_by_test_id("audience-size"))


def add_filter(page: Page, typed: str) -> None:
    """Add a filter from the keyboard: focus the picker, type part of its name, press Enter."""
    picker = page.get_by_label("Добавить фильтр")
    picker.focus()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


def drop_file(page: Page, name: str, content: bytes, mime: str = "text/csv") -> None:
    """Drop a file on the drop zone the way a browser does: a drop event carrying it."""
    data_transfer = page.evaluate_handle(
        """([name, b64, mime]) => {
            const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            return transfer;
        }""",
        [name, base64.b64encode(content).decode(), mime],
    )
    zone = page.get_by_test_id("upload-panel").locator(".ant-upload-drag-container")
    zone.dispatch_event("dragenter", {"dataTransfer": data_transfer})
    zone.dispatch_event("dragover", {"dataTransfer": data_transfer})
    zone.dispatch_event("drop", {"dataTransfer": data_transfer})
