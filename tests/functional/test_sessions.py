"""Logins the server can end: logout, a password change, deactivation and an admin's "log out
everywhere" end them for good (a copy of the cookie opens nothing afterwards); a login ends by
itself after 12 hours, or after 60 minutes without a request. Passwords: Argon2id, and one
maximum length everywhere."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User, UserSession
from assessment.auth.passwords import MAX_PASSWORD_LENGTH
from tests.functional.test_cli import one_line
from tests.helpers import PASSWORD, WebClient, text_of

NEW_PASSWORD = "vier woorden zijn sterk"
EXPIRED = "U was te lang niet actief of te lang ingelogd. Log opnieuw in."


@pytest.fixture
def people(factory):
    unit = factory.unit("CLAS-13", name="13 Lichte Brigade")
    return {
        "rep": factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local"),
        "lead": factory.user(Role.LEAD, email="lead@test.local"),
        "admin": factory.user(Role.ADMIN, email="admin@test.local"),
    }


@pytest.fixture
def third_client(app, connection) -> WebClient:
    """A third browser: the one a thief copied the cookie into."""
    return WebClient(app.test_client())


def is_logged_in(client: WebClient) -> bool:
    response = client.get("/")
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"
        return False
    assert response.status_code == 200
    return True


def api_answer(client: WebClient) -> int:
    return client.get("/api/v1/rounds").status_code


def copy_cookie(source: WebClient, target: WebClient) -> None:
    cookie = source.client.get_cookie("session")
    assert cookie is not None
    target.client.set_cookie("session", cookie.value)


def sessions_of(db_session, user: User) -> list[UserSession]:
    db_session.expire_all()
    return list(db_session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def audit(db_session, action: str) -> list[AuditEvent]:
    db_session.expire_all()
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def move_back(db_session, user: User, **columns: dt.timedelta) -> None:
    """Make the user's sessions older, as if time had passed."""
    for record in sessions_of(db_session, user):
        for column, delta in columns.items():
            setattr(record, column, getattr(record, column) - delta)
    db_session.commit()


# -- what the cookie holds ------------------------------------------------------------------------


def test_a_login_makes_one_session_record_and_the_cookie_holds_no_user_id(client, app, people, db_session):
    client.login(people["rep"].email)
    [record] = sessions_of(db_session, people["rep"])
    assert record.user_agent.startswith("Werkzeug/")
    assert record.client_address == "127.0.0.1"
    cookie = client.client.get_cookie("session")
    content = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    secret = content["_user_id"]
    assert secret != str(people["rep"].id) and len(secret) >= 40
    assert record.secret_hash == hashlib.sha256(secret.encode()).hexdigest()  # only its hash is stored
    assert client.client.get_cookie("remember_token") is None  # no 31-day cookie


def test_a_client_sent_x_forwarded_for_does_not_matter(client, third_client, people):
    """Flask-Login's "strong" check hashed that header: anyone could send it, and proxies change it."""
    client.login(people["rep"].email)
    copy_cookie(client, third_client)
    assert client.get("/", headers={"X-Forwarded-For": "10.9.8.7"}).status_code == 200
    assert is_logged_in(client)
    client.logout()
    assert third_client.get("/", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 302


# -- logout ---------------------------------------------------------------------------------------


def test_a_cookie_copied_before_logout_opens_no_page_and_no_api_afterwards(
    client, third_client, people, db_session
):
    client.login(people["lead"].email)
    copy_cookie(client, third_client)
    assert is_logged_in(third_client)  # the copy works while the login lasts
    assert api_answer(third_client) == 200

    client.logout()

    assert not is_logged_in(client)
    assert not is_logged_in(third_client)
    assert api_answer(third_client) == 401
    assert sessions_of(db_session, people["lead"]) == []


def test_logging_out_ends_only_that_login(client, other_client, people):
    client.login(people["rep"].email)
    other_client.login(people["rep"].email)
    client.logout()
    assert not is_logged_in(client)
    assert is_logged_in(other_client)


def test_logout_is_recorded_in_the_audit_trail(client, people, db_session):
    client.login(people["rep"].email)
    client.logout()
    [event] = audit(db_session, "auth.logout")
    assert event.actor_id == people["rep"].id
    assert (event.object_type, event.object_id) == ("users", str(people["rep"].id))


# -- ending by itself -----------------------------------------------------------------------------


def test_a_login_ends_after_60_minutes_without_a_request(client, third_client, people, db_session):
    client.login(people["rep"].email)
    copy_cookie(client, third_client)
    move_back(
        db_session, people["rep"], last_seen_at=dt.timedelta(minutes=59), created_at=dt.timedelta(hours=1)
    )
    assert is_logged_in(client)  # 59 minutes: still there, and now seen again
    move_back(db_session, people["rep"], last_seen_at=dt.timedelta(minutes=61))

    response = client.get("/")
    assert response.status_code == 302
    assert EXPIRED in text_of(client.get(response.headers["Location"]))
    assert not is_logged_in(third_client)
    assert sessions_of(db_session, people["rep"]) == []


def test_a_login_ends_after_12_hours_even_when_in_use(client, people, db_session):
    client.login(people["rep"].email)
    move_back(db_session, people["rep"], created_at=dt.timedelta(hours=11, minutes=59))
    assert is_logged_in(client)
    move_back(db_session, people["rep"], created_at=dt.timedelta(minutes=2))
    assert not is_logged_in(client)
    assert api_answer(client) == 401


def test_the_idle_timeout_is_configurable(client, app, people, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 10)
    client.login(people["rep"].email)
    move_back(db_session, people["rep"], last_seen_at=dt.timedelta(minutes=11))
    assert not is_logged_in(client)


def test_the_last_request_time_is_written_at_most_once_a_minute(client, people, db_session, count_queries):
    client.login(people["rep"].email)
    with count_queries as counted:
        for _ in range(3):
            assert client.get("/account/wachtwoord").status_code == 200
    assert [
        s for s in counted.statements if "user_sessions" in s and s.lstrip().upper().startswith("UPDATE")
    ] == []

    move_back(db_session, people["rep"], last_seen_at=dt.timedelta(seconds=61))
    before = sessions_of(db_session, people["rep"])[0].last_seen_at
    with count_queries as counted:
        client.get("/account/wachtwoord")
        client.get("/account/wachtwoord")
    updates = [s for s in counted.statements if s.lstrip().upper().startswith("UPDATE user_sessions".upper())]
    assert len(updates) == 1
    assert sessions_of(db_session, people["rep"])[0].last_seen_at > before


def test_an_ended_login_is_removed_when_anyone_logs_in(client, other_client, people, db_session):
    client.login(people["rep"].email)
    move_back(
        db_session, people["rep"], created_at=dt.timedelta(hours=13), last_seen_at=dt.timedelta(hours=2)
    )
    other_client.login(people["lead"].email)
    assert sessions_of(db_session, people["rep"]) == []


# -- ended by a change ----------------------------------------------------------------------------


def test_a_password_change_ends_the_users_other_logins_but_not_this_one(
    client, other_client, third_client, people, db_session
):
    other_client.login(people["rep"].email)  # e.g. someone who knew the old password
    client.login(people["rep"].email)
    copy_cookie(other_client, third_client)
    done = client.submit(
        "/account/wachtwoord", {"current": PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert is_logged_in(client)
    assert not is_logged_in(other_client)
    assert not is_logged_in(third_client)
    assert len(sessions_of(db_session, people["rep"])) == 1


def test_deactivating_a_user_ends_his_logins(client, other_client, third_client, people, db_session):
    other_client.login(people["lead"].email)
    copy_cookie(other_client, third_client)
    client.login(people["admin"].email)
    saved = client.submit(f"/users/{people['lead'].id}", {"role": "lead"})  # is_active off
    assert saved.status_code == 302
    assert sessions_of(db_session, people["lead"]) == []
    assert not is_logged_in(other_client)
    assert api_answer(third_client) == 401


def test_an_admin_logs_a_user_out_everywhere(client, other_client, third_client, people, db_session):
    other_client.login(people["lead"].email)
    third_client.login(people["lead"].email)
    client.login(people["admin"].email)
    page = client.get(f"/users/{people['lead'].id}")
    assert 'value="Overal uitloggen"' in page.get_data(as_text=True)
    assert text_of(page).count("Werkzeug/") == 2  # both logins are listed

    response = client.submit(f"/users/{people['lead'].id}/sessions/end", page=f"/users/{people['lead'].id}")

    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "2 sessies van lead@test.local zijn beëindigd." in text_of(page)
    assert "Deze gebruiker is nergens ingelogd." in text_of(page)
    assert not is_logged_in(other_client)
    assert not is_logged_in(third_client)
    assert is_logged_in(client)  # the admin's own login is another user's
    [event] = audit(db_session, "user.logout_everywhere")
    assert event.actor_id == people["admin"].id
    assert (event.object_id, event.old, event.new) == (
        str(people["lead"].id),
        {"sessions": 2},
        {"sessions": 0},
    )


def test_log_out_everywhere_needs_the_forms_csrf_token(client, other_client, people, db_session):
    other_client.login(people["lead"].email)
    client.login(people["admin"].email)
    assert client.post(f"/users/{people['lead'].id}/sessions/end").status_code == 400
    assert is_logged_in(other_client)
    assert audit(db_session, "user.logout_everywhere") == []


# -- passwords --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256"])
def test_an_old_werkzeug_hash_logs_in_and_is_replaced_by_argon2id(client, people, db_session, method):
    user = db_session.get(User, people["rep"].id)
    user.password_hash = generate_password_hash(PASSWORD, method=method)
    db_session.commit()
    client.login(user.email)
    db_session.expire_all()
    rehashed = db_session.get(User, user.id).password_hash
    assert rehashed.startswith("$argon2id$")
    client.logout()
    client.login(user.email)  # and the new hash works
    db_session.expire_all()
    assert db_session.get(User, user.id).password_hash == rehashed  # not made again


def test_a_wrong_password_leaves_an_old_hash_alone(client, people, db_session):
    user = db_session.get(User, people["rep"].id)
    old = user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    db_session.commit()
    assert (
        client.submit("/login", {"email": user.email, "password": "niet-het-wachtwoord"}).status_code == 400
    )
    db_session.expire_all()
    assert db_session.get(User, user.id).password_hash == old


def test_an_argon2_hash_with_weaker_parameters_is_made_again_at_login(client, people, db_session):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = db_session.get(User, people["rep"].id)
    user.password_hash = weak
    db_session.commit()
    client.login(user.email)
    db_session.expire_all()
    stored = db_session.get(User, user.id).password_hash
    assert stored != weak and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_password_longer_than_the_maximum_is_refused_at_its_field_when_set(client, other_client, people):
    client.login(people["admin"].email)
    made = client.submit(
        "/users/new", {"email": "nieuw@test.local", "name": "Nieuw", "role": "lead"}, page="/users/new"
    )
    link = urlsplit(made.text.split('id="link"', 1)[1].split('value="', 1)[1].split('"', 1)[0]).path
    too_long = "lange zin " * 13  # 130 characters
    refused = other_client.submit(link, {"password": too_long, "repeat": too_long})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Het wachtwoord mag hoogstens 128 tekens hebben." in text_of(refused)
    field = html.split('class="form-field has-error"', 1)[1].split("</div>", 1)[0]
    assert ">Nieuw wachtwoord</label>" in field
    longest = ("lange zin " * 13)[:MAX_PASSWORD_LENGTH]
    assert other_client.submit(link, {"password": longest, "repeat": longest}).status_code == 302
    other_client.login("nieuw@test.local", longest)  # the longest allowed logs in


def test_the_login_form_takes_the_same_maximum(client, people):
    refused = client.submit(
        "/login", {"email": people["rep"].email, "password": "x" * (MAX_PASSWORD_LENGTH + 1)}
    )
    assert refused.status_code == 400
    assert "Het wachtwoord mag hoogstens 128 tekens hebben." in text_of(refused)


def test_the_cli_refuses_a_password_longer_than_the_maximum(cli, db_session):
    result = cli.invoke(
        args=[
            "user",
            "create",
            "--email",
            "lang@test.local",
            "--name",
            "Lang",
            "--role",
            "lead",
            "--password-stdin",
        ],
        input="x" * 100 + "lange zin " * 3 + "\n",
    )
    assert one_line(result) == "Fout: het wachtwoord mag hoogstens 128 tekens hebben"
    assert (
        db_session.scalar(select(func.count()).select_from(User).where(User.email == "lang@test.local")) == 0
    )
