"""A unit representative fills in, saves, resumes and submits his unit's assessment."""

from __future__ import annotations

import re

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


# -- the way through ----------------------------------------------------------------------------


def primary_buttons(html: str) -> list[tuple[str, str]]:
    """(href, text) of every primary button on the page."""
    return [
        (href, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip())
        for href, text in re.findall(r'<a class="button primary" href="([^"]*)">(.*?)</a>', html, re.S)
    ]


def test_the_home_card_leads_to_the_first_open_question_and_at_the_end_to_check_and_submit(client, setting):
    assessment, rep = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    theme_1 = f"/assessments/{assessment.id}/speerpunten/thema-1"
    client.submit(theme_1, answer_form(assessment, {q1.id: "3"}))

    home = client.get("/").get_data(as_text=True)
    assert primary_buttons(home) == [(f"{theme_1}#vraag-1.2", "Ga verder met 13 Lichte Brigade")]

    answer_everything(client, assessment)
    home = client.get("/").get_data(as_text=True)
    assert primary_buttons(home) == [
        (f"/assessments/{assessment.id}/submit", "Controleer en dien in voor 13 Lichte Brigade")
    ]


def answer_everything(client, assessment) -> None:
    for theme in assessment.round.questionnaire.themes:
        url = f"/assessments/{assessment.id}/speerpunten/{theme.key}"
        version = re.search(
            r'name="version" type="hidden" value="(\d+)"', client.get(url).get_data(as_text=True)
        )
        form = {"version": version.group(1), "action": "save"} | {
            f"level_{q.id}": "2" for q in theme.questions
        }
        assert client.submit(url, form).status_code == 302


def test_the_overview_shows_where_each_speerpunt_stands_and_one_primary_action(client, setting):
    assessment, rep = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1", answer_form(assessment, {q1.id: "nvt"})
    )

    html = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    page = text_of(client.get(f"/assessments/{assessment.id}"))
    assert "Thema 1 bezig 1 van 2" in page
    assert "Thema 2 niet begonnen 0 van 2" in page
    assert "Verder met vraag 1.2, in speerpunt Thema 1." in page
    assert [text for _href, text in primary_buttons(html)] == ["Ga verder"]
    assert "Controleer en dien in" in page  # submitting early stays possible, as a secondary button

    answer_everything(client, assessment)
    html = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert "Thema 1 klaar 2 van 2" in text_of(client.get(f"/assessments/{assessment.id}"))
    assert primary_buttons(html) == [(f"/assessments/{assessment.id}/submit", "Controleer en dien in")]


def test_the_speerpunt_navigation_says_klaar_bezig_or_niet_begonnen(client, setting):
    assessment, rep = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    url = f"/assessments/{assessment.id}/speerpunten/thema-2"
    client.submit(f"/assessments/{assessment.id}/speerpunten/thema-1", answer_form(assessment, {q1.id: "1"}))
    nav = text_of(client.get(url)).split("Speerpunten", 1)[1]
    assert "Thema 1 bezig 1 van 2" in nav
    assert "Thema 2 niet begonnen 0 van 2" in nav


@pytest.fixture
def three_speerpunten(factory):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    questionnaire = factory.questionnaire(themes=3, capabilities=1, questions=2)
    assessment = factory.assessment(unit, factory.round(questionnaire, code="2026-1"))
    rep = factory.user(Role.REPRESENTATIVE, units=[unit], email="rep3@test.local")
    return assessment, rep


def test_opslaan_en_volgende_skips_a_finished_speerpunt_and_ends_at_check_your_answers(
    client, three_speerpunten
):
    assessment, rep = three_speerpunten
    themes = assessment.round.questionnaire.themes
    client.login(rep.email)
    base = f"/assessments/{assessment.id}/speerpunten"
    second = {f"level_{q.id}": "4" for q in themes[1].questions}
    assert (
        client.submit(
            f"{base}/thema-2", {"version": assessment.version, "action": "save"} | second
        ).status_code
        == 302
    )

    first = {f"level_{q.id}": "2" for q in themes[0].questions}
    response = client.submit(f"{base}/thema-1", {"version": assessment.version + 1, "action": "next"} | first)
    assert response.headers["Location"] == f"{base}/thema-3#vraag-3.1"  # speerpunt 2 is done

    page = client.get(f"{base}/thema-3").get_data(as_text=True)
    assert ">Opslaan en controleren</button>" in page  # nothing else is open
    third = {f"level_{q.id}": "nvt" if q.allow_not_applicable else "1" for q in themes[2].questions}
    response = client.submit(f"{base}/thema-3", {"version": assessment.version + 2, "action": "next"} | third)
    assert response.headers["Location"] == f"/assessments/{assessment.id}/submit"


# -- check your answers -------------------------------------------------------------------------


def test_check_your_answers_lists_the_open_questions_first_then_every_answer_with_a_change_link(
    client, setting
):
    assessment, rep = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1",
        answer_form(assessment, {q1.id: "3"}, {q1.id: "Zie het verbindingsplan"}),
    )
    response = client.get(f"/assessments/{assessment.id}/submit")
    html, page = response.get_data(as_text=True), text_of(response)
    assert "Nog 3 vragen zonder antwoord" in page
    open_list = page.index("Nog 3 vragen zonder antwoord")
    assert open_list < page.index("Speerpunt 1: Thema 1") < page.index("Speerpunt 2: Thema 2")

    answer = page.split("Vraag 1.1 Vraag 1.1.1?")[-1].split("Vraag 1.2")[0]
    assert "3 · Gedefinieerd : Beschrijving 1.1.1 op niveau 3" in answer
    assert "Toelichting: Zie het verbindingsplan" in answer
    assert "Wijzig vraag 1.1" in answer
    assert f'href="/assessments/{assessment.id}/speerpunten/thema-1?terug=1.1#vraag-1.1"' in html
    assert "Niet beantwoord Beantwoorden vraag 1.2" in page
    assert page.index("Wilt u de vragenlijst nu indienen?") > page.index("Speerpunt 2: Thema 2")


def test_a_change_from_check_your_answers_returns_to_that_answer(client, setting):
    assessment, rep = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    page = client.get(f"{url}?terug=1.1").get_data(as_text=True)
    assert ">Opslaan en terug naar controleren</button>" in page
    assert '<input name="terug" type="hidden" value="1.1">' in page

    response = client.submit(url, answer_form(assessment, {q1.id: "4"}) | {"action": "check", "terug": "1.1"})
    assert response.headers["Location"] == f"/assessments/{assessment.id}/submit#antwoord-1.1"
    assert "4 · Beheerst" in text_of(client.get(f"/assessments/{assessment.id}/submit"))


@pytest.mark.parametrize("back", ["2.1", "1.9", "https://elders.example/", ""])
def test_a_way_back_to_anything_but_a_question_of_this_speerpunt_is_ignored(client, setting, back):
    assessment, rep = setting
    client.login(rep.email)
    page = client.get(f"/assessments/{assessment.id}/speerpunten/thema-1", query_string={"terug": back})
    assert "Opslaan en terug naar controleren" not in text_of(page)
    assert 'name="terug"' not in page.get_data(as_text=True)


# -- errors and keyboard ------------------------------------------------------------------------


def test_a_refused_save_shows_the_error_summary_first_with_focus_and_fout_in_the_title(client, setting):
    assessment, rep = setting
    q1, _q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    refused = client.submit(
        f"/assessments/{assessment.id}/speerpunten/thema-1",
        answer_form(assessment, {q1.id: "3"}, {q1.id: "x" * 4001}),
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert re.search(r"<title>Fout: Thema 1 – 13 Lichte Brigade", html)
    summary = re.search(r'<div class="error-summary"[^>]*>', html)
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    assert html.index('class="error-summary"') < html.index('class="theme-nav"')
    assert "Vraag 1.1 (toelichting): De toelichting is te lang" in text_of(refused)


def test_an_unanswered_question_has_no_checked_choice_and_a_skip_link_leads_to_the_first_open_one(
    client, setting
):
    assessment, rep = setting
    q1, q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    html = client.get(url).get_data(as_text=True)
    assert checked_choice(html, q1.id) is None and checked_choice(html, q2.id) is None
    assert 'value=""' not in "".join(re.findall(r'<input[^>]*type="radio"[^>]*>', html))
    assert '<a class="skip-link" href="#vraag-1.1">Direct naar de eerste open vraag</a>' in html

    client.submit(url, answer_form(assessment, {q1.id: "2"}))
    html = client.get(url).get_data(as_text=True)
    assert '<a class="skip-link" href="#vraag-1.2">Direct naar de eerste open vraag</a>' in html


def test_wis_antwoord_clears_a_chosen_level_without_javascript_and_keeps_the_toelichting(client, setting):
    assessment, rep = setting
    q1, q2 = assessment.round.questionnaire.themes[0].questions
    client.login(rep.email)
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    client.submit(url, answer_form(assessment, {q1.id: "3", q2.id: "2"}, {q1.id: "Zie het plan"}))
    html = client.get(url).get_data(as_text=True)
    assert f'name="clear" value="{q1.id}"' in html

    # The browser posts the whole form, with the button that was pressed.
    form = answer_form(assessment, {q1.id: "3", q2.id: "2"}, {q1.id: "Zie het plan"})
    response = client.submit(url, form | {"version": str(assessment.version + 1), "clear": str(q1.id)})
    assert response.headers["Location"] == f"{url}#vraag-1.1"
    html = client.get(url).get_data(as_text=True)
    assert "Het antwoord op vraag 1.1 is gewist." in text_of_html(html)
    assert checked_choice(html, q1.id) is None
    assert checked_choice(html, q2.id) == "2"
    assert textarea_of(html, q1.id) == "Zie het plan"


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
