"""A unit representative fills in, saves, resumes and submits his unit's assessment."""

from __future__ import annotations

import pytest

from assessment.assessments.models import AssessmentStatus
from assessment.auth.models import Role
from tests.helpers import checked_choice, text_of


@pytest.fixture
def setting(factory):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    assessment = factory.assessment(unit, round_)
    rep = factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local")
    return assessment, rep


def answer_form(assessment, choices: dict[int, str], comments: dict[int, str] | None = None):
    data = {"version": str(assessment.version), "action": "save"}
    for question_id, choice in choices.items():
        data[f"level_{question_id}"] = choice
    for question_id, comment in (comments or {}).items():
        data[f"comment_{question_id}"] = comment
    return data


def test_the_representative_sees_his_open_assessment_with_progress(client, setting, factory):
    _assessment, rep = setting
    client.login(rep.email)
    page = text_of(client.get("/"))
    assert "13 Lichte Brigade" in page
    assert "0 van 4 vragen beantwoord" in page


def test_a_speerpunt_page_shows_each_level_with_its_descriptor_for_the_question(client, setting):
    assessment, rep = setting
    client.login(rep.email)
    page = text_of(client.get(f"/assessments/{assessment.id}/speerpunten/thema-1"))
    assert "Vraag 1.1.1?" in page
    for level in range(1, 6):
        assert f"Beschrijving 1.1.1 op niveau {level}" in page
    assert "Niet van toepassing" in page  # question 1 allows n.v.t.
    assert "Toelichting" in page


def test_saved_answers_are_still_there_after_logging_out_and_in(client, setting, factory):
    assessment, rep = setting
    q1, q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    response = client.submit(
        url,
        answer_form(
            assessment,
            {q1.id: "3", q2.id: "nvt"} if q2.allow_not_applicable else {q1.id: "nvt", q2.id: "3"},
            {q1.id: "Zie het verbindingsplan"},
        ),
    )
    assert response.status_code == 302
    client.logout()
    client.login(rep.email)
    html = client.get(url).get_data(as_text=True)
    assert {checked_choice(html, q1.id), checked_choice(html, q2.id)} == {"3", "nvt"}
    assert "Zie het verbindingsplan" in html
    assert "2 van 4 vragen beantwoord" in text_of(client.get("/"))


def test_submitting_lists_unanswered_questions_and_then_the_assessment_is_read_only(client, setting):
    assessment, rep = setting
    client.login(rep.email)
    confirm = text_of(client.get(f"/assessments/{assessment.id}/submit"))
    assert "Nog 4 vragen zonder antwoord" in confirm
    assert "Vraag 2.1.1?" in confirm
    response = client.submit(f"/assessments/{assessment.id}/submit", {"version": assessment.version})
    assert response.status_code == 302
    overview = text_of(client.get(f"/assessments/{assessment.id}"))
    assert "ingediend" in overview
    page = client.get(f"/assessments/{assessment.id}/speerpunten/thema-1").get_data(as_text=True)
    assert 'type="radio"' not in page
    assert "Niet beantwoord" in page


def test_a_crafted_post_cannot_change_a_submitted_assessment(client, setting, db_session):
    assessment, rep = setting
    q1 = assessment.round.questionnaire.themes[0].questions[0]
    client.login(rep.email)
    client.submit(f"/assessments/{assessment.id}/submit", {"version": assessment.version})
    response = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1",
        answer_form(assessment, {q1.id: "5"}) | {"version": str(assessment.version + 1)},
        page=f"/assessments/{assessment.id}",
    )
    assert response.status_code == 400
    assert "kan niet meer worden gewijzigd" in text_of(response)
    db_session.expire_all()
    assert db_session.get(type(assessment), assessment.id).status is AssessmentStatus.SUBMITTED
    assert db_session.get(type(assessment), assessment.id).answers == []


HOSTILE = '</textarea><script>alert("x")</script> & 3 < 4'


def textarea_of(html: str, question_id: int) -> str:
    """The text a browser shows in the toelichting box of a question."""
    import html as html_module

    inner = html.split(f'name="comment_{question_id}"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    return html_module.unescape(inner).removeprefix("\n")


def test_a_toelichting_with_html_in_it_comes_back_as_text_in_its_box(client, setting):
    assessment, rep = setting
    q1, q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    assert client.submit(url, answer_form(assessment, {q1.id: "2"}, {q1.id: HOSTILE})).status_code == 302

    html = client.get(url).get_data(as_text=True)
    assert "<script>" not in html
    assert textarea_of(html, q1.id) == HOSTILE
    assert checked_choice(html, q1.id) == "2"
    assert textarea_of(html, q2.id) == ""

    # The same when the page comes back with an error to correct (another way of rendering).
    refused = client.submit(url, answer_form(assessment, {q1.id: "2", q2.id: "9"}, {q1.id: HOSTILE}))
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "<script>" not in html
    assert textarea_of(html, q1.id) == HOSTILE
    assert checked_choice(html, q1.id) == "2"
