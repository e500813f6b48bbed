"""Reading the audit trail: who did what and when, filtered, newest first, a page at a time, and
as CSV of exactly what the filter shows. Coordinators read the part about rounds and assessments."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from assessment.audit import services
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role
from tests.helpers import text_of


@pytest.fixture
def trail(factory, db_session):
    """A round with events from two people on three days, and account events."""
    admin = factory.user(Role.ADMIN, email="admin@test.local")
    coordinator = factory.user(Role.COORDINATOR, email="carla@test.local")
    start = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)

    def event(day: int, actor, action: str, object_type: str, object_id: str, old=None, new=None):
        db_session.add(
            AuditEvent(
                created_at=start + dt.timedelta(days=day),
                actor_id=actor.id if actor else None,
                actor_email=actor.email if actor else None,
                action=action,
                object_type=object_type,
                object_id=object_id,
                old=old,
                new=new,
            )
        )

    event(0, None, "round.create", "rounds", "1", new={"code": "2026-1"})
    event(
        1,
        coordinator,
        "assessment.approve",
        "assessments",
        "7",
        {"status": "submitted"},
        {"status": "approved"},
    )
    event(2, coordinator, "assessment.return", "assessments", "8", {"status": "submitted"},
          {"status": "returned", "reason": "<script>alert(1)</script> =HYPERLINK(\"x\")"})  # fmt: skip
    event(2, admin, "user.create", "users", "5", new={"email": "new@test.local"})
    db_session.commit()
    return {"admin": admin, "coordinator": coordinator}


def rows(html: str) -> list[str]:
    """The actions in the table, top to bottom."""
    return (
        re.findall(r'<th scope="row">([^<]+)</th>', html.split("<tbody>", 1)[1]) if "<tbody>" in html else []
    )


def test_the_admin_reads_every_event_newest_first_with_old_and_new(client, trail):
    client.login(trail["admin"].email)
    response = client.get("/audit")
    assert response.status_code == 200
    # The login of the admin himself is the newest event.
    assert rows(response.text) == [
        "ingelogd", "account gemaakt", "teruggegeven", "goedgekeurd", "ronde gemaakt",
    ]  # fmt: skip
    text = text_of(response)
    assert (
        "carla@test.local goedgekeurd vragenlijst van een eenheid 7 status: submitted status: approved"
        in text
    )
    assert "3 november 2026, 11:00" in text  # local time
    # User text in an event is shown as text.
    assert "<script>alert(1)</script>" in text and "<script>alert(1)" not in response.text


def test_filters_by_who_kind_object_and_period(client, trail):
    client.login(trail["admin"].email)
    assert rows(client.get("/audit?wie=CARLA").text) == ["teruggegeven", "goedgekeurd"]
    assert rows(client.get("/audit?soort=rounds").text) == ["ronde gemaakt"]
    assert rows(client.get("/audit?soort=assessments&object=8").text) == ["teruggegeven"]
    assert rows(client.get("/audit?van=2026-11-03&tot=2026-11-03").text) == ["goedgekeurd"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("van=2026-13-01", "Ongeldige datum"),
        ("van=2026-11-05&tot=2026-11-01", "Deze datum ligt vóór de datum bij ‘Van’."),
        ("soort=bestaat-niet", "Ongeldige keuze"),
    ],
)
def test_a_bad_filter_is_named_at_its_field(client, trail, query, message):
    client.login(trail["admin"].email)
    response = client.get(f"/audit?{query}")
    assert response.status_code == 400
    assert message in text_of(response)
    assert rows(response.text) == []


def test_a_coordinator_reads_only_events_about_rounds_assessments_and_targets(client, trail):
    client.login(trail["coordinator"].email)
    response = client.get("/audit")
    assert rows(response.text) == ["teruggegeven", "goedgekeurd", "ronde gemaakt"]
    assert rows(client.get("/audit?soort=users").text) == []  # not a choice he has


def test_the_trail_is_paginated(client, trail, db_session, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    client.login(trail["coordinator"].email)
    first = client.get("/audit")
    assert "Pagina 1 van 2" in text_of(first)
    assert rows(first.text) == ["teruggegeven", "goedgekeurd"]
    second = client.get("/audit?pagina=2")
    assert rows(second.text) == ["ronde gemaakt"]
    assert client.get("/audit?pagina=99999999999999999999").status_code == 200


def test_the_csv_holds_exactly_what_the_filter_shows(client, trail):
    client.login(trail["admin"].email)
    page = client.get("/audit?wie=carla")
    link = re.search(r'href="(/audit/export\.csv[^"]*)"', page.text).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    header, *lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert header == ["Wanneer", "Wie", "Handeling", "Soort", "Nummer of code", "Oud", "Nieuw", "Adres"]
    assert [line[2] for line in lines] == rows(page.text) == ["teruggegeven", "goedgekeurd"]
    assert lines[1] == [
        "3 november 2026, 11:00", "carla@test.local", "goedgekeurd", "vragenlijst van een eenheid", "7",
        "status: submitted", "status: approved", "",
    ]  # fmt: skip


def test_the_trail_in_english(client, trail):
    client.login(trail["admin"].email)
    text = text_of(client.get("/audit?lang=en"))
    assert "Audit trail" in text and "approved" in text and "questionnaire of a unit" in text
