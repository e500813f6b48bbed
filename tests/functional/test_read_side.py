"""The read side (``assessment.results``): query budgets that do not grow with units or rounds,
figures that never go stale after a change, on one app server or several.

Budgets count SQL statements (transaction control left out, see ``QueryCounter``): counting is
deterministic, timing is not; speed itself is measured in ``bench/``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from assessment.app import create_app
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role, User
from assessment.questionnaires.models import Questionnaire
from assessment.rounds.models import Round, RoundStatus, RoundTarget
from assessment.units.models import Unit
from tests.conftest import QueryCounter
from tests.factories import Factory
from tests.helpers import WebClient

BUDGETS = {"fill-in page": 6, "save": 12, "autosave": 9, "results page": 8, "dashboard": 10, "API scores": 6}
_clock = itertools.count(1)


@dataclass
class World:
    """One open round (the newest) and older closed ones; every unit takes part in every round
    and has answered; the representative's unit is still filling in the open round."""

    questionnaire: Questionnaire
    rounds: list[Round] = field(default_factory=list)  # newest first
    units: list[Unit] = field(default_factory=list)
    rep: User | None = None
    lead: User | None = None
    draft: Assessment | None = None

    @property
    def open_round(self) -> Round:
        return self.rounds[0]


def _add_round(db_session: Session, world: World, *, open_: bool) -> Round:
    # Rounds added later are older: the open round stays the newest.
    created = dt.datetime(2026, 6, 1, tzinfo=dt.UTC) - dt.timedelta(days=30 * next(_clock))
    round_ = Round(
        code=f"R{len(world.rounds) + 1}-{next(_clock)}",
        name="Ronde",
        questionnaire=world.questionnaire,
        status=RoundStatus.OPEN if open_ else RoundStatus.CLOSED,
        created_at=created,
        default_targets=[RoundTarget(theme=t, level=3) for t in world.questionnaire.themes],
    )
    db_session.add(round_)
    db_session.flush()
    world.rounds.append(round_)
    return round_


def _take_part(db_session: Session, world: World, unit: Unit, round_: Round) -> Assessment:
    draft = round_ is world.open_round and unit is world.units[0]
    assessment = Assessment(
        unit=unit,
        round=round_,
        status=AssessmentStatus.DRAFT if draft else AssessmentStatus.SUBMITTED,
    )
    db_session.add(assessment)
    db_session.flush()
    questions = [q for t in world.questionnaire.themes for q in t.questions]
    db_session.execute(
        insert(Answer),
        [
            {
                "assessment_id": assessment.id,
                "question_id": q.id,
                "level": 1 + (unit.id + i) % 5,
                "comment": "",
            }
            for i, q in enumerate(questions)
        ],
    )
    if draft:
        world.draft = assessment
    return assessment


def grow(factory: Factory, db_session: Session, world: World, *, units: int, rounds: int) -> None:
    """Bring the world to ``units`` units and ``rounds`` rounds; raise the versions as the
    services would (the answers are inserted in bulk, bypassing them)."""
    while len(world.rounds) < rounds:
        round_ = _add_round(db_session, world, open_=not world.rounds)
        for unit in world.units:
            _take_part(db_session, world, unit, round_)
    while len(world.units) < units:
        unit = factory.unit()
        world.units.append(unit)
        for round_ in world.rounds:
            _take_part(db_session, world, unit, round_)
    for round_ in world.rounds:
        round_.results_version += 1
    db_session.commit()


@pytest.fixture
def world(factory: Factory, db_session: Session) -> World:
    world = World(factory.questionnaire(themes=5, capabilities=2, questions=2))
    world.units.append(factory.unit("EIGEN", name="Eigen eenheid"))
    grow(factory, db_session, world, units=3, rounds=2)
    world.rep = factory.user(Role.REPRESENTATIVE, units=[world.units[0]])
    world.lead = factory.user(Role.LEAD)
    return world


def save_a_change(
    client: WebClient, world: World, count_queries: QueryCounter | None = None, *, by_script: bool = False
) -> int:
    """The representative saves speerpunt 1 with one answer changed (with the form's button, or
    as the page's script does); return the statements of the save (when counted)."""
    assessment = world.draft
    url = f"/assessments/{assessment.id}/speerpunten/thema-1"
    page = client.get(url).get_data(as_text=True)
    version = int(page.split('name="version" type="hidden" value="')[1].split('"')[0])
    first = world.questionnaire.themes[0].questions[0]
    form = {
        "csrf_token": client.token(url),
        "version": str(version),
        f"level_{first.id}": str(1 + version % 5),  # differs from the stored level every time
    }
    if by_script:
        url, expected = url + "/autosave", 200
    else:
        form["action"], expected = "save", 302
    if count_queries is None:
        response = client.post(url, data=form)
        assert response.status_code == expected
        return 0
    with count_queries as counted:
        response = client.post(url, data=form)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    return counted.count


def page_counts(
    url: str, reader: WebClient, rep: WebClient, world: World, count_queries: QueryCounter
) -> tuple[int, int]:
    """(statements of the first request after a save in the open round, of the next one)."""
    assert reader.get(url).status_code == 200  # everything cached that a running server has
    save_a_change(rep, world)
    with count_queries as first:
        assert reader.get(url).status_code == 200
    first_count = first.count
    with count_queries as later:
        assert reader.get(url).status_code == 200
    return first_count, later.count


@pytest.fixture
def clients(
    app: Flask, client: WebClient, other_client: WebClient, world: World
) -> tuple[WebClient, WebClient]:
    client.login(world.rep.email)
    other_client.login(world.lead.email)
    return client, other_client


PAGES = {
    "results page": lambda w: (f"/assessments/{w.draft.id}/results", "rep"),
    "dashboard": lambda w: (f"/compare/{w.open_round.code}", "lead"),
    "API scores": lambda w: (f"/api/v1/rounds/{w.open_round.code}/scores", "lead"),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_needs_the_same_few_statements_with_few_or_many_units_and_rounds(
    page, factory, db_session, world, clients, count_queries
):
    rep, lead = clients
    counts = []
    for units, rounds in ((3, 2), (12, 6)):
        grow(factory, db_session, world, units=units, rounds=rounds)
        url, who = PAGES[page](world)
        counts.append(page_counts(url, rep if who == "rep" else lead, rep, world, count_queries))
    (small_first, small_later), (large_first, large_later) = counts
    assert small_first == large_first <= BUDGETS[page], counts
    assert small_later == large_later <= small_first, counts


def test_the_fill_in_page_and_its_saves_need_the_same_few_statements_however_large_the_round(
    factory, db_session, world, clients, count_queries
):
    rep, _lead = clients
    counts = []
    for units, rounds in ((3, 2), (12, 6)):
        grow(factory, db_session, world, units=units, rounds=rounds)
        url = f"/assessments/{world.draft.id}/speerpunten/thema-1"
        rep.get(url)
        with count_queries as page:
            assert rep.get(url).status_code == 200
        page_count = page.count
        saved = save_a_change(rep, world, count_queries)
        counts.append((page_count, saved, save_a_change(rep, world, count_queries, by_script=True)))
    assert counts[0] == counts[1], counts
    page_count, save_count, autosave_count = counts[0]
    assert page_count <= BUDGETS["fill-in page"]
    assert save_count <= BUDGETS["save"]
    assert autosave_count <= BUDGETS["autosave"], counts


def test_the_speerpunt_page_renders_without_loading_the_questionnaire(world, clients, count_queries):
    rep, _lead = clients
    url = f"/assessments/{world.draft.id}/speerpunten/thema-2"
    rep.get(url)
    with count_queries as counted:
        rep.get(url)
    tables = " ".join(counted.statements).lower()
    for table in ("themes", "capabilities", "questions", "question_levels", "scale_levels"):
        assert f"from {table}" not in tables and f"join {table}" not in tables, counted.report()


# -- freshness -----------------------------------------------------------------------------------


def gaps_in_api(lead: WebClient, round_code: str, unit_code: str) -> dict[str, tuple[float, float | None]]:
    body = lead.get(f"/api/v1/rounds/{round_code}/scores").get_json()
    unit = next(u for u in body["units"] if u["unit"]["code"] == unit_code)
    return {t["key"]: (t["target"], t["gap"]) for t in unit["themes"]}


def target_in_csv(lead: WebClient, round_code: str, unit_code: str) -> str:
    text = lead.get(f"/compare/{round_code}/export.csv").get_data(as_text=True).lstrip("\ufeff")
    header, *rows = [line.split(";") for line in text.splitlines()]
    row = next(r for r in rows if r[0] == unit_code)
    return row[header.index("1. Thema 1 – doel")]


def target_on_results_page(client: WebClient, assessment_id: int) -> str:
    html = client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)
    row = html.split('<th scope="row">1. Thema 1</th>', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="num">([^<]*)</td>', row)[1]  # score, target, gap, ...


def set_target(coordinator: WebClient, round_: Round, unit: Unit, theme_ids: list[int], level: int) -> None:
    url = f"/rounds/{round_.code}/targets/{unit.code}"
    form = {f"theme_{theme_id}": "3" for theme_id in theme_ids}
    form[f"theme_{theme_ids[0]}"] = str(level)
    assert coordinator.submit(url, form).status_code == 302


def test_two_target_edits_whose_sums_cancel_out_still_show_the_new_gaps(factory, db_session, world, clients):
    """The old cache compared sums (level × id) of the targets: unit A from 2 to 4 and unit B
    from 5 to 4 left them equal, and the old gaps stayed on the pages and in the API."""
    _rep, lead = clients
    coordinator = WebClient(lead.client.application.test_client())
    coordinator.login(factory.user(Role.COORDINATOR).email)
    round_ = world.open_round
    theme_ids = [t.id for t in world.questionnaire.themes]
    a, b = world.units[1], world.units[2]
    set_target(coordinator, round_, a, theme_ids, 2)
    set_target(coordinator, round_, b, theme_ids, 5)
    assert gaps_in_api(lead, round_.code, a.code)["thema-1"][0] == 2
    assert target_in_csv(lead, round_.code, b.code) == "5,0"

    set_target(coordinator, round_, a, theme_ids, 4)
    set_target(coordinator, round_, b, theme_ids, 4)

    for unit in (a, b):
        target, _gap = gaps_in_api(lead, round_.code, unit.code)["thema-1"]
        assert target == 4
        assert target_in_csv(lead, round_.code, unit.code) == "4,0"
        assessment = db_session.scalar(select(Assessment).filter_by(unit_id=unit.id, round_id=round_.id))
        assert target_on_results_page(lead, assessment.id) == "4"


def test_a_change_made_through_another_app_server_shows_on_the_next_request(app, connection, world, clients):
    """Two app servers against one database: a save through one is seen through the other,
    although the other had the round's figures cached."""
    rep, _lead = clients
    second = create_app(dict(app.config))
    database = second.extensions["database"]
    database.engine.dispose()
    database.bind = connection
    database.session_options = {"join_transaction_mode": "create_savepoint"}
    lead_elsewhere = WebClient(second.test_client())
    lead_elsewhere.login(world.lead.email)
    url = f"/api/v1/rounds/{world.open_round.code}/scores?status=draft"

    def own_score() -> float:
        (unit,) = lead_elsewhere.get(url).get_json()["units"]
        return unit["themes"][0]["score"]

    before = own_score()
    save_a_change(rep, world)  # through the first app
    assert own_score() != before


def test_an_approval_shows_in_the_leads_figures_at_once(app, factory, world, clients):
    """Submitting and approving are changes of the round's figures as much as a save is: the lead,
    who had the round's scores cached, sees the approved unit on his very next request."""
    rep, lead = clients
    coordinator = WebClient(app.test_client())
    coordinator.login(factory.user(Role.COORDINATOR).email)
    url = f"/api/v1/rounds/{world.open_round.code}/scores?status=approved"

    def approved_units() -> set[str]:
        return {u["unit"]["code"] for u in lead.get(url).get_json()["units"]}

    assert "EIGEN" not in approved_units()
    page = rep.get(f"/assessments/{world.draft.id}/submit").get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    assert rep.submit(f"/assessments/{world.draft.id}/submit", {"version": version}).status_code == 302
    assert "EIGEN" not in approved_units()

    approve = coordinator.submit(
        f"/assessments/{world.draft.id}/approve",
        {"version": str(int(version) + 1)},
        page=f"/assessments/{world.draft.id}",
    )
    assert approve.status_code == 302

    assert "EIGEN" in approved_units()
