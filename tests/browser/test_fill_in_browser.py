"""What only a real browser shows: the fill-in flow works with the keyboard alone, every page
passes axe-core's WCAG 2.1 A/AA rules, nothing is fetched from another host, and a speerpunt
fits on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, expect

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


def tab_to(web: BrowserPage, wanted: Callable[[dict[str, str]], bool], what: str, limit: int = 60) -> int:
    """Press Tab until the focused element is the one ``wanted`` and return how many presses it
    took; fail if Tab never reaches it."""
    for presses in range(1, limit + 1):
        web.page.keyboard.press("Tab")
        if wanted(focused(web)):
            return presses
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

    # The second Tab stop is the skip link to the questions; from there the first question's help
    # and then its choices.
    presses = tab_to(
        web, lambda el: el["tag"] == "a" and el["text"].startswith("Direct naar de eerste"), "the skip link"
    )
    assert presses == 2
    web.page.keyboard.press("Enter")
    tab_to(web, lambda el: el["type"] == "radio", "the first question's choices", limit=2)
    group = focused(web)["name"]
    assert web.page.locator("fieldset.question").first.locator(f'input[name="{group}"]').count() > 0
    before = web.page.locator(f'input[name="{group}"]:checked').get_attribute("value")
    web.page.keyboard.press("ArrowDown")
    chosen = focused(web)
    assert chosen["name"] == group and chosen["checked"] == "yes"
    assert chosen["value"] != (before or ""), "the arrow key did not move to another choice"

    press_enter_and_wait(web)  # Enter in a choice saves the page (it never clears an answer)
    assert web.page.url == theme_url
    assert "opgeslagen" in " ".join(web.page.get_by_role("status").all_inner_texts())

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


def toelichting_too_long(web: BrowserPage, *, logged_in: bool = False) -> None:
    if not logged_in:
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


def test_a_speerpunt_page_fits_a_phone_with_its_navigation_folded(phone):
    phone.login(REPRESENTATIVE)
    phone.goto(first_theme_url(phone))
    assert phone.page.locator("fieldset.question").count() > 0
    width = phone.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide on a {PHONE_WIDTH} px screen"

    # The speerpunt navigation and the speerpunt's description fold away: the first question is
    # not below five speerpunten and a long text.
    nav_link = phone.page.locator("nav.theme-nav li a").first
    expect(nav_link).to_be_hidden()
    expect(phone.page.locator(".about-theme p")).to_be_hidden()
    phone.page.locator("nav.theme-nav summary").click()
    expect(nav_link).to_be_visible()
    phone.page.get_by_text("Over dit speerpunt").click()
    expect(phone.page.locator(".about-theme p")).to_be_visible()


def test_the_fill_in_pages_have_no_accessibility_violations_on_a_phone(phone):
    phone.login(REPRESENTATIVE)
    found = {"home": axe_violations(phone)}
    overview = open_assessment_url(phone)
    phone.goto(overview)
    found["overview"] = axe_violations(phone)
    phone.goto(first_theme_url(phone))
    found["speerpunt"] = axe_violations(phone)
    phone.page.locator("nav.theme-nav summary").click()
    found["speerpunt, navigation open"] = axe_violations(phone)
    phone.goto(overview + "/submit")
    found["check your answers"] = axe_violations(phone)
    toelichting_too_long(phone, logged_in=True)
    found["an error to correct"] = axe_violations(phone)
    assert {page: v for page, v in found.items() if v} == {}


# -- the way through ------------------------------------------------------------------------------


def test_ga_verder_leads_from_the_home_page_to_the_first_open_question(web):
    web.login(REPRESENTATIVE)
    with web.page.expect_navigation():
        web.page.get_by_role("link", name="Ga verder").click()
    target = web.page.url.split("#", 1)[1]
    question = web.page.locator(f'[id="{target}"]')
    expect(question).to_be_in_viewport()
    # On a wide screen nothing is folded: the navigation and the speerpunt's description show.
    expect(web.page.locator("nav.theme-nav li a").first).to_be_visible()
    expect(web.page.locator(".about-theme p")).to_be_visible()
    assert question.locator("input:checked").count() == 0, "Ga verder led to an answered question"
    answered_before = web.page.evaluate(
        """(id) => { const all = [...document.querySelectorAll('fieldset.question')];
                     const upTo = all.slice(0, all.findIndex(f => f.id === id));
                     return upTo.every(f => f.querySelector('input:checked')); }""",
        target,
    )
    assert answered_before, "an earlier question of the speerpunt is still open"
    for earlier in web.page.locator("nav.theme-nav li").all()[: int(target.split("-")[1].split(".")[0]) - 1]:
        expect(earlier).to_contain_text("klaar")


def test_check_your_answers_changes_an_answer_comes_back_and_submits(web):
    web.login(REPRESENTATIVE)
    web.goto(open_assessment_url(web))
    with web.page.expect_navigation():
        web.page.get_by_role("link", name="Controleer en dien in").click()
    expect(web.page.get_by_role("heading", level=1)).to_have_text("Controleer uw antwoorden")
    row = web.page.locator('[id="antwoord-1.1"]')
    before = row.locator(".summary-answer strong").inner_text()
    with web.page.expect_navigation():
        row.get_by_role("link", name="Wijzig vraag 1.1").click()

    question = web.page.locator('[id="vraag-1.1"]')
    expect(question).to_be_in_viewport()
    other = "1" if before.startswith("2") else "2"
    question.locator(f'input[value="{other}"]').check()
    with web.page.expect_navigation():
        web.page.get_by_role("button", name="Opslaan en terug naar controleren").click()
    assert web.page.url.endswith("/submit#antwoord-1.1")
    expect(row).to_be_in_viewport()
    expect(row.locator(".summary-answer strong")).to_have_text(re.compile(f"^{other} · "))

    with web.page.expect_navigation():
        web.page.get_by_role("button", name="Ja, indienen").click()
    expect(web.page.get_by_role("status").first).to_have_text("De vragenlijst is ingediend. Dank u wel.")
    expect(web.page.locator("dl.facts")).to_contain_text("ingediend")


# -- errors ---------------------------------------------------------------------------------------


def test_a_refused_save_shows_the_error_summary_in_view_with_the_focus_on_a_phone(phone):
    toelichting_too_long(phone)
    summary = phone.page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(phone.page).to_have_title(re.compile(r"^Fout: "))


# -- autosave -------------------------------------------------------------------------------------


def status(web: BrowserPage) -> Locator:
    return web.page.locator("#opslag-status")


SAVED = re.compile(r"^Opgeslagen om \d\d:\d\d$")


def open_question(web: BrowserPage) -> Locator:
    """The first question on the page without an answer."""
    return web.page.locator("fieldset.question:not(:has(input:checked))").first


def speerpunt_with_open_questions(web: BrowserPage) -> str:
    """The speerpunt page "Ga verder" leads to (without the question in the address)."""
    web.goto("/")
    href = web.page.get_by_role("link", name="Ga verder").get_attribute("href")
    assert href
    return href.split("#", 1)[0]


def test_a_chosen_level_and_a_toelichting_are_saved_without_a_button(web):
    web.login(REPRESENTATIVE)
    web.goto(speerpunt_with_open_questions(web))
    asked: list[str] = []
    web.page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    number = open_question(web).get_attribute("id")
    question = web.page.locator(f'[id="{number}"]')  # open_question() moves on once it is answered
    question.locator('input[value="3"]').check()
    expect(status(web)).to_have_text(SAVED)
    with web.page.expect_response(lambda response: response.url.endswith("/autosave")) as saved:
        question.locator("textarea").fill("Getraind tijdens de laatste oefening.")
    assert saved.value.status == 200
    expect(status(web)).to_have_text(SAVED)

    # Off to another speerpunt through the navigation: nothing is lost, nothing is asked.
    with web.page.expect_navigation():
        web.page.locator("nav.theme-nav li a").first.click()
    web.page.go_back()
    web.page.reload()
    again = web.page.locator(f'[id="{number}"]')
    expect(again.locator('input[value="3"]')).to_be_checked()
    expect(again.locator("textarea")).to_have_value("Getraind tijdens de laatste oefening.")
    assert asked == []

    # "Wis antwoord" takes the answer away in place (and saves that too); the toelichting stays.
    clear = again.get_by_role("button", name=f"Wis antwoord op vraag {number.removeprefix('vraag-')}")
    with web.page.expect_response(lambda response: response.url.endswith("/autosave")) as saved:
        clear.click()
    assert saved.value.status == 200
    expect(again.locator("input:checked")).to_have_count(0)
    expect(again.locator('input[type="radio"]').first).to_be_focused()
    expect(clear).to_be_hidden()
    web.page.reload()
    expect(again.locator("input:checked")).to_have_count(0)
    expect(again.locator("textarea")).to_have_value("Getraind tijdens de laatste oefening.")


def test_a_save_after_a_colleagues_shows_the_choice_and_overwrites_nothing(web):
    web.login(REPRESENTATIVE)
    url = speerpunt_with_open_questions(web)
    web.goto(url)
    first = open_question(web).get_attribute("id")
    colleague = web.page.context.new_page()  # the same unit's page in another tab
    try:
        colleague.goto(web.url(url))
        colleague.locator(f'[id="{first}"] input[value="4"]').check()
        expect(colleague.locator("#opslag-status")).to_have_text(SAVED)

        questions = web.page.locator("fieldset.question:not(:has(input:checked))")
        second = questions.nth(1).get_attribute("id")
        web.page.locator(f'[id="{second}"] input[value="2"]').check()
        expect(status(web)).to_have_text(re.compile("^Niet opgeslagen: iemand anders was u voor"))
        summary = web.page.locator("#autosave-problem .error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Klik nog eens op Opslaan om uw antwoorden te bewaren")
        expect(web.page.locator(f'[id="{first}"] .conflict-note')).to_have_text(
            "Opgeslagen door Sanne de Vries: niveau 4."
        )
        expect(web.page).to_have_title(re.compile(r"^Fout: "))
        assert axe_violations(web) == ""

        # Nothing of this page was saved over the colleague's answer.
        colleague.reload()
        expect(colleague.locator(f'[id="{first}"] input[value="4"]')).to_be_checked()
        expect(colleague.locator(f'[id="{second}"] input:checked')).to_have_count(0)
    finally:
        colleague.close()

    # The choice: Opslaan keeps this page's answers, as the form does after a refused save.
    with web.page.expect_navigation():
        web.page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(web.page.locator(f'[id="{second}"] input[value="2"]')).to_be_checked()
    expect(web.page.locator(f'[id="{first}"] input:checked')).to_have_count(0)


def test_a_change_made_offline_is_saved_when_the_connection_returns(web):
    web.login(REPRESENTATIVE)
    web.goto(speerpunt_with_open_questions(web))
    number = open_question(web).get_attribute("id")
    web.page.context.set_offline(True)
    web.page.locator(f'[id="{number}"] input[value="2"]').check()
    expect(status(web)).to_have_text(re.compile("^Geen verbinding: uw wijzigingen zijn nog niet opgeslagen"))

    with web.page.expect_response(lambda response: response.url.endswith("/autosave")) as saved:
        web.page.context.set_offline(False)
    assert saved.value.status == 200
    expect(status(web)).to_have_text(SAVED)
    web.page.reload()
    expect(web.page.locator(f'[id="{number}"] input[value="2"]')).to_be_checked()


def test_leaving_with_a_change_that_could_not_be_saved_asks_first(web):
    web.login(REPRESENTATIVE)
    url = web.url(speerpunt_with_open_questions(web))
    web.page.goto(url)
    web.page.route("**/autosave", lambda route: route.fulfill(status=500, body="Internal Server Error"))
    open_question(web).locator('input[value="2"]').check()
    expect(status(web)).to_have_text(re.compile("^Niet opgeslagen: er ging iets mis"))

    web.page.once("dialog", lambda dialog: dialog.dismiss())  # "Stay on this page"
    with web.page.expect_event("dialog") as asked:
        web.page.locator("nav.theme-nav li a").first.click()
    assert asked.value.type == "beforeunload"
    assert web.page.url == url

    # Once it is saved, leaving asks nothing.
    web.page.unroute("**/autosave")
    open_question(web).locator('input[value="3"]').check()
    expect(status(web)).to_have_text(SAVED)
    with web.page.expect_navigation():
        web.page.locator("nav.theme-nav li a").first.click()
    assert web.page.url != url
