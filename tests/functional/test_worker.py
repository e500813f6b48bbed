"""The job queue for real: ``assessment worker`` consumer processes make the reports of a job that
a coordinator starts in the app, with the queue in PostgreSQL (the database itself), in a SQLite
file (beside a SQLite database) and in Redis.

The test process only starts the job and reads it: its app has no immediate queue, and the
worker's log names every report it made. Worker processes open their own connections, so these
tests set up a database of their own with the demo data (``assessment init --demo``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import make_url

from assessment.app import create_app
from assessment.demo import DEMO_PASSWORD
from tests.helpers import WebClient
from tests.processes import (
    SCOPE,
    SCOPE_UNITS,
    SECRET_KEY,
    Background,
    assert_one_report_per_unit_of_the_scope,
    assessment_command,
    background,
    dispose,
    environment,
    init_demo,
    require_postgresql,
    wait_until,
)

COORDINATOR = "coordinator@demo.local"
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied before and after
MADE = re.compile(r"render_report: \S+ executed in")


@pytest.fixture
def postgresql(database_url: str) -> None:
    require_postgresql(database_url, "the queue in PostgreSQL")


@pytest.fixture
def sqlite(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("the queue in a SQLite file goes with a SQLite database; TEST_DATABASE_URL is not one")


@pytest.fixture
def redis_url() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        pytest.skip(f"no Redis answers on 127.0.0.1:6379 ({exc})")
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@contextmanager
def app_for(database_url: str, settings: dict[str, str]) -> Iterator[Flask]:
    """An app as a server builds it (no immediate queue); closed afterwards, as a stopped server."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, **settings})
    try:
        yield app
    finally:
        dispose(app)


@contextmanager
def worker_processes(database_url: str, settings: dict[str, str], log_dir: Path) -> Iterator[Background]:
    """``assessment worker --workers 2`` while the block runs."""
    env = environment(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY, **settings)
    with background(
        "worker", assessment_command("worker", "--workers", "2"), env=env, log_dir=log_dir
    ) as worker:
        yield worker


def coordinator(app: Flask) -> WebClient:
    client = WebClient(app.test_client())
    client.login(COORDINATOR, DEMO_PASSWORD)
    return client


def start_job(client: WebClient) -> str:
    """Start the unit reports of ``SCOPE`` as a coordinator does; return the job page's address."""
    response = client.submit("/reports/rounds/2026-1", {"scope": SCOPE, "language": "nl"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def assert_the_worker_made_the_job(client: WebClient, job: str, worker: Background) -> None:
    """The job finishes with a report per unit of the scope, in the ZIP; the worker made them."""

    def finished() -> dict[str, Any] | None:
        progress: dict[str, Any] = client.get(f"{job}.json").get_json()
        return progress if progress["state"] == "finished" else None

    progress = wait_until(finished, timeout=120, what=f"the job {job} to finish", processes=[worker])
    assert (progress["total"], progress["done"], progress["failed"]) == (2, 2, 0)
    response = client.get(f"{job}.zip")
    assert response.status_code == 200
    assert_one_report_per_unit_of_the_scope(response.data)
    assert len(MADE.findall(worker.output())) == len(SCOPE_UNITS)


def test_worker_processes_make_a_job_of_the_postgresql_queue_and_a_restarted_app_serves_it(
    postgresql: None, scratch_database_url: str, tmp_path: Path
) -> None:
    url = init_demo(scratch_database_url)
    with worker_processes(url, {}, tmp_path) as worker:
        with app_for(url, {}) as app:
            assert app.extensions["queue"].kind == "PostgresHuey"
            job = start_job(coordinator(app))
        # The app that started the job is gone; a new one finds the job in the database.
        with app_for(url, {}) as app:
            assert_the_worker_made_the_job(coordinator(app), job, worker)


def test_worker_processes_make_a_job_of_the_sqlite_queue(
    sqlite: None, scratch_database_url: str, tmp_path: Path
) -> None:
    # The embedded default; the queue's file in the test's folder, not in the instance folder.
    settings = {"JOB_QUEUE_FILE": str(tmp_path / "queue.sqlite3")}
    url = init_demo(scratch_database_url, **settings)
    with worker_processes(url, settings, tmp_path) as worker, app_for(url, settings) as app:
        assert app.extensions["queue"].kind == "SqliteHuey"
        client = coordinator(app)
        assert_the_worker_made_the_job(client, start_job(client), worker)


def test_worker_processes_make_a_job_of_the_redis_queue(
    redis_url: str, scratch_database_url: str, tmp_path: Path
) -> None:
    settings = {"REDIS_URL": redis_url}
    url = init_demo(scratch_database_url, **settings)
    with worker_processes(url, settings, tmp_path) as worker, app_for(url, settings) as app:
        assert app.extensions["queue"].kind == "RedisHuey"
        client = coordinator(app)
        assert_the_worker_made_the_job(client, start_job(client), worker)
