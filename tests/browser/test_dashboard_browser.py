"""The lead's dashboard, the results and the other pages of a lead and a coordinator in a real
Chromium, with the demo data (round 2026-1): the heat map fits 1,280 px, and where a table does
not fit it scrolls with its first column in place, a visible cue and keyboard focus; chart text
stays 11 px or more on a phone; an error shows where the user is; and axe-core finds no WCAG 2.1
A/AA violation at 1,280 or at 390 px."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import CHROMIUM, LEAD, SKIP_REASON, BrowserPage
from tests.browser.test_fill_in_browser import PHONE_WIDTH, axe_violations

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@demo.local"
ADMIN = "admin@demo.local"
DASHBOARD = "/compare/2026-1"
# Communicatie en digitale samenwerking has six capabilities: drilled down, the heat map is wider
# than 1,280 px.
DRILLED = DASHBOARD + "?speerpunt=communicatie&status=draft&status=submitted&status=approved"
# Every part of the dashboard: the overlay of three units and the trend line of one.
EVERYTHING = DASHBOARD + "?vergelijk=CLAS-11LMB&vergelijk=DCC&vergelijk=KMAR&trend=DCC"

HEAT = ".heat-scroll"


def box(web: BrowserPage, selector: str) -> dict[str, float]:
    found = web.page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def cue_opacity(web: BrowserPage, selector: str = HEAT) -> float:
    """How visible the shadow at the right edge of a scrolling table is (0 = not at all)."""
    return float(web.page.locator(selector).first.evaluate("(e) => getComputedStyle(e, '::after').opacity"))


def scroll_to_end(web: BrowserPage, selector: str = HEAT) -> None:
    web.page.locator(selector).first.evaluate("(e) => { e.scrollLeft = e.scrollWidth; }")
    web.page.wait_for_function(
        "(s) => { const e = document.querySelector(s); return e.scrollLeft + e.clientWidth >= e.scrollWidth - 1; }",
        arg=selector,
    )


def wait_for_cue(web: BrowserPage, shown: bool, selector: str = HEAT) -> None:
    """The cue follows the scroll position in the next frame: wait for it, not for a time."""
    web.page.wait_for_function(
        "([s, shown]) => { const o = +getComputedStyle(document.querySelector(s), '::after').opacity;"
        " return shown ? o > 0.5 : o === 0; }",
        arg=[selector, shown],
        timeout=5_000,
    )


# -- the heat map ---------------------------------------------------------------------------------


def test_the_heat_map_fits_1280_px_with_every_column_in_view(web):
    web.login(LEAD)
    web.goto(DASHBOARD)
    region, total, quartile = (
        box(web, HEAT),
        box(web, "thead th:has-text('Totaal')"),
        box(web, "thead th:has-text('Kwartiel')"),
    )
    for header in (total, quartile):
        assert (
            region["x"] <= header["x"]
            and header["x"] + header["width"] <= region["x"] + region["width"] + 0.5
        )
    assert web.page.locator(HEAT).evaluate("(e) => e.scrollWidth <= e.clientWidth")
    assert cue_opacity(web) == 0  # nothing to scroll, so no cue


def test_a_wider_heat_map_scrolls_with_its_first_column_in_place_and_a_cue_until_the_end(web):
    web.login(LEAD)
    web.goto(DRILLED)
    first_column = "table.heat tbody tr:first-child th"
    before = box(web, first_column)
    assert web.page.locator(HEAT).evaluate("(e) => e.scrollWidth > e.clientWidth")
    wait_for_cue(web, shown=True)
    last = "table.heat thead tr:first-child th:last-child"  # the right-most column
    total = box(web, last)
    region = box(web, HEAT)
    assert total["x"] + total["width"] > region["x"] + region["width"]  # cut off before scrolling

    scroll_to_end(web)
    after, total, region = box(web, first_column), box(web, last), box(web, HEAT)
    assert after["x"] == before["x"]  # the unit names stay where they were
    assert web.page.locator(first_column).inner_text().startswith("11 Luchtmobiele Brigade")
    # the last column is now in view, to the right of the first column and inside the region.
    assert after["x"] + after["width"] <= total["x"]
    assert total["x"] + total["width"] <= region["x"] + region["width"] + 0.5
    wait_for_cue(web, shown=False)  # at the end there is nothing more to see


def test_the_keyboard_can_scroll_a_wide_heat_map(web):
    web.login(LEAD)
    web.goto(DRILLED)
    region = web.page.locator(HEAT)
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert web.page.evaluate("() => document.activeElement.classList.contains('heat-scroll')")
    for _ in range(5):
        web.page.keyboard.press("ArrowRight")
    web.page.wait_for_function("(s) => document.querySelector(s).scrollLeft > 0", arg=HEAT)


def test_on_a_phone_the_heat_map_scrolls_inside_the_page_with_the_unit_names_in_view(phone):
    phone.login(LEAD)
    phone.goto(DASHBOARD)
    assert phone.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH
    name = "table.heat tbody tr:first-child th"
    before = box(phone, name)
    assert before["x"] >= 0 and before["x"] + before["width"] <= PHONE_WIDTH
    wait_for_cue(phone, shown=True)
    scroll_to_end(phone)
    assert box(phone, name)["x"] == before["x"]
    quartile = box(phone, "thead th:has-text('Kwartiel')")
    assert quartile["x"] + quartile["width"] <= PHONE_WIDTH
    wait_for_cue(phone, shown=False)


def test_a_unit_name_in_the_heat_map_opens_its_results(web):
    web.login(LEAD)
    web.goto(DASHBOARD)
    with web.page.expect_navigation():
        web.page.locator("table.heat tbody th a", has_text="Koninklijke Marechaussee").click()
    assert web.page.url.endswith("/results")
    assert "Koninklijke Marechaussee (KMAR)" in web.page.locator("h1").inner_text()


# -- errors where the user is ---------------------------------------------------------------------


def test_choosing_one_unit_to_compare_shows_the_error_beside_the_choice_the_page_returns_to(web):
    web.login(LEAD)
    web.goto(DASHBOARD)
    web.page.get_by_label("Defensie Cyber Commando").check()
    with web.page.expect_navigation():
        web.page.get_by_role("button", name="Vergelijk").click()
    assert web.page.url.endswith("#vergelijk")
    error = web.page.locator("#vergelijk-fout")
    assert error.inner_text().endswith("Kies 2 tot 6 eenheden om te vergelijken (u koos er 1).")
    shown = box(web, "#vergelijk-fout")
    viewport = web.page.viewport_size
    assert viewport is not None
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= viewport["height"]  # in view, not at the top
    assert web.page.title().startswith("Fout:")
    # The summary at the top links to the choice.
    link = web.page.locator(".error-summary a", has_text="Kies 2 tot 6 eenheden")
    link.click()
    web.page.wait_for_function("() => location.hash === '#vergelijk-CLAS'")


def test_unticking_every_status_is_an_error_at_the_status_choice(web):
    web.login(LEAD)
    web.goto(DASHBOARD)
    for status in ("ingediend", "goedgekeurd"):
        web.page.get_by_label(status, exact=True).uncheck()
    with web.page.expect_navigation():
        web.page.get_by_role("button", name="Toon", exact=True).first.click()
    field = web.page.locator("fieldset", has=web.page.get_by_text("Status van de vragenlijst"))
    assert "Kies minstens één status." in field.inner_text()
    assert web.page.get_by_label("ingediend", exact=True).is_checked() is False  # no silent default
    assert web.page.locator("table.heat").count() == 0


# -- charts on a phone ----------------------------------------------------------------------------


def smallest_chart_text(web: BrowserPage) -> tuple[float, str]:
    """The smallest text of the charts shown, in CSS pixels as drawn, and that text."""
    found = web.page.evaluate(
        """() => {
      let smallest = [Infinity, ''];
      for (const text of document.querySelectorAll('svg.chart text')) {
        if (!text.getClientRects().length) continue;  // a drawing the page does not show
        const svg = text.ownerSVGElement;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const size = parseFloat(getComputedStyle(text).fontSize) * scale;
        if (size < smallest[0]) smallest = [size, text.textContent];
      }
      return smallest;
    }"""
    )
    assert found[0] != float("inf"), "no chart on the page"
    return found[0], found[1]


def results_path(web: BrowserPage) -> str:
    web.goto(DASHBOARD)
    href = web.page.locator("table.heat tbody th a").first.get_attribute("href")
    assert href
    return href


@pytest.mark.parametrize("where", ["dashboard", "results"])
def test_chart_text_is_11_px_or_more_on_a_phone(phone, where):
    phone.login(LEAD)
    phone.goto(EVERYTHING if where == "dashboard" else results_path(phone))
    size, text = smallest_chart_text(phone)
    assert size >= 11, f"'{text}' is drawn {size:.1f} px high"


@pytest.mark.parametrize("where", ["dashboard", "results"])
def test_chart_text_is_11_px_or_more_on_a_wide_screen(web, where):
    web.login(LEAD)
    web.goto(EVERYTHING if where == "dashboard" else results_path(web))
    size, text = smallest_chart_text(web)
    assert size >= 11, f"'{text}' is drawn {size:.1f} px high"


# -- accessibility --------------------------------------------------------------------------------


def lead_pages(web: BrowserPage) -> list[str]:
    web.login(LEAD)
    return [EVERYTHING, DRILLED, DASHBOARD + "?sub=1&status=", results_path(web)]


def coordinator_pages(web: BrowserPage) -> list[str]:
    web.login(COORDINATOR)
    return ["/rounds", "/rounds/2026-1", "/rounds/2026-1/targets", EVERYTHING, results_path(web)]


def admin_pages(web: BrowserPage) -> list[str]:
    web.login(ADMIN)
    return ["/api-tokens"]


ROLES = [lead_pages, coordinator_pages, admin_pages]


def violations_on(web: BrowserPage, paths: list[str]) -> str:
    found = []
    for path in paths:
        response = web.page.goto(web.url(path))
        assert response is not None and response.status in (200, 400), path
        violations = axe_violations(web)
        if violations:
            found.append(f"{path}:\n{violations}")
    return "\n".join(found)


@pytest.mark.parametrize("pages", ROLES, ids=lambda pages: pages.__name__)
def test_the_pages_have_no_accessibility_violations_at_1280_px(
    web, pages: Callable[[BrowserPage], list[str]]
):
    assert violations_on(web, pages(web)) == ""


@pytest.mark.parametrize("pages", ROLES, ids=lambda pages: pages.__name__)
def test_the_pages_have_no_accessibility_violations_on_a_phone(
    phone, pages: Callable[[BrowserPage], list[str]]
):
    assert violations_on(phone, pages(phone)) == ""
