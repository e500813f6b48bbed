"""When something breaks on the server's side the user gets a page in the layout and in his own
language, told that nothing was saved when he was saving, with a short code that is also in the
log line; the API answers the same as JSON. A method a page does not serve is a 405 that names the
methods it does serve."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy.exc import OperationalError

from assessment.assessments import services as assessment_services
from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.auth.models import Role
from assessment.extensions import login_manager
from tests.functional.test_api import API, assert_described, described
from tests.helpers import text_of

REFERENCE = re.compile(r"\b[0-9a-f]{8}\b")


@pytest.fixture
def errors_answered(app, monkeypatch):
    """The app as it runs in production: an unhandled exception becomes a 500 answer (under
    TESTING Flask would hand it to the test instead)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


@pytest.fixture
def setting(factory):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    assessment = factory.assessment(unit, round_)
    rep = factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local", name="Anna Smit")
    return assessment, rep


def broken(*args, **kwargs):
    raise RuntimeError("a bug")


def reference_in(text: str) -> str:
    found = REFERENCE.findall(text)
    assert len(found) == 1, f"not one reference in: {text}"
    return found[0]


def logged_with(caplog, reference: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR and reference in r.getMessage()]


def test_a_save_that_fails_says_nothing_was_saved_with_a_reference_that_is_in_the_log(
    client, setting, db_session, monkeypatch, caplog, errors_answered
):
    assessment, rep = setting
    client.login(rep.email)
    # The submit changes the status, then fails while recording it.
    monkeypatch.setattr(assessment_services, "record", broken)
    response = client.submit(f"/assessments/{assessment.id}/submit", {"version": assessment.version})

    assert response.status_code == 500
    page = text_of(response)
    assert "Er ging iets mis" in page
    assert "Er is niets opgeslagen." in page
    assert "Anna Smit" in page  # the layout, with the user's header
    assert '<html lang="nl">' in response.text
    reference = reference_in(page)
    [record] = logged_with(caplog, reference)
    assert f"/assessments/{assessment.id}/submit" in record.getMessage()
    assert record.exc_info is not None and "a bug" in str(record.exc_info[1])
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).status is AssessmentStatus.DRAFT


def test_a_page_that_fails_is_in_the_language_the_user_chose_and_a_get_does_not_mention_saving(
    app, client, setting, db_session, monkeypatch, errors_answered
):
    _assessment, rep = setting
    rep.language = "en"
    db_session.commit()
    client.login(rep.email)
    monkeypatch.setitem(app.view_functions, "assessments.home", broken)
    response = client.get("/", headers={"Accept-Language": "nl"})

    assert response.status_code == 500
    assert '<html lang="en">' in response.text
    page = text_of(response)
    assert "Something went wrong" in page
    assert "Anna Smit" in page
    assert "saved" not in page and "opgeslagen" not in page
    reference_in(page)


def test_two_failures_get_different_references(app, client, setting, monkeypatch, errors_answered):
    client.login(setting[1].email)
    monkeypatch.setitem(app.view_functions, "assessments.home", broken)
    first, second = (reference_in(text_of(client.get("/"))) for _ in range(2))
    assert first != second


def test_with_the_database_gone_the_error_page_still_answers_in_the_layout(
    client, setting, monkeypatch, caplog, errors_answered
):
    """Loading the logged-in user fails: the page cannot show him, nor ask his language."""
    client.login(setting[1].email)

    def database_gone(user_id):
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(login_manager, "_user_callback", database_gone)
    response = client.get("/", headers={"Accept-Language": "en"})

    assert response.status_code == 500
    assert 'class="site-header"' in response.text
    page = text_of(response)
    assert "Something went wrong" in page
    assert logged_with(caplog, reference_in(page))


def test_when_the_layout_itself_fails_a_plain_page_still_gives_the_reference(
    client, setting, monkeypatch, errors_answered
):
    assessment, rep = setting
    client.login(rep.email)
    monkeypatch.setattr(assessment_services, "record", broken)
    monkeypatch.setattr("assessment.errors.render_template", broken)
    response = client.submit(f"/assessments/{assessment.id}/submit", {"version": assessment.version})

    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = text_of(response)
    assert "Er ging iets mis" in page
    assert "Er is niets opgeslagen." in page
    reference_in(page)


# -- the API --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "Er ging iets mis aan onze kant"), ("?lang=en", "Something went wrong on our side")],
)
def test_an_api_failure_is_json_as_described_with_its_reference_in_the_language_asked(
    client, factory, monkeypatch, caplog, errors_answered, query, message
):
    client.login(factory.user(Role.LEAD).email)
    monkeypatch.setattr("assessment.api.views.list_rounds", broken)
    response = client.get(f"{API}/rounds{query}")

    assert response.status_code == 500
    assert_described(described(client), "/rounds", response)
    body = response.get_json()
    assert body["message"].startswith(message)
    assert body["reference"] in body["message"]
    assert logged_with(caplog, body["reference"])


@pytest.mark.parametrize("query", ["?lang=de", "?lang=", "?lang=en&lang=nl", "?lang=english"])
def test_an_unknown_language_on_the_api_is_a_400_as_described(client, factory, query):
    client.login(factory.user(Role.LEAD).email)
    response = client.get(f"{API}/rounds{query}")
    assert response.status_code == 400
    assert_described(described(client), "/rounds", response)
    assert "lang" in response.get_json()["message"]


@pytest.mark.parametrize("assessment_id", [2**31, 2**63, 10**23])
def test_an_assessment_id_beyond_what_the_database_holds_is_a_404(client, factory, assessment_id):
    client.login(factory.user(Role.LEAD).email)
    response = client.get(f"{API}/assessments/{assessment_id}")
    assert response.status_code == 404
    assert_described(described(client), "/assessments/{id}", response)


# -- 405 ------------------------------------------------------------------------------------------


def allowed(response) -> set[str]:
    return {method.strip() for method in response.headers.get("Allow", "").split(",") if method.strip()}


def test_a_method_a_page_does_not_serve_is_a_405_page_that_names_the_methods_it_does(client):
    response = client.client.put("/login", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert allowed(response) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert 'class="site-header"' in response.text
    assert "Not allowed" in text_of(response)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "TRACE"])
def test_a_method_the_api_does_not_serve_is_a_405_as_json_with_allow(client, factory, method):
    client.login(factory.user(Role.LEAD).email)
    response = client.client.open(f"{API}/rounds", method=method)
    assert response.status_code == 405
    assert allowed(response) == {"GET", "HEAD", "OPTIONS"}
    body = response.get_json()
    assert body == {"status": 405, "message": "Deze handeling kan hier niet."}
    description = described(client)
    assert "Allow" in description["components"]["responses"]["MethodNotAllowed"]["headers"]
