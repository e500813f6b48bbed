"""What a browser and the proxies between it and the app are told about every answer: nothing a
logged-in user sees is kept in a cache, HTTPS is remembered once the site runs on it, and a
client cannot pass itself off as another address."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest
from flask import Flask

from assessment.app import SECURITY_HEADERS, create_app
from tests.functional.test_compare import build_world
from tests.helpers import WebClient
from tests.processes import SECRET_KEY, background, environment, free_port, gunicorn_command, wait_for_health

HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture
def world(factory, db_session):
    return build_world(factory, db_session)


@pytest.fixture
def admin(client, world):
    client.login(world.users["admin"].email)
    return client


def logged_in_urls(world) -> dict[str, str]:
    assessment = world.assessments["CLAS-13"]
    return {
        "home page": "/",
        "assessment page": f"/assessments/{assessment.id}",
        "comparison page": "/compare/2026-1",
        "API": "/api/v1/rounds/2026-1/scores",
        "CSV export": "/compare/2026-1/export.csv",
        "Excel export": "/compare/2026-1/export.xlsx",
        "audit trail export": "/audit/export.csv",
        "PDF report": f"/reports/assessments/{assessment.id}.pdf",
    }


def test_nothing_a_logged_in_user_opens_may_be_stored_in_a_cache(admin, world):
    for what, url in logged_in_urls(world).items():
        response = admin.get(url)
        assert response.status_code == 200, what
        assert response.cache_control.no_store, what


def test_redirects_and_errors_of_a_logged_in_user_are_not_stored_either(admin, world):
    assert admin.get("/compare").headers.get("Cache-Control") == "no-store"  # a redirect or a page
    missing = admin.get("/assessments/999999")
    assert missing.status_code == 404
    assert missing.headers.get("Cache-Control") == "no-store"


def test_the_login_page_with_its_form_token_is_not_stored(client):
    assert client.get("/login").headers.get("Cache-Control") == "no-store"


def test_the_api_is_not_stored_even_without_a_login(client):
    response = client.get("/api/v1/rounds")
    assert response.status_code == 401
    assert response.headers.get("Cache-Control") == "no-store"


def test_static_files_stay_cacheable_for_a_logged_in_user(admin):
    response = admin.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_the_security_headers_of_every_page_stay(admin, world):
    for what, url in logged_in_urls(world).items():
        response = admin.get(url)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (what, name)


def app_with(app: Flask, connection, **settings) -> Flask:
    """An app server like the suite's, with other settings, in the test's own transaction."""
    other = create_app({**app.config, **settings})
    database = other.extensions["database"]
    database.engine.dispose()
    database.bind = connection
    database.session_options = {"join_transaction_mode": "create_savepoint"}
    return other


def test_https_is_remembered_only_when_the_session_cookie_is_secure(app, connection):
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    secure = app_with(app, connection, SESSION_COOKIE_SECURE=True)
    client = secure.test_client()
    for url in ("/login", "/static/css/app.css"):
        response = client.get(url, base_url="https://localhost")
        assert response.headers.get("Strict-Transport-Security") == HSTS, url
        response.close()


def test_a_stolen_session_cookie_does_not_pass_by_claiming_the_owners_address(app, world):
    """Flask-Login's strong session check compares the address and browser of the login with the
    request's; a client-sent X-Forwarded-For must not stand in for the address."""
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    WebClient(owner).login(world.users["lead"].email)
    assert owner.get("/").status_code == 200

    thief = app.test_client()
    thief.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    thief.set_cookie("session", owner.get_cookie("session").value)
    response = thief.get("/", headers={"X-Forwarded-For": "192.0.2.1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_behind_a_configured_proxy_the_address_the_proxy_adds_is_the_clients(app, connection, world):
    """With PROXY_COUNT=1 the last entry of X-Forwarded-For (the one the proxy adds) is the
    client: the owner stays logged in; a thief behind the same proxy who puts the owner's address
    in front of it does not get in."""
    proxied = app_with(app, connection, PROXY_COUNT=1)
    owner = proxied.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy
    owner.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.1"
    WebClient(owner).login(world.users["lead"].email)
    assert owner.get("/").status_code == 200

    thief = proxied.test_client()
    thief.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    thief.set_cookie("session", owner.get_cookie("session").value)
    response = thief.get("/", headers={"X-Forwarded-For": "192.0.2.1, 192.0.2.66"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_gunicorn_names_itself_without_a_version(tmp_path: Path):
    """The production server, as ``assessment/gunicorn_conf.py`` starts it: ``Server: gunicorn``,
    no version for a scanner to look up, and the app's own headers on what it serves."""
    port = free_port()
    command, extra = gunicorn_command(port)
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", SECRET_KEY=SECRET_KEY, **extra)
    with background("gunicorn", command, env=env, log_dir=tmp_path) as server:
        wait_for_health(f"http://127.0.0.1:{port}", server)
        for path, cached in (("/login", False), ("/static/css/app.css", True)):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            assert response.status == 200, path
            assert response.getheader("Server") == "gunicorn", path
            assert (response.getheader("Cache-Control") == "no-store") is not cached, path
            assert (
                response.getheader("Content-Security-Policy") == SECURITY_HEADERS["Content-Security-Policy"]
            )
