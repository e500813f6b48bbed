"""The job queue for real: ``assessment worker`` consumer processes make the reports of a job that
a coordinator starts in the app, with the queue in PostgreSQL (the database itself) and in Redis.

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
from flask import Flask
from sqlalchemy import make_url

from assessment.app import create_app
from assessment.demo import DEMO_PASSWORD
from tests.helpers import WebClient
from tests.processes import (
    SECRET_KEY,
    Background,
    assessment_command,
    background,
    dispose,
    environment,
    init_demo,
    reports_in_zip,
    wait_until,
)

COORDINATOR = "coordinator@demo.local"
# A part of the demo tree with two units: a job of seconds, not minutes.
SCOPE = "DMO"
SCOPE_UNITS = {"DMO": "Defensie Materieel Organisatie", "DMO-COMMIT": "Commando IT (COMMIT)"}
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied before and after
MADE = re.compile(r"render_report: \S+ executed in")


@pytest.fixture
def postgresql(database_url: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("the queue in PostgreSQL needs TEST_DATABASE_URL to be a PostgreSQL database")


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

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
def app_for(database_url: str, **config: str) -> Iterator[Flask]:
    """An app as a server builds it (no immediate queue); closed afterwards, as a stopped server."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, **config})
    try:
        yield app
    finally:
        dispose(app)


def coordinator(app: Flask) -> WebClient:
    client = WebClient(app.test_client())
    client.login(COORDINATOR, DEMO_PASSWORD)
    return client


def start_job(client: WebClient) -> str:
    """Start the unit reports of ``SCOPE`` as a coordinator does; return the job page's address."""
    response = client.submit("/reports/rounds/2026-1", {"scope": SCOPE, "language": "nl"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def finished_progress(client: WebClient, job: str, worker: Background) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        progress: dict[str, Any] = client.get(f"{job}.json").get_json()
        return progress if progress["state"] == "finished" else None

    return wait_until(finished, timeout=120, what=f"the job {job} to finish", processes=[worker])


def assert_one_report_per_unit_of_the_scope(client: WebClient, job: str) -> None:
    response = client.get(f"{job}.zip")
    assert response.status_code == 200
    reports = reports_in_zip(response.data)
    assert sorted(reports) == sorted(f"2026-1_{code}.pdf" for code in SCOPE_UNITS)
    for code, name in SCOPE_UNITS.items():
        assert f"Volwassenheidsrapport {name} {code}" in reports[f"2026-1_{code}.pdf"]


def test_worker_processes_make_a_job_of_the_postgresql_queue_and_a_restarted_app_serves_it(
    postgresql: None, scratch_database_url: str, tmp_path: Path
) -> None:
    url = init_demo(scratch_database_url)
    env = environment(DATABASE_URL=url, SECRET_KEY=SECRET_KEY)
    with background(
        "worker", assessment_command("worker", "--workers", "2"), env=env, log_dir=tmp_path
    ) as worker:
        with app_for(url) as app:
            assert app.extensions["queue"].kind == "PostgresHuey"
            job = start_job(coordinator(app))
        # The app that started the job is gone; a new one finds the job in the database.
        with app_for(url) as app:
            client = coordinator(app)
            progress = finished_progress(client, job, worker)
            assert (progress["total"], progress["done"], progress["failed"]) == (2, 2, 0)
            assert_one_report_per_unit_of_the_scope(client, job)
        assert len(MADE.findall(worker.output())) == len(SCOPE_UNITS)


def test_worker_processes_make_a_job_of_the_redis_queue(
    redis_url: str, scratch_database_url: str, tmp_path: Path
) -> None:
    url = init_demo(scratch_database_url)
    env = environment(DATABASE_URL=url, SECRET_KEY=SECRET_KEY, REDIS_URL=redis_url)
    with background(
        "worker", assessment_command("worker", "--workers", "2"), env=env, log_dir=tmp_path
    ) as worker:
        with app_for(url, REDIS_URL=redis_url) as app:
            assert app.extensions["queue"].kind == "RedisHuey"
            client = coordinator(app)
            job = start_job(client)
            progress = finished_progress(client, job, worker)
            assert (progress["total"], progress["done"], progress["failed"]) == (2, 2, 0)
            assert_one_report_per_unit_of_the_scope(client, job)
        assert len(MADE.findall(worker.output())) == len(SCOPE_UNITS)
