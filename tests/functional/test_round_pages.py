"""Running rounds in the browser: create (questionnaire, dates, default targets, which units take
part), open, close with a confirmation that counts the drafts, reopen, and change the default
targets while the round runs. The rules of the command line hold here too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assessment.assessments.models import Assessment, AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role
from assessment.rounds.models import Round, RoundStatus
from tests.helpers import text_of


@pytest.fixture
def office(factory):
    clas = factory.unit("CLAS", name="Commando Landstrijdkrachten")
    brigade = factory.unit("CLAS-13", name="13 Lichte Brigade", parent=clas)
    factory.unit("CLAS-13-1", name="Eerste bataljon", parent=brigade)
    factory.unit("CZSK", name="Commando Zeestrijdkrachten")
    gone = factory.unit("OUD", name="Opgeheven eenheid", parent=clas)
    gone.is_active = False
    questionnaire = factory.questionnaire(themes=2, capabilities=1, questions=1)
    return {
        "questionnaire": questionnaire,
        "coordinator": factory.user(Role.COORDINATOR),
        "lead": factory.user(Role.LEAD),
    }


def new_round_form(client, office, **changes) -> dict[str, object]:
    page = client.get("/rounds/new")
    assert page.status_code == 200
    themes = re.findall(r'name="(theme_\d+)"', page.text)
    assert len(themes) == 2
    form = {
        "questionnaire": str(office["questionnaire"].id),
        "code": "2027-1",
        "name": "Meting 2027",
        "opens_on": "2027-01-10",
        "closes_on": "2027-02-10",
        "scope": "",
    }
    return form | dict.fromkeys(themes, "4") | changes


def stored_round(db_session, code="2027-1") -> Round | None:
    db_session.expire_all()
    return db_session.scalar(select(Round).where(Round.code == code))


def test_a_coordinator_creates_a_round_for_part_of_the_tree_with_its_own_targets(client, office, db_session):
    client.login(office["coordinator"].email)
    made = client.submit("/rounds/new", new_round_form(client, office, scope="CLAS"), page="/rounds/new")
    assert made.headers["Location"] == "/rounds/2027-1"
    round_ = stored_round(db_session)
    assert round_.status is RoundStatus.PLANNED
    assert sorted(t.level for t in round_.default_targets) == [4, 4]
    assert round_.scope_unit.code == "CLAS"
    text = text_of(client.get("/rounds/2027-1"))
    assert "Commando Landstrijdkrachten (CLAS) en alles eronder (3 eenheden)" in text

    # Opening gives the active units of that part of the tree, and only those, a draft.
    client.submit("/rounds/2027-1/open", page="/rounds/2027-1")
    units = db_session.scalars(select(Assessment.unit_id).where(Assessment.round_id == round_.id)).all()
    assert len(units) == 3
    assert stored_round(db_session).status is RoundStatus.OPEN
    assert "3 eenheden kunnen beginnen" in text_of(client.get("/rounds/2027-1"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "2026 eerste"}, "is geen geldige code"),
        ({"closes_on": "2027-01-01"}, "De sluitdatum ligt vóór de openingsdatum."),
        ({"name": ""}, "Vul een naam in."),
        ({"opens_on": "10-01-2027"}, "Ongeldige datum"),
    ],
)
def test_bad_input_is_named_at_its_field_and_no_round_is_made(client, office, db_session, changes, message):
    client.login(office["coordinator"].email)
    refused = client.submit("/rounds/new", new_round_form(client, office, **changes), page="/rounds/new")
    assert refused.status_code == 400
    assert message in text_of(refused)
    assert db_session.scalars(select(Round)).all() == []


def test_a_target_outside_the_scale_and_a_taken_code_are_refused(client, office, factory, db_session):
    factory.round(office["questionnaire"], code="2027-1")
    client.login(office["coordinator"].email)
    taken = client.submit("/rounds/new", new_round_form(client, office), page="/rounds/new")
    assert taken.status_code == 400 and "ronde 2027-1 bestaat al" in text_of(taken)
    form = new_round_form(client, office, code="2027-2")
    form[next(k for k in form if k.startswith("theme_"))] = "9"
    outside = client.submit("/rounds/new", form, page="/rounds/new")
    assert outside.status_code == 400
    assert stored_round(db_session, "2027-2") is None


def test_closing_asks_first_and_counts_the_drafts_then_reopening_works(client, office, factory, db_session):
    round_ = factory.round(office["questionnaire"], code="2027-1")
    units = [factory.unit(f"U{i}") for i in range(3)]
    factory.assessment(units[0], round_)
    factory.assessment(units[1], round_, status=AssessmentStatus.RETURNED)
    factory.assessment(units[2], round_, status=AssessmentStatus.SUBMITTED)
    client.login(office["coordinator"].email)
    question = client.get("/rounds/2027-1/close")
    assert "2 vragenlijsten zijn nog niet ingediend." in text_of(question)
    assert stored_round(db_session).status is RoundStatus.OPEN

    client.submit("/rounds/2027-1/close", page="/rounds/2027-1/close")
    assert stored_round(db_session).status is RoundStatus.CLOSED
    client.submit("/rounds/2027-1/open", page="/rounds/2027-1")
    assert stored_round(db_session).status is RoundStatus.OPEN
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "rounds").order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["round.close", "round.open"]


def test_default_targets_change_while_the_round_is_open_and_not_after_it_closed(
    client, office, factory, db_session
):
    round_ = factory.round(office["questionnaire"], code="2027-1")
    themes = office["questionnaire"].themes
    client.login(office["coordinator"].email)
    page = "/rounds/2027-1"
    version = stored_round(db_session).results_version
    client.submit(f"{page}/defaults", {f"theme_{themes[0].id}": "5", f"theme_{themes[1].id}": "2"}, page=page)
    round_ = stored_round(db_session)
    assert {t.theme_id: t.level for t in round_.default_targets} == {themes[0].id: 5, themes[1].id: 2}
    assert round_.results_version > version  # the figures follow at once
    assert "Standaarddoelen opgeslagen (2 gewijzigd)." in text_of(client.get(page))

    round_.status = RoundStatus.CLOSED
    db_session.commit()
    token = client.token("/rounds/2027-1/targets")
    client.post(
        f"{page}/defaults",
        data={"csrf_token": token, f"theme_{themes[0].id}": "1", f"theme_{themes[1].id}": "1"},
    )
    assert {t.level for t in stored_round(db_session).default_targets} == {5, 2}


def test_a_lead_sees_rounds_but_runs_none(client, office, factory):
    factory.round(office["questionnaire"], code="2027-1")
    client.login(office["lead"].email)
    assert client.get("/rounds/2027-1").status_code == 200
    assert "Meetronde sluiten" not in text_of(client.get("/rounds/2027-1"))
    assert client.get("/rounds/new").status_code == 403
    assert client.submit("/rounds/2027-1/close", page="/rounds").status_code == 403


def test_the_round_pages_in_english(client, office, factory):
    factory.round(office["questionnaire"], code="2027-1")
    client.login(office["coordinator"].email)
    text = text_of(client.get("/rounds/2027-1?lang=en"))
    assert "Close the round" in text and "Default target per spearhead" in text
