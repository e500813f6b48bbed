"""Bad input on the speerpunt page gets a clear answer, and nothing is lost: a refused post
stores nothing at all, and a save over someone else's newer one is never silent."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role
from tests.helpers import checked_choice, text_of

NOTHING_SAVED = "Er is niets opgeslagen."
UNKNOWN_LEVEL = "Kies een van de niveaus die bij deze vraag horen."
SOMEONE_ELSE = "Iemand anders heeft deze vragenlijst gewijzigd nadat u de pagina opende."


@pytest.fixture
def setting(factory):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    # Per speerpunt two questions: x.1 allows n.v.t., x.2 does not.
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    assessment = factory.assessment(unit, factory.round(questionnaire, code="2026-1"))
    rep = factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local", name="Anna Eerste")
    colleague = factory.user(Role.REPRESENTATIVE, units=[unit], email="bea@test.local", name="Bea Tweede")
    return assessment, rep, colleague


def questions_of(assessment):
    """(1.1, 1.2, 2.1, 2.2): the questions by the number the page shows."""
    first, second = assessment.round.questionnaire.themes
    return (*first.questions, *second.questions)


def answer_form(version, choices=None, comments=None):
    data = {"version": str(version), "action": "save"}
    for question, choice in (choices or {}).items():
        data[f"level_{question.id}"] = choice
    for question, comment in (comments or {}).items():
        data[f"comment_{question.id}"] = comment
    return data


def stored_answers(db_session, assessment) -> dict[int, tuple[int | None, bool, str]]:
    db_session.expire_all()
    return {
        a.question_id: (a.level, a.is_not_applicable, a.comment)
        for a in db_session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))
    }


def stored_version(db_session, assessment) -> int:
    db_session.expire_all()
    return db_session.get(Assessment, assessment.id).version


def version_on(html: str) -> str:
    match = re.search(r'<input[^>]*name="version"[^>]*>', html)
    assert match, "no version field on the page"
    value = re.search(r'value="(\d+)"', match.group(0))
    assert value
    return value.group(1)


# -- a level the question does not have ---------------------------------------------------------


@pytest.mark.parametrize("choice", ["9", "6", "0", "-1", "3.0", " 3", "drie", "nvt"])
def test_a_level_the_question_does_not_have_is_refused_and_names_the_question(
    client, setting, db_session, choice
):
    assessment, rep, _ = setting
    q11, q12, *_ = questions_of(assessment)
    assert not q12.allow_not_applicable  # so "nvt" is a choice 1.2 does not have
    client.login(rep.email)

    response = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1",
        answer_form(assessment.version, {q11: "3", q12: choice}, {q11: "Zie plan"}),
    )

    assert response.status_code == 400
    page = text_of(response)
    assert NOTHING_SAVED in page
    assert f"Vraag 1.2 (antwoord): {UNKNOWN_LEVEL}" in page
    assert "Vraag 1.1 (antwoord)" not in page
    assert stored_answers(db_session, assessment) == {}  # 1.1 is not half-saved either
    assert stored_version(db_session, assessment) == assessment.version
    html = response.get_data(as_text=True)
    assert checked_choice(html, q11.id) == "3"  # what the user chose is still on the page
    assert "Zie plan" in html


def test_a_level_above_the_questionnaires_scale_is_refused(client, factory, db_session):
    unit = factory.unit()
    questionnaire = factory.questionnaire(themes=1, questions=1, levels=4)
    assessment = factory.assessment(unit, factory.round(questionnaire))
    rep = factory.user(Role.REPRESENTATIVE, units=[unit])
    question = questionnaire.themes[0].questions[0]
    client.login(rep.email)

    refused = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1", answer_form(1, {question: "5"})
    )
    assert refused.status_code == 400
    assert f"Vraag 1.1 (antwoord): {UNKNOWN_LEVEL}" in text_of(refused)
    assert stored_answers(db_session, assessment) == {}

    accepted = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1", answer_form(1, {question: "4"})
    )
    assert accepted.status_code == 302
    assert stored_answers(db_session, assessment) == {question.id: (4, False, "")}


# -- a question that is not on this page --------------------------------------------------------


@pytest.fixture
def foreign_question_id(setting, factory):
    def make(where: str) -> int:
        assessment, *_ = setting
        if where == "another speerpunt":
            return questions_of(assessment)[2].id
        if where == "another questionnaire":
            return factory.questionnaire(themes=1, questions=1).themes[0].questions[0].id
        return 999_999_999  # no question at all

    return make


@pytest.mark.parametrize("field", ["level", "comment"])
@pytest.mark.parametrize("where", ["another speerpunt", "another questionnaire", "nowhere"])
def test_a_field_for_a_question_that_is_not_on_this_page_is_refused(
    client, setting, db_session, foreign_question_id, where, field
):
    assessment, rep, _ = setting
    q11, *_ = questions_of(assessment)
    client.login(rep.email)
    data = answer_form(assessment.version, {q11: "3"})
    data[f"{field}_{foreign_question_id(where)}"] = "2" if field == "level" else "Ingeslopen"

    response = client.submit(f"/assessments/{assessment.id}/speerpunten/thema-1", data)

    assert response.status_code == 400
    assert "Het formulier bevat een vraag die niet bij dit speerpunt hoort." in text_of(response)
    db_session.expire_all()
    assert db_session.scalars(select(Answer)).all() == []
    assert stored_version(db_session, assessment) == assessment.version


# -- the toelichting ------------------------------------------------------------------------------


def test_a_toelichting_of_4001_characters_is_refused_with_a_message_that_names_it(
    client, setting, db_session
):
    assessment, rep, _ = setting
    q11, q12, *_ = questions_of(assessment)
    client.login(rep.email)

    response = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1",
        answer_form(assessment.version, {q11: "3", q12: "2"}, {q12: "x" * 4001}),
    )

    assert response.status_code == 400
    page = text_of(response)
    assert "Vraag 1.2 (toelichting): De toelichting is te lang: maximaal 4.000 tekens." in page
    assert "Vraag 1.1 (" not in page
    assert stored_answers(db_session, assessment) == {}


def test_a_toelichting_of_4000_characters_is_stored_whole(client, setting, db_session):
    assessment, rep, _ = setting
    q11, *_ = questions_of(assessment)
    client.login(rep.email)
    comment = "Zie het plan. " * 285 + "Klaar."  # 3,990 + 6 = 3,996 characters
    comment += "." * (4000 - len(comment))

    response = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1",
        answer_form(assessment.version, {q11: "3"}, {q11: comment}),
    )

    assert response.status_code == 302
    assert stored_answers(db_session, assessment) == {q11.id: (3, False, comment)}


def test_a_toelichting_of_4000_characters_with_line_breaks_as_a_browser_sends_them_is_stored(
    client, setting, db_session
):
    """The page allows 4,000 characters (maxlength counts a line break as one); a browser sends
    each line break as CR LF, so the post is longer than what the user typed."""
    assessment, rep, _ = setting
    q11, *_ = questions_of(assessment)
    client.login(rep.email)
    typed = "\n".join(["Regel met bewijs." + "x" * 82] * 40)  # 40 lines of 99 + 39 breaks = 3,999
    typed += "!"
    assert len(typed) == 4000

    response = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1",
        answer_form(assessment.version, {q11: "3"}, {q11: typed.replace("\n", "\r\n")}),
    )

    assert response.status_code == 302, text_of(response)
    assert stored_answers(db_session, assessment) == {q11.id: (3, False, typed)}


# -- the CSRF token -------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong", "of another session"])
def test_a_save_without_a_valid_token_stores_nothing(client, other_client, setting, db_session, token):
    assessment, rep, _ = setting
    q11, q12, *_ = questions_of(assessment)
    client.login(rep.email)
    data = answer_form(assessment.version, {q11: "3", q12: "4"})
    if token == "wrong":
        data["csrf_token"] = "IjFhMmIzYzRkNWU2ZjciLg.not-a-token"
    elif token == "of another session":
        data["csrf_token"] = other_client.token("/login")

    response = client.post(f"/assessments/{assessment.id}/speerpunten/thema-1", data=data)

    assert response.status_code == 400
    assert "Het formulier was verlopen of niet geldig. Er is niets opgeslagen." in text_of(response)
    assert stored_answers(db_session, assessment) == {}
    assert stored_version(db_session, assessment) == assessment.version


# -- two people, one assessment -----------------------------------------------------------------


def test_the_second_of_two_saves_from_the_same_page_is_refused_and_nothing_of_it_is_lost(
    client, other_client, setting, db_session
):
    assessment, rep, colleague = setting
    q11, q12, *_ = questions_of(assessment)
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    client.login(rep.email)
    other_client.login(colleague.email)
    anna_loaded = version_on(client.get(url).get_data(as_text=True))
    bea_loaded = version_on(other_client.get(url).get_data(as_text=True))

    first = client.submit(url, answer_form(anna_loaded, {q11: "3"}, {q11: "Volgens Anna"}))
    assert first.status_code == 302

    bea_form = answer_form(bea_loaded, {q11: "4", q12: "2"}, {q11: "Volgens Bea"})
    second = other_client.submit(url, bea_form)

    assert second.status_code == 409
    page = text_of(second)
    assert SOMEONE_ELSE in page
    assert "Uw wijzigingen zijn niet opgeslagen." in page
    assert "Opgeslagen door Anna Eerste: niveau 3, toelichting: “Volgens Anna”." in page
    html = second.get_data(as_text=True)
    assert checked_choice(html, q11.id) == "4"  # Bea sees her own answers again ...
    assert checked_choice(html, q12.id) == "2"
    assert "Volgens Bea" in html
    assert stored_answers(db_session, assessment) == {q11.id: (3, False, "Volgens Anna")}  # ... unsaved

    # Saving again, now from the page that showed both, is a deliberate choice to keep hers.
    again = other_client.submit(url, bea_form | {"version": version_on(html)})
    assert again.status_code == 302
    assert stored_answers(db_session, assessment) == {
        q11.id: (4, False, "Volgens Bea"),
        q12.id: (2, False, ""),
    }


def test_submitting_from_a_stale_page_is_refused(client, other_client, setting, db_session):
    assessment, rep, colleague = setting
    q11, *_ = questions_of(assessment)
    client.login(rep.email)
    other_client.login(colleague.email)
    submit_url = f"/assessments/{assessment.id}/submit"
    loaded = version_on(client.get(submit_url).get_data(as_text=True))
    saved = other_client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1", answer_form(loaded, {q11: "2"})
    )
    assert saved.status_code == 302

    response = client.submit(submit_url, {"version": loaded})

    assert response.status_code == 409
    page = text_of(response)
    assert SOMEONE_ELSE in page
    assert "Nog 3 vragen zonder antwoord" in page  # the page now shows what is stored
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).status is AssessmentStatus.DRAFT

    again = client.submit(submit_url, {"version": version_on(response.get_data(as_text=True))})
    assert again.status_code == 302
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).status is AssessmentStatus.SUBMITTED


def test_correcting_a_refused_form_after_a_colleagues_save_is_still_a_conflict(
    client, other_client, setting, db_session
):
    """The page shown again after a form error keeps the version Anna started from: her corrected
    save must not silently overwrite what Bea saved in the meantime."""
    assessment, rep, colleague = setting
    q11, *_ = questions_of(assessment)
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    client.login(rep.email)
    other_client.login(colleague.email)
    anna_loaded = version_on(client.get(url).get_data(as_text=True))
    bea_loaded = version_on(other_client.get(url).get_data(as_text=True))
    assert other_client.submit(url, answer_form(bea_loaded, {q11: "4"})).status_code == 302

    refused = client.submit(url, answer_form(anna_loaded, {q11: "9"}))
    assert refused.status_code == 400
    assert version_on(refused.get_data(as_text=True)) == anna_loaded

    corrected = client.submit(url, answer_form(version_on(refused.get_data(as_text=True)), {q11: "2"}))

    assert corrected.status_code == 409
    assert SOMEONE_ELSE in text_of(corrected)
    assert stored_answers(db_session, assessment) == {q11.id: (4, False, "")}
