"""Report jobs: every unit report of a round (or of a part of its tree) made on the job queue, as a
coordinator starts them and a lead downloads them. The queue here runs each task at once
(``JOB_QUEUE = "immediate"``); tests/functional/test_worker.py runs real workers.

Rendering is replaced by a stub PDF where the layout does not matter (tests/functional/
test_reports.py renders real ones through the same job).
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from huey import RedisHuey
from sqlalchemy import func, select

from assessment import jobs
from assessment.app import create_app
from assessment.auth.models import Role
from assessment.demo import DEMO_PASSWORD
from assessment.reports import jobs as report_jobs
from assessment.reports import services
from assessment.reports.models import ItemStatus, ReportJob, ReportJobItem
from tests.helpers import WebClient, text_of


@pytest.fixture(autouse=True)
def stub_rendering(monkeypatch):
    monkeypatch.setattr(
        services, "render_unit_report", lambda assessment, **kw: b"%PDF-stub " + assessment.unit.code.encode()
    )


@pytest.fixture
def small_round(factory):
    return factory.round(factory.questionnaire(themes=2, capabilities=1, questions=2), code="2026-1")


@pytest.fixture
def brigade(factory, small_round):
    """A brigade with two battalions in the round, and a unit elsewhere in the tree."""
    top = factory.unit("BRIG", name="Brigade")
    units = [
        factory.unit("BRIG-1", name="Eerste Bataljon", parent=top),
        factory.unit("BRIG-2", name="Tweede Bataljon", parent=top),
        factory.unit("ELDERS", name="Elders"),
    ]
    return [factory.assessment(unit, small_round) for unit in units]


@pytest.fixture
def coordinator(client, factory):
    user = factory.user(Role.COORDINATOR, name="Cora Coördinator")
    client.login(user.email)
    return user


@pytest.fixture
def held_back(monkeypatch):
    """A queue that keeps what it is sent, as a busy worker would: the job stays unfinished."""
    sent: list[int] = []
    monkeypatch.setattr(jobs.Queue, "send", lambda self, ids: sent.extend(ids))
    return sent


def start(client, scope: str = "", language: str = "nl", round_code: str = "2026-1"):
    return client.submit(f"/reports/rounds/{round_code}", {"scope": scope, "language": language})


def zip_names(response) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return sorted(archive.namelist())


@pytest.mark.usefixtures("coordinator")
def test_a_coordinator_makes_the_reports_of_part_of_the_tree_and_downloads_one_zip(client, brigade):
    page = text_of(client.get("/reports/rounds/2026-1"))
    assert "De hele ronde (3 eenheden)" in page
    assert "Brigade (BRIG) en alles eronder (2 eenheden)" in page
    assert "Voor deze ronde zijn nog geen eenheidsrapporten gemaakt." in page

    started = start(client, scope="BRIG")
    assert started.status_code == 302
    job_page = client.get(started.headers["Location"])
    text = text_of(job_page)
    assert "De rapporten worden gemaakt." in text
    assert "Brigade (BRIG) en alles eronder (2 rapporten)" in text
    assert "Klaar: 2 van 2 rapporten gemaakt." in text
    assert "Het bestand blijft beschikbaar tot" in text
    html = job_page.get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html  # finished: nothing to refresh
    download = client.get(started.headers["Location"] + ".zip")
    assert download.headers["Content-Disposition"] == "attachment; filename=2026-1_BRIG_eenheidsrapporten.zip"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert zip_names(download) == ["2026-1_BRIG-1.pdf", "2026-1_BRIG-2.pdf"]

    listed = text_of(client.get("/reports/rounds/2026-1"))
    assert "Cora Coördinator Brigade (BRIG) en alles eronder Nederlands Klaar: 2 van 2 gemaakt" in listed
    trail = text_of(client.get("/audit"))
    assert "eenheidsrapporten gestart" in trail and "round: 2026-1; units: BRIG; reports: 2" in trail


@pytest.mark.usefixtures("coordinator")
def test_a_unit_whose_report_fails_is_listed_with_its_reason_and_the_others_are_in_the_zip(
    client, brigade, monkeypatch
):
    def render(assessment, **kw):
        if assessment.unit.code == "BRIG-2":
            raise ValueError("tekst past niet op de pagina")
        return b"%PDF-stub"

    monkeypatch.setattr(services, "render_unit_report", render)
    started = start(client)
    page = text_of(client.get(started.headers["Location"]))
    assert "Klaar: 2 van 3 rapporten gemaakt." in page
    assert "1 rapport niet gemaakt" in page
    assert "Tweede Bataljon (BRIG-2) ValueError: tekst past niet op de pagina" in page
    download = client.get(started.headers["Location"] + ".zip")
    assert zip_names(download) == ["2026-1_BRIG-1.pdf", "2026-1_ELDERS.pdf", "FOUTEN.txt"]


@pytest.mark.usefixtures("coordinator")
def test_starting_the_same_reports_again_while_they_are_made_shows_the_running_job(
    client, brigade, held_back, db_session
):
    first = start(client, scope="BRIG")
    second = start(client, scope="BRIG")
    assert second.headers["Location"] == first.headers["Location"]
    assert "Deze rapporten worden al gemaakt." in text_of(client.get(second.headers["Location"]))
    assert db_session.scalar(select(func.count()).select_from(ReportJob)) == 1
    assert len(held_back) == 2  # the two reports were sent once, not twice
    # Another part of the tree, or another language, is another job.
    assert start(client, scope="BRIG", language="en").headers["Location"] != first.headers["Location"]
    assert db_session.scalar(select(func.count()).select_from(ReportJob)) == 2


@pytest.mark.usefixtures("coordinator")
def test_the_job_page_shows_progress_and_refreshes_itself_until_the_reports_are_made(
    app, client, brigade, held_back
):
    location = start(client, scope="BRIG").headers["Location"]
    waiting = client.get(location)
    html = waiting.get_data(as_text=True)
    assert "In de wachtrij: het maken begint zodra een verwerker vrij is." in text_of(waiting)
    assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in html  # without JavaScript
    assert 'src="/static/js/report-job.js"' in html  # with it, no reloading
    assert f'href="{location}">Nu verversen</a>' in html
    assert client.get(location + ".zip").status_code == 404  # nothing to download yet
    assert client.get(location + ".json").get_json() == {
        "state": "waiting",
        "total": 2,
        "done": 0,
        "failed": 0,
        "completed": 0,
        "message": "In de wachtrij: het maken begint zodra een verwerker vrij is.",
    }

    with app.app_context():  # a worker takes the first report
        jobs.render_item(held_back[0])
    progress = client.get(location + ".json").get_json()
    assert (progress["state"], progress["completed"]) == ("running", 1)
    assert progress["message"] == "Bezig: 1 van 2 rapporten klaar."
    assert "Bezig: 1 van 2 rapporten klaar." in text_of(client.get(location))

    with app.app_context():
        jobs.render_item(held_back[1])
        jobs.render_item(held_back[1])  # a message that arrives twice does nothing more
    assert client.get(location + ".json").get_json()["state"] == "finished"
    assert zip_names(client.get(location + ".zip")) == ["2026-1_BRIG-1.pdf", "2026-1_BRIG-2.pdf"]


@pytest.mark.usefixtures("coordinator")
def test_a_job_that_does_not_start_says_a_worker_may_be_missing(client, brigade, held_back, db_session):
    location = start(client).headers["Location"]
    assert "Misschien draait er geen verwerker" not in text_of(client.get(location))
    job = db_session.scalar(select(ReportJob))
    job.created_at -= dt.timedelta(minutes=2)
    db_session.commit()
    assert "Misschien draait er geen verwerker" in text_of(client.get(location))


def test_a_lead_reads_and_downloads_jobs_but_cannot_start_one(client, factory, brigade):
    factory.report_job(brigade[:2])
    client.login(factory.user(Role.LEAD).email)
    page = client.get("/reports/rounds/2026-1")
    assert "Coördinatoren en beheerders starten het maken" in text_of(page)
    assert 'name="scope"' not in page.get_data(as_text=True)
    assert start(client).status_code == 403


def test_english_reports_are_asked_for_in_english(client, factory, brigade, app, db_session):
    client.login(factory.user(Role.COORDINATOR).email)
    location = start(client, scope="BRIG-1", language="en").headers["Location"]
    assert db_session.scalar(select(ReportJob.language)) == "en"
    english = client.get(location, headers={"Accept-Language": "en"})
    # The page follows the reader; the reports follow the choice.
    assert "Finished: 1 of 1 reports made." in text_of(client.get(location + "?lang=en"))
    assert english.status_code == 200


@pytest.mark.usefixtures("coordinator")
def test_a_part_of_the_tree_without_units_of_the_round_is_refused_with_a_message(
    client, factory, brigade, db_session
):
    factory.unit("LEEG", name="Lege Tak")
    response = start(client, scope="LEEG")
    assert response.status_code == 400
    page = text_of(response)
    assert page.startswith("Fout: Rapporten van ronde 2026-1")
    assert (
        "Welke eenheden De hele ronde, of één eenheid met alles wat eronder valt. Fout: Ongeldige keuze."
        in page
    )
    assert db_session.scalar(select(func.count()).select_from(ReportJob)) == 0


# -- the queue down ---------------------------------------------------------------------------------


@pytest.fixture
def queue_down(app, monkeypatch):
    """Redis configured but not answering (nothing listens on port 1)."""
    huey = RedisHuey(jobs.QUEUE_NAME, port=1, socket_connect_timeout=1, results=False)
    monkeypatch.setitem(
        app.extensions, "queue", jobs.Queue(app, huey, huey.task(name="render_report")(lambda item_id: None))
    )


@pytest.mark.usefixtures("coordinator", "queue_down")
def test_with_the_queue_down_reports_cannot_be_started_and_the_rest_keeps_working(
    client, factory, brigade, db_session
):
    rounds = client.get("/rounds")
    assert rounds.status_code == 200
    assert "Rapporten kunnen nu niet worden gemaakt" in text_of(rounds)
    page = client.get("/reports/rounds/2026-1")
    assert "Rapporten kunnen nu niet worden gemaakt" in text_of(page)
    assert 'name="scope"' not in page.get_data(as_text=True)

    refused = client.submit("/reports/rounds/2026-1", {"scope": "", "language": "nl"}, page="/logout")
    assert refused.status_code == 503
    assert "Er is niets gestart." in text_of(refused)
    assert db_session.scalar(select(func.count()).select_from(ReportJob)) == 0

    job = factory.report_job(brigade[:1], status=ItemStatus.WAITING)
    assert client.get(f"/reports/jobs/{job.id}").status_code == 503
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()) == (
        503,
        {"status": "error", "database": "ok", "queue": "unreachable"},
    )
    assert client.get(f"/assessments/{brigade[0].id}").status_code == 200
    assert client.get("/compare/2026-1").status_code == 200


def test_a_batch_on_the_command_line_with_the_queue_down_says_so_in_one_line(
    cli, brigade, tmp_path, queue_down
):
    result = cli.invoke(args=["report", "batch", "--round", "2026-1", "--out", str(tmp_path / "uit")])
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[-1]
        == "Fout: de wachtrij is niet bereikbaar (ConnectionError); gebruik --here"
    )
    assert "Traceback" not in result.output


def test_the_command_line_batch_goes_through_the_queue_by_default(cli, brigade, tmp_path):
    out = tmp_path / "uit"
    result = cli.invoke(args=["report", "batch", "--round", "2026-1", "--unit", "BRIG", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 van 2 rapporten geschreven" in result.stdout and "via de wachtrij" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["2026-1_BRIG-1.pdf", "2026-1_BRIG-2.pdf"]


def test_the_development_server_makes_reports_with_a_worker_thread_of_its_own(scratch_database_url, tmp_path):
    """``assessment run`` needs no second command: one consumer thread runs beside the server."""
    app = create_app(
        {
            "DATABASE_URL": scratch_database_url,
            "SECRET_KEY": "x",
            "JOB_QUEUE_FILE": str(tmp_path / "queue.sqlite3"),
        }
    )
    assert app.test_cli_runner().invoke(args=["init", "--demo"]).exit_code == 0
    consumer = jobs.start_thread_consumer(app)
    try:
        client = WebClient(app.test_client())
        client.login("coordinator@demo.local", DEMO_PASSWORD)
        location = start(client, scope="CLAS").headers["Location"]
        deadline = time.monotonic() + 60
        while (progress := client.get(location + ".json").get_json())["state"] != "finished":
            assert time.monotonic() < deadline, progress
            time.sleep(0.2)
        assert progress["done"] == progress["total"] == 5
        assert len(zip_names(client.get(location + ".zip"))) == 5
    finally:
        jobs.stop_thread_consumer(consumer)
        app.extensions["database"].engine.dispose()


# -- a worker that dies, and the clean-up -------------------------------------------------------------


def test_a_report_whose_worker_died_is_made_again_then_given_up(app, app_ctx, factory, brigade, db_session):
    job = factory.report_job(brigade[:2], status=ItemStatus.RUNNING)
    first, second = sorted(job.items, key=lambda item: item.unit_code)
    long_ago = db_session.get(ReportJobItem, first.id)
    long_ago.started_at -= dt.timedelta(minutes=30)  # its worker died half an hour ago
    twice = db_session.get(ReportJobItem, second.id)
    twice.started_at -= dt.timedelta(minutes=30)
    twice.attempts = report_jobs.MAX_ATTEMPTS
    db_session.commit()

    sent = jobs.recover(app, dt.timedelta(minutes=10))
    assert sent == [first.id]  # back in the queue (which here makes it at once)
    db_session.expire_all()
    assert db_session.get(ReportJobItem, first.id).status is ItemStatus.DONE
    given_up = db_session.get(ReportJobItem, second.id)
    assert given_up.status is ItemStatus.FAILED
    assert "stopte 2 keer onverwacht" in given_up.error
    assert db_session.get(ReportJob, job.id).finished_at is not None  # never running for ever


def test_a_job_whose_reports_are_all_made_but_not_marked_finished_is_finished(
    app, app_ctx, factory, brigade, db_session
):
    job = factory.report_job(brigade[:1])
    db_session.get(ReportJob, job.id).finished_at = None  # two workers raced past each other
    db_session.commit()
    jobs.recover(app, dt.timedelta(minutes=10))
    db_session.expire_all()
    assert db_session.get(ReportJob, job.id).finished_at is not None


def test_a_report_that_is_still_being_made_is_left_alone(app, app_ctx, factory, brigade, db_session):
    job = factory.report_job(brigade[:1], status=ItemStatus.RUNNING)
    assert jobs.recover(app, dt.timedelta(minutes=10)) == []
    db_session.expire_all()
    assert db_session.get(ReportJobItem, job.items[0].id).status is ItemStatus.RUNNING


def test_reports_whose_message_was_lost_are_sent_again(app, app_ctx, factory, brigade, db_session):
    job = factory.report_job(brigade[:1], status=ItemStatus.WAITING)
    assert jobs.recover(app, dt.timedelta(minutes=10)) == []  # just made: the worker may be busy
    db_session.get(ReportJob, job.id).created_at -= dt.timedelta(minutes=5)
    db_session.commit()
    assert jobs.recover(app, dt.timedelta(minutes=10)) == [job.items[0].id]
    db_session.expire_all()
    assert db_session.get(ReportJobItem, job.items[0].id).status is ItemStatus.DONE


def test_finished_jobs_are_removed_after_the_keeping_period(app_ctx, factory, brigade, db_session):
    old = factory.report_job(brigade[:1])
    recent = factory.report_job(brigade[1:2])
    db_session.get(ReportJob, old.id).finished_at -= dt.timedelta(days=8)
    db_session.get(ReportJob, recent.id).finished_at -= dt.timedelta(days=6)
    db_session.commit()
    assert jobs.remove_old(dt.timedelta(days=7)) == 1
    db_session.expire_all()
    assert list(db_session.scalars(select(ReportJob.id))) == [recent.id]
    assert db_session.scalar(select(func.count()).select_from(ReportJobItem)) == 1
