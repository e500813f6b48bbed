"""A real Chromium (Debian's, never a download) against the app served on a free local port.

Each test gets a fresh database set up with ``assessment init --demo``, a live server in a
background thread, and a new browser page that records every request it makes.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Playwright, Request, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from assessment.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SKIP_REASON = (
    f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run browser tests"
)

DEMO_PASSWORD = "demo-dts-2026"
REPRESENTATIVE = "rep@demo.local"
LEAD = "lead@demo.local"


@dataclass
class LiveServer:
    app: Flask
    url: str  # http://127.0.0.1:<port>, without a trailing slash


@pytest.fixture
def live_server(scratch_database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The app with the demo data, served on a free port of 127.0.0.1 while the test runs; its job
    queue is the database's (or a file of its own), with no worker unless the test starts one."""
    app = create_app(
        {
            "DATABASE_URL": scratch_database_url,
            "SECRET_KEY": "browser-test",
            "JOB_QUEUE_FILE": str(tmp_path / "queue.sqlite3"),
        }
    )
    result = app.test_cli_runner().invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["database"].engine.dispose()
        app.extensions["queue"].huey.storage.close()  # the queue's connection (PostgreSQL, SQLite)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class BrowserPage:
    """A page of a fresh browser profile, with the live server's address and its requests."""

    page: Page
    server: LiveServer
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.server.url + path

    def goto(self, path: str) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None and response.ok, f"GET {path} answered {response and response.status}"

    def login(self, email: str, password: str = DEMO_PASSWORD) -> None:
        self.goto("/login")
        self.page.get_by_label("E-mailadres").fill(email)
        self.page.get_by_label("Wachtwoord").fill(password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Inloggen").click()
        assert self.page.url == self.url("/"), f"login as {email} failed"


def _record(requests: list[str]):  # type: ignore[no-untyped-def]
    def on_request(request: Request) -> None:
        requests.append(request.url)

    return on_request


def _settle(page: Page) -> None:
    """Let the page finish what it still loads (the favicon comes after the page): a request that
    is cut off when the server stops leaves its static file open (a ResourceWarning)."""
    # A page that never goes quiet is the test's business, not the teardown's.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=5_000)


@pytest.fixture
def web(browser: Browser, live_server: LiveServer) -> Iterator[BrowserPage]:
    # Dutch, as the users' browsers are: Chromium would ask for English (Accept-Language) otherwise.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    web = BrowserPage(page=page, server=live_server)
    page.on("request", _record(web.requests))
    yield web
    _settle(page)
    context.close()


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[BrowserPage]:
    """The same app on a phone-wide screen (390 CSS pixels, as an iPhone 12 to 15)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
    )
    page = context.new_page()
    web = BrowserPage(page=page, server=live_server)
    page.on("request", _record(web.requests))
    yield web
    _settle(page)
    context.close()
