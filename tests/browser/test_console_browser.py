"""The coordinator's and the admin's pages in a real Chromium, as they use them: a round made and
opened, a user invited who sets his own password and logs in, a review that ends in an approval;
and no WCAG 2.1 A/AA violation on any of the new pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from assessment import jobs
from tests.browser.conftest import BrowserPage
from tests.browser.test_fill_in_browser import axe_violations

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@demo.local"
ADMIN = "admin@demo.local"


def click_and_wait(web: BrowserPage, role: str, name: str) -> None:
    with web.page.expect_navigation():
        web.page.get_by_role(role, name=name, exact=True).first.click()


def test_a_coordinator_creates_and_opens_a_round(web):
    web.login(COORDINATOR)
    web.goto("/rounds")
    click_and_wait(web, "link", "Nieuwe meetronde")
    # two versions of the DTS questionnaire are loaded: first the choice, the newest on top
    assert web.page.get_by_label("DTS Volwassenheidsscan (dts-2025@2)").is_checked()
    click_and_wait(web, "button", "Verder")
    web.page.get_by_label("Code", exact=True).fill("2027-1")
    web.page.get_by_label("Naam", exact=True).fill("Eerste meting 2027")
    web.page.get_by_label("Opent op").fill("2027-01-11")
    web.page.get_by_label("Sluit op").fill("2027-03-01")
    web.page.get_by_label("Wie doet mee").select_option(
        label="Commando Landstrijdkrachten (CLAS) en alles eronder"
    )
    web.page.get_by_label("1. Communicatie en digitale samenwerking").select_option("4")
    click_and_wait(web, "button", "Meetronde maken")
    assert web.page.url.endswith("/rounds/2027-1")
    assert "Meetronde 2027-1 is gemaakt" in web.page.locator("main").inner_text()
    click_and_wait(web, "button", "Meetronde openen")
    assert re.search(
        r"Meetronde 2027-1 is open: \d+ eenheden kunnen beginnen", web.page.locator("main").inner_text()
    )


def test_an_invited_user_sets_his_own_password_and_logs_in(web, browser):
    web.login(ADMIN)
    web.goto("/users")
    click_and_wait(web, "link", "Nieuw account")
    web.page.get_by_label("E-mailadres").fill("nieuw@demo.local")
    web.page.get_by_label("Naam", exact=True).fill("Luitenant A. Nieuw")
    web.page.get_by_label("Rol").select_option("representative")
    web.page.get_by_label("13 Lichte Brigade (CLAS-13LTBRIG)").check()
    click_and_wait(web, "button", "Account maken")
    link = web.page.get_by_label("Link").input_value()
    assert "/wachtwoord-instellen/" in link

    # The new user, in a browser of his own.
    context = browser.new_context(locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(link)
        page.get_by_label("Nieuw wachtwoord", exact=True).fill("drie lange woorden samen")
        page.get_by_label("Nieuw wachtwoord nog eens").fill("drie lange woorden samen")
        with page.expect_navigation():
            page.get_by_role("button", name="Wachtwoord instellen").click()
        assert page.get_by_label("E-mailadres").input_value() == "nieuw@demo.local"
        page.get_by_label("Wachtwoord", exact=True).fill("drie lange woorden samen")
        with page.expect_navigation():
            page.get_by_role("button", name="Inloggen").click()
        assert "Welkom, Luitenant A. Nieuw" in page.locator("h1").inner_text()
        page.wait_for_load_state("networkidle")
    finally:
        context.close()


def test_a_coordinator_reviews_and_approves_from_his_home_page(web):
    web.login(COORDINATOR)
    worklist = web.page.locator("#wacht-op-u + .table-scroll tbody tr")
    waiting = worklist.count()
    assert waiting >= 1
    unit = worklist.first.locator("th").inner_text().split("\n")[0].strip()
    with web.page.expect_navigation():
        worklist.first.get_by_role("link").click()
    assert "Alle antwoorden" in web.page.locator("main").inner_text()
    click_and_wait(web, "link", "Goedkeuren")
    assert web.page.locator("h1").inner_text() == "Vragenlijst goedkeuren?"
    click_and_wait(web, "button", "Ja, goedkeuren")
    assert "De vragenlijst is goedgekeurd." in web.page.locator("main").inner_text()
    assert web.page.locator("#wacht-op-u + .table-scroll tbody tr").count() == waiting - 1
    assert unit  # the row that was approved named its unit


def review_page(web: BrowserPage) -> None:
    web.login(COORDINATOR)
    web.goto(web.page.locator("#wacht-op-u + .table-scroll a").first.get_attribute("href") or "/")


def approve_question(web: BrowserPage) -> None:
    review_page(web)
    web.goto(web.page.url.removeprefix(web.server.url).replace("/review", "/approve"))


def invitation_page(web: BrowserPage) -> None:
    web.login(ADMIN)
    web.goto("/users/1")
    click_and_wait(web, "button", "Nieuwe link maken")
    link = web.page.get_by_label("Link").input_value()
    web.page.context.clear_cookies()
    web.goto(link.removeprefix(web.server.url))


def as_coordinator(path: str) -> Callable[[BrowserPage], None]:
    def open_page(web: BrowserPage) -> None:
        web.login(COORDINATOR)
        web.goto(path)

    open_page.__name__ = f"coordinator {path}"
    return open_page


def as_admin(path: str) -> Callable[[BrowserPage], None]:
    def open_page(web: BrowserPage) -> None:
        web.login(ADMIN)
        web.goto(path)

    open_page.__name__ = f"admin {path}"
    return open_page


def report_job_page(web: BrowserPage) -> None:
    """A report job's page while it waits (no worker runs in the browser tests)."""
    web.login(COORDINATOR)
    web.goto("/reports/rounds/2026-1")
    web.page.get_by_label("Welke eenheden").select_option("CLAS-11LMB")
    click_and_wait(web, "button", "Maak alle rapporten van ronde 2026-1")


PAGES = [
    review_page,
    report_job_page,
    as_coordinator("/reports/rounds/2026-1"),
    approve_question,
    invitation_page,
    as_coordinator("/rounds/new"),
    as_coordinator("/rounds/2026-1"),
    as_coordinator("/rounds/2026-1/close"),
    as_coordinator("/units"),
    as_coordinator("/units/CLAS"),
    as_coordinator("/units/import"),
    as_admin("/users"),
    as_admin("/users/new"),
    as_admin("/audit"),
    as_admin("/questionnaires"),
    as_admin("/account/wachtwoord"),
]


def test_the_report_job_page_follows_the_job_without_reloading_until_the_zip_is_ready(web):
    report_job_page(web)
    assert "In de wachtrij" in web.page.locator("main").inner_text()
    loads: list[str] = []
    web.page.on("load", lambda: loads.append(web.page.url))
    consumer = jobs.start_thread_consumer(web.server.app)  # a worker arrives
    try:
        web.page.get_by_role("link", name="Download het ZIP-bestand").wait_for(timeout=90_000)
    finally:
        jobs.stop_thread_consumer(consumer)
    assert "Klaar: 1 van 1 rapporten gemaakt." in web.page.locator("main").inner_text()
    assert len(loads) == 1, loads  # the script asked for the progress; one reload, at the end


@pytest.mark.parametrize("open_page", PAGES, ids=lambda open_page: open_page.__name__)
def test_a_new_page_has_no_accessibility_violations(web, open_page):
    open_page(web)
    violations = axe_violations(web)
    assert violations == "", f"axe-core finds WCAG 2.1 A/AA violations on {web.page.url}:\n{violations}"


@pytest.mark.parametrize("open_page", PAGES, ids=lambda open_page: open_page.__name__)
def test_a_new_page_has_no_accessibility_violations_on_a_phone(phone, open_page):
    open_page(phone)
    violations = axe_violations(phone)
    assert violations == "", (
        f"axe-core finds WCAG 2.1 A/AA violations at 390 px on {phone.page.url}:\n{violations}"
    )
