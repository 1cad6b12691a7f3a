"""End-to-end fixtures (helpers in dq_e2e.py): the server, the browser, pages signed in or not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dq_e2e import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO_ROOT,
    RESULTS_DIR,
    WEB_DIST,
    BrowserErrors,
    DQServer,
    OpenPage,
    new_context,
    prepare_warehouse,
    running_server,
    server_env,
    sign_in_fast,
)
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright


@pytest.fixture(scope="session")
def web_dist() -> Path:
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(
            f"{WEB_DIST.relative_to(REPO_ROOT)}/index.html is missing: build the web app first "
            "(cd web && npm ci && npm run build)",
            pytrace=False,
        )
    return WEB_DIST


@pytest.fixture(scope="session")
def dq_server(web_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DQServer]:
    """One server for the session, on a fresh warehouse with the demo bank and the e2e users."""
    workdir = tmp_path_factory.mktemp("dq-e2e")
    log = workdir / "server.log"
    env = server_env(workdir, web_dist)
    prepare_warehouse(env, workdir, log)
    with running_server(env, workdir, log) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium", pytrace=False)
    with sync_playwright() as playwright:
        # Debian's Chromium only: browsers are never downloaded.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def open_page(
    browser: Browser, dq_server: DQServer, browser_errors: BrowserErrors
) -> Iterator[OpenPage]:
    """`open_page(role)`: a page in a fresh browser profile, recording console errors, signed in
    as the e2e user of `role` by the fast path (no login page), or not signed in (None)."""
    contexts: list[BrowserContext] = []

    def open_(role: str | None) -> Page:
        context = new_context(browser)
        contexts.append(context)
        if role:
            sign_in_fast(context, dq_server, role)
        page = context.new_page()
        page.on("console", browser_errors.on_console)
        page.on("pageerror", browser_errors.on_page_error)
        return page

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A fresh page signed in as the e2e analyst (fast path), recording console errors."""
    return open_page("analyst")


@pytest.fixture(scope="session")
def results_dir() -> Path:
    """Where screenshots go (test-results/ at the repo root)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    return RESULTS_DIR
