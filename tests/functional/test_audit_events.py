"""What the audit trail records beyond the changes themselves: refused access, refused forms,
every download of data, who ran a command, what a unit was before and after, the drafts a round
gets when it opens, and from which address each event came."""

from __future__ import annotations

import getpass

import pytest
from sqlalchemy import select

from assessment.assessments.models import AssessmentStatus
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role
from assessment.rounds.models import RoundStatus
from tests.helpers import text_of

ADDRESS = "10.20.30.40"


def at_address(client, address: str = ADDRESS):  # type: ignore[no-untyped-def]
    """The browser on another machine (every request of it, the login too: Flask-Login ties a
    session to the address it logged in from)."""
    client.client.environ_base["REMOTE_ADDR"] = address
    return client


def events(db_session, action: str) -> list[AuditEvent]:
    db_session.expire_all()
    return list(
        db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


@pytest.fixture
def round_with_units(factory, db_session):
    """Round 2026-1 with two submitted assessments (the lowest-numbered is unit ALPHA's)."""
    questionnaire = factory.questionnaire(themes=1, questions=1)
    round_ = factory.round(questionnaire, code="2026-1")
    alpha, bravo = factory.unit("ALPHA"), factory.unit("BRAVO")
    first = factory.assessment(alpha, round_, status=AssessmentStatus.SUBMITTED)
    factory.assessment(bravo, round_, status=AssessmentStatus.SUBMITTED)
    factory.answer(first, factory.questions(first)[0], 3)
    db_session.commit()
    return round_, first, alpha, bravo


def test_a_refused_page_is_recorded_with_who_asked_and_from_where(client, factory, db_session):
    rep = factory.user(Role.REPRESENTATIVE, email="rep@test.local")
    at_address(client).login(rep.email)

    assert client.get("/audit").status_code == 403

    (event,) = events(db_session, "access.refused")
    assert (event.actor_id, event.actor_email, event.client_address) == (rep.id, "rep@test.local", ADDRESS)
    assert event.new == {"method": "GET", "path": "/audit", "status": 403}


def test_a_refused_api_call_is_recorded(client, factory, db_session, round_with_units):
    client.login(factory.user(Role.REPRESENTATIVE).email)
    assert client.get("/api/v1/rounds/2026-1/scores").status_code == 403
    assert [e.new["path"] for e in events(db_session, "access.refused")] == ["/api/v1/rounds/2026-1/scores"]


def test_opening_another_units_assessment_is_recorded_against_it_and_an_unknown_id_is_not(
    client, factory, db_session, round_with_units
):
    _round, first, _alpha, bravo = round_with_units
    client.login(factory.user(Role.REPRESENTATIVE, units=[bravo]).email)

    for url in (
        f"/assessments/{first.id}",
        f"/api/v1/assessments/{first.id}",
        f"/reports/assessments/{first.id}.pdf",
    ):
        assert client.get(url).status_code == 404
    assert client.get("/assessments/999999").status_code == 404

    refused = events(db_session, "access.refused")
    assert [(e.object_type, e.object_id, e.new["status"]) for e in refused] == [
        ("assessments", str(first.id), 404)
    ] * 3


def test_a_refused_request_keeps_nothing_but_its_record(client, factory, db_session, round_with_units):
    _round, first, *_ = round_with_units
    client.login(factory.user(Role.LEAD).email)
    review = client.get(f"/assessments/{first.id}/review")  # leads read, but do not decide
    assert review.status_code == 403
    assert len(events(db_session, "access.refused")) == 1
    assert events(db_session, "assessment.approve") == []


def test_a_form_refused_for_its_csrf_token_is_recorded(client, factory, db_session):
    user = factory.user(Role.COORDINATOR)
    client.login(user.email)

    response = client.post("/units/new", data={"code": "NEW", "name": "Nieuw", "kind": "eenheid"})

    assert response.status_code == 400
    (event,) = events(db_session, "request.csrf_refused")
    assert (event.actor_id, event.new) == (user.id, {"method": "POST", "path": "/units/new"})
    assert event.client_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("/compare/2026-1/export.csv", "dts-scores_2026-1.csv"),
        ("/compare/2026-1/export.xlsx", "dts-scores_2026-1.xlsx"),
        ("/reports/rounds/2026-1.pdf", "ronderapport_"),
        ("/reports/assessments/{first}.pdf", "2026-1_ALPHA"),
        ("/reports/jobs/{job}.zip", ".zip"),
        ("/audit/export.csv", "logboek.csv"),
        ("/api/v1/rounds/2026-1/scores", "/api/v1/rounds/2026-1/scores"),
        ("/api/v1/assessments/{first}", "/api/v1/assessments/"),
    ],
)
def test_every_download_of_data_is_recorded_with_its_file(
    client, factory, db_session, round_with_units, url, file
):
    _round, first, *_ = round_with_units
    job = factory.report_job([first])
    admin = factory.user(Role.ADMIN)
    at_address(client).login(admin.email)

    response = client.get(url.format(first=first.id, job=job.id))

    assert response.status_code == 200
    assert response.get_data()  # read to the end (the ZIP is streamed)
    (event,) = events(db_session, "export.download")
    assert file in event.new["file"]
    assert (event.actor_id, event.client_address) == (admin.id, ADDRESS)


def test_pages_and_the_benchmark_are_not_downloads(client, factory, db_session, round_with_units):
    client.login(factory.user(Role.ADMIN).email)
    for url in ("/compare/2026-1", "/api/v1/rounds/2026-1/benchmark", "/api/v1/rounds"):
        assert client.get(url).status_code == 200
    assert events(db_session, "export.download") == []


def test_commands_that_change_data_name_the_os_user_as_actor(cli, factory, db_session, tmp_path):
    questionnaire = factory.questionnaire(themes=1, questions=1)
    factory.round(questionnaire, code="2026-9", status=RoundStatus.PLANNED)
    units = tmp_path / "units.csv"
    units.write_text(
        "code;name;kind;parent_code\nCLI-1;Eenheid via de commandoregel;eenheid;\n", encoding="utf-8"
    )

    assert cli.invoke(args=["unit", "import", str(units)]).exit_code == 0
    assert cli.invoke(args=["round", "open", "2026-9"]).exit_code == 0

    actors = {
        e.actor_email for a in ("unit.import", "unit.create", "round.open") for e in events(db_session, a)
    }
    assert actors == {f"cli:{getpass.getuser()}"}


def test_the_unit_page_records_old_and_new_values(client, factory, db_session):
    parent = factory.unit("LAND")
    factory.unit("BRIG", name="Oude naam", parent=parent)
    client.login(factory.user(Role.COORDINATOR).email)

    response = client.submit(
        "/units/BRIG", {"name": "Nieuwe naam", "kind": "brigade", "parent": "", "is_active": "y"}
    )

    assert response.status_code == 302
    (event,) = events(db_session, "unit.update")
    assert event.old == {"name": "Oude naam", "kind": "eenheid", "parent": "LAND", "active": True}
    assert event.new == {"name": "Nieuwe naam", "kind": "brigade", "parent": None, "active": True}


def test_a_unit_import_records_each_unit_it_creates_or_changes_with_old_and_new(
    cli, factory, db_session, tmp_path
):
    factory.unit("LAND", name="Landmacht")
    factory.unit("BRIG", name="Oude naam", parent=None)
    factory.unit("SAME", name="Blijft")
    units = tmp_path / "units.csv"
    units.write_text(
        "LAND;Landmacht;eenheid;\nBRIG;Nieuwe naam;brigade;LAND\nSAME;Blijft;eenheid;\nNEW;Nieuw;eenheid;LAND\n",
        encoding="utf-8",
    )

    assert cli.invoke(args=["unit", "import", str(units)]).exit_code == 0

    (updated,) = events(db_session, "unit.update")
    assert updated.old == {"name": "Oude naam", "kind": "eenheid", "parent": None}
    assert updated.new == {"name": "Nieuwe naam", "kind": "brigade", "parent": "LAND", "file": str(units)}
    (created,) = events(db_session, "unit.create")
    assert created.old is None
    assert created.new == {"name": "Nieuw", "kind": "eenheid", "parent": "LAND", "file": str(units)}
    assert events(db_session, "unit.import")[0].new == {"created": 1, "updated": 1}


def test_opening_a_round_records_each_draft_it_makes(client, factory, db_session):
    questionnaire = factory.questionnaire(themes=1, questions=1)
    factory.round(questionnaire, code="2026-2", status=RoundStatus.PLANNED)
    factory.unit("ALPHA")
    factory.unit("BRAVO")
    client.login(factory.user(Role.COORDINATOR).email)

    client.submit("/rounds/2026-2/open", page="/rounds/2026-2")

    drafts = events(db_session, "assessment.create")
    assert sorted(e.new["unit"] for e in drafts) >= ["ALPHA", "BRAVO"]
    assert {(e.object_type, e.new["round"], e.new["status"]) for e in drafts} == {
        ("assessments", "2026-2", "draft")
    }


def test_the_logboek_shows_the_address_of_each_event(client, factory, db_session):
    admin = factory.user(Role.ADMIN)
    at_address(client).login(admin.email)
    client.get("/audit/export.csv")

    text = text_of(client.get("/audit"))

    assert "Adres" in text and ADDRESS in text
