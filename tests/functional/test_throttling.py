"""Password guessing is slowed down: after 10 wrong passwords for one account within a minute,
or 30 from one address, the next attempt is refused with 429 and a time to wait, even with the
right password. The rest of the suite runs without throttling; these tests turn it on in an app
of their own, against the test's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import select

from assessment import db
from assessment.app import create_app
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User
from assessment.auth.services import issue_token
from tests.functional.test_api import assert_described, described
from tests.helpers import PASSWORD, WebClient, text_of

LOGIN_FAILED = "Het e-mailadres of het wachtwoord klopt niet."
TOO_MANY = "Te veel mislukte pogingen."
WRONG = "not-the-password-at-all"
REDIS_URL = "redis://127.0.0.1:6379/0"


def throttling_app(app: Flask, connection: Any, **settings: Any) -> Flask:
    """An app server like the test suite's, with throttling on (memory unless told otherwise)."""
    throttling = create_app(
        {**app.config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", **settings}
    )
    database = throttling.extensions["database"]
    database.engine.dispose()
    database.bind = connection
    database.session_options = {"join_transaction_mode": "create_savepoint"}
    return throttling


@pytest.fixture
def throttled(app, connection) -> Flask:
    return throttling_app(app, connection)


def browser(app: Flask, address: str = "192.0.2.10") -> WebClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return WebClient(client)


def login(client: WebClient, email: str, password: str, **kwargs: Any) -> Any:
    return client.submit("/login", {"email": email, "password": password}, **kwargs)


def wrong_passwords(client: WebClient, email: str, times: int, **kwargs: Any) -> None:
    for attempt in range(1, times + 1):
        response = login(client, email, WRONG, **kwargs)
        assert response.status_code == 400, f"attempt {attempt} for {email}: {response.status_code}"
        assert LOGIN_FAILED in text_of(response)


def assert_refused(response: Any, *, within: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= within


def test_the_eleventh_wrong_password_within_a_minute_is_refused_even_when_the_twelfth_is_right(
    throttled, factory, db_session
):
    user = factory.user(Role.REPRESENTATIVE, email="rep@test.local")
    client = browser(throttled)
    wrong_passwords(client, user.email, 10)

    eleventh = login(client, user.email, WRONG)
    assert_refused(eleventh, within=60)
    page = text_of(eleventh)
    assert TOO_MANY in page and "probeer het dan opnieuw" in page
    assert "Inloggen" in page and 'value="rep@test.local"' in eleventh.get_data(as_text=True)

    twelfth = login(client, "  REP@test.local ", PASSWORD)  # the same account, however written
    assert_refused(twelfth, within=60)
    assert client.get("/").status_code == 302  # still not logged in

    refusals = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.throttled")).all()
    assert [(e.new["email"], e.new["address"]) for e in refusals] == [
        ("rep@test.local", "192.0.2.10"),
        ("  REP@test.local ", "192.0.2.10"),
    ]


def test_another_account_from_the_same_address_is_refused_at_the_address_limit(throttled, factory):
    users = [factory.user(email=f"user{n}@test.local") for n in range(4)]
    guesser = browser(throttled, "192.0.2.20")
    for user in users[:3]:
        wrong_passwords(guesser, user.email, 10)  # 30 from this address; no account over its limit

    assert_refused(login(guesser, users[3].email, PASSWORD), within=60)
    # Someone elsewhere logs in to that account as usual.
    assert login(browser(throttled, "192.0.2.21"), users[3].email, PASSWORD).status_code == 302


def test_logging_in_often_with_the_right_password_is_not_throttled(throttled, factory):
    user = factory.user()
    client = browser(throttled)
    for _ in range(12):
        assert login(client, user.email, PASSWORD).status_code == 302
        client.logout()
    wrong_passwords(client, user.email, 1)


def test_guessing_the_current_password_at_a_password_change_is_refused_after_ten(
    throttled, factory, db_session
):
    user = factory.user()
    old_hash = user.password_hash
    client = browser(throttled)
    client.login(user.email)
    form = {"current": WRONG, "password": "a long new passphrase", "repeat": "a long new passphrase"}
    for _ in range(10):
        assert client.submit("/account/wachtwoord", form).status_code == 400
    refused = client.submit("/account/wachtwoord", {**form, "current": PASSWORD})
    assert_refused(refused, within=60)
    assert TOO_MANY in text_of(refused)
    db_session.refresh(user)
    assert user.password_hash == old_hash
    # One count per account: the guesser cannot go on at the login page either.
    assert_refused(login(browser(throttled, "192.0.2.30"), user.email, PASSWORD), within=60)


def test_wrong_api_tokens_from_one_address_are_refused_after_twenty(throttled, factory):
    lead = factory.user(Role.LEAD)
    with throttled.app_context():
        _token, secret = issue_token(db.session.get(User, lead.id), "dashboard")
        db.session.commit()
    client = browser(throttled)
    for _ in range(20):
        response = client.get("/api/v1/rounds", headers={"Authorization": "Bearer dts_not-issued"})
        assert response.status_code == 401
    refused = client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {secret}"})
    assert_refused(refused, within=60)
    assert refused.get_json()["message"].startswith(TOO_MANY)
    assert_described(described(client), "/rounds", refused)
    elsewhere = browser(throttled, "192.0.2.40")
    assert elsewhere.get("/api/v1/rounds", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


# -- the client's address ------------------------------------------------------------------------


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forwarded_address_counts_only_behind_a_configured_proxy(app, connection, factory, proxies):
    throttled = throttling_app(app, connection, PROXY_COUNT=proxies, THROTTLE_ADDRESS_LIMITS="3/minute")
    users = [factory.user() for _ in range(4)]
    client = browser(throttled, "192.0.2.50")  # the proxy's address, or the client's own
    for n, user in enumerate(users[:3]):
        wrong_passwords(client, user.email, 1, headers={"X-Forwarded-For": f"198.51.100.{n}"})

    fourth = login(client, users[3].email, PASSWORD, headers={"X-Forwarded-For": "198.51.100.9"})
    if proxies:  # three clients behind one proxy, each with one attempt
        assert fourth.status_code == 302
    else:  # one client that sends a different header each time
        assert fourth.status_code == 429


# -- several app servers --------------------------------------------------------------------------


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of the test's own in Redis; its keys are removed afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        pytest.skip(f"no Redis answers on 127.0.0.1:6379 ({exc})")
    prefix = f"dts-test-throttle-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"*{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_two_app_servers_share_the_count_in_redis(app, connection, factory, redis_prefix):
    """REDIS_URL, as a site with several app servers sets it, puts the counts in Redis."""
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_STORAGE_URI": None, "RATELIMIT_KEY_PREFIX": redis_prefix}
    server_a = throttling_app(app, connection, **settings)
    server_b = throttling_app(app, connection, **settings)
    user = factory.user()
    wrong_passwords(browser(server_a), user.email, 5)
    wrong_passwords(browser(server_b), user.email, 5)

    assert_refused(login(browser(server_a), user.email, PASSWORD), within=60)
    assert_refused(login(browser(server_b), user.email, PASSWORD), within=60)
    assert server_a.extensions["throttle"].storage is not server_b.extensions["throttle"].storage
