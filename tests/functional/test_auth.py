"""Logging in and out, and what protects every form and page: CSRF tokens, security headers,
nothing loaded from outside the closed network."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.auth.models import Role, User
from tests.helpers import PASSWORD, text_of

LOGIN_FAILED = "Het e-mailadres of het wachtwoord klopt niet."
CSRF_REFUSED = "Het formulier was verlopen of niet geldig. Er is niets opgeslagen."


@pytest.fixture
def setting(factory):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    draft = factory.assessment(unit, factory.round(questionnaire, code="2026-1"))
    submitted = factory.assessment(
        unit, factory.round(questionnaire, code="2025-2"), status=AssessmentStatus.SUBMITTED
    )
    rep = factory.user(
        Role.REPRESENTATIVE, units=[unit], email="rep@test.local", name="Piet Vertegenwoordiger"
    )
    coordinator = factory.user(Role.COORDINATOR, email="coordinator@test.local")
    return draft, submitted, rep, coordinator


def is_logged_in(client) -> bool:
    response = client.get("/")
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"
        return False
    assert response.status_code == 200
    return True


def stays_on_this_site(location: str) -> bool:
    """True for a path on this site; a browser reads ``/\\host`` as ``//host``, so no backslash."""
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and location.startswith("/")
        and not location.startswith("//")
        and "\\" not in location
    )


# -- logging in ---------------------------------------------------------------------------------


def test_logging_in_with_the_right_password_opens_the_home_page(client, setting):
    response = client.submit("/login", {"email": "rep@test.local", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welkom, Piet Vertegenwoordiger" in text_of(client.get("/"))


def test_a_wrong_password_and_an_unknown_address_get_the_same_generic_answer(client, other_client, setting):
    wrong_password = client.submit("/login", {"email": "rep@test.local", "password": "not-the-password"})
    unknown_address = other_client.submit("/login", {"email": "nobody@test.local", "password": PASSWORD})
    assert wrong_password.status_code == unknown_address.status_code == 400
    assert LOGIN_FAILED in text_of(wrong_password)
    assert text_of(wrong_password) == text_of(unknown_address)
    assert not is_logged_in(client)
    assert not is_logged_in(other_client)


def test_the_login_form_keeps_the_address_but_never_the_password(client, setting):
    response = client.submit("/login", {"email": "rep@test.local", "password": "my-secret-guess-123"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="rep@test.local"' in html
    assert "my-secret-guess-123" not in html
    password_input = re.search(r'<input[^>]*name="password"[^>]*>', html)
    assert password_input
    assert re.search(r'value="[^"]', password_input.group(0)) is None


def test_an_inactive_user_cannot_log_in(client, factory):
    factory.user(Role.LEAD, email="gone@test.local", is_active=False)
    response = client.submit("/login", {"email": "gone@test.local", "password": PASSWORD})
    assert response.status_code == 400
    assert LOGIN_FAILED in text_of(response)
    assert not is_logged_in(client)


def test_a_user_made_inactive_is_logged_out_at_his_next_request(client, setting, db_session):
    *_, rep, _ = setting
    client.login(rep.email)
    assert is_logged_in(client)
    db_session.get(User, rep.id).is_active = False
    db_session.commit()
    assert not is_logged_in(client)


@pytest.mark.parametrize("typed", ["REP@TEST.LOCAL", "Rep@Test.Local", "  rep@test.local  "])
def test_the_email_address_is_not_case_sensitive(client, setting, typed):
    response = client.submit("/login", {"email": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert is_logged_in(client)


def test_after_login_the_user_comes_back_to_the_page_he_asked_for(client, setting):
    draft, *_ = setting
    asked = client.get(f"/assessments/{draft.id}")
    login_url = asked.headers["Location"]
    assert urlsplit(login_url).path == "/login"
    response = client.submit(login_url, {"email": "rep@test.local", "password": PASSWORD}, page="/login")
    assert response.headers["Location"] == f"/assessments/{draft.id}"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "http://evil.example/login",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        " //evil.example",
        "javascript:alert(1)",
    ],
)
def test_after_login_next_never_leads_to_another_site(client, setting, target):
    response = client.submit(
        f"/login?next={quote(target, safe='')}",
        {"email": "rep@test.local", "password": PASSWORD},
        page="/login",
    )
    if "\t" in target:  # a control character in the address: the input filter refuses the request
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302
    assert stays_on_this_site(response.headers["Location"]), response.headers["Location"]


# -- logging out --------------------------------------------------------------------------------


def test_opening_the_logout_page_asks_first_and_does_not_log_out(client, setting):
    *_, rep, _ = setting
    client.login(rep.email)
    response = client.get("/logout")
    assert response.status_code == 200
    assert "Wilt u uitloggen?" in text_of(response)
    assert is_logged_in(client)


def test_confirming_logs_out(client, setting):
    *_, rep, _ = setting
    client.login(rep.email)
    response = client.submit("/logout", page="/logout")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert "U bent uitgelogd." in text_of(client.get("/login"))
    assert not is_logged_in(client)


# -- CSRF ---------------------------------------------------------------------------------------


def _status(db_session, assessment) -> AssessmentStatus:
    db_session.expire_all()
    return db_session.get(Assessment, assessment.id).status


@pytest.mark.parametrize("token", ["missing", "wrong", "of another session"])
@pytest.mark.parametrize("form", ["login", "logout", "submit", "approve", "return"])
def test_a_form_posted_without_a_valid_token_is_refused_and_nothing_happens(
    client, other_client, setting, db_session, form, token
):
    draft, submitted, rep, coordinator = setting
    if form in ("logout", "submit"):
        client.login(rep.email)
    elif form in ("approve", "return"):
        client.login(coordinator.email)
    url, data = {
        "login": ("/login", {"email": rep.email, "password": PASSWORD}),
        "logout": ("/logout", {}),
        "submit": (f"/assessments/{draft.id}/submit", {"version": draft.version}),
        "approve": (f"/assessments/{submitted.id}/approve", {"version": submitted.version}),
        "return": (
            f"/assessments/{submitted.id}/return",
            {"version": submitted.version, "reason": "Graag aanvullen."},
        ),
    }[form]
    if token == "wrong":
        data["csrf_token"] = "IjFhMmIzYzRkNWU2ZjciLg.not-a-token"
    elif token == "of another session":
        data["csrf_token"] = other_client.token("/login")

    response = client.post(url, data=data)

    assert response.status_code == 400
    assert CSRF_REFUSED in text_of(response)
    assert is_logged_in(client) is (form != "login")
    assert _status(db_session, draft) is AssessmentStatus.DRAFT
    assert _status(db_session, submitted) is AssessmentStatus.SUBMITTED


# -- what every page carries --------------------------------------------------------------------


def _pages(setting) -> list[str]:
    draft, *_ = setting
    return [
        "/",
        f"/assessments/{draft.id}",
        f"/assessments/{draft.id}/speerpunten/thema-1",
        f"/assessments/{draft.id}/submit",
        "/logout",
        "/assessments/999999999",
    ]


def test_every_page_sends_the_security_headers(client, setting):
    *_, rep, _ = setting
    responses = {"/login": client.get("/login"), "/healthz": client.get("/healthz")}
    client.login(rep.email)
    responses |= {page: client.get(page) for page in _pages(setting)}
    for page, response in responses.items():
        policy = dict(
            [*directive.strip().split(" ", 1), ""][:2]
            for directive in response.headers.get("Content-Security-Policy", "").split(";")
            if directive.strip()
        )
        assert policy.get("default-src") == "'self'", page
        assert "unsafe-inline" not in policy.get("script-src", "'self'"), page
        assert response.headers.get("X-Content-Type-Options") == "nosniff", page


URL_ATTRIBUTE = re.compile(r'\b(?:src|href|action|srcset|poster|data)\s*=\s*["\']([^"\']*)["\']', re.I)
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def test_no_page_loads_or_links_anything_from_outside_the_site(client, setting):
    *_, rep, _ = setting
    htmls = {"/login": client.get("/login").get_data(as_text=True)}
    client.login(rep.email)
    htmls |= {page: client.get(page).get_data(as_text=True) for page in _pages(setting)}
    stylesheets = set()
    for page, html in htmls.items():
        urls = URL_ATTRIBUTE.findall(html)
        assert urls, f"no links found on {page}: the check would prove nothing"
        external = [url for url in urls if EXTERNAL.match(url)]
        assert external == [], f"{page} refers to {external}"
        without_namespaces = re.sub(r'\sxmlns(?::\w+)?="[^"]*"', "", html)  # names, not addresses
        assert not re.search(r"https?://", without_namespaces), f"{page} mentions an outside address"
        stylesheets |= {url for url in urls if url.endswith(".css")}
    assert stylesheets
    for stylesheet in stylesheets:
        response = client.get(stylesheet)
        css = response.get_data(as_text=True)
        response.close()
        assert response.status_code == 200
        assert not re.search(r"https?://|@import|url\(\s*['\"]?//", css), stylesheet
