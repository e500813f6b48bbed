"""Two app servers (gunicorn) and a worker against one PostgreSQL database, as in production:
nothing one server keeps in its process may be missed by the other. What a person does through
server A, the next request through server B shows; a job started through A is downloaded
through B.

Real processes need a database of their own (``assessment init --demo``); PostgreSQL only, since
that is what several servers share in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assessment.demo import DEMO_PASSWORD
from tests.helpers import text_of
from tests.processes import (
    SCOPE,
    SECRET_KEY,
    Background,
    Browser,
    assert_one_report_per_unit_of_the_scope,
    assessment_command,
    background,
    environment,
    form_with_class,
    free_port,
    gunicorn_command,
    init_demo,
    require_postgresql,
    wait_for_health,
    wait_until,
)

REPRESENTATIVE = "rep@demo.local"  # of CLAS-13LTBRIG, a draft with part of its questions answered
LEAD = "lead@demo.local"
COORDINATOR = "coordinator@demo.local"
UNIT_CODE, UNIT_NAME = "CLAS-13LTBRIG", "13 Lichte Brigade"


@pytest.fixture
def postgresql(database_url: str) -> None:
    require_postgresql(database_url, "several app servers on one database")


@dataclass(frozen=True)
class Servers:
    a: str
    b: str
    processes: list[Background]


@contextmanager
def running_servers(database_url: str, log_dir: Path) -> Iterator[Servers]:
    """Servers A and B (one gunicorn worker each) and one queue worker; all ended afterwards.
    A context manager, not a fixture: a failure in the test passes through it, which shows the
    processes' output."""
    env = environment(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY)
    with ExitStack() as stack:
        servers = {}
        for name in ("a", "b"):
            port = free_port()
            command, extra = gunicorn_command(port)
            servers[f"http://127.0.0.1:{port}"] = stack.enter_context(
                background(f"server-{name}", command, env={**env, **extra}, log_dir=log_dir)
            )
        worker = stack.enter_context(
            background("worker", assessment_command("worker", "--workers", "1"), env=env, log_dir=log_dir)
        )
        for address, server in servers.items():
            wait_for_health(address, server)
        a, b = servers
        yield Servers(a, b, [*servers.values(), worker])


def logged_in(server: str, email: str) -> Browser:
    browser = Browser()
    browser.login(server, email, DEMO_PASSWORD)
    return browser


@dataclass(frozen=True)
class Figures:
    """How far the unit is, as three pages of one server show it."""

    on_results_page: int  # the unit's results, as its representative sees them
    on_dashboard: int  # the lead's comparison dashboard, participation table
    in_api: int  # answers in the JSON API, as the lead reads them
    completeness: float  # idem


def figures(server: str, representative: Browser, lead: Browser, assessment_id: int) -> Figures:
    results = text_of(representative.get(f"{server}/assessments/{assessment_id}/results"))
    on_results_page = re.search(r"(\d+) van \d+ vragen beantwoord", results)
    dashboard = text_of(lead.get(f"{server}/compare/2026-1")).partition("Status en voortgang per eenheid")[2]
    on_dashboard = re.search(rf"{UNIT_NAME} {UNIT_CODE} \w+ (\d+) van \d+", dashboard)
    assert on_results_page and on_dashboard, "the number of answered questions is not on the pages"
    api: dict[str, Any] = lead.get(f"{server}/api/v1/assessments/{assessment_id}").json()
    answered = [a for a in api["answers"] if a["level"] is not None or a["not_applicable"]]
    return Figures(int(on_results_page[1]), int(on_dashboard[1]), len(answered), api["completeness"])


def assessment_of_the_unit(server: str, lead: Browser) -> int:
    scores = lead.get(f"{server}/api/v1/rounds/2026-1/scores").json()
    return next(u["assessment_id"] for u in scores["units"] if u["unit"]["code"] == UNIT_CODE)


def answer_one_more_question(server: str, representative: Browser, assessment_id: int) -> None:
    """Give the first open question a level, on its speerpunt's page, as a browser posts the form."""
    overview = representative.get(f"{server}/assessments/{assessment_id}").html
    keys = dict.fromkeys(re.findall(rf'href="/assessments/{assessment_id}/speerpunten/([\w-]+)"', overview))
    for key in keys:
        page_url = f"{server}/assessments/{assessment_id}/speerpunten/{key}"
        fields, radios = form_with_class(representative.get(page_url).html, "answers")
        open_question = next((name for name in radios if fields.get(name, "") == ""), None)
        if open_question is not None:
            fields[open_question] = next(v for v in radios[open_question] if v.isdigit())
            saved = representative.post(page_url, fields)
            assert saved.status == 200 and "1 antwoord opgeslagen." in text_of(saved)
            return
    raise AssertionError("every question of the unit is answered already")


def test_an_answer_saved_through_one_server_shows_in_the_next_request_through_the_other(
    postgresql: None, scratch_database_url: str, tmp_path: Path
) -> None:
    with running_servers(init_demo(scratch_database_url), tmp_path) as servers:
        representative = logged_in(servers.a, REPRESENTATIVE)
        lead = logged_in(servers.b, LEAD)
        assessment_id = assessment_of_the_unit(servers.b, lead)
        # B has shown (and may keep) the figures before the save.
        before = figures(servers.b, representative, lead, assessment_id)
        n = before.in_api
        assert n > 0 and before == Figures(n, n, n, before.completeness)

        answer_one_more_question(servers.a, representative, assessment_id)

        after = figures(servers.b, representative, lead, assessment_id)
        assert (after.on_results_page, after.on_dashboard, after.in_api) == (n + 1, n + 1, n + 1)
        assert after.completeness > before.completeness


def test_a_report_job_started_through_one_server_is_downloaded_through_the_other(
    postgresql: None, scratch_database_url: str, tmp_path: Path
) -> None:
    with running_servers(init_demo(scratch_database_url), tmp_path) as servers:
        coordinator = logged_in(servers.a, COORDINATOR)
        started = coordinator.submit(f"{servers.a}/reports/rounds/2026-1", {"scope": SCOPE, "language": "nl"})
        job = re.fullmatch(rf"{re.escape(servers.a)}(/reports/jobs/\d+)", started.url)
        assert started.status == 200 and job, f"no job page after starting the job: {started.url}"

        def finished() -> dict[str, Any] | None:
            progress: dict[str, Any] = coordinator.get(f"{servers.b}{job[1]}.json").json()
            return progress if progress["state"] == "finished" else None

        progress = wait_until(finished, timeout=120, what="the job to finish", processes=servers.processes)
        assert (progress["done"], progress["failed"]) == (2, 0)
        download = coordinator.get(f"{servers.b}{job[1]}.zip")
        assert download.status == 200
        assert_one_report_per_unit_of_the_scope(download.body)
