"""What only a real browser shows: the fill-in flow works with the keyboard alone, every page
passes axe-core's WCAG 2.1 A/AA rules, nothing is fetched from another host, and a speerpunt
fits on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import CHROMIUM, LEAD, REPRESENTATIVE, SKIP_REASON, BrowserPage

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE_WIDTH = 390


# -- helpers --------------------------------------------------------------------------------------


def focused(web: BrowserPage) -> dict[str, str]:
    """What has the keyboard focus: tag, type, name, value, text, accessible label, checked."""
    return web.page.evaluate(
        """() => {
            const e = document.activeElement;
            return {
                tag: e.tagName.toLowerCase(),
                type: e.type || '',
                name: e.name || '',
                value: e.value === undefined ? '' : String(e.value),
                text: (e.innerText || '').trim(),
                label: e.labels && e.labels.length ? e.labels[0].innerText.trim() : '',
                checked: e.checked ? 'yes' : 'no',
            };
        }"""
    )


def tab_to(web: BrowserPage, wanted: Callable[[dict[str, str]], bool], what: str, limit: int = 60) -> None:
    """Press Tab until the focused element is the one ``wanted``; fail if Tab never reaches it."""
    for _ in range(limit):
        web.page.keyboard.press("Tab")
        if wanted(focused(web)):
            return
    pytest.fail(f"{what} cannot be reached with the Tab key ({limit} presses)")


def press_enter_and_wait(web: BrowserPage) -> None:
    with web.page.expect_navigation():
        web.page.keyboard.press("Enter")


def axe_violations(web: BrowserPage) -> str:
    """Every WCAG 2.1 A/AA violation on the page as 'rule: target, target', one a line."""
    results = Axe().run(web.page, options=WCAG_21_AA)
    assert results.response["passes"], "axe-core checked nothing on the page"
    return "\n".join(
        f"{violation['id']}: {', '.join(' '.join(node['target']) for node in violation['nodes'])}"
        for violation in results.response["violations"]
    )


def open_assessment_url(web: BrowserPage) -> str:
    """The path of the representative's open assessment, as linked from his home page."""
    web.goto("/")
    href = web.page.locator("ul.cards a").first.get_attribute("href")
    assert href and re.fullmatch(r"/assessments/\d+", href), href
    return href


def first_theme_url(web: BrowserPage) -> str:
    web.goto(open_assessment_url(web))
    href = web.page.locator("ol.theme-list a").first.get_attribute("href")
    assert href, "the overview links no speerpunt"
    return href


# -- keyboard -------------------------------------------------------------------------------------


def test_a_representative_fills_in_a_question_with_only_the_keyboard(web):
    web.goto("/login")
    tab_to(web, lambda el: el["tag"] == "input" and el["type"] == "email", "the e-mail field")
    web.page.keyboard.type(REPRESENTATIVE)
    web.page.keyboard.press("Tab")
    assert focused(web)["type"] == "password"
    web.page.keyboard.type("demo-dts-2026")
    press_enter_and_wait(web)
    assert web.page.url == web.url("/")

    tab_to(web, lambda el: el["tag"] == "a" and el["text"] == "13 Lichte Brigade", "the open assessment")
    press_enter_and_wait(web)
    assert re.fullmatch(re.escape(web.url("/assessments/")) + r"\d+", web.page.url)

    tab_to(
        web,
        lambda el: el["tag"] == "a" and el["text"] == "Communicatie en digitale samenwerking",
        "the first speerpunt",
    )
    press_enter_and_wait(web)
    theme_url = web.page.url

    tab_to(web, lambda el: el["type"] == "radio", "the first question's choices")
    group = focused(web)["name"]
    before = web.page.locator(f'input[name="{group}"]:checked').get_attribute("value")
    web.page.keyboard.press("ArrowDown")
    chosen = focused(web)
    assert chosen["name"] == group and chosen["checked"] == "yes"
    assert chosen["value"] != (before or ""), "the arrow key did not move to another choice"

    tab_to(web, lambda el: el["tag"] == "button" and el["text"] == "Opslaan", "the Opslaan button")
    press_enter_and_wait(web)
    assert web.page.url == theme_url
    assert "1 antwoord opgeslagen." in web.page.get_by_role("status").all_inner_texts()

    web.page.reload()
    assert web.page.locator(f'input[name="{group}"]:checked').get_attribute("value") == chosen["value"]


# -- accessibility --------------------------------------------------------------------------------


def login_page(web: BrowserPage) -> None:
    web.goto("/login")


def representative_home(web: BrowserPage) -> None:
    web.login(REPRESENTATIVE)


def assessment_overview(web: BrowserPage) -> None:
    web.login(REPRESENTATIVE)
    web.goto(open_assessment_url(web))


def speerpunt_page(web: BrowserPage) -> None:
    web.login(REPRESENTATIVE)
    web.goto(first_theme_url(web))


def submit_confirmation(web: BrowserPage) -> None:
    web.login(REPRESENTATIVE)
    web.goto(open_assessment_url(web) + "/submit")


def lead_home(web: BrowserPage) -> None:
    web.login(LEAD)


def toelichting_too_long(web: BrowserPage) -> None:
    web.login(REPRESENTATIVE)
    web.goto(first_theme_url(web))
    comment = web.page.locator("textarea").first
    # The page itself stops typing at 4,000 characters; a pasted or scripted text is not stopped.
    comment.evaluate("(element) => { element.value = 'x'.repeat(4001); }")
    with web.page.expect_navigation() as navigation:
        web.page.get_by_role("button", name="Opslaan", exact=True).click()
    assert navigation.value.status == 400
    assert web.page.locator(".error-summary").is_visible()


PAGES = [
    login_page,
    representative_home,
    assessment_overview,
    speerpunt_page,
    submit_confirmation,
    lead_home,
    toelichting_too_long,
]


@pytest.mark.parametrize("open_page", PAGES, ids=lambda open_page: open_page.__name__)
def test_a_page_has_no_accessibility_violations(web, open_page):
    open_page(web)
    violations = axe_violations(web)
    assert violations == "", f"axe-core finds WCAG 2.1 A/AA violations on {web.page.url}:\n{violations}"


# -- closed network -------------------------------------------------------------------------------


def test_the_pages_fetch_nothing_from_another_host(web):
    web.login(REPRESENTATIVE)
    overview = open_assessment_url(web)
    web.goto(overview)
    web.goto(first_theme_url(web))
    web.goto(overview + "/submit")
    assert any(url.endswith(".css") for url in web.requests), "the stylesheet was not requested"
    elsewhere = [url for url in web.requests if not url.startswith(web.server.url + "/")]
    assert elsewhere == [], f"requests to another host: {elsewhere}"


# -- small screens --------------------------------------------------------------------------------


def test_a_speerpunt_page_fits_a_phone_without_scrolling_sideways(phone):
    phone.login(REPRESENTATIVE)
    phone.goto(first_theme_url(phone))
    assert phone.page.locator("fieldset.question").count() > 0
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide on a {PHONE_WIDTH} px screen"
