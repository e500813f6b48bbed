"""Two people save at the same moment, against a database file with real commits (not the rolled-back
test transaction): a save goes through while another writer commits in the middle of it.

On SQLite a transaction that began as a read and then writes is refused at once ("database is
locked") when another connection committed in between; a request that writes therefore begins as a
write (BEGIN IMMEDIATE) and the other writer waits its turn. PostgreSQL needs nothing of this; the
test runs there too.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from flask import Flask
from sqlalchemy import Engine, event, make_url, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments.models import Answer, Assessment
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role, User, UserSession
from tests.factories import Factory
from tests.helpers import PASSWORD, WebClient

T = TypeVar("T")


@pytest.fixture
def file_app(scratch_database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": scratch_database_url,
            "SECRET_KEY": "test-secret-key",
            "REPORT_MARKING": "",
            "JOB_QUEUE": "immediate",
        }
    )
    engine = app.extensions["database"].engine
    with engine.begin() as connection:
        migrate.upgrade(connection)
    yield app
    engine.dispose()


@pytest.fixture
def impatient_engine(scratch_database_url: str) -> Iterator[Engine]:
    """Another program's connection to the same database that never waits for a lock: it shows
    whether the request held the write lock while it ran."""
    if make_url(scratch_database_url).get_backend_name() == "sqlite":
        engine = db.make_engine(scratch_database_url, connect_args={"timeout": 0})
    else:
        engine = db.make_engine(scratch_database_url)
    yield engine
    engine.dispose()


@dataclass
class Setting:
    engine: Engine
    mine_id: int
    theirs_id: int
    question_id: int
    email: str


@pytest.fixture
def setting(file_app: Flask) -> Setting:
    """Two units' assessments in an open round; the representative of the first."""
    engine = file_app.extensions["database"].engine
    with Session(engine, expire_on_commit=False) as setup:
        factory = Factory(setup)
        unit, colleagues_unit = factory.unit("CLAS"), factory.unit("CZSK")
        round_ = factory.round(factory.questionnaire(themes=1, capabilities=1, questions=1), code="2026-1")
        mine, theirs = factory.assessment(unit, round_), factory.assessment(colleagues_unit, round_)
        rep = factory.user(Role.REPRESENTATIVE, units=[unit], email="rep@test.local")
        question = factory.questions(mine)[0]
        return Setting(engine, mine.id, theirs.id, question.id, rep.email)


def while_a_colleague_saves(setting: Setting, other: Engine, request: Callable[[], T]) -> T:
    """Run ``request``; a colleague's save is committed right after the request's first query
    (the request has read by then). When the request holds the write lock, the colleague's save
    comes after the request instead."""
    when: list[str] = []
    request_thread = threading.get_ident()

    def colleague_saves() -> None:
        with other.begin() as connection:
            connection.execute(
                text("UPDATE assessments SET version = version + 1 WHERE id = :id"), {"id": setting.theirs_id}
            )

    def after_first_query(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if when or threading.get_ident() != request_thread or statement.startswith("BEGIN"):
            return
        try:
            colleague_saves()
            when.append("during the request")
        except OperationalError:  # the request holds the write lock: the colleague waits
            when.append("after the request")

    event.listen(setting.engine, "after_cursor_execute", after_first_query)
    try:
        response = request()
    finally:
        event.remove(setting.engine, "after_cursor_execute", after_first_query)
    if when == ["after the request"]:
        colleague_saves()
    with Session(setting.engine) as check:
        assert check.get(Assessment, setting.theirs_id).version == 2  # type: ignore[union-attr]
    return response


def test_a_save_goes_through_when_someone_else_saves_while_it_is_under_way(
    file_app: Flask, setting: Setting, impatient_engine: Engine
) -> None:
    page = f"/assessments/{setting.mine_id}/speerpunten/thema-1"
    client = WebClient(file_app.test_client())
    client.login(setting.email)
    form = {
        "csrf_token": client.token(page),
        "version": "1",
        f"level_{setting.question_id}": "3",
        "action": "save",
    }

    response = while_a_colleague_saves(setting, impatient_engine, lambda: client.post(page, data=form))

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with Session(setting.engine) as check:
        assert check.scalar(select(Answer.level).where(Answer.assessment_id == setting.mine_id)) == 3
        assert check.get(Assessment, setting.mine_id).version == 2  # type: ignore[union-attr]


def test_logging_in_works_when_someone_else_saves_at_that_moment(
    file_app: Flask, setting: Setting, impatient_engine: Engine
) -> None:
    client = WebClient(file_app.test_client())
    form = {"csrf_token": client.token("/login"), "email": setting.email, "password": PASSWORD}

    response = while_a_colleague_saves(setting, impatient_engine, lambda: client.post("/login", data=form))

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.get(f"/assessments/{setting.mine_id}").status_code == 200
    with Session(setting.engine) as check:
        assert check.scalar(select(User.last_login_at).where(User.email == setting.email)) is not None


def test_a_page_that_writes_on_get_works_when_someone_else_saves_at_that_moment(
    file_app: Flask, setting: Setting, impatient_engine: Engine
) -> None:
    # A page of a kind the app may get (a download that is recorded), marked as ``db.writes``.
    @file_app.route("/_test/touch")
    @db.writes
    def touch() -> str:
        db.session.execute(select(Assessment.version).where(Assessment.id == setting.mine_id)).all()
        db.session.execute(
            text("UPDATE assessments SET version = version + 1 WHERE id = :id"), {"id": setting.mine_id}
        )
        return "ok"

    response = while_a_colleague_saves(
        setting, impatient_engine, lambda: file_app.test_client().get("/_test/touch")
    )

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with Session(setting.engine) as check:
        assert check.get(Assessment, setting.mine_id).version == 2  # type: ignore[union-attr]


def test_a_page_view_that_notes_the_logins_last_use_works_when_someone_else_saves_at_that_moment(
    file_app: Flask, setting: Setting, impatient_engine: Engine
) -> None:
    """The login's last-seen time is written at most once a minute, by whatever request comes:
    usually a GET, which began as a read."""
    client = WebClient(file_app.test_client())
    client.login(setting.email)
    with setting.engine.begin() as connection:  # the last request was two minutes ago
        connection.execute(
            text("UPDATE user_sessions SET last_seen_at = :then"),
            {"then": db.utcnow() - dt.timedelta(minutes=2)},
        )

    response = while_a_colleague_saves(
        setting, impatient_engine, lambda: client.get(f"/assessments/{setting.mine_id}")
    )

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with Session(setting.engine) as check:
        seen = check.scalar(select(UserSession.last_seen_at))
        assert seen is not None and db.utcnow() - seen < dt.timedelta(minutes=1)


def test_a_download_is_recorded_when_someone_else_saves_at_that_moment(
    file_app: Flask, setting: Setting, impatient_engine: Engine
) -> None:
    client = WebClient(file_app.test_client())
    client.login(setting.email)
    client.get("/")  # the login's last-seen time is fresh: the download below is a plain read

    response = while_a_colleague_saves(
        setting, impatient_engine, lambda: client.get(f"/api/v1/assessments/{setting.mine_id}")
    )

    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with Session(setting.engine) as check:
        assert (
            check.scalar(select(AuditEvent.action).where(AuditEvent.action == "export.download")) is not None
        )
