"""A unit sees where it stands: the results page with scores, targets, gaps, the radar chart, the
Defensie median, the change since its previous round and the recommendations to act on."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re

import pytest

from assessment.assessments.models import AssessmentStatus
from assessment.auth.models import Role
from assessment.rounds.models import RoundStatus, Target
from tests.helpers import text_of


def plain(fragment: str) -> str:
    """The text of an HTML fragment as a reader sees it (tags out, white space folded)."""
    fragment = re.sub(r"<[^>]+>", " ", fragment)
    text = re.sub(r"\s+", " ", html_module.unescape(fragment)).strip()
    return text.replace(" ,", ",")  # "<a>2.1</a>, 2.2" reads "2.1, 2.2"


def table_rows(html: str, caption: str) -> dict[str, list[str]]:
    """The rows of the table with this caption: the first cell's text → the other cells' texts."""
    match = re.search(
        r"<table[^>]*>\s*<caption[^>]*>\s*" + re.escape(caption) + r"\s*</caption>.*?</table>", html, re.S
    )
    assert match, f"no table '{caption}' on the page"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(0), re.S):
        cells = [plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def headline(html: str) -> str:
    match = re.search(r'<ul class="headline".*?</ul>', html, re.S)
    assert match, "no headline on the page"
    return plain(match.group(0))


def radar_svg(html: str) -> str:
    match = re.search(r'<svg[^>]*class="chart radar".*?</svg>', html, re.S)
    assert match, "no radar chart on the page"
    return match.group(0)


COLUMNS = [
    "Score",
    "Behaald niveau",
    "Doel",
    "Afstand tot doel",
    "Op weg naar doel",
    "Volledig",
    "Mediaan Defensie",
]


def figures(html: str, row: str) -> dict[str, str]:
    """One speerpunt's figures in the 'Cijfers per speerpunt' table, by column heading."""
    rows = table_rows(html, "Cijfers per speerpunt")
    return dict(zip(rows["Speerpunt"], rows[row], strict=True))


@pytest.fixture
def brigade(factory):
    """13 Lichte Brigade in round 2026-1 of a questionnaire with 2 speerpunten × 2 capabilities ×
    2 questions on a scale of 1–5 (default target 3), and its representative."""
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    questionnaire = factory.questionnaire(themes=2, capabilities=2, questions=2)
    round_ = factory.round(questionnaire, code="2026-1")
    assessment = factory.assessment(unit, round_)
    rep = factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local")
    return assessment, rep


def questions_by_key(factory, assessment):
    return {q.key: q for q in factory.questions(assessment)}


def answer(factory, assessment, levels: dict[str, int | str]) -> None:
    """Answer questions by key: a level, or 'nvt'."""
    questions = questions_by_key(factory, assessment)
    for key, level in levels.items():
        if level == "nvt":
            factory.answer(assessment, questions[key], None, not_applicable=True)
        else:
            factory.answer(assessment, questions[key], level)


def results_of(client, assessment):
    response = client.get(f"/assessments/{assessment.id}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- the headline, the table and the chart ---------------------------------------------------------


def test_the_representative_sees_his_units_overall_score_level_and_completeness(client, factory, brigade):
    assessment, rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 2, "vraag-1-1-2": 3})
    client.login(rep.email)
    html = results_of(client, assessment)
    assert headline(html) == (
        "2,5 Totaalscore op een schaal van 1 tot 5 "
        "2 Behaald niveau Herhaalbaar omdat vraag 1.1 op niveau 2 staat "
        "25% Volledig 2 van 8 vragen beantwoord "
        "75% Op weg naar het doel 100% = alle vragen op doelniveau"
    )
    page = plain(html)
    assert "Resultaten 13 Lichte Brigade (CLAS-13LTBRIG)" in page
    assert "Ronde 2026-1 (2026-1) · concept" in page


def test_each_speerpunt_has_its_score_level_target_gap_progress_and_completeness(client, factory, brigade):
    assessment, rep = brigade
    # Speerpunt 1: levels 2 and 3 → score 2,5, level 2; gaps to 3 are 1 and 0 out of a room of
    # (3 − 1) × 2 = 4 → 75% tot doel; 2 of its 4 questions answered.
    answer(factory, assessment, {"vraag-1-1-1": 2, "vraag-1-1-2": 3})
    client.login(rep.email)
    html = results_of(client, assessment)
    assert figures(html, "1. Thema 1") == {
        "Score": "2,5",
        "Behaald niveau": "2 · Herhaalbaar omdat vraag 1.1 op niveau 2 staat",
        "Doel": "3",
        "Afstand tot doel": "0,5",
        "Op weg naar doel": "75%",
        "Volledig": "50%",
        "Mediaan Defensie": "–",
    }
    assert figures(html, "2. Thema 2") == {
        "Score": "–",
        "Behaald niveau": "–",
        "Doel": "3",
        "Afstand tot doel": "–",
        "Op weg naar doel": "–",
        "Volledig": "0%",
        "Mediaan Defensie": "–",
    }


def test_the_capabilities_of_each_speerpunt_have_their_own_rows(client, factory, brigade):
    assessment, rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 4, "vraag-1-1-2": 5, "vraag-1-2-1": 1})
    client.login(rep.email)
    html = results_of(client, assessment)
    rows = table_rows(html, "Onderdelen van Thema 1")
    assert rows["Onderdeel"] == ["Score", "Behaald niveau", "Volledig"]
    assert rows["Capability 1.1"] == ["4,5", "4 · Beheerst omdat vraag 1.1 op niveau 4 staat", "2 van 2"]
    assert rows["Capability 1.2"] == ["1,0", "1 · Initieel omdat vraag 1.3 op niveau 1 staat", "1 van 2"]
    assert "Onderdelen van Thema 2" not in html  # nothing answered: one line instead of dashes
    assert "2. Thema 2 Nog niet ingevuld: geen van de 4 vragen is beantwoord." in plain(html)


def reason_links(html: str, row: str) -> list[str]:
    """The addresses linked from one speerpunt's 'Behaald niveau' cell."""
    match = re.search(r"<th scope=\"row\">\s*" + re.escape(row) + r"\s*</th>(.*?)</tr>", html, re.S)
    assert match, f"no row '{row}'"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [html_module.unescape(href) for href in re.findall(r'href="([^"]+)"', cells[1])]


def test_beside_each_attained_level_stands_the_question_that_holds_it_down_with_a_link_to_it(
    client, factory, brigade
):
    assessment, rep = brigade
    # Speerpunt 2: 2.1 at 3, 2.2 at 1 (the weak spot), 2.3 at 4: score 2,7 but level 1.
    answer(factory, assessment, {"vraag-1-1-1": 3, "vraag-2-1-1": 3, "vraag-2-1-2": 1, "vraag-2-2-1": 4})
    client.login(rep.email)
    html = results_of(client, assessment)
    assert figures(html, "2. Thema 2")["Behaald niveau"] == "1 · Initieel omdat vraag 2.2 op niveau 1 staat"
    assert (
        figures(html, "1. Thema 1")["Behaald niveau"] == "3 · Gedefinieerd omdat vraag 1.1 op niveau 3 staat"
    )
    assert "Behaald niveau Initieel omdat vraag 2.2 op niveau 1 staat" in headline(html)
    (link,) = reason_links(html, "2. Thema 2")
    assert link == f"/assessments/{assessment.id}/speerpunten/thema-2#vraag-2.2"
    page, anchor = link.split("#")
    question_page = client.get(page)
    assert question_page.status_code == 200
    assert f'id="{anchor}"' in question_page.get_data(as_text=True)


def test_several_questions_at_the_lowest_level_are_all_named_and_many_are_counted(client, factory):
    unit = factory.unit()
    assessment = factory.assessment(unit, factory.round(factory.questionnaire(themes=2, questions=5)))
    answer(factory, assessment, {"vraag-1-1-1": 2, "vraag-1-1-2": 4, "vraag-1-1-3": 2})
    answer(factory, assessment, {f"vraag-2-1-{q}": 1 for q in range(1, 6)})
    client.login(factory.user(Role.REPRESENTATIVE, units=[unit]).email)
    html = results_of(client, assessment)
    assert figures(html, "1. Thema 1")["Behaald niveau"] == (
        "2 · Herhaalbaar omdat de vragen 1.1 en 1.3 op niveau 2 staan"
    )
    assert figures(html, "2. Thema 2")["Behaald niveau"] == (
        "1 · Initieel omdat 5 vragen op niveau 1 staan, onder andere 2.1, 2.2 en 2.3"
    )
    assert len(reason_links(html, "2. Thema 2")) == 3


def test_a_level_at_the_top_of_the_scale_says_nothing_holds_it_down(client, factory, brigade):
    assessment, rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 5, "vraag-1-1-2": 5})
    client.login(rep.email)
    html = results_of(client, assessment)
    assert figures(html, "1. Thema 1")["Behaald niveau"] == (
        "5 · Adaptief omdat alle beantwoorde vragen op het hoogste niveau staan"
    )
    assert reason_links(html, "1. Thema 1") == []


def test_the_page_speaks_dutch_afstand_tot_doel_and_onderdeel_not_gap_and_capability(
    client, factory, brigade
):
    assessment, rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 2})
    client.login(rep.email)
    html = results_of(client, assessment)
    page = plain(html).replace("Capability 1.", "").replace("Capability 2.", "")  # the questionnaire's titles
    for english in ("Gap", "gap", "Capabilit", "capabilit"):
        assert english not in page
    assert "Afstand tot doel" in page and "Per onderdeel" in page


def test_the_radar_chart_has_a_title_a_description_and_the_same_numbers_as_the_table(
    client, factory, brigade
):
    assessment, rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 2, "vraag-1-1-2": 3, "vraag-2-1-1": 4})
    client.login(rep.email)
    html = results_of(client, assessment)
    svg = radar_svg(html)
    assert 'role="img"' in svg
    title = re.search(r"<title[^>]*>(.*?)</title>", svg, re.S)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    assert title and plain(title.group(1)) == "Score per speerpunt van 13 Lichte Brigade"
    assert desc and plain(desc.group(1)) == (
        "Score 13 Lichte Brigade: 1. Thema 1 2,5; 2. Thema 2 4,0. Doel: 1. Thema 1 3,0; 2. Thema 2 3,0."
    )
    assert figures(html, "1. Thema 1")["Score"] == "2,5"
    assert figures(html, "2. Thema 2")["Score"] == "4,0"


# -- the Defensie median ---------------------------------------------------------------------------


@pytest.fixture
def round_with_others(factory, brigade):
    """Other units of the same round, each at one level on every question of speerpunt 1."""
    assessment, rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 2, "vraag-1-1-2": 3})

    def other(level: int, status: AssessmentStatus):
        unit = factory.unit()
        other = factory.assessment(unit, assessment.round, status=status)
        answer(factory, other, {f"vraag-1-{c}-{q}": level for c in (1, 2) for q in (1, 2)})
        return other

    return assessment, rep, other


def test_with_two_units_submitted_no_median_is_shown_and_drafts_do_not_count(client, round_with_others):
    assessment, rep, other = round_with_others
    other(4, AssessmentStatus.SUBMITTED)
    other(2, AssessmentStatus.APPROVED)
    other(1, AssessmentStatus.DRAFT)  # with the unit's own draft: four units have answers
    client.login(rep.email)
    html = results_of(client, assessment)
    assert figures(html, "1. Thema 1")["Mediaan Defensie"] == "–"
    assert "Mediaan Defensie" not in radar_svg(html)
    assert "De mediaan van Defensie verschijnt als minstens 3 eenheden hebben ingediend" in plain(html)


def test_with_three_units_submitted_or_approved_the_median_is_shown(client, round_with_others):
    assessment, rep, other = round_with_others
    other(4, AssessmentStatus.SUBMITTED)
    other(2, AssessmentStatus.APPROVED)
    other(1, AssessmentStatus.DRAFT)
    client.login(rep.email)
    assert figures(results_of(client, assessment), "1. Thema 1")["Mediaan Defensie"] == "–"

    other(5, AssessmentStatus.SUBMITTED)
    html = results_of(client, assessment)
    # The median of 4, 2 and 5; the drafts (2,5 and 1) would have moved it.
    assert figures(html, "1. Thema 1")["Mediaan Defensie"] == "4,0"
    assert figures(html, "2. Thema 2")["Mediaan Defensie"] == "–"  # nobody answered it
    svg = radar_svg(html)
    assert "Mediaan Defensie: 1. Thema 1 4,0; 2. Thema 2 –." in plain(svg)
    assert "met het doel en de mediaan van Defensie (3 eenheden)" in plain(html)


# -- recommendations -------------------------------------------------------------------------------


@pytest.fixture
def twelve_below_target(factory):
    """12 questions, all below the target of 3: two at level 2 (early in the questionnaire, gap 1)
    and ten at level 1 (gap 2, so they come first)."""
    unit = factory.unit("CLAS-11LMB", name="11 Luchtmobiele Brigade")
    questionnaire = factory.questionnaire(themes=2, capabilities=2, questions=3)
    assessment = factory.assessment(unit, factory.round(questionnaire))
    keys = [q.key for q in factory.questions(assessment)]
    answer(factory, assessment, {key: (2 if key in ("vraag-1-1-1", "vraag-1-1-2") else 1) for key in keys})
    rep = factory.user(Role.REPRESENTATIVE, units=[unit])
    return assessment, rep


def test_the_ten_most_important_recommendations_come_first_with_the_questionnaires_next_steps(
    client, twelve_below_target
):
    assessment, rep = twelve_below_target
    client.login(rep.email)
    html = results_of(client, assessment)
    page = plain(html)
    assert "U ziet de 10 belangrijkste van 12." in page
    assert page.count("Nu niveau") == 10
    assert "Van 1 naar 2: Volgende stap 1.1.3 vanaf niveau 1" in page
    assert "Van 2 naar 3: Volgende stap 2.2.3 vanaf niveau 2" in page
    assert "Volgende stap 1.1.1 vanaf niveau 2" not in page  # gap 1: priority 11 and 12
    assert "Volgende stap 1.1.2 vanaf niveau 2" not in page
    link = f'href="/assessments/{assessment.id}/results?alle=1#aanbevelingen"'
    assert link in html
    assert "Toon alle 12 aanbevelingen" in page


def recommendation_items(html: str) -> list[tuple[str | None, str]]:
    """(value attribute, question number) of every recommendation as the list shows it."""
    return [
        (value or None, number)
        for value, number in re.findall(
            r'<li class="recommendation"(?: value="(\d+)")?>\s*<p class="rec-question"><span class="question-number">'
            r"Vraag ([\d.]+)",
            html,
        )
    ]


def test_recommendations_are_one_list_numbered_from_1_in_the_order_shown_most_gain_first(
    client, twelve_below_target
):
    assessment, rep = twelve_below_target
    client.login(rep.email)
    html = results_of(client, assessment)
    items = recommendation_items(html)
    # Level 1 (gap 2) before level 2 (gap 1); equal gains in the questionnaire's order. The list
    # numbers itself 1, 2, 3 …: no item carries a number of its own.
    assert items == [
        (None, n) for n in ("1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6")
    ]
    assert len(re.findall(r'<div class="recommendations">\s*<ol>', html)) == 1
    page = plain(html)
    assert page.count("De lijst begint bij de stap met de meeste winst") == 1
    assert "Vraag 1.3 · Thema 1 Vraag 1.1.3?" in page  # each item names its speerpunt


def test_toon_alle_shows_every_recommendation_without_javascript(client, twelve_below_target):
    assessment, rep = twelve_below_target
    client.login(rep.email)
    response = client.get(f"/assessments/{assessment.id}/results?alle=1")
    assert response.status_code == 200
    page = text_of(response)
    assert page.count("Nu niveau") == 12
    assert "Van 2 naar 3: Volgende stap 1.1.1 vanaf niveau 2" in page
    assert "Van 2 naar 3: Volgende stap 1.1.2 vanaf niveau 2" in page
    assert "Toon alle 12" not in page
    assert "Toon alleen de 10 belangrijkste" in page


def test_the_demo_questionnaires_recommendation_is_its_own_next_step_text(client, factory):
    unit = factory.unit("CLAS-13LTBRIG", name="13 Lichte Brigade")
    assessment = factory.assessment(unit, factory.round(factory.dts_questionnaire()))
    question = factory.questions(assessment)[0]
    factory.answer(assessment, question, 1)
    steps = {level.level: level.text("next_step") for level in question.levels}
    rep = factory.user(Role.REPRESENTATIVE, units=[unit])
    client.login(rep.email)
    page = text_of(client.get(f"/assessments/{assessment.id}/results"))
    assert f"Van 1 naar 2: {steps[1]}" in page
    assert f"Van 2 naar 3: {steps[2]}" in page
    assert "belangrijkste van" not in page  # nothing is left out, so nothing says so


# -- change since the previous round ---------------------------------------------------------------


def test_the_change_per_speerpunt_since_the_units_previous_round_is_shown(
    client, factory, brigade, db_session
):
    assessment, rep = brigade
    earlier_round = factory.round(assessment.round.questionnaire, code="2025-2", status=RoundStatus.CLOSED)
    earlier_round.created_at = assessment.round.created_at - dt.timedelta(days=180)
    db_session.commit()
    earlier = factory.assessment(assessment.unit, earlier_round, status=AssessmentStatus.APPROVED)
    answer(factory, earlier, {"vraag-1-1-1": 1, "vraag-1-1-2": 1, "vraag-2-1-1": 4, "vraag-2-1-2": 4})
    answer(factory, assessment, {"vraag-1-1-1": 2, "vraag-1-1-2": 3, "vraag-2-1-1": 3, "vraag-2-1-2": 3})
    client.login(rep.email)
    html = results_of(client, assessment)
    rows = table_rows(html, "Cijfers per speerpunt")
    assert rows["Speerpunt"][-1] == "Verschil met 2025-2"
    assert rows["1. Thema 1"][-1] == "▲ 1,5 hoger"
    assert rows["2. Thema 2"][-1] == "▼ 1,0 lager"


def test_without_an_earlier_round_there_is_no_change_column(client, factory, brigade):
    assessment, rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 2})
    client.login(rep.email)
    rows = table_rows(results_of(client, assessment), "Cijfers per speerpunt")
    assert rows["Speerpunt"] == COLUMNS


# -- edge cases --------------------------------------------------------------------------------------


def test_with_no_answers_at_all_the_page_shows_dashes_and_no_recommendations(client, brigade):
    assessment, rep = brigade
    client.login(rep.email)
    html = results_of(client, assessment)
    assert headline(html).startswith(
        "– Totaalscore op een schaal van 1 tot 5 – Behaald niveau nog niet bekend 0% Volledig"
    )
    assert "– Op weg naar het doel" in headline(html)
    assert figures(html, "1. Thema 1")["Score"] == "–"
    page = plain(html)
    assert "Er is nog geen vraag met een niveau beantwoord" in page
    assert "Nog geen aanbevelingen" in page


def test_with_only_nvt_answers_there_is_no_score_but_the_questions_count_as_answered(
    client, factory, brigade
):
    assessment, rep = brigade
    answer(
        factory,
        assessment,
        {"vraag-1-1-1": "nvt", "vraag-1-2-1": "nvt", "vraag-2-1-1": "nvt", "vraag-2-2-1": "nvt"},
    )
    client.login(rep.email)
    html = results_of(client, assessment)
    assert headline(html).startswith("– Totaalscore")
    assert "50% Volledig 4 van 8 vragen beantwoord" in headline(html)
    assert figures(html, "1. Thema 1") == {
        "Score": "–",
        "Behaald niveau": "–",
        "Doel": "3",
        "Afstand tot doel": "–",
        "Op weg naar doel": "–",
        "Volledig": "50%",
        "Mediaan Defensie": "–",
    }
    assert "Nog geen aanbevelingen" in plain(html)


def test_a_target_below_the_score_gives_no_gap_full_progress_and_no_recommendations(
    client, factory, brigade, db_session
):
    assessment, rep = brigade
    theme = assessment.round.questionnaire.themes[0]
    db_session.add(
        Target(round_id=assessment.round_id, unit_id=assessment.unit_id, theme_id=theme.id, level=2)
    )
    db_session.commit()
    answer(factory, assessment, {"vraag-1-1-1": 4, "vraag-1-1-2": 5})
    client.login(rep.email)
    html = results_of(client, assessment)
    row = figures(html, "1. Thema 1")
    assert (row["Score"], row["Doel"], row["Afstand tot doel"], row["Op weg naar doel"]) == (
        "4,5",
        "2",
        "0,0",
        "100%",
    )
    assert "Geen aanbevelingen: geen enkele beantwoorde vraag ligt onder het doel." in plain(html)


def test_a_questionnaire_with_three_levels_scores_on_its_own_scale(client, factory):
    unit = factory.unit()
    assessment = factory.assessment(unit, factory.round(factory.questionnaire(levels=3)))
    answer(factory, assessment, {"vraag-1-1-1": 1, "vraag-1-1-2": 3})
    rep = factory.user(Role.REPRESENTATIVE, units=[unit])
    client.login(rep.email)
    html = results_of(client, assessment)
    assert headline(html).startswith("2,0 Totaalscore op een schaal van 1 tot 3 1 Behaald niveau Initieel")
    row = figures(html, "1. Thema 1")
    assert (row["Doel"], row["Afstand tot doel"], row["Op weg naar doel"]) == ("2", "0,0", "50%")
    assert "Van 1 naar 2: Volgende stap 1.1.1 vanaf niveau 1" in plain(html)
    assert "Van 2 naar 3" not in plain(html)


def test_a_questionnaire_with_seven_speerpunten_shows_all_seven(client, factory):
    unit = factory.unit()
    assessment = factory.assessment(unit, factory.round(factory.questionnaire(themes=7)))
    answer(factory, assessment, {"vraag-7-1-1": 3})
    rep = factory.user(Role.REPRESENTATIVE, units=[unit])
    client.login(rep.email)
    html = results_of(client, assessment)
    rows = table_rows(html, "Cijfers per speerpunt")
    assert [name for name in rows if name[0].isdigit()] == [f"{n}. Thema {n}" for n in range(1, 8)]
    assert rows["7. Thema 7"][0] == "3,0"
    assert rows["1. Thema 1"][0] == "–"
    assert "7. Thema 7 3,0" in plain(radar_svg(html))


# -- who may see it ----------------------------------------------------------------------------------


def test_a_representative_asking_for_another_units_results_gets_404(client, factory, brigade):
    assessment, _rep = brigade
    other_unit = factory.unit()
    stranger = factory.user(Role.REPRESENTATIVE, units=[other_unit])
    client.login(stranger.email)
    response = client.get(f"/assessments/{assessment.id}/results")
    assert response.status_code == 404
    assert "13 Lichte Brigade" not in text_of(response)


@pytest.mark.parametrize("role", [Role.LEAD, Role.COORDINATOR, Role.ADMIN])
def test_leads_coordinators_and_admins_may_see_any_units_results(client, factory, brigade, role):
    assessment, _rep = brigade
    answer(factory, assessment, {"vraag-1-1-1": 2, "vraag-1-1-2": 3})
    client.login(factory.user(role).email)
    html = results_of(client, assessment)
    assert headline(html).startswith("2,5 Totaalscore")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, brigade):
    assessment, _rep = brigade
    response = client.get(f"/assessments/{assessment.id}/results")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_results_of_an_assessment_that_does_not_exist_are_404(client, brigade):
    _assessment, rep = brigade
    client.login(rep.email)
    assert client.get("/assessments/999999999/results").status_code == 404
