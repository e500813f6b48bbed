"""A transformation lead compares units on the dashboard: the heat map with its benchmark rows,
filters that live in the URL, sorting, drill-down, the overlay radar, the trend over rounds and
who has taken part.

The fixture is small enough to check by hand: three speerpunten of two capabilities with one
question each (scale 1–5, default target 3), four units whose assessments count and one draft.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.orm import Session

from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role, User
from assessment.questionnaires.models import Questionnaire
from assessment.rounds.models import Round, RoundStatus, Target
from assessment.units.models import Unit
from tests.factories import Factory
from tests.helpers import text_of

URL = "/compare/2026-1"

# Levels per question, in questionnaire order: 1.1, 1.2 (speerpunt 1), 2.1, 2.2, 3.1, 3.2.
# A speerpunt's score is the mean of its two capabilities; the total is the mean of the three.
# fmt: off
UNITS = [
    # code       name                            parent  status                      levels               speerpunt 1, 2, 3 → total
    ("CLAS",    "Commando Landstrijdkrachten",  None,   AssessmentStatus.SUBMITTED, [2, 5, 2, 2, 5, 2]),  # 3,5 2,0 3,5 → 3,0
    ("CLAS-11", "11 Luchtmobiele Brigade",      "CLAS", AssessmentStatus.APPROVED,  [5, 5, 4, 5, 3, 1]),  # 5,0 4,5 2,0 → 3,8
    ("CLAS-13", "13 Lichte Brigade",            "CLAS", AssessmentStatus.SUBMITTED, [1, 1, 1, 5, 2, 3]),  # 1,0 3,0 2,5 → 2,2
    ("CZSK",    "Commando Zeestrijdkrachten",   None,   AssessmentStatus.SUBMITTED, [3, 2, 2, 1, 5, 3]),  # 2,5 1,5 4,0 → 2,7
    ("CLSK",    "Commando Luchtstrijdkrachten", None,   AssessmentStatus.DRAFT,     [5, 5]),              # 5,0 – –   (2 of 6)
]
# fmt: on
COUNTED = ["CLAS", "CLAS-11", "CLAS-13", "CZSK"]


@dataclass
class World:
    questionnaire: Questionnaire
    round: Round
    units: dict[str, Unit]
    assessments: dict[str, Assessment]
    users: dict[str, User]

    def questions(self) -> list:
        return [q for t in self.questionnaire.themes for q in t.questions]


def comment_for(code: str, question_key: str) -> str:
    return f"Toelichting van {code} bij {question_key}"


def build_world(factory: Factory, db_session: Session) -> World:
    """The five units of UNITS in round 2026-1, every answer with a toelichting, and one account
    per role (the representative is 13 Lichte Brigade's)."""
    questionnaire = factory.questionnaire(themes=3, capabilities=2, questions=1)
    round_ = factory.round(questionnaire, code="2026-1")
    questions = [q for t in questionnaire.themes for q in t.questions]
    units: dict[str, Unit] = {}
    assessments: dict[str, Assessment] = {}
    for code, name, parent, status, levels in UNITS:
        units[code] = factory.unit(code, name=name, parent=units[parent] if parent else None)
        assessments[code] = assessment = factory.assessment(units[code], round_, status=status)
        db_session.add_all(
            Answer(assessment=assessment, question=q, level=level, comment=comment_for(code, q.key))
            for q, level in zip(questions, levels, strict=False)
        )
    db_session.commit()
    users = {
        "lead": factory.user(Role.LEAD, email="lead@test.local"),
        "coordinator": factory.user(Role.COORDINATOR, email="coordinator@test.local"),
        "admin": factory.user(Role.ADMIN, email="admin@test.local"),
        "rep": factory.user(Role.REPRESENTATIVE, units=[units["CLAS-13"]], email="rep@test.local"),
    }
    return World(questionnaire, round_, units, assessments, users)


def add_unit(
    factory: Factory, world: World, code: str, name: str, status: AssessmentStatus, levels=()
) -> Unit:
    """One more unit in round 2026-1 (add it before the first request: scores are cached per
    version of the round's assessments, and answers made here do not raise a version)."""
    unit = factory.unit(code, name=name)
    assessment = factory.assessment(unit, world.round, status=status)
    for question, level in zip(world.questions(), levels, strict=False):
        factory.answer(assessment, question, level, comment=comment_for(code, question.key))
    world.units[code], world.assessments[code] = unit, assessment
    return unit


@pytest.fixture
def world(factory, db_session) -> World:
    return build_world(factory, db_session)


@pytest.fixture
def lead(client, world):
    client.login(world.users["lead"].email)
    return client


# -- reading the page -----------------------------------------------------------------------------


def plain(fragment: str) -> str:
    """The text of an HTML fragment as a reader sees it (tags out, white space folded)."""
    fragment = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html_module.unescape(fragment)).strip()


def cells_of(row_html: str) -> list[str]:
    return [plain(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)]


def heat_map(html: str, part: str = "tbody") -> str:
    match = re.search(r'<table class="heat">.*?</table>', html, re.S)
    assert match, "no heat map on the page"
    section = re.search(rf"<{part}>(.*?)</{part}>", match.group(0), re.S)
    assert section, f"no {part} in the heat map"
    return section.group(1)


def heat_rows(html: str) -> list[tuple[str, list[str]]]:
    """The heat map's rows in page order: (unit code, [status, scores…, total, kwartiel]); the
    status is a badge in the first column, beside the unit's name and code."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", heat_map(html), re.S):
        code = re.search(r"<th[^>]*>.*?<small>(.*?)</small>", row, re.S)
        assert code, "a heat map row without a unit code"
        status = re.search(r'<th[^>]*>.*?<span class="badge[^"]*">(.*?)</span>', row, re.S)
        assert status, "a heat map row without a status"
        rows.append((plain(code.group(1)), [plain(status.group(1)), *cells_of(row)[1:]]))
    return rows


def heat_codes(html: str) -> list[str]:
    return [code for code, _ in heat_rows(html)]


def heat_columns(html: str) -> list[str]:
    """The visible headings of the score columns (without the sort hints for screen readers)."""
    head = re.sub(
        r'<span class="visually-hidden">.*?</span>|<span aria-hidden="true">.*?</span>',
        "",
        heat_map(html, "thead"),
    )
    links = re.findall(r'<th scope="col"[^>]*>\s*<a[^>]*>(.*?)</a>', head, re.S)
    return [plain(link) for link in links][1:-1]  # between "Eenheid" and "Totaal"


def benchmark_rows(html: str) -> dict[str, list[str]]:
    """The benchmark rows under the heat map: label → one figure per column, then the total."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", heat_map(html, "tfoot"), re.S):
        cells = cells_of(row)
        rows[cells[0]] = [c for c in cells[1:] if c]
    return rows


def table(html: str, caption: str) -> list[list[str]]:
    """The rows (header row included) of the table whose caption starts with ``caption``."""
    match = re.search(r"<table[^>]*>\s*<caption[^>]*>\s*" + re.escape(caption) + r".*?</table>", html, re.S)
    assert match, f"no table '{caption}' on the page"
    return [cells_of(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(0), re.S)]


def table_by_first_cell(html: str, caption: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table(html, caption)}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def hrefs(html: str) -> list[str]:
    return [html_module.unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def assert_error_summary(html: str, links: dict[str, str]) -> None:
    """The page is marked as an error page, and its error summary (before the filters) links each
    message to an element that is on the page."""
    assert re.search(r"<title>\s*Fout:", html), "the title does not start with 'Fout:'"
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    assert html.index("error-summary") < html.index('class="filters"'), "the summary is not at the top"
    found = {href: plain(text) for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', summary.group(1))}
    assert found == links
    for href in links:
        assert f'id="{href[1:]}"' in html, f"the summary links to {href}, which is not on the page"


# -- who may look ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "coordinator", "admin"])
def test_leads_coordinators_and_admins_open_the_dashboard(client, world, role):
    client.login(world.users[role].email)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Eenheden vergelijken" in text_of(response)


def test_a_representative_may_not_compare_units(client, world):
    client.login(world.users["rep"].email)
    response = client.get(URL)
    assert response.status_code == 403
    assert "13 Lichte Brigade" not in text_of(response)


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    response = client.get(URL + "?eenheid=CLAS")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert query_of(response.headers["Location"])["next"] == [URL + "?eenheid=CLAS"]


def test_an_unknown_round_is_not_found(lead):
    assert lead.get("/compare/1999-9").status_code == 404


# -- the heat map ---------------------------------------------------------------------------------


# What a marked cell says after its score (the ▼ is for the eye, the words for a screen reader).
FAR_BELOW = "▼ meer dan een half niveau onder doel"


def test_the_heat_map_shows_each_units_score_per_speerpunt_with_one_decimal_and_a_comma(lead):
    html = page(lead, URL)
    assert heat_columns(html) == ["1. Thema 1", "2. Thema 2", "3. Thema 3"]
    # Target 3 everywhere: 2,0 and lower are marked; 2,5 is below target, but only by half a level.
    assert heat_rows(html) == [
        ("CLAS-11", ["goedgekeurd", "5,0", "4,5", f"2,0 {FAR_BELOW} 3", "3,8", "Q4"]),
        ("CLAS-13", ["ingediend", f"1,0 {FAR_BELOW} 3", "3,0", "2,5", "2,2", "Q1"]),
        ("CLAS", ["ingediend", "3,5", f"2,0 {FAR_BELOW} 3", "3,5", "3,0", "Q3"]),
        ("CZSK", ["ingediend", "2,5", f"1,5 {FAR_BELOW} 3", "4,0", "2,7", "Q2"]),
    ]


def test_the_legend_says_which_cells_are_marked(lead):
    legend = text_of(lead.get(URL))
    assert "▼ met rode rand: de score ligt meer dan een half niveau onder het doel van de eenheid." in legend


def test_each_unit_name_links_to_that_units_results(lead, world):
    html = page(lead, URL)
    links = {
        plain(name): href
        for href, name in re.findall(
            r'<th scope="row"[^>]*><a href="([^"]*)">(.*?)</a>', heat_map(html), re.S
        )
    }
    assert links == {
        name: f"/assessments/{world.assessments[code].id}/results"
        for code, name, *_ in UNITS
        if code in COUNTED
    }
    results = lead.get(links["13 Lichte Brigade"])
    assert results.status_code == 200
    assert "13 Lichte Brigade (CLAS-13)" in text_of(results)
    participation = re.search(r'<caption id="participation-caption">.*?</table>', html, re.S).group(0)
    assert f'href="/assessments/{world.assessments["CLSK"].id}/results">Commando Luchtstrijdkrachten</a>' in (
        participation
    )


def test_a_cell_below_target_is_marked_by_more_than_colour(lead):
    html = page(lead, URL)
    row = next(
        r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", heat_map(html), re.S) if "<small>CLAS</small>" in r
    )
    cells = re.findall(r'<td class="([^"]*)">(.*?)</td>', row, re.S)[:3]
    below = [("below" in classes.split(), "onder doel" in content) for classes, content in cells]
    assert below == [(False, False), (True, True), (False, False)]  # 3,5 · 2,0 · 3,5 against target 3
    heat = [re.search(r"heat-(\d)", classes).group(1) for classes, _ in cells]
    assert heat[0] == heat[2] != heat[1]  # equal scores, equal shade; a lower score another one


def test_a_units_own_target_decides_what_is_below_target(lead, world, db_session):
    themes = {t.key: t for t in world.questionnaire.themes}
    unit = world.units["CLAS-11"]
    # 5,0 against 5: on target; 4,5 against 5: below; 2,0 against 2: on target.
    for key, level in {"thema-1": 5, "thema-2": 5, "thema-3": 2}.items():
        db_session.add(Target(round_id=world.round.id, unit_id=unit.id, theme_id=themes[key].id, level=level))
    db_session.commit()
    rows = dict(heat_rows(page(lead, URL)))
    assert rows["CLAS-11"][1:4] == ["5,0", "4,5", "2,0"]  # 4,5 is half a level under 5: no mark
    assert rows["CLAS"][1:4] == ["3,5", f"2,0 {FAR_BELOW} 3", "3,5"]  # others keep the round's target


def test_a_units_own_higher_target_can_mark_a_score_the_rounds_target_would_not(lead, world, db_session):
    themes = {t.key: t for t in world.questionnaire.themes}
    unit = world.units["CLAS-13"]  # 1,0 · 3,0 · 2,5
    for key, level in {"thema-1": 1, "thema-2": 4}.items():
        db_session.add(Target(round_id=world.round.id, unit_id=unit.id, theme_id=themes[key].id, level=level))
    db_session.commit()
    assert dict(heat_rows(page(lead, URL)))["CLAS-13"][1:4] == ["1,0", f"3,0 {FAR_BELOW} 4", "2,5"]


# -- filters --------------------------------------------------------------------------------------


def test_by_default_only_submitted_and_approved_units_are_in_the_heat_map(lead):
    html = page(lead, URL)
    assert sorted(heat_codes(html)) == sorted(COUNTED)
    checked = re.findall(r'<input type="checkbox" id="status-(\w+)"[^>]*\schecked>', html)
    assert sorted(checked) == ["approved", "submitted"]


def test_participation_lists_every_unit_with_its_status_and_completeness(lead):
    rows = table_by_first_cell(page(lead, URL), "Status en voortgang per eenheid")
    assert rows == {
        "Eenheid": ["Status", "Beantwoord", "Volledig"],
        "Commando Landstrijdkrachten CLAS": ["ingediend", "6 van 6", "100%"],
        "11 Luchtmobiele Brigade CLAS-11": ["goedgekeurd", "6 van 6", "100%"],
        "13 Lichte Brigade CLAS-13": ["ingediend", "6 van 6", "100%"],
        "Commando Luchtstrijdkrachten CLSK": ["concept", "2 van 6", "33%"],
        "Commando Zeestrijdkrachten CZSK": ["ingediend", "6 van 6", "100%"],
    }


def test_choosing_the_draft_status_puts_draft_units_in_the_heat_map(lead):
    assert heat_rows(page(lead, URL + "?status=draft")) == [
        ("CLSK", ["concept", "5,0", "–", "–", "5,0", "Q4"]),
    ]
    every_status = URL + "?status=draft&status=submitted&status=approved"
    assert sorted(heat_codes(page(lead, every_status))) == sorted([*COUNTED, "CLSK"])


def test_filtering_on_a_part_of_the_tree_includes_its_sub_units(lead):
    for url in (URL + "?eenheid=CLAS", URL + "?eenheid=CLAS&sub=1", URL + "?eenheid=clas"):
        html = page(lead, url)
        assert heat_codes(html) == ["CLAS-11", "CLAS-13", "CLAS"], url
    participation = table_by_first_cell(html, "Status en voortgang per eenheid")
    assert sorted(participation) == [
        "11 Luchtmobiele Brigade CLAS-11",
        "13 Lichte Brigade CLAS-13",
        "Commando Landstrijdkrachten CLAS",
        "Eenheid",
    ]


def test_filtering_on_a_unit_without_its_sub_units_shows_only_that_unit(lead):
    html = page(lead, URL + "?eenheid=CLAS&sub=0")
    assert heat_codes(html) == ["CLAS"]
    assert re.search(r'<input type="radio" id="sub-0"[^>]*\schecked>', html)


def test_an_unknown_unit_code_gives_a_message_and_shows_all_of_defensie(lead):
    response = lead.get(URL + "?eenheid=XYZ")
    assert response.status_code == 200
    assert "Eenheid 'XYZ' bestaat niet; u ziet heel Defensie." in text_of(response)
    assert sorted(heat_codes(response.get_data(as_text=True))) == sorted(COUNTED)


def test_an_unknown_speerpunt_or_status_gives_a_message_and_the_default_view(lead):
    response = lead.get(URL + "?speerpunt=thema-9&status=kwijt")
    assert response.status_code == 200
    text = text_of(response)
    assert "Speerpunt 'thema-9' bestaat niet in deze vragenlijst." in text
    assert "Onbekende status 'kwijt' genegeerd." in text
    html = response.get_data(as_text=True)
    assert heat_columns(html) == ["1. Thema 1", "2. Thema 2", "3. Thema 3"]
    assert sorted(heat_codes(html)) == sorted(COUNTED)


def test_unticking_every_status_is_an_error_at_the_status_choice(lead):
    # The filter form sends an empty "status" beside each ticked one; none ticked: only the empty one.
    html = page(lead, URL)
    form = re.search(r'<form method="get" class="filters".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="status" value="">' in form
    response = lead.get(URL + "?eenheid=&sub=1&status=&speerpunt=")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    fieldset = re.search(
        r'<fieldset class="form-field has-error"([^>]*)>\s*<legend>Status van de vragenlijst</legend>(.*?)</fieldset>',
        html,
        re.S,
    )
    assert fieldset, "the status choice is not marked as wrong"
    assert 'aria-describedby="status-fout"' in fieldset.group(1)
    assert "Kies minstens één status." in plain(fieldset.group(2))
    assert not re.findall(r'<input type="checkbox" id="status-\w+"[^>]*\schecked>', html)  # no silent default
    assert_error_summary(html, {"#status-draft": "Kies minstens één status."})
    assert '<table class="heat">' not in html
    assert "Kies hierboven minstens één status om eenheden te zien." in plain(html)


@pytest.mark.parametrize("query", ["", "?eenheid=CLAS-11&sub=1", "?status=&status=approved"])
def test_an_address_with_statuses_or_without_any_shows_no_error(lead, query):
    response = lead.get(URL + query)
    assert response.status_code == 200
    assert "error-summary" not in response.get_data(as_text=True)


# -- sorting --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        # speerpunt 2: CLAS-11 4,5 · CLAS-13 3,0 · CLAS 2,0 · CZSK 1,5
        ("thema-2", "af", ["CLAS-11", "CLAS-13", "CLAS", "CZSK", "KMAR"]),
        ("thema-2", "op", ["CZSK", "CLAS", "CLAS-13", "CLAS-11", "KMAR"]),
        # total: CLAS-11 3,8 · CLAS 3,0 · CZSK 2,7 · CLAS-13 2,2
        ("overall", "af", ["CLAS-11", "CLAS", "CZSK", "CLAS-13", "KMAR"]),
        ("overall", "op", ["CLAS-13", "CZSK", "CLAS", "CLAS-11", "KMAR"]),
        ("name", "op", ["CLAS-11", "CLAS-13", "CLAS", "CZSK", "KMAR"]),
        ("name", "af", ["KMAR", "CZSK", "CLAS", "CLAS-13", "CLAS-11"]),
    ],
)
def test_sorting_orders_the_rows_and_units_without_a_score_go_last(
    client, world, factory, sort, direction, expected
):
    add_unit(factory, world, "KMAR", "Koninklijke Marechaussee", AssessmentStatus.SUBMITTED)  # no answers
    client.login(world.users["lead"].email)
    html = page(client, f"{URL}?sorteer={sort}&richting={direction}")
    assert heat_codes(html) == expected
    assert dict(heat_rows(html))["KMAR"] == ["ingediend", "–", "–", "–", "–", "–"]


def test_the_sorted_column_says_so_and_its_link_reverses_the_order(lead):
    html = page(lead, URL + "?sorteer=thema-2&richting=af")
    head = heat_map(html, "thead")
    sorted_column = re.search(r'<th scope="col"[^>]*aria-sort="descending"[^>]*>\s*<a href="([^"]*)"', head)
    assert sorted_column, "no column marked as sorted"
    link = html_module.unescape(sorted_column.group(1))
    assert query_of(link)["sorteer"] == ["thema-2"]
    assert query_of(link)["richting"] == ["op"]
    assert heat_codes(page(lead, link)) == ["CZSK", "CLAS", "CLAS-13", "CLAS-11"]


# -- drill-down -----------------------------------------------------------------------------------


def test_drilling_down_a_speerpunt_shows_its_capabilities_as_columns(lead):
    html = page(lead, URL)
    drill = next(h for h in hrefs(html) if query_of(h).get("speerpunt") == ["thema-1"])
    html = page(lead, drill)
    assert "Onderdelen van Thema 1" in plain(html)
    assert heat_columns(html) == ["1.1. Capability 1.1", "1.2. Capability 1.2"]
    # One question per capability: the capability's score is that answer; target 3 of speerpunt 1.
    assert {code: cells[1:3] for code, cells in heat_rows(html)} == {
        "CLAS": [f"2,0 {FAR_BELOW} 3", "5,0"],
        "CLAS-11": ["5,0", "5,0"],
        "CLAS-13": [f"1,0 {FAR_BELOW} 3", f"1,0 {FAR_BELOW} 3"],
        "CZSK": ["3,0", f"2,0 {FAR_BELOW} 3"],
    }
    back = next(
        h for h in hrefs(html) if "speerpunt" not in query_of(h) and urlsplit(h).path == URL and query_of(h)
    )
    assert heat_columns(page(lead, back)) == ["1. Thema 1", "2. Thema 2", "3. Thema 3"]


def test_a_drilled_down_view_can_be_sorted_by_a_capability(lead):
    html = page(lead, URL + "?speerpunt=thema-1&sorteer=cap-1-2&richting=af")
    # capability 1.2: CLAS 5 · CLAS-11 5 · CZSK 2 · CLAS-13 1 (equal scores by name)
    assert heat_codes(html) == ["CLAS-11", "CLAS", "CZSK", "CLAS-13"]


# -- benchmark rows and quartiles -----------------------------------------------------------------


def test_the_benchmark_rows_give_min_quartiles_median_and_max_per_column(lead):
    # Quartiles by the inclusive method: with the four values sorted x0..x3, Q1 = x0 + ¾(x1 − x0),
    # median = (x1 + x2) / 2, Q3 = x2 + ¼(x3 − x2).
    #   speerpunt 1: 1,0 2,5 3,5 5,0 → Q1 2,125  median 3,0  Q3 3,875
    #   speerpunt 2: 1,5 2,0 3,0 4,5 → Q1 1,875  median 2,5  Q3 3,375
    #   speerpunt 3: 2,0 2,5 3,5 4,0 → Q1 2,375  median 3,0  Q3 3,625
    #   total:  13/6 16/6 18/6 23/6 → Q1 2,54    median 2,83 Q3 3,21
    assert benchmark_rows(page(lead, URL)) == {
        "Minimum": ["1,0", "1,5", "2,0", "2,2"],
        "Eerste kwartiel (Q1)": ["2,1", "1,9", "2,4", "2,5"],
        "Mediaan": ["3,0", "2,5", "3,0", "2,8"],
        "Derde kwartiel (Q3)": ["3,9", "3,4", "3,6", "3,2"],
        "Maximum": ["5,0", "4,5", "4,0", "3,8"],
    }


def test_the_benchmark_rows_follow_the_filter(lead):
    # CLAS and its brigades, speerpunt 2: 2,0 3,0 4,5 → min 2,0, Q1 2,5, median 3,0, Q3 3,75, max 4,5.
    rows = benchmark_rows(page(lead, URL + "?eenheid=CLAS"))
    assert [rows[label][1] for label in ("Minimum", "Eerste kwartiel (Q1)", "Mediaan", "Maximum")] == [
        "2,0",
        "2,5",
        "3,0",
        "4,5",
    ]


def test_the_quartile_column_places_each_unit_by_its_total_score(lead, world, factory):
    add_unit(factory, world, "KMAR", "Koninklijke Marechaussee", AssessmentStatus.SUBMITTED)
    lead_html = page(lead, URL)
    # Totals 2,17 < Q1 2,54 ≤ 2,67 < median 2,83 ≤ 3,0 < Q3 3,21 ≤ 3,83; no score, no quartile.
    quartiles = {code: cells[-1] for code, cells in heat_rows(lead_html)}
    assert quartiles == {"CLAS-13": "Q1", "CZSK": "Q2", "CLAS": "Q3", "CLAS-11": "Q4", "KMAR": "–"}


# -- overlay --------------------------------------------------------------------------------------


def test_the_overlay_shows_the_chosen_units_by_name_on_a_radar_and_in_a_table(lead):
    html = page(lead, URL + "?vergelijk=CLAS-11&vergelijk=CZSK")
    radar = re.search(r'<svg[^>]*class="chart radar[^"]*".*?</svg>', html, re.S)
    assert radar, "no radar chart"
    legend = re.findall(r"<text[^>]*>([^<]*)</text>", radar.group(0))
    assert "11 Luchtmobiele Brigade" in legend
    assert "Commando Zeestrijdkrachten" in legend
    assert not {"CLAS-11", "CZSK"} & set(legend)
    assert table(html, "Score per speerpunt van de gekozen eenheden") == [
        ["Speerpunt", "11 Luchtmobiele Brigade", "Commando Zeestrijdkrachten", "Mediaan Defensie"],
        ["1. Thema 1", "5,0", "2,5", "3,0"],
        ["2. Thema 2", "4,5", "1,5", "2,5"],
        ["3. Thema 3", "2,0", "4,0", "3,0"],
    ]
    checked = re.findall(r'<input type="checkbox" id="vergelijk-([\w-]+)"[^>]*\schecked>', html)
    assert sorted(checked) == ["CLAS-11", "CZSK"]


@pytest.mark.parametrize("count", [1, 7])
def test_the_overlay_needs_two_to_six_units_and_says_so_at_the_choice(client, world, factory, count):
    add_unit(factory, world, "KMAR", "Koninklijke Marechaussee", AssessmentStatus.DRAFT)
    add_unit(factory, world, "DOSCO", "Defensie Ondersteuningscommando", AssessmentStatus.DRAFT)
    client.login(world.users["lead"].email)
    codes = ["CLAS", "CLAS-11", "CLAS-13", "CZSK", "CLSK", "KMAR", "DOSCO"][:count]
    response = client.get(URL + "?" + "&".join(f"vergelijk={c}" for c in codes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    message = f"Kies 2 tot 6 eenheden om te vergelijken (u koos er {count})."
    # At the choice, where the overlay form brings the user back (#vergelijk) ...
    fieldset = re.search(r'<h2 id="vergelijk">.*?<fieldset([^>]*)>(.*?)</fieldset>', html, re.S)
    assert 'aria-describedby="vergelijk-fout"' in fieldset.group(1)
    assert '<p class="field-error" id="vergelijk-fout">' in fieldset.group(2)
    assert message in plain(fieldset.group(2))
    # ... and in the summary at the top, linked to the first choice.
    assert_error_summary(html, {"#vergelijk-CLAS": message})
    assert 'class="chart radar' not in html
    assert "Score per speerpunt van de gekozen eenheden" not in html
    assert sorted(heat_codes(html)) == sorted(COUNTED)  # the rest of the page is as chosen


# -- trend ----------------------------------------------------------------------------------------


def earlier_round(factory: Factory, world: World, third_status: AssessmentStatus) -> Round:
    """Round 2025-1, a year before 2026-1: CLAS answers all 3, CLAS-13 all 2 (both submitted);
    CZSK all 4, in ``third_status``."""
    round_ = factory.round(world.questionnaire, code="2025-1", status=RoundStatus.CLOSED)
    round_.created_at = world.round.created_at - dt.timedelta(days=365)
    factory.session.commit()
    for code, level, status in (
        ("CLAS", 3, AssessmentStatus.SUBMITTED),
        ("CLAS-13", 2, AssessmentStatus.SUBMITTED),
        ("CZSK", 4, third_status),
    ):
        assessment = factory.assessment(world.units[code], round_, status=status)
        for question in world.questions():
            factory.answer(assessment, question, level)
    return round_


def test_the_trend_shows_a_median_only_for_rounds_with_three_counted_units(lead, world, factory):
    earlier_round(factory, world, AssessmentStatus.DRAFT)  # 2 counted units in 2025-1
    assert table(page(lead, URL), "Mediaan per speerpunt per ronde") == [
        ["Speerpunt", "2025-1", "2026-1"],
        ["1. Thema 1", "–", "3,0"],
        ["2. Thema 2", "–", "2,5"],
        ["3. Thema 3", "–", "3,0"],
        ["Totaal", "–", "2,8"],
    ]


def test_the_trend_median_appears_from_three_counted_units(lead, world, factory):
    earlier_round(factory, world, AssessmentStatus.APPROVED)  # 3 counted units: 3, 2 and 4
    rows = table_by_first_cell(page(lead, URL), "Mediaan per speerpunt per ronde")
    assert rows["1. Thema 1"] == ["3,0", "3,0"]
    assert rows["Totaal"] == ["3,0", "2,8"]


def test_the_trend_of_a_chosen_unit_shows_its_scores_beside_the_median(lead, world, factory):
    earlier_round(factory, world, AssessmentStatus.DRAFT)
    html = page(lead, URL + "?trend=CLAS-13")
    assert table(html, "Mediaan per speerpunt per ronde; tussen haakjes de score van 13 Lichte Brigade") == [
        ["Speerpunt", "2025-1", "2026-1"],
        ["1. Thema 1", "– (2,0)", "3,0 (1,0)"],
        ["2. Thema 2", "– (2,0)", "2,5 (3,0)"],
        ["3. Thema 3", "– (2,0)", "3,0 (2,5)"],
        ["Totaal", "– (2,0)", "2,8 (2,2)"],
    ]
    chart = re.search(
        r'<svg[^>]*class="chart lines[^"]*"[^>]*>.*?Totaalscore van 13 Lichte Brigade.*?</svg>', html, re.S
    )
    assert chart
    assert "Totaalscore 13 Lichte Brigade" in re.findall(r"<text[^>]*>([^<]*)</text>", chart.group(0))


# -- links and resources --------------------------------------------------------------------------


FILTERS = (
    "eenheid=CLAS&sub=1&status=draft&status=submitted&sorteer=thema-2&richting=af"
    "&vergelijk=CLAS&vergelijk=CLAS-11&trend=CLAS-13"
)


def test_the_download_links_carry_the_same_filters_as_the_page(lead):
    html = page(lead, f"{URL}?{FILTERS}")
    downloads = {urlsplit(h).path: query_of(h) for h in hrefs(html) if "/export." in h}
    assert set(downloads) == {URL + "/export.csv", URL + "/export.xlsx"}
    for query in downloads.values():
        assert query == parse_qs(FILTERS)


def test_sort_drill_down_and_round_links_keep_the_other_filters(lead, world, factory):
    factory.round(world.questionnaire, code="2026-2")
    html = page(lead, f"{URL}?{FILTERS}")
    kept = {k: v for k, v in parse_qs(FILTERS).items() if k in ("eenheid", "sub", "status", "trend")}
    links = [h for h in hrefs(html) if urlsplit(h).path.startswith("/compare/") and query_of(h)]
    sort_links = [h for h in links if "speerpunt" not in query_of(h) and "/export." not in h]
    drill_links = [h for h in links if "speerpunt" in query_of(h)]
    round_links = [h for h in links if urlsplit(h).path == "/compare/2026-2"]
    assert len(sort_links) >= 5  # name, three speerpunten, total
    assert len(drill_links) == 3
    assert len(round_links) == 1
    for link in links:
        query = query_of(link)
        assert {k: query.get(k) for k in kept} == kept, link


def test_the_filter_forms_carry_the_filters_they_do_not_change(lead):
    html = page(lead, f"{URL}?{FILTERS}")
    overlay_form = re.search(r'<form method="get" action="[^"]*#vergelijk">(.*?)</form>', html, re.S)
    assert overlay_form
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', overlay_form.group(1))
    assert sorted(hidden) == sorted(
        [
            ("eenheid", "CLAS"),
            ("sub", "1"),
            ("status", "draft"),
            ("status", "submitted"),
            ("sorteer", "thema-2"),
            ("richting", "af"),
            ("trend", "CLAS-13"),
        ]
    )


def test_the_page_loads_nothing_from_outside_the_app(lead, world, factory):
    earlier_round(factory, world, AssessmentStatus.APPROVED)
    html = page(lead, f"{URL}?vergelijk=CLAS&vergelijk=CZSK&trend=CLAS")
    assert 'class="chart radar"' in html
    assert 'class="chart lines"' in html
    without_svg_namespace = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http:" not in without_svg_namespace
    assert "https:" not in without_svg_namespace
    references = re.findall(r'(?:href|src|action)="([^"]*)"', html) + re.findall(r"url\(([^)]*)\)", html)
    assert references
    for reference in references:
        assert reference.startswith(("/", "#", "?")) and not reference.startswith("//"), reference
