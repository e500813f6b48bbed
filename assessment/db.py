"""The declarative base, the database engine and the request-scoped session.

One ``Session`` per application context (one per request, one per CLI command). Services call
``session.flush()`` and never commit. A request commits once, here, after its view: when the
response is a success or a redirect (status below 400); any error status or exception rolls the
whole request back, so nothing is half-saved. CLI commands commit in ``database_command``.

On SQLite a transaction that begins as a read and then writes fails at once ("database is
locked") when another connection wrote in between; the busy timeout does not help it. So a
transaction that will write says so when it begins (``BEGIN IMMEDIATE``) and waits its turn for
the one writer's lock instead: every request with a method other than GET, HEAD or OPTIONS, and
whatever runs inside ``writing()`` (CLI commands, queue tasks), and a view marked ``@writes`` that
writes on GET. PostgreSQL is not affected.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from flask.globals import app_ctx
from sqlalchemy import DateTime, Engine, Enum, MetaData, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

# Constraint names are fixed, so migrations can drop and alter them by name on every database.
NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp, stored as UTC; SQLite gives it back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads this class attribute)
        dt.datetime: UTCDateTime(),
        str: String(200),
    }

    def __repr__(self) -> str:
        return model_repr(self)


def model_repr(obj: object, *attrs: str) -> str:
    """``<Unit id=3 code='CLAS'>``: the primary key and a few identifying columns."""
    names = attrs or getattr(obj, "__repr_attrs__", ())
    parts = [f"id={getattr(obj, 'id', None)!r}"] + [f"{n}={getattr(obj, n, None)!r}" for n in names]
    return f"<{type(obj).__name__} {' '.join(parts)}>"


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """Store an enum by its value, as VARCHAR with a CHECK constraint on every database."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver (as DATABASE_URL often does)."""
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


# Seconds a SQLite writer waits for another's transaction to end before it gives up; below
# gunicorn's worker timeout (60 s), above any single request's write.
SQLITE_BUSY_TIMEOUT = 30

# Requests with these methods only read (a GET that writes must say so with ``writing()``).
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_writing: ContextVar[bool | None] = ContextVar("dts_writing", default=None)

View = TypeVar("View")


def writes(view: View) -> View:
    """Mark a view that writes even on GET (e.g. a record of a download): its requests begin as
    writes. Put it right below the route decorator."""
    view.begins_as_write = True  # type: ignore[attr-defined]
    return view


@contextmanager
def writing(writes: bool = True) -> Iterator[None]:
    """Transactions that begin inside the block begin as writes (``writes=False``: as reads, e.g.
    a long read inside a writing command). Only the beginning counts: enter the block before the
    transaction's first statement."""
    token = _writing.set(writes)
    try:
        yield
    finally:
        _writing.reset(token)


def begin_writing() -> None:
    """Call before a request that began as a read changes something it did not plan to (a login's
    last-seen time, a token's last use, an audit record of a download or a refusal).

    On SQLite a read transaction cannot become a write once another connection has written since
    it began: that is "database is locked" at once, whatever the busy timeout. So the read
    transaction ends here, while it holds no change, and the request's next statement begins a
    transaction as a write (``BEGIN IMMEDIATE``), which waits its turn. Objects stay loaded
    (the session does not expire them on commit). PostgreSQL needs nothing of this."""
    if not has_request_context() or begins_as_write():
        return
    g._dts_writes = True
    current = session()
    if current.get_bind().dialect.name != "sqlite" or not current.in_transaction():
        return
    if not (current.new or current.dirty or current.deleted):
        current.commit()  # it only read


def begins_as_write() -> bool:
    """Whether a transaction that begins now will write: as ``writing()`` says, else a request
    whose method is not a reading one or whose view is marked ``@writes``."""
    chosen = _writing.get()
    if chosen is not None:
        return chosen
    if not has_request_context():
        return False
    if request.method not in READING_METHODS or g.get("_dts_writes"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "begins_as_write", False))


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT})
    else:
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL;
    # SQLAlchemy's documented recipe: switch it off and emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock now (waiting up to the busy timeout for it); a deferred
    # BEGIN reads from a snapshot, and SQLite refuses a write on a snapshot that is out of date.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if begins_as_write() else "BEGIN")


class Database:
    """Holds the engine of one app; tests may bind the session to a connection instead."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.bind: Any = engine
        self.session_options: dict[str, Any] = {}


def _new_session() -> Session:
    database: Database = current_app.extensions["database"]
    return Session(bind=database.bind, expire_on_commit=False, **database.session_options)


def _scope() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


session: scoped_session[Session] = scoped_session(_new_session, scopefunc=_scope)


def init_app(app: Flask) -> None:
    app.extensions["database"] = Database(make_engine(app.config["DATABASE_URL"]))
    app.after_request(_end_request_transaction)
    app.teardown_appcontext(_remove_session)


def keep_changes_on_error() -> None:
    """Commit this request's changes even though it answers with an error status (for a record
    that must stay, such as a failed login in the audit trail)."""
    g._keep_changes_on_error = True


def _end_request_transaction(response: Any) -> Any:
    if session.registry.has():
        if response.status_code < 400 or g.get("_keep_changes_on_error"):
            session.commit()  # a failing commit raises: the user sees an error, never "saved"
        else:
            session.rollback()
    return response


def _remove_session(_exc: BaseException | None) -> None:
    session.remove()
