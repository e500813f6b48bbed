"""Accounts without a shell: an admin (or, for unit representatives, a coordinator) makes an
account and hands over a one-time link with which the user chooses his own password; roles,
units and deactivation from the browser; every user changes his own password."""

from __future__ import annotations

import datetime as dt
import email
import email.message
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from assessment.audit.models import AuditEvent
from assessment.auth.models import Invitation, Role, User
from tests.helpers import PASSWORD, WebClient, text_of

NEW_PASSWORD = "vier woorden zijn sterk"


@pytest.fixture
def office(factory):
    unit = factory.unit("CLAS-13", name="13 Lichte Brigade")
    other = factory.unit("CZSK", name="Commando Zeestrijdkrachten")
    return {
        "unit": unit,
        "other": other,
        "admin": factory.user(Role.ADMIN, email="admin@test.local"),
        "coordinator": factory.user(Role.COORDINATOR, email="coordinator@test.local"),
        "rep": factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local"),
    }


def make_account(client: WebClient, office, **changes):
    form = {"email": "nieuw@test.local", "name": "Kapitein J. de Vries", "role": "representative"}
    form |= {"units": [str(office["unit"].id)]} | changes
    return client.submit("/users/new", form)


def link_in(response) -> str:
    match = re.search(r'id="link"[^>]*value="http://localhost([^"]+)"', response.text)
    assert match, text_of(response)
    return match.group(1)


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_a_new_user_gets_a_link_sets_his_own_password_and_logs_in(client, other_client, office, db_session):
    client.login(office["admin"].email)
    made = make_account(client, office)
    assert made.status_code == 200
    link = link_in(made)
    assert "De link werkt één keer, tot" in text_of(made)
    user = db_session.scalar(select(User).where(User.email == "nieuw@test.local"))
    assert user.role is Role.REPRESENTATIVE and [u.code for u in user.units] == ["CLAS-13"]

    # Nobody can log in before the user has chosen a password.
    refused = other_client.submit("/login", {"email": "nieuw@test.local", "password": ""})
    assert refused.status_code == 400

    page = other_client.get(link)
    assert page.status_code == 200 and "nieuw@test.local" in text_of(page)
    done = other_client.submit(link, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert done.headers["Location"] == "/login?email=nieuw@test.local"
    assert 'value="nieuw@test.local"' in other_client.get(done.headers["Location"]).text
    other_client.login("nieuw@test.local", NEW_PASSWORD)

    # The link is used up.
    used = WebClient(other_client.client.application.test_client()).get(link)
    assert used.status_code == 404 and "Deze link werkt niet meer" in text_of(used)
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))).all()
    assert {"user.create", "user.invite", "user.password_set"} <= set(actions)


def test_a_link_older_than_72_hours_no_longer_works(client, other_client, office, db_session):
    client.login(office["admin"].email)
    link = link_in(make_account(client, office))
    invitation = db_session.scalars(select(Invitation)).one()
    invitation.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db_session.commit()
    assert other_client.get(link).status_code == 404


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("elf tekens!", "het wachtwoord moet minstens 12 tekens hebben"),
        ("password1234", "dit wachtwoord is te makkelijk te raden"),
        ("            ", "dit wachtwoord is te makkelijk te raden"),
        ("nieuw@test.local", "dit wachtwoord is te makkelijk te raden"),
    ],
)
def test_a_weak_password_is_refused_at_its_field_and_the_link_still_works(
    client, other_client, office, db_session, password, message
):
    client.login(office["admin"].email)
    link = link_in(make_account(client, office))
    refused = other_client.submit(link, {"password": password, "repeat": password})
    assert refused.status_code == 400
    assert message in text_of(refused)
    assert db_session.scalars(select(Invitation)).one().used_at is None
    assert other_client.get(link).status_code == 200


def test_the_two_passwords_must_be_equal(client, other_client, office):
    client.login(office["admin"].email)
    link = link_in(make_account(client, office))
    refused = other_client.submit(link, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD + "!"})
    assert "De twee wachtwoorden zijn niet gelijk." in text_of(refused)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "rep@test.local"}, "er is al een account met e-mailadres rep@test.local"),
        ({"units": []}, "Kies de eenheid of eenheden die hij vertegenwoordigt."),
        ({"units": ["999999"]}, "Kies alleen eenheden uit de lijst."),
        ({"email": ""}, "Vul het e-mailadres in."),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_is_made(client, office, db_session, changes, message):
    client.login(office["admin"].email)
    users = count(db_session, User)
    refused = make_account(client, office, **changes)
    assert refused.status_code == 400
    assert message in text_of(refused)
    assert count(db_session, User) == users
    assert count(db_session, Invitation) == 0


def test_a_coordinator_manages_representatives_only(client, office, db_session):
    client.login(office["coordinator"].email)
    listed = text_of(client.get("/users"))
    assert "rep@test.local" in listed and "admin@test.local" not in listed
    refused = make_account(client, office, role="admin", units=[])
    assert refused.status_code == 400
    assert "U mag deze rol niet geven." in text_of(refused)
    assert db_session.scalar(select(User).where(User.email == "nieuw@test.local")) is None
    assert client.get(f"/users/{office['admin'].id}").status_code == 403
    assert client.submit(f"/users/{office['admin'].id}/reset", page="/users").status_code == 403


def test_a_reset_gives_a_new_link_and_the_old_one_stops(client, other_client, office):
    client.login(office["admin"].email)
    first = link_in(client.submit(f"/users/{office['rep'].id}/reset", page=f"/users/{office['rep'].id}"))
    second = link_in(client.submit(f"/users/{office['rep'].id}/reset", page=f"/users/{office['rep'].id}"))
    assert other_client.get(first).status_code == 404
    assert other_client.get(second).status_code == 200
    other_client.submit(second, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    other_client.login("rep@test.local", NEW_PASSWORD)


def test_a_deactivated_user_is_refused_at_his_next_request(client, other_client, office, db_session):
    other_client.login(office["rep"].email)
    assert other_client.get("/").status_code == 200
    client.login(office["admin"].email)
    page = f"/users/{office['rep'].id}"
    saved = client.submit(page, {"role": "representative", "units": [str(office["unit"].id)]})  # no is_active
    assert saved.status_code == 302
    db_session.refresh(office["rep"])
    assert office["rep"].is_active is False
    assert other_client.get("/").headers["Location"].startswith("/login")
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.update")).one()
    assert event.old["active"] is True and event.new["active"] is False


def test_an_admin_changes_role_and_units(client, office, db_session):
    client.login(office["admin"].email)
    page = f"/users/{office['rep'].id}"
    units = [str(office["unit"].id), str(office["other"].id)]
    client.submit(page, {"role": "representative", "units": units, "is_active": "y"})
    db_session.refresh(office["rep"])
    assert [u.code for u in office["rep"].units] == ["CLAS-13", "CZSK"]
    client.submit(page, {"role": "lead", "units": units, "is_active": "y"})
    db_session.refresh(office["rep"])
    assert office["rep"].role is Role.LEAD and office["rep"].units == []  # a lead represents no unit


def test_an_admin_cannot_lock_himself_out(client, office, db_session):
    client.login(office["admin"].email)
    refused = client.submit(f"/users/{office['admin'].id}", {"role": "admin"})  # is_active off
    assert refused.status_code == 400
    assert "uw eigen account niet uitzetten" in text_of(refused)
    db_session.refresh(office["admin"])
    assert office["admin"].is_active


def test_every_user_changes_his_own_password(client, other_client, office):
    client.login(office["rep"].email)
    wrong = client.submit(
        "/account/wachtwoord", {"current": "fout", "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert wrong.status_code == 400 and "het huidige wachtwoord klopt niet" in text_of(wrong)
    weak = client.submit("/account/wachtwoord", {"current": PASSWORD, "password": "kort", "repeat": "kort"})
    assert weak.status_code == 400 and "minstens 12 tekens" in text_of(weak)
    done = client.submit(
        "/account/wachtwoord", {"current": PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert done.status_code == 302
    other_client.login(office["rep"].email, NEW_PASSWORD)
    third = WebClient(client.client.application.test_client())
    assert third.submit("/login", {"email": office["rep"].email, "password": PASSWORD}).status_code == 400


def test_the_password_page_and_the_link_page_in_english(client, other_client, office):
    client.login(office["admin"].email)
    link = link_in(make_account(client, office))
    text = text_of(other_client.get(link + "?lang=en"))
    assert "Set password" in text and "at least 12 characters" in text.lower()


class Inbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller checks its own port on start)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_FROM", "scan@defensie.test")
    yield inbox
    controller.stop()


def test_with_smtp_configured_the_link_is_mailed_as_well_and_never_a_password(
    client, other_client, office, smtp
):
    client.login(office["admin"].email)
    made = make_account(client, office)
    assert "De link is ook per e-mail verstuurd naar nieuw@test.local." in text_of(made)
    link = link_in(made)
    (message,) = smtp.messages
    assert (message["To"], message["From"]) == ("nieuw@test.local", "scan@defensie.test")
    assert message["Subject"] == "Uw account voor de DTS Volwassenheidsscan"
    body = message.get_payload(decode=True).decode("utf-8")
    assert f"http://localhost{link}" in body and "Beste Kapitein J. de Vries," in body
    other_client.submit(link, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert NEW_PASSWORD not in body


def test_when_the_mail_server_does_not_answer_the_link_is_still_shown(
    app, client, office, db_session, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", 9)  # nothing listens there
    client.login(office["admin"].email)
    made = make_account(client, office)
    assert made.status_code == 200
    assert "De e-mail met de link kon niet worden verstuurd. Geef de link zelf door." in text_of(made)
    assert link_in(made)
    assert db_session.scalar(select(User).where(User.email == "nieuw@test.local")) is not None
