"""The job queue: a Huey instance per app and its tasks (unit reports of a report job, recovery,
clean-up). The work itself is in ``assessment.reports.jobs``; here it runs in an app context and
commits, as a request does in ``assessment.db``.

The queue's storage follows the database, so no extra server is needed:

* ``REDIS_URL`` set: Redis (``RedisHuey``), for sites that prefer it;
* a PostgreSQL ``DATABASE_URL``: the same database (``PostgresHuey``; its tables come from a
  migration);
* otherwise SQLite beside the database file (``instance/assessment.queue.sqlite3`` for the
  default database; ``JOB_QUEUE_FILE`` names another);
* ``JOB_QUEUE = "immediate"`` (tests only): tasks run at once, in the process that sends them.

``assessment worker`` runs a consumer (worker processes) on as many machines as needed;
``assessment run`` (the development server) starts one consumer thread of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import force_locale
from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from huey.consumer import Consumer
from sqlalchemy import event, make_url

from assessment import db
from assessment.db import session

logger = logging.getLogger(__name__)

QUEUE_NAME = "dts"
DEFAULT_ITEM_TIMEOUT = 600  # seconds a unit report may take before its worker counts as dead
DEFAULT_KEEP_DAYS = 7  # finished report jobs (and their PDFs) are removed after this


def make_huey(config: dict[str, Any], instance_path: str) -> Huey:
    """The Huey instance for this configuration (see the module's docstring)."""
    if config.get("JOB_QUEUE") == "immediate":
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False)
    if config.get("REDIS_URL"):
        from redis import ConnectionPool

        pool = ConnectionPool.from_url(config["REDIS_URL"], socket_connect_timeout=3, socket_timeout=10)
        return RedisHuey(QUEUE_NAME, connection_pool=pool, results=False)
    url = make_url(db.normalise_url(config["DATABASE_URL"]))
    if url.get_backend_name() == "postgresql":
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresHuey(
            QUEUE_NAME, dsn=dsn, table_prefix="queue", create_tables=False, results=False, connect_timeout=5
        )
    filename = Path(
        config.get("JOB_QUEUE_FILE") or _beside(url.database) or Path(instance_path) / "queue.sqlite3"
    )
    filename.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(filename), results=False)


def _beside(database: str | None) -> Path | None:
    """``<folder>/<name>.queue.sqlite3`` beside a SQLite database file: two databases never share
    a queue (a worker would claim the other's items)."""
    if not database or database == ":memory:":
        return None
    path = Path(database)
    return path.with_name(f"{path.stem}.queue.sqlite3")


@dataclass
class Queue:
    """One app's queue: the Huey instance and the tasks registered on it."""

    app: Flask
    huey: Huey
    render: TaskWrapper

    @property
    def kind(self) -> str:
        return type(self.huey).__name__

    def available(self) -> bool:
        """Whether the queue's storage answers (``/healthz`` and the report pages ask)."""
        try:
            self.huey.storage.queue_size()
        except Exception:  # any driver error means: not reachable
            logger.warning("job queue (%s) does not answer", self.kind)
            return False
        return True

    def pending(self) -> int:
        return int(self.huey.storage.queue_size())

    def send(self, item_ids: Sequence[int]) -> None:
        for item_id in item_ids:
            self.render(item_id)

    def send_after_commit(self, item_ids: Sequence[int]) -> None:
        """Send the items once this request's (or command's) transaction is committed: a worker
        must find them in the database. When the queue refuses, the items are marked failed with
        the reason, in a transaction of their own."""
        ids = list(item_ids)
        app = self.app

        def send(_session: Any) -> None:
            try:
                self.send(ids)
            except Exception:
                logger.exception("job queue (%s) refused %s report(s)", self.kind, len(ids))
                from assessment.reports import jobs as report_jobs

                with app.app_context():
                    report_jobs.fail_items(ids, QUEUE_DOWN_REASON)
                    session.commit()

        event.listen(session(), "after_commit", send, once=True)


QUEUE_DOWN_REASON = (
    "De wachtrij was niet bereikbaar; dit rapport is niet gemaakt. Start de rapporten opnieuw."
)


def queue(app: Flask) -> Queue:
    found: Queue = app.extensions["queue"]
    return found


def init_app(app: Flask) -> None:
    huey = make_huey(app.config, app.instance_path)
    timeout = dt.timedelta(seconds=int(app.config.get("REPORT_ITEM_TIMEOUT") or DEFAULT_ITEM_TIMEOUT))
    keep = dt.timedelta(days=float(app.config.get("REPORT_JOB_KEEP_DAYS") or DEFAULT_KEEP_DAYS))

    @huey.task(name="render_report")
    def render_report(item_id: int) -> None:
        with app.app_context():
            render_item(item_id)

    @huey.periodic_task(crontab(minute="*"), name="recover_reports")
    def recover_reports() -> None:
        with app.app_context(), db.writing():
            recover(app, timeout)

    @huey.periodic_task(crontab(minute="17"), name="remove_old_reports")
    def remove_old_reports() -> None:
        with app.app_context(), db.writing():
            remove_old(keep)

    @huey.on_shutdown(name="close_connections")
    def close_connections() -> None:
        # The queue's own connections of this worker (PostgresHuey keeps one per thread).
        huey.storage.close()

    parent = os.getpid()

    @huey.on_startup(name="fresh_connections")
    def fresh_connections() -> None:
        # A forked worker process must not use the parent's pooled connections (SQLAlchemy's
        # recipe for engines across a fork: a new pool, the parent's left alone). A worker thread
        # shares the pool of its process and leaves it alone.
        if os.getpid() != parent:
            app.extensions["database"].engine.dispose(close=False)

    app.extensions["queue"] = Queue(app, huey, render_report)


# -- the tasks' bodies ----------------------------------------------------------------------------


def render_item(item_id: int) -> None:
    """Render one unit's report of a job and store it; one unit's failure stops no other."""
    from assessment.assessments import services as assessment_services
    from assessment.reports import jobs as report_jobs
    from assessment.reports import services as report_services

    item = report_jobs.claim(item_id)
    if item is None:
        session.rollback()
        return
    language = item.job.language
    assessment_id = item.assessment_id
    session.commit()  # the page shows it running; recovery knows when it started
    try:
        with force_locale(language):
            assessment = assessment_services.get_assessment(assessment_id)
            if assessment is None:
                raise LookupError("de vragenlijst van deze eenheid bestaat niet meer")
            pdf = report_services.render_unit_report(assessment)
    except Exception as exc:  # the reason goes to the job page; the rest of the job goes on
        logger.exception("report item %s failed", item_id)
        outcome: dict[str, Any] = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        outcome = {"pdf": pdf}
    # End the reading transaction first: on SQLite a transaction that began as a read may not
    # start writing once another process has written ("database is locked" at once).
    session.rollback()
    job_id = report_jobs.finish(item_id, **outcome)
    session.commit()
    if job_id is not None:
        report_jobs.finish_job_if_complete(job_id)
        session.commit()


def recover(app: Flask, timeout: dt.timedelta) -> list[int]:
    """Give stalled items back to the queue (or mark them failed) and send lost ones again."""
    from assessment.reports import jobs as report_jobs

    found = queue(app)
    ids = report_jobs.recover(db.utcnow(), timeout, queue_empty=found.pending() == 0)
    session.commit()
    if ids:
        logger.warning("sending %s report(s) again", len(ids))
        found.send(ids)
    return ids


def remove_old(keep: dt.timedelta) -> int:
    from assessment.reports import jobs as report_jobs

    removed = report_jobs.remove_expired(db.utcnow(), keep)
    session.commit()
    return removed


# -- in this process ------------------------------------------------------------------------------

_forked_app: Flask | None = None  # the app a forked process of ``run_here`` renders with


def _init_forked(app: Flask) -> None:
    global _forked_app  # one app per forked process
    app.extensions["database"].engine.dispose(close=False)  # a new pool, the parent's left alone
    _forked_app = app


def _render_forked(item_id: int) -> None:
    assert _forked_app is not None  # noqa: S101 (set by the pool's initializer)
    try:
        with _forked_app.app_context():
            render_item(item_id)
    except Exception as exc:  # a driver's exception may not survive pickling back to the parent
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None


def run_here(
    app: Flask, item_ids: Sequence[int], *, processes: int = 1, on_done: Callable[[], None] | None = None
) -> None:
    """Run items in this process, or in ``processes`` forked ones, with the task code a worker runs
    (``assessment report batch --here``). Forked processes inherit the app as it is: nothing is
    pickled and no second app is built."""
    if processes <= 1:
        for item_id in item_ids:
            with app.app_context():
                render_item(item_id)
            if on_done:
                on_done()
        return
    app.extensions["database"].engine.dispose()  # no pooled connection crosses a fork
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_forked,
        initargs=(app,),
    ) as pool:
        for future in as_completed([pool.submit(_render_forked, item_id) for item_id in item_ids]):
            future.result()
            if on_done:
                on_done()


# -- consumers ------------------------------------------------------------------------------------


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class _QuietConsumer(Consumer):  # type: ignore[misc]
    """A consumer beside another program's main loop (the development server): that program
    owns the signals; Huey's own handlers would take Ctrl-C away from it."""

    def _set_signal_handlers(self) -> None:
        pass


def start_thread_consumer(app: Flask) -> Consumer:
    """One worker thread and the scheduler inside this process; ``stop_thread_consumer`` ends
    them."""
    consumer = _QuietConsumer(queue(app).huey, workers=1, worker_type="thread", periodic=True)
    consumer.start()
    return consumer


def stop_thread_consumer(consumer: Consumer) -> None:
    """Let the worker finish its task, then close the queue's connections of this thread too."""
    consumer.stop(graceful=True)
    consumer.huey.storage.close()
