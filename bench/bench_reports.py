"""Benchmark: PDF unit reports, one on its own and a batch through the job queue.

1. One unit report for the full DTS questionnaire: the whole job (data, scoring, charts, HTML and
   PDF) against WeasyPrint alone rendering the same HTML to the same PDF variant. The report's own
   overhead is (whole − WeasyPrint) / WeasyPrint; the target is under 25%.
2. A batch of N unit reports (default 40, one per unit of a round) as a report job on the queue,
   worked by ``assessment worker --workers 1`` and ``--workers 2``, against the bare baseline: the
   same job's items rendered in this process one after another (``jobs.run_here``, the task code
   without a queue). Figures, each the median of ``--repeat`` runs measured interleaved (in process,
   1 worker, 2 workers in every repeat): seconds per report in process and with 1 worker; the
   queue's overhead per report, (1 worker − in process) / in process, goal ≤ 5 %; the speed-up of
   2 workers over 1 (ratio of the median totals), goal ≥ 1.8 on 2 cores; the time until the first
   report is ready.

Every batch is timed alike: from just before the job is created (job, commit, and for the queue
the sending) until the first and the last item is stored, read from the items' own timestamps
(``finished_at``, set by whichever process rendered it; one machine, one clock). Each worker runs as
a subprocess on this checkout (PYTHONPATH), is warmed up with 2×N one-unit jobs (so that its
processes have loaded WeasyPrint and the fonts, as in a worker that has been running a while),
timed on the batch and stopped with its process group.

    python bench/bench_reports.py                        # PostgreSQL: a fresh database, dropped at the end
    python bench/bench_reports.py --units 8 --repeat 1   # a quick check
    python bench/bench_reports.py --sqlite               # SQLite in a temporary folder

The PostgreSQL database is created on --server (default postgresql+psycopg://postgres@127.0.0.1:5432/
postgres) and dropped again, also after a failure or Ctrl-C; the queue lives in it (PostgresHuey).
With --sqlite the queue is SqliteHuey in a file beside the database (JOB_QUEUE_FILE), not in the
checkout's instance folder, where another program's worker would take its messages. Exits 0 once
it has measured: the goals are reported, this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask
from sqlalchemy import create_engine, func, insert, make_url, select, text
from sqlalchemy.pool import NullPool
from weasyprint import HTML

from assessment import db, migrate
from assessment import jobs as job_queue
from assessment.app import create_app
from assessment.assessments import services as assessment_services
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire
from assessment.questionnaires.services import store_questionnaire
from assessment.reports import jobs as report_jobs
from assessment.reports import pdf
from assessment.reports import services as reports
from assessment.reports.models import ItemStatus, ReportJob, ReportJobItem
from assessment.rounds.models import Round
from assessment.rounds.services import create_round, open_round
from assessment.units.models import Unit

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET_KEY = "bench"  # noqa: S105 (a throwaway database)
MARKING = "DEPARTEMENTAAL VERTROUWELIJK"
LANGUAGE = "nl"
# How often this process looks whether the workers are done. The times come from the items'
# timestamps, not from this loop, so it can be slow; a fast one would take CPU from the workers.
POLL_SECONDS = 0.5
WORKER_COMMAND = ["-c", "from assessment.cli import main; main()", "worker"]


# --- the database and the workers -------------------------------------------------------------


@contextmanager
def fresh_database(server_url: str | None) -> Iterator[str]:
    """A new SQLite file (``server_url`` None), or a new PostgreSQL database on ``server_url``,
    named with a timestamp and dropped (forced) on the way out."""
    if server_url is None:
        with tempfile.TemporaryDirectory(prefix="bench_reports_") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    name = f"dts_bench_reports_{dt.datetime.now(dt.UTC):%Y%m%d_%H%M%S}_{os.getpid()}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped database {name}")
    finally:
        admin.dispose()


@contextmanager
def worker(config: dict[str, str], processes: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``assessment worker --workers processes`` on this checkout, in a process group of its own,
    its output in ``log``, ``config`` (this process's app configuration) in its environment; the
    group is stopped on the way out."""
    env = {**os.environ, **config, "PYTHONPATH": str(REPO)}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            [sys.executable, *WORKER_COMMAND, "--workers", str(processes)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the worker's process group (Huey stops at once), SIGKILL after 15 s; then
    SIGKILL to whatever of the group is left (a worker process that outlived its consumer)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Data:
    round_id: int
    unit_ids: list[int]  # in the order of their assessments
    first_assessment_id: int
    answers: int
    build_seconds: float


def build_round(app: Flask, units: int, seed: int = 5) -> Data:
    """The DTS questionnaire and one open round of ``units`` units, every unit's assessment
    submitted with every question answered (one bulk insert)."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        session = db.session
        questionnaire, _ = store_questionnaire(read_questionnaire(DEFAULT_QUESTIONNAIRE))
        session.add_all(Unit(code=f"E{i:04d}", name=f"Eenheid {i}", kind="eenheid") for i in range(units))
        session.flush()
        round_ = create_round(code="R1", name="Ronde 1", questionnaire=questionnaire)
        open_round(round_)
        assessments = session.scalars(
            select(Assessment).where(Assessment.round_id == round_.id).order_by(Assessment.id)
        ).all()
        question_ids = [q.id for theme in questionnaire.themes for q in theme.questions]
        rows = []
        for assessment in assessments:
            assessment.status = AssessmentStatus.SUBMITTED
            base = rng.uniform(1.5, 3.8)
            rows.extend(
                {
                    "assessment_id": assessment.id,
                    "question_id": question_id,
                    "level": min(5, max(1, round(base + rng.gauss(0, 0.8)))),
                    "is_not_applicable": False,
                    "comment": "",
                }
                for question_id in question_ids
            )
        session.execute(insert(Answer), rows)
        data = Data(round_.id, [a.unit_id for a in assessments], assessments[0].id, len(rows), 0.0)
        session.commit()
    return replace(data, build_seconds=time.perf_counter() - started)


def log_tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


# --- one batch -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    reports: int
    failed: int
    first: float  # seconds from the start until the first report was stored
    total: float  # seconds from the start until the last report was stored
    render: float  # median seconds of one item, from its claim until it was stored
    pickup: float  # seconds from the start until the first item was claimed
    job_finished: bool  # whether the job itself was marked finished

    @property
    def per_report(self) -> float:
        return self.total / self.reports


def start(app: Flask, round_id: int, scope_id: int | None = None) -> tuple[dt.datetime, int, list[int]]:
    """A new report job for the round (or one unit), committed: (start time, job id, item ids)."""
    with app.app_context():
        started = db.utcnow()
        scope = db.session.get(Unit, scope_id) if scope_id is not None else None
        job, created = report_jobs.start_job(db.session.get(Round, round_id), scope, LANGUAGE, None)
        assert created, f"job {job.id} for the same choice is still running"
        ids = report_jobs.waiting_item_ids(job)
        job_id = job.id
        db.session.commit()
    return started, job_id, ids


def unfinished(job_ids: Sequence[int]) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ReportJobItem)
        .where(ReportJobItem.job_id.in_(job_ids), ReportJobItem.status.in_(report_jobs.UNFINISHED))
    )


def wait(
    app: Flask, job_ids: Sequence[int], process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    """Until every item of the jobs is done or failed; stop when the worker dies or time is up."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while True:
            db.session.rollback()  # a new snapshot: the workers' commits become visible
            if unfinished(job_ids) == 0:
                return
            if process.poll() is not None:
                raise SystemExit(f"the worker stopped (exit {process.returncode}):\n{log_tail(log)}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the worker did not finish within {timeout:.0f} s:\n{log_tail(log)}")
            time.sleep(POLL_SECONDS)


def measure(app: Flask, started: dt.datetime, job_id: int) -> Batch:
    """The batch's figures from its items' timestamps."""
    with app.app_context():
        db.session.rollback()
        items = db.session.execute(
            select(ReportJobItem.status, ReportJobItem.started_at, ReportJobItem.finished_at).where(
                ReportJobItem.job_id == job_id
            )
        ).all()
        done = [item for item in items if item.status == ItemStatus.DONE]
        finished_at = None
        for _ in range(20):  # the last worker marks the job finished in its own commit
            finished_at = db.session.scalar(select(ReportJob.finished_at).where(ReportJob.id == job_id))
            if finished_at is not None:
                break
            time.sleep(0.1)
            db.session.rollback()

    def seconds(moment: dt.datetime) -> float:
        return (moment - started).total_seconds()

    assert done, "no report was made"
    return Batch(
        reports=len(items),
        failed=len(items) - len(done),
        first=min(seconds(item.finished_at) for item in done),
        total=max(seconds(item.finished_at) for item in items),
        render=statistics.median((item.finished_at - item.started_at).total_seconds() for item in done),
        pickup=min(seconds(item.started_at) for item in items),
        job_finished=finished_at is not None,
    )


def in_process(app: Flask, round_id: int) -> Batch:
    """The baseline: the job's items through the task code in this process, one after another."""
    started, job_id, ids = start(app, round_id)
    job_queue.run_here(app, ids)
    return measure(app, started, job_id)


def through_queue(
    app: Flask, round_id: int, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> Batch:
    started, job_id, ids = start(app, round_id)
    job_queue.queue(app).send(ids)
    wait(app, [job_id], process, log, timeout)
    return measure(app, started, job_id)


def warm_up(
    app: Flask, round_id: int, unit_ids: Sequence[int], process: subprocess.Popen[bytes], log: Path
) -> float:
    """One-unit jobs (one for each unit in ``unit_ids``) through the worker; seconds until done."""
    started = time.perf_counter()
    job_ids = []
    for unit_id in unit_ids:
        _, job_id, ids = start(app, round_id, scope_id=unit_id)
        job_queue.queue(app).send(ids)
        job_ids.append(job_id)
    wait(app, job_ids, process, log, timeout=300)
    return time.perf_counter() - started


# --- the script ----------------------------------------------------------------------------------


def single_report(app: Flask, assessment_id: int, repeat: int) -> None:
    """Part 1: one unit report, whole against WeasyPrint alone."""
    with app.app_context():
        assessment = assessment_services.get_assessment(assessment_id)
        reports.render_unit_report(assessment)  # warm up: fonts, templates, caches
        whole, weasy, own, pages = [], [], [], 0
        for _ in range(repeat):
            db.session.expire_all()
            started = time.perf_counter()
            html = reports.unit_report_html(assessment)
            own.append(time.perf_counter() - started)
            pdf.render_pdf(html)
            whole.append(time.perf_counter() - started)
            started = time.perf_counter()
            document = HTML(
                string=html,
                base_url=pdf.BASE_URL,
                url_fetcher=pdf.StaticOnlyFetcher(app.static_folder),
            ).render()
            document.write_pdf(pdf_variant=pdf.PDF_VARIANT)
            weasy.append(time.perf_counter() - started)
            pages = len(document.pages)
        w, p, o = statistics.median(whole), statistics.median(weasy), statistics.median(own)
        print(
            f"one unit report ({pages} pages), median of {repeat}: whole {w:.2f} s, WeasyPrint alone "
            f"{p:.2f} s; the report's own work (data, scoring, charts, HTML) {o:.2f} s = {100 * o / p:.0f}% "
            f"of WeasyPrint's time (whole vs WeasyPrint alone: {100 * (w - p) / p:+.0f}%, run-to-run noise included)",
            flush=True,
        )


def load() -> str:
    """The 1-minute load average: other work on the machine shows in every figure."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def describe(batch: Batch) -> str:
    failed = f", {batch.failed} FAILED" if batch.failed else ""
    unmarked = "; job NOT marked finished" if not batch.job_finished else ""
    return (
        f"{batch.total:6.1f} s = {batch.per_report:.2f} s/report (first {batch.first:.1f} s, first claim "
        f"{batch.pickup:.2f} s, one report {batch.render:.2f} s{failed}{unmarked})"
    )


def batches(app: Flask, config: dict[str, str], round_id: int, unit_ids: list[int], repeat: int) -> None:
    """Part 2: interleaved per repeat: in process, 1 worker, 2 workers; then the medians."""
    timeout = max(300.0, 30.0 * len(unit_ids))
    kinds = {"in process": 0, "1 worker": 1, "2 workers": 2}
    runs: dict[str, list[Batch]] = {kind: [] for kind in kinds}
    _, _, warm_ids = start(app, round_id, scope_id=unit_ids[0])
    job_queue.run_here(app, warm_ids)  # this process's caches (fonts, templates), as after part 1
    with tempfile.TemporaryDirectory(prefix="bench_reports_") as folder:
        for index in range(repeat):
            for kind, processes in kinds.items():
                if processes == 0:
                    batch = in_process(app, round_id)
                else:
                    log = Path(folder) / f"worker-{processes}-{index}.log"
                    with worker(config, processes, log) as process:
                        warm_ids = [unit_ids[i % len(unit_ids)] for i in range(2 * processes)]
                        ready = warm_up(app, round_id, warm_ids, process, log)
                        batch = through_queue(app, round_id, process, log, timeout)
                    print(f"  (worker started and warmed up with {len(warm_ids)} reports in {ready:.1f} s)")
                runs[kind].append(batch)
                print(
                    f"repeat {index + 1}/{repeat}, {kind:<10}: {describe(batch)}; load {load()}", flush=True
                )

    def median(kind: str, figure: Callable[[Batch], float]) -> float:
        return statistics.median(figure(batch) for batch in runs[kind])

    reports_each = len(unit_ids)
    base = median("in process", lambda b: b.per_report)
    one = median("1 worker", lambda b: b.per_report)
    two = median("2 workers", lambda b: b.per_report)
    overhead = 100 * (one - base) / base
    speedup = median("1 worker", lambda b: b.total) / median("2 workers", lambda b: b.total)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    failed = sum(b.failed for kind in runs for b in runs[kind])
    unmarked = sum(not b.job_finished for kind in runs for b in runs[kind])
    print(
        f"\nmedians of {repeat} repeat(s), {reports_each} reports per batch, {cores} cores "
        f"(load average now {load()}):"
    )
    print(f"  in process (baseline, run_here):    {base:.2f} s per report")
    print(f"  queue, 1 worker:                    {one:.2f} s per report")
    print(
        f"  queue overhead per report:          {overhead:+.1f} % (goal ≤ 5 %: {'PASS' if overhead <= 5 else 'FAIL'})"
    )
    print(f"  queue, 2 workers:                   {two:.2f} s per report")
    print(
        f"  speed-up 2 workers vs 1:            {speedup:.2f}× (goal ≥ 1.8 on 2 cores: "
        f"{'PASS' if speedup >= 1.8 else 'FAIL'})"
    )
    for kind in kinds:
        print(f"  time to first report, {kind + ':':<12} {median(kind, lambda b: b.first):.2f} s")
    for kind in kinds:
        print(f"  one report, claim to stored, {kind + ':':<12} {median(kind, lambda b: b.render):.2f} s")
    print(f"  failed reports: {failed}; jobs not marked finished although every item was: {unmarked}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=40, help="units of the round = reports per batch (40)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repeats of the batches (3)")
    parser.add_argument("--single-repeat", type=int, default=5, help="renders of the single report (5)")
    parser.add_argument("--skip-single", action="store_true", help="no part 1")
    parser.add_argument("--skip-batch", action="store_true", help="no part 2")
    parser.add_argument("--sqlite", action="store_true", help="SQLite in a temporary folder")
    parser.add_argument("--server", default=DEFAULT_SERVER, help=f"PostgreSQL server ({DEFAULT_SERVER})")
    args = parser.parse_args()
    print("command:", shlex.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]), flush=True)
    print(f"load average at the start: {load()}")
    started = time.perf_counter()

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # as Ctrl-C: the database is dropped
    with fresh_database(None if args.sqlite else args.server) as url:
        # The same configuration here and in the workers' environment. No REDIS_URL: the queue
        # follows the database.
        queue_file = str(Path(make_url(url).database or "").with_name("queue.sqlite3")) if args.sqlite else ""
        config = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "REPORT_MARKING": MARKING,
            "REDIS_URL": "",
            "JOB_QUEUE_FILE": queue_file,
        }
        app = create_app(config)
        engine = app.extensions["database"].engine
        try:
            with engine.begin() as connection:
                migrate.upgrade(connection)
            queue = job_queue.queue(app)
            data = build_round(app, args.units)
            print(
                f"database {engine.dialect.name}, queue {queue.kind}: one round of {args.units} units, "
                f"{data.answers:,} answers, built in {data.build_seconds:.1f} s",
                flush=True,
            )
            if not args.skip_single:
                single_report(app, data.first_assessment_id, args.single_repeat)
            if not args.skip_batch:
                batches(app, config, data.round_id, data.unit_ids, args.repeat)
        finally:
            engine.dispose()  # before the database is dropped
    print(f"run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
