"""Dutch and English: every page in both, the switch in the header, and how the language is chosen.

The pages are those of the access table (and every other page a role can open), visited by each
role that may. In English a page must hold none of the common Dutch words of the interface; the
questionnaire is the DTS file itself, which has an English text for everything, so no Dutch
may come from there either. Test data (names of units, rounds and people) is chosen to be neutral.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from assessment.assessments.models import AssessmentStatus
from assessment.auth.models import Role, User
from assessment.reports.models import ItemStatus
from assessment.rounds.models import Round, RoundStatus
from tests.helpers import WebClient, text_of

# Words of the Dutch interface that an English page must not show ("met" is left out: English has it
# too). Matched as whole words, not
# case-sensitive; none of them is an English word.
DUTCH_WORDS = (
    "opslaan", "vraag", "vragen", "vragenlijst", "toelichting", "indienen", "ingediend", "speerpunt",
    "speerpunten", "eenheid", "eenheden", "ronde", "meetronde", "meetrondes", "niveau", "streefniveau",
    "terug", "volgende", "vorige", "geen", "uitloggen", "inloggen", "goedkeuren", "goedgekeurd",
    "terugsturen", "vergelijken", "aanbeveling", "aanbevelingen", "totaalscore", "wachtwoord",
    "resultaten", "mediaan", "deelname", "rapport", "beheerder", "coördinator", "concept",
    "het", "een", "niet", "voor", "wordt", "zijn", "uw", "naar", "deze", "bij", "ook", "nog", "alle",
    "van", "en", "op", "juli", "januari", "maart", "mei", "oktober",
)  # fmt: skip
DUTCH = re.compile(r"\b(" + "|".join(DUTCH_WORDS) + r")\b", re.IGNORECASE)


@dataclass
class World:
    round_: Round
    draft: int
    submitted: int
    theme_key: str
    unit_code: str
    users: dict[str, User]
    job: int = 0
    failed_job: int = 0
    deciding: int = 0  # submitted in the open round: approve and return are possible

    def url(self, template: str) -> str:
        return template.format(
            draft=self.draft,
            submitted=self.submitted,
            deciding=self.deciding,
            theme=self.theme_key,
            round=self.round_.code,
            unit=self.unit_code,
            rep=self.users["rep"].id,
            questionnaire=self.round_.questionnaire_id,
            job=self.job,
            failed_job=self.failed_job,
        )


@pytest.fixture
def world(factory, db_session) -> World:
    questionnaire = factory.dts_questionnaire()
    own = factory.unit("ALPHA", name="Alpha Squadron", kind="squadron")
    other = factory.unit("BRAVO", name="Bravo Squadron", kind="squadron")
    current = factory.round(questionnaire, code="2026-1")
    earlier = factory.round(questionnaire, code="2025-2", status=RoundStatus.CLOSED)
    current.name, earlier.name = "Spring 2026", "Autumn 2025"
    draft = factory.assessment(own, current)
    submitted = factory.assessment(own, earlier, status=AssessmentStatus.SUBMITTED)
    factory.assessment(other, current, status=AssessmentStatus.APPROVED)
    deciding = factory.assessment(
        factory.unit("CHARLIE", name="Charlie Squadron", kind="squadron"),
        current,
        status=AssessmentStatus.SUBMITTED,
    )
    questions = factory.questions(draft)
    for level, question in zip((1, 2, 3, 2, 4), questions, strict=False):
        factory.answer(draft, question, level, comment="Checked with the staff.")
    for question in factory.questions(submitted):
        factory.answer(submitted, question, 2)
    db_session.commit()
    running = factory.report_job([draft], status=ItemStatus.WAITING, language="en")
    failed = factory.report_job([draft], status=ItemStatus.FAILED)
    return World(
        job=running.id,
        failed_job=failed.id,
        round_=current,
        draft=draft.id,
        submitted=submitted.id,
        deciding=deciding.id,
        theme_key=questionnaire.themes[1].key,
        unit_code=own.code,
        users={
            "rep": factory.user(Role.REPRESENTATIVE, units=[own], name="Anna Smith"),
            "lead": factory.user(Role.LEAD, name="Ben Jones"),
            "coordinator": factory.user(Role.COORDINATOR, name="Chris Brown"),
            "admin": factory.user(Role.ADMIN, name="Dana White"),
        },
    )


# Every page a person can open, with the role that opens it (the access table decides who may).
PAGES = (
    ("anonymous", "/login", 200),
    ("anonymous", "/no-such-page", 404),
    ("rep", "/", 200),
    ("rep", "/assessments/{draft}", 200),
    ("rep", "/assessments/{draft}/speerpunten/{theme}", 200),
    ("rep", "/assessments/{draft}/submit", 200),
    ("rep", "/assessments/{draft}/results", 200),
    ("rep", "/assessments/{submitted}/results", 200),
    ("rep", "/assessments/{submitted}", 200),
    ("rep", "/logout", 200),
    ("rep", "/compare", 403),
    ("lead", "/", 200),
    ("lead", "/compare", 302),  # to the open round's dashboard
    ("lead", "/compare/{round}", 200),
    ("lead", "/rounds", 200),
    ("lead", "/rounds/{round}/targets", 200),
    ("lead", "/assessments/{submitted}/return", 403),
    ("coordinator", "/", 200),
    ("coordinator", "/assessments/{submitted}", 200),
    ("coordinator", "/assessments/{deciding}/return", 200),
    ("coordinator", "/assessments/{submitted}/review", 200),
    ("coordinator", "/assessments/{deciding}/approve", 200),
    ("coordinator", "/rounds/{round}/targets/{unit}", 200),
    ("admin", "/api-tokens", 200),
    ("admin", "/audit", 200),
    ("admin", "/questionnaires", 200),
    ("admin", "/questionnaires/{questionnaire}", 200),
    ("admin", "/exchange", 200),
    ("coordinator", "/units", 200),
    ("coordinator", "/units?zoek=alpha", 200),
    ("coordinator", "/units/new", 200),
    ("coordinator", "/units/{unit}", 200),
    ("coordinator", "/units/import", 200),
    ("coordinator", "/rounds/{round}", 200),
    ("coordinator", "/rounds/new", 200),
    ("coordinator", "/rounds/new?kies=1", 200),
    ("coordinator", "/rounds/{round}/close", 200),
    ("admin", "/users", 200),
    ("admin", "/users/new", 200),
    ("admin", "/users/{rep}", 200),
    ("coordinator", "/users", 200),
    ("rep", "/account/wachtwoord", 200),
    ("anonymous", "/wachtwoord-instellen/onbekend", 404),
    ("coordinator", "/audit?van=2026-13-01", 400),
    ("lead", "/reports/rounds/{round}", 200),
    ("coordinator", "/reports/rounds/{round}", 200),
    ("coordinator", "/reports/jobs/{job}", 200),
    ("lead", "/reports/jobs/{failed_job}", 200),
)
NOT_PAGES = {
    "static",
    "healthz",
    "auth.language",
    "assessments.theme_moved",
    "auth.revoke",
    "assessments.undo",
    "admin.reset_password",
    "rounds.open_",
    "rounds.defaults",
    "exchange.download",  # a .dtsx file, not a page
    "reports.job_progress",  # JSON for the job page's script; its message is checked in test_report_jobs
}


def open_page(client: WebClient, world: World, url: str, language: str):
    return client.get(world.url(url), headers={"Accept-Language": language})


def dutch_words_in(text: str) -> list[str]:
    return sorted({match.group(0) for match in DUTCH.finditer(text)})


@pytest.mark.parametrize(("role", "url", "status"), PAGES, ids=[f"{r} {u}" for r, u, _ in PAGES])
def test_every_page_is_complete_in_english_and_still_dutch_by_default(client, world, role, url, status):
    if role != "anonymous":
        client.login(world.users[role].email)
    dutch = open_page(client, world, url, "nl")
    assert dutch.status_code == status
    english = open_page(client, world, url, "en")
    assert english.status_code == status
    if status == 302:
        return
    assert '<html lang="nl">' in dutch.get_data(as_text=True)
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert dutch_words_in(text_of(english)) == [], f"Dutch on the English page {url}"


def test_every_page_of_the_app_is_in_the_list_above(app, world):
    """A new page is born translatable: it cannot be added without being checked here."""
    adapter = app.url_map.bind("localhost")
    listed = {
        adapter.match(urlsplit(world.url(url)).path)[0] for _, url, _status in PAGES if url != "/no-such-page"
    }
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint not in NOT_PAGES
        and not rule.rule.startswith("/api/")
        and not rule.rule.endswith((".pdf", ".csv", ".xlsx", ".zip"))
    }
    assert pages - listed == set()


def test_numbers_written_in_a_template_follow_each_request_not_the_first(client, world):
    """Jinja may not fold ``4000|decimal(0)`` into the text of whichever language compiled it."""
    client.login(world.users["rep"].email)
    url = world.url("/assessments/{draft}/speerpunten/{theme}")
    assert "4.000" in text_of(client.get(url + "?lang=nl"))
    english = text_of(client.get(url + "?lang=en"))
    assert "4,000" in english and "4.000" not in english
    assert "4.000" in text_of(client.get(url + "?lang=nl"))


def test_form_errors_and_messages_come_in_english(client, world, db_session):
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    for form in ({"email": "nobody@test.local", "password": "wrong"}, {"email": "", "password": ""}):
        refused = client.submit("/login", form, headers=english)
        assert refused.status_code == 400
        assert dutch_words_in(text_of(refused)) == []

    # A message shown after a redirect (log in first), and a form error on a speerpunt page.
    asked = client.get("/compare", headers=english)
    assert urlsplit(asked.headers["Location"]).path == "/login"
    assert dutch_words_in(text_of(client.get(asked.headers["Location"], headers=english))) == []
    client.login(world.users["rep"].email)
    page = world.url("/assessments/{draft}/speerpunten/{theme}")
    question = factory_question_id(db_session, world)
    refused = client.submit(
        page, {"version": "1", "action": "save", f"level_{question}": "9"}, headers=english
    )
    assert refused.status_code in (400, 409)
    assert dutch_words_in(text_of(refused)) == []


def factory_question_id(db_session, world: World) -> int:
    theme = next(t for t in world.round_.questionnaire.themes if t.key == world.theme_key)
    return theme.questions[0].id


def test_the_browser_decides_until_the_user_chooses(client, world):
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "en-US,en;q=0.8"}).text
    assert '<html lang="nl">' in client.get("/login", headers={"Accept-Language": "nl-NL"}).text
    assert '<html lang="nl">' in client.get("/login", headers={"Accept-Language": "de-DE"}).text
    assert '<html lang="nl">' in client.get("/login").text


def test_a_visitor_switches_on_the_login_page_and_stays_on_it(client, world):
    switched = client.submit("/taal", {"language": "en", "next": "/login?next=%2Fcompare"}, page="/login")
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/login?next=%2Fcompare"
    # Remembered in the session, whatever the browser says.
    page = client.get("/login?next=%2Fcompare", headers={"Accept-Language": "nl"})
    assert '<html lang="en">' in page.text
    assert "Log in" in text_of(page)


def test_a_choice_made_on_the_login_page_is_kept_with_the_account(client, other_client, world, db_session):
    client.submit("/taal", {"language": "en", "next": "/login"}, page="/login")
    client.login(world.users["coordinator"].email)
    db_session.refresh(world.users["coordinator"])
    assert world.users["coordinator"].language == "en"
    other_client.login(world.users["coordinator"].email)
    assert '<html lang="en">' in other_client.get("/").text


def test_a_users_choice_is_kept_with_his_account_for_his_next_login(client, other_client, world, db_session):
    rep = world.users["rep"]
    client.login(rep.email)
    results = world.url("/assessments/{draft}/results")
    switched = client.submit("/taal", {"language": "en", "next": results}, page=results)
    assert urlsplit(switched.headers["Location"]).path == results
    db_session.refresh(rep)
    assert rep.language == "en"

    # Another browser, Dutch by its settings: after login the interface is English.
    other_client.login(rep.email)
    assert '<html lang="en">' in other_client.get("/", headers={"Accept-Language": "nl"}).text

    # And back.
    client.submit("/taal", {"language": "nl", "next": "/"}, page="/")
    assert '<html lang="nl">' in other_client.get("/", headers={"Accept-Language": "en"}).text


def test_lang_on_the_address_is_for_that_page_only(client, world):
    client.login(world.users["lead"].email)
    assert '<html lang="en">' in client.get("/compare/2026-1?lang=en").text
    assert '<html lang="nl">' in client.get("/compare/2026-1").text


def test_the_switch_is_a_form_on_every_page_that_returns_to_the_same_page(client, world):
    client.login(world.users["lead"].email)
    html = client.get("/compare/2026-1?sort=overall&lang=nl").text
    switch = re.search(r'<form[^>]*action="/taal".*?</form>', html, re.S)
    assert switch, "no language switch in the header"
    assert 'name="next" value="/compare/2026-1?sort=overall"' in switch.group(0)
    assert re.search(
        r'<button[^>]*name="language"[^>]*value="en"[^>]*lang="en"[^>]*>English</button>', switch.group(0)
    )
    assert "Nederlands" not in switch.group(0)  # only the other language is offered


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_switch_never_leads_to_another_site(client, world, target):
    switched = client.submit("/taal", {"language": "en", "next": target}, page="/login")
    assert switched.headers["Location"] == "/"


def test_the_switch_refuses_a_language_the_app_does_not_speak_and_a_post_without_token(client, world):
    assert client.submit("/taal", {"language": "de", "next": "/login"}, page="/login").status_code == 400
    assert client.post("/taal", data={"language": "en", "next": "/login"}).status_code == 400
    assert '<html lang="nl">' in client.get("/login").text
