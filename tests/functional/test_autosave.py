"""The speerpunt page's script saves as the user goes, through a JSON endpoint that refuses what
the form refuses: no CSRF token, a stale version (someone else saved), a bad answer, an assessment
that can no longer change. The browser side is in tests/browser/test_fill_in_browser.py."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role


@pytest.fixture
def setting(factory):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    assessment = factory.assessment(unit, factory.round(questionnaire, code="2026-1"))
    rep = factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local", name="Sanne de Vries")
    colleague = factory.user(
        Role.REPRESENTATIVE, units=[unit], email="collega@test.local", name="Piet Collega"
    )
    return assessment, rep, colleague


def page_of(assessment) -> str:
    return f"/assessments/{assessment.id}/speerpunten/thema-1"


def autosave(client, assessment, fields: dict[str, str], *, version: int, language: str = "nl"):
    """What the script sends: the form's fields as they are on the page (no button)."""
    return client.submit(
        page_of(assessment) + "/autosave",
        {"version": str(version), **fields},
        page=page_of(assessment),
        headers={"Accept": "application/json", "Accept-Language": language},
    )


def stored(db_session, assessment) -> dict[int, tuple[int | None, bool, str]]:
    db_session.expire_all()
    rows = db_session.execute(
        select(Answer.question_id, Answer.level, Answer.is_not_applicable, Answer.comment).where(
            Answer.assessment_id == assessment.id
        )
    )
    return {question_id: (level, nvt, comment) for question_id, level, nvt, comment in rows}


def version_of(db_session, assessment) -> int:
    db_session.expire_all()
    return db_session.get(Assessment, assessment.id).version


def test_a_change_is_saved_and_the_page_learns_the_new_version_and_the_time(client, setting, db_session):
    assessment, rep, _colleague = setting
    q1, q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    response = autosave(
        client, assessment, {f"level_{q1.id}": "3", f"comment_{q1.id}": "Zie plan"}, version=1
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "saved"
    assert re.fullmatch(r"Opgeslagen om \d\d:\d\d", body["message"])
    assert body["version"] == version_of(db_session, assessment) == 2
    assert "bezig" in body["theme"] and "1 van 2" in body["theme"]
    assert "1 van 4 vragen beantwoord in de hele vragenlijst" in body["progress"]
    assert stored(db_session, assessment) == {q1.id: (3, False, "Zie plan")}
    assert response.headers["Cache-Control"] == "no-store"

    # The next change goes with the version it was given; an unchecked choice is no answer.
    response = autosave(
        client, assessment, {f"level_{q2.id}": "1", f"comment_{q1.id}": "Zie plan"}, version=2
    )
    assert response.get_json()["version"] == 3
    assert stored(db_session, assessment) == {q1.id: (None, False, "Zie plan"), q2.id: (1, False, "")}


def test_the_time_of_a_save_is_written_the_english_way_in_english(client, setting):
    assessment, rep, _colleague = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    response = autosave(client, assessment, {f"level_{q1.id}": "2"}, version=1, language="en")
    message = response.get_json()["message"]  # "Saved at 2:32 PM" ("Opgeslagen om 14:32" in Dutch)
    assert re.search(r" \d{1,2}:\d\d\s[AP]M$", message), message


def test_a_save_after_someone_elses_is_refused_with_the_choice_the_form_offers(
    client, other_client, setting, db_session
):
    assessment, rep, colleague = setting
    q1, q2 = assessment.round.questionnaire.themes[0].questions
    other_client.login(colleague.email)
    assert autosave(other_client, assessment, {f"level_{q1.id}": "4"}, version=1).status_code == 200

    client.login(rep.email)  # his page still says version 1, and q1 unanswered
    response = autosave(client, assessment, {f"level_{q2.id}": "2"}, version=1)

    assert response.status_code == 409
    body = response.get_json()
    assert body["state"] == "conflict"
    assert body["version"] == 2  # saving again with it is the choice to keep his own answers
    assert stored(db_session, assessment) == {q1.id: (4, False, "")}  # nothing of his overwrote it
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body["summary"]))
    assert "Niet opgeslagen: iemand anders was u voor" in summary
    assert "Klik nog eens op Opslaan om uw antwoorden te bewaren, of laad de opgeslagen versie" in summary
    assert "data-discard" in body["summary"]
    assert list(body["notes"]) == ["vraag-1.1", "vraag-1.2"]
    assert "Opgeslagen door Piet Collega: niveau 4." in body["notes"]["vraag-1.1"]
    assert "Opgeslagen door iemand anders: geen antwoord." in body["notes"]["vraag-1.2"]

    # The form's own save with the version from the conflict keeps his answers, as on the page.
    form = {"version": "2", "action": "save", f"level_{q2.id}": "2"}
    assert client.submit(page_of(assessment), form).status_code == 302
    assert stored(db_session, assessment) == {q1.id: (None, False, ""), q2.id: (2, False, "")}


def test_a_save_without_the_csrf_token_changes_nothing(client, setting, db_session):
    assessment, rep, _colleague = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    response = client.post(page_of(assessment) + "/autosave", data={"version": "1", f"level_{q1.id}": "3"})
    assert response.status_code == 400
    assert stored(db_session, assessment) == {}


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"level_{q1}": "9"}, "Vraag 1.1 (antwoord): Kies een van de niveaus die bij deze vraag horen."),
        (
            {"comment_{q1}": "x" * 4001},
            "Vraag 1.1 (toelichting): De toelichting is te lang: maximaal 4.000 tekens.",
        ),
        ({"level_{other}": "3"}, "Het formulier bevat een vraag die niet bij dit speerpunt hoort."),
        ({"level_{q1}": "2", "version": "oud"}, "Laad de pagina opnieuw"),
    ],
)
def test_what_the_form_refuses_autosave_refuses_too(client, setting, db_session, fields, reason):
    assessment, rep, _colleague = setting
    (q1, _q2), (other, _) = (t.questions for t in assessment.round.questionnaire.themes)
    client.login(rep.email)
    data = {key.format(q1=q1.id, other=other.id): value for key, value in fields.items()}
    response = autosave(client, assessment, {"version": "1", **data}, version=1)
    assert response.status_code == 400
    body = response.get_json()
    assert body["state"] == "refused"
    assert body["message"].startswith("Niet opgeslagen.") and reason in body["message"]
    assert stored(db_session, assessment) == {}
    assert version_of(db_session, assessment) == 1


def test_a_submitted_assessment_is_not_changed_by_a_page_left_open(client, setting, db_session):
    assessment, rep, _colleague = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    client.submit(f"/assessments/{assessment.id}/submit", {"version": "1"})
    response = autosave(client, assessment, {f"level_{q1.id}": "3"}, version=2)
    assert response.status_code == 400
    assert "kan niet meer worden gewijzigd" in response.get_json()["message"]
    assert stored(db_session, assessment) == {}
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).status is AssessmentStatus.SUBMITTED


def test_the_page_points_its_script_at_the_endpoint_only_for_who_may_fill_in(client, setting, factory):
    assessment, rep, _colleague = setting
    client.login(rep.email)
    html = client.get(page_of(assessment)).get_data(as_text=True)
    assert f'data-autosave="{page_of(assessment)}/autosave"' in html
    assert '<script src="/static/js/autosave.js" defer></script>' in html
    assert 'role="status"' in html.split('class="save-bar"')[1]

    client.logout()
    client.login(factory.user(Role.LEAD).email)
    html = client.get(page_of(assessment)).get_data(as_text=True)
    assert "autosave" not in html
