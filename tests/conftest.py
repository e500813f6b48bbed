"""Shared fixtures. The schema is built once per run by the Alembic migrations; every test runs
in a transaction that is rolled back, so tests do not see each other's data.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/dts_test``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import Connection, Engine, event, make_url, text
from sqlalchemy.orm import Session

from assessment import db, migrate
from assessment.app import create_app
from tests.factories import Factory
from tests.helpers import WebClient

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return db.normalise_url(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        migrate.upgrade(connection)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "REPORT_MARKING": "",
            "JOB_QUEUE": "immediate",  # tasks run at once; tests/functional/test_worker.py runs real ones
            "RATELIMIT_ENABLED": False,  # tests/functional/test_throttling.py turns it on
            "EXCHANGE_KEY_FILE": str(tmp_path_factory.mktemp("exchange") / "exchange_key.pem"),
        }
    )
    database = app.extensions["database"]
    database.engine.dispose()
    database.engine = database.bind = engine
    return app


@contextmanager
def rolled_back(app: Flask, engine: Engine) -> Iterator[Connection]:
    """One outer transaction, rolled back at the end; every session inside it (the app's and the
    test's own) works in savepoints.

    The read side's process caches are emptied too: the rollback takes back rows (and, on
    SQLite, their ids and versions) that no production database ever takes back.
    """
    app.extensions["results"].clear()
    connection = engine.connect()
    transaction = connection.begin()
    database = app.extensions["database"]
    database.bind = connection
    database.session_options = {"join_transaction_mode": "create_savepoint"}
    try:
        yield connection
    finally:
        database.bind = engine
        database.session_options = {}
        transaction.rollback()
        connection.close()
        app.extensions["results"].clear()


@pytest.fixture
def connection(app: Flask, engine: Engine) -> Iterator[Connection]:
    """The test's own transaction (see ``rolled_back``)."""
    with rolled_back(app, engine) as connection:
        yield connection


class QueryCounter:
    """Counts the SQL statements sent to the database; transaction control (BEGIN, SAVEPOINT,
    COMMIT, ...) is left out, since it differs between the databases and the test harness."""

    SKIP = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.active = False

    def __call__(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        if self.active and not statement.lstrip().upper().startswith(self.SKIP):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self) -> QueryCounter:
        self.statements = []
        self.active = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.active = False

    def report(self) -> str:
        return "\n".join(f"{i}. {s[:160]}" for i, s in enumerate(self.statements, start=1))


@pytest.fixture
def count_queries(engine: Engine) -> Iterator[QueryCounter]:
    """``with count_queries as counted: ...`` then ``counted.count``: the statements in the block."""
    counter = QueryCounter()
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture
def db_session(connection: Connection) -> Iterator[Session]:
    """A session of the test's own, beside the app's: what it commits, requests can see."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def app_ctx(app: Flask, connection: Connection) -> Iterator[None]:
    """For tests that call services directly: ``assessment.db.session`` works inside."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def factory(db_session: Session) -> Factory:
    return Factory(db_session)


@pytest.fixture
def client(app: Flask, connection: Connection) -> WebClient:
    return WebClient(app.test_client())


@pytest.fixture
def other_client(app: Flask, connection: Connection) -> WebClient:
    """A second browser: another person at another desk."""
    return WebClient(app.test_client())


@pytest.fixture
def cli(app: Flask, connection: Connection):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def scratch_database_url(database_url: str, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A new, empty database of the same kind as the test database, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"dts_scratch_{uuid.uuid4().hex[:12]}"
    admin = db.make_engine(url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
