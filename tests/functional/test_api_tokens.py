"""An admin issues personal API tokens on /api-tokens and revokes them: the token is shown once,
only its hash is stored, both actions are in the audit trail, and a revoked token stops working."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from assessment import formatting
from assessment.audit.models import AuditEvent
from assessment.auth.models import ApiToken, Role
from assessment.db import utcnow
from tests.functional.test_cli import count, one_line, run, succeeded
from tests.functional.test_compare import (
    table,
)
from tests.helpers import text_of

PAGE = "/api-tokens"
SECRET = re.compile(r"dts_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def users(factory):
    unit = factory.unit("CLAS-13", name="13 Lichte Brigade")
    return {
        "rep": factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local"),
        "lead": factory.user(Role.LEAD, email="lead@test.local", name="Lea Leider"),
        "coordinator": factory.user(Role.COORDINATOR, email="coordinator@test.local"),
        "admin": factory.user(Role.ADMIN, email="admin@test.local"),
        "gone": factory.user(Role.LEAD, email="gone@test.local", is_active=False),
    }


@pytest.fixture
def admin(client, users):
    client.login(users["admin"].email)
    return client


def issue(client, user_id: int, name: str = "Power BI staf CLAS"):
    return client.submit(PAGE, {"user_id": str(user_id), "name": name})


def issue_until(client, user_id: int, last_day: str, name: str = "Tijdelijk"):
    return client.submit(PAGE, {"user_id": str(user_id), "name": name, "valid_through": last_day})


def secret_on(response) -> str:
    found = SECRET.findall(response.get_data(as_text=True))
    assert len(found) == 1, found
    return found[0]


def stored_tokens(db_session) -> list[ApiToken]:
    db_session.expire_all()
    return list(db_session.scalars(select(ApiToken).order_by(ApiToken.id)))


def audit(db_session, action: str) -> list[AuditEvent]:
    db_session.expire_all()
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def api_status(client, secret: str) -> int:
    return client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {secret}"}).status_code


def field_with_error(html: str, label: str) -> str:
    """The text of the form field with this label, when it shows an error."""
    for field in re.findall(r'<div class="form-field has-error">(.*?)</div>', html, re.S):
        if f">{label}</label>" in field:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", field)).strip()
    raise AssertionError(f"no error at the field '{label}'")


# -- who may come ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("coordinator", 403), ("lead", 403), ("rep", 403)]
)
def test_only_admins_open_the_token_page(client, users, role, status):
    client.login(users[role].email)
    assert client.get(PAGE).status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(client, users):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize("role", ["coordinator", "lead"])
def test_others_cannot_issue_or_revoke_a_token(client, other_client, users, db_session, role):
    other_client.login(users["admin"].email)
    issue(other_client, users["lead"].id)
    token = stored_tokens(db_session)[0]
    client.login(users[role].email)
    refused = client.submit(PAGE, {"user_id": str(users[role].id), "name": "Mijn eigen"}, page="/logout")
    assert refused.status_code == 403
    assert client.submit(f"{PAGE}/{token.id}/revoke", page="/logout").status_code == 403
    assert [(t.name, t.revoked_at) for t in stored_tokens(db_session)] == [("Power BI staf CLAS", None)]


# -- issuing --------------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(admin, users, db_session):
    response = issue(admin, users["lead"].id)
    assert response.status_code == 200
    assert "Kopieer het token nu: u ziet het maar één keer." in text_of(response)
    secret = secret_on(response)

    [token] = stored_tokens(db_session)
    assert token.user_id == users["lead"].id
    assert token.created_by_id == users["admin"].id
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = [getattr(token, column.key) for column in ApiToken.__table__.columns]
    assert not [value for value in stored if isinstance(value, str) and secret in value]
    for event in audit(db_session, "api_token.issue"):
        assert secret not in repr(event.new)

    assert secret not in admin.get(PAGE).get_data(as_text=True)  # never again
    assert api_status(admin, secret) == 200


def test_the_list_shows_owner_name_and_prefix_of_every_token(admin, users):
    first = secret_on(issue(admin, users["lead"].id, "Power BI staf CLAS"))
    second = secret_on(issue(admin, users["coordinator"].id, "Rapportage DOSCO"))
    rows = {row[0]: row[1:] for row in table(admin.get(PAGE).get_data(as_text=True), "Uitgegeven tokens")}
    assert rows["lead@test.local"][:2] == ["Power BI staf CLAS", f"{first[:12]}…"]
    assert rows["coordinator@test.local"][:2] == ["Rapportage DOSCO", f"{second[:12]}…"]
    assert rows["lead@test.local"][3] == "–"  # not used yet
    assert rows["lead@test.local"][4] == "tot intrekken"  # no last day chosen
    assert rows["lead@test.local"][5].startswith("Intrekken")


def test_issuing_is_recorded_in_the_audit_trail(admin, users, db_session):
    secret = secret_on(issue(admin, users["lead"].id))
    [token] = stored_tokens(db_session)
    [event] = audit(db_session, "api_token.issue")
    assert event.actor_id == users["admin"].id
    assert (event.object_type, event.object_id) == ("api_tokens", str(token.id))
    assert event.new == {"user": "lead@test.local", "name": "Power BI staf CLAS", "prefix": secret[:12]}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Geef het token een naam."),
        ("   ", "geef het token een naam, zodat u later weet waarvoor het is"),
    ],
)
def test_a_token_without_a_name_is_refused_at_the_name_field(admin, users, db_session, name, message):
    response = issue(admin, users["lead"].id, name)
    assert response.status_code == 400
    field = field_with_error(response.get_data(as_text=True), "Naam van het token")
    assert message in field
    assert not SECRET.search(response.get_data(as_text=True))
    assert stored_tokens(db_session) == []
    assert audit(db_session, "api_token.issue") == []


def test_a_name_longer_than_100_characters_is_refused(admin, users, db_session):
    response = issue(admin, users["lead"].id, "x" * 101)
    assert response.status_code == 400
    assert field_with_error(response.get_data(as_text=True), "Naam van het token")
    assert stored_tokens(db_session) == []


def test_a_deactivated_account_cannot_get_a_token(admin, users, db_session):
    assert "gone@test.local" not in admin.get(PAGE).get_data(as_text=True)
    response = issue(admin, users["gone"].id)
    assert response.status_code == 400
    assert field_with_error(response.get_data(as_text=True), "Account")
    assert stored_tokens(db_session) == []


def test_issuing_without_the_forms_csrf_token_is_refused(admin, users, db_session):
    response = admin.post(PAGE, data={"user_id": str(users["lead"].id), "name": "Zonder token"})
    assert response.status_code == 400
    assert stored_tokens(db_session) == []


# -- revoking -------------------------------------------------------------------------------------


def test_a_revoked_token_is_marked_and_stops_working(admin, users, db_session):
    secret = secret_on(issue(admin, users["lead"].id))
    [token] = stored_tokens(db_session)
    assert api_status(admin, secret) == 200

    response = admin.submit(f"{PAGE}/{token.id}/revoke", page=PAGE)
    assert response.status_code == 302
    page = admin.get(response.headers["Location"])
    assert "Token ‘Power BI staf CLAS’ van lead@test.local is ingetrokken." in text_of(page)
    rows = {row[0]: row[1:] for row in table(page.get_data(as_text=True), "Uitgegeven tokens")}
    assert rows["lead@test.local"][5].startswith("ingetrokken op ")

    [token] = stored_tokens(db_session)
    assert token.revoked_at is not None
    assert api_status(admin, secret) == 401


def test_revoking_is_recorded_in_the_audit_trail(admin, users, db_session):
    issue(admin, users["lead"].id)
    [token] = stored_tokens(db_session)
    admin.submit(f"{PAGE}/{token.id}/revoke", page=PAGE)
    [event] = audit(db_session, "api_token.revoke")
    assert event.actor_id == users["admin"].id
    assert (event.object_type, event.object_id) == ("api_tokens", str(token.id))
    assert (event.old, event.new) == ({"active": True}, {"active": False})


def test_revoking_without_the_forms_csrf_token_changes_nothing(admin, users, db_session):
    secret = secret_on(issue(admin, users["lead"].id))
    [token] = stored_tokens(db_session)
    response = admin.post(f"{PAGE}/{token.id}/revoke")
    assert response.status_code == 400
    assert stored_tokens(db_session)[0].revoked_at is None
    assert api_status(admin, secret) == 200
    assert audit(db_session, "api_token.revoke") == []


def test_revoking_an_unknown_token_is_not_found(admin, users):
    assert admin.submit(f"{PAGE}/999999/revoke", page=PAGE).status_code == 404


def test_revoking_twice_records_it_once(admin, users, db_session):
    issue(admin, users["lead"].id)
    [token] = stored_tokens(db_session)
    admin.submit(f"{PAGE}/{token.id}/revoke", page=PAGE)
    revoked_at = stored_tokens(db_session)[0].revoked_at
    admin.submit(f"{PAGE}/{token.id}/revoke", page=PAGE)
    assert stored_tokens(db_session)[0].revoked_at == revoked_at
    assert len(audit(db_session, "api_token.revoke")) == 1


# -- assessment user token -------------------------------------------------------------------------


def test_the_command_line_makes_a_token_that_reads_the_api_and_prints_it_alone(
    cli, client, users, db_session
):
    result = run(cli, "user", "token", "--email", "Lead@Test.Local", "--name", "rapportage")
    [secret] = succeeded(result)
    assert SECRET.fullmatch(secret)
    assert "u ziet het maar één keer" in result.stderr
    response = client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    token = db_session.scalar(select(ApiToken).where(ApiToken.name == "rapportage"))
    assert token.user_id == users["lead"].id and secret not in token.token_hash


@pytest.mark.parametrize(
    ("email", "name", "expected"),
    [
        ("niemand@test.local", "x", "Fout: --email: account 'niemand@test.local' bestaat niet"),
        ("gone@test.local", "x", "Fout: het account gone@test.local is niet actief"),
        ("lead@test.local", " ", "Fout: geef het token een naam, zodat u later weet waarvoor het is"),
    ],
)
def test_the_command_line_refuses_a_token_for_no_account_or_without_a_name(
    cli, users, db_session, email, name, expected
):
    assert one_line(run(cli, "user", "token", "--email", email, "--name", name)) == expected
    assert count(db_session, ApiToken) == 0


# -- expiry and last use --------------------------------------------------------------------------


def test_a_token_with_a_last_day_works_until_then_and_answers_401_after(admin, users, db_session):
    last_day = utcnow().astimezone(formatting.local_zone()).date() + dt.timedelta(days=30)
    response = issue_until(admin, users["lead"].id, last_day.isoformat())
    secret = secret_on(response)
    rows = {row[0]: row[1:] for row in table(admin.get(PAGE).get_data(as_text=True), "Uitgegeven tokens")}
    assert rows["lead@test.local"][4] == formatting.date(last_day)
    assert api_status(admin, secret) == 200

    [token] = stored_tokens(db_session)
    token.expires_at = utcnow() - dt.timedelta(seconds=1)
    db_session.commit()

    answer = admin.get("/api/v1/rounds", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401
    assert answer.get_json() == {
        "status": 401,
        "message": "Log in, of stuur een geldig API-token mee (Authorization: Bearer ...).",
    }
    rows = {row[0]: row[1:] for row in table(admin.get(PAGE).get_data(as_text=True), "Uitgegeven tokens")}
    assert rows["lead@test.local"][5] == "verlopen"


def test_a_last_day_in_the_past_is_refused_at_its_field(admin, users, db_session):
    response = issue_until(
        admin,
        users["lead"].id,
        (utcnow().astimezone(formatting.local_zone()).date() - dt.timedelta(days=2)).isoformat(),
    )
    assert response.status_code == 400
    field = field_with_error(response.get_data(as_text=True), "Geldig tot en met (niet verplicht)")
    assert "kies vandaag of een dag in de toekomst" in field
    assert stored_tokens(db_session) == []


def test_a_last_day_that_is_no_date_is_refused_at_its_field(admin, users, db_session):
    response = issue_until(admin, users["lead"].id, "31-02-2027")
    assert response.status_code == 400
    assert field_with_error(response.get_data(as_text=True), "Geldig tot en met (niet verplicht)")
    assert stored_tokens(db_session) == []


def test_the_token_page_shows_when_a_token_was_last_used(admin, users, db_session):
    secret = secret_on(issue(admin, users["lead"].id))
    assert api_status(admin, secret) == 200
    [token] = stored_tokens(db_session)
    assert token.last_used_at is not None
    rows = {row[0]: row[1:] for row in table(admin.get(PAGE).get_data(as_text=True), "Uitgegeven tokens")}
    assert rows["lead@test.local"][3] == formatting.datetime(token.last_used_at)
    assert rows["lead@test.local"][3] != "–"
