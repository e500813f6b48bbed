"""Load test: many people saving at once under ``gunicorn -w 2`` (issue 14). Errors and lost writes.

N clients (threads of this process, plain HTTP) each log in as a representative of their own
account and save the first speerpunt of their unit's assessment over and over through the page's
autosave endpoint (CSRF token and version field as the page gives them), as fast as the server
answers, for --seconds. Every save changes all answers of the speerpunt and writes a toelichting
that names the client and the save ("w17-0042"). Every --login-every-th action the client logs in
again (a new session, ``last_login_at`` written) and reloads the page. --share clients share one
unit's assessment: they save the same version at times and one of them gets 409 (a conflict, as
it should; the client takes the new version and saves again).

Reported: requests per kind and status; errors (5xx, refused connections, time-outs) and the
"database is locked" lines in the server's log; conflicts (409); lost writes: a save answered
"saved" whose toelichting is not in the audit trail, two "saved" answers with the same version of
one assessment, or an assessment whose stored answer is not that of its last "saved" answer.
Goal: 0 errors and 0 lost writes (50 clients on SQLite, 200 on PostgreSQL).

    python bench/bench_writers.py                                   # SQLite file, 50 clients, 30 s
    python bench/bench_writers.py --clients 200 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dts_bench_writers   # an empty database
    python bench/bench_writers.py --code /path/to/other/checkout     # that checkout's app (before/after)

The data is built with this checkout's code (schema by its migrations); gunicorn runs the app of
--code (default: this checkout) with its ``assessment/gunicorn_conf.py``. A PostgreSQL database
must be empty at the start; its tables are left for inspection. The script exits 1 when the goal
is missed, so it can gate a run; it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import collections
import functools
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import inspect, select

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments.models import Answer, Assessment
from assessment.audit.models import AuditEvent
from assessment.auth.models import Role
from assessment.auth.services import create_user
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire
from assessment.questionnaires.services import store_questionnaire
from assessment.rounds.services import create_round, open_round
from assessment.units.models import Unit

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-writers-password-2026"  # noqa: S105 (throwaway accounts in a throwaway database)
USER_AGENT = "bench_writers"  # Flask-Login's strong session protection: always the same one
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')
MARK = re.compile(r"w\d+-\d+")


# --- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """One client's account and the assessment it saves into."""

    email: str
    assessment_id: int


@dataclass(frozen=True)
class Data:
    seats: list[Seat]
    theme_path: str  # /assessments/{id}/speerpunten/<key>, formatted per seat
    question_ids: list[int]  # of that speerpunt; the first gets the toelichting


def build(url: str, clients: int, share: int) -> Data:
    """The DTS questionnaire, one unit per ``share`` clients, an open round, one representative
    account per client."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    engine = app.extensions["database"].engine
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        raise SystemExit(f"--database-url must name an empty database; it has {len(tables)} tables")
    with engine.begin() as connection:
        migrate.upgrade(connection)
    units = -(-clients // share)
    with app.app_context():
        session = db.session
        questionnaire, _ = store_questionnaire(read_questionnaire(DEFAULT_QUESTIONNAIRE))
        session.add_all(Unit(code=f"W{i:03d}", name=f"Eenheid {i}", kind="eenheid") for i in range(units))
        session.flush()
        round_ = create_round(code="W-2026", name="Schrijvers 2026", questionnaire=questionnaire)
        open_round(round_)
        by_unit = dict(
            session.execute(
                select(Unit.code, Assessment.id)
                .join(Assessment, Assessment.unit_id == Unit.id)
                .where(Assessment.round_id == round_.id)
            ).all()
        )
        seats = []
        for i in range(clients):
            code = f"W{i // share:03d}"
            email = f"w{i}@bench.local"
            create_user(
                email=email,
                display_name=f"Schrijver {i}",
                role=Role.REPRESENTATIVE,
                password=PASSWORD,
                unit_codes=[code],
            )
            seats.append(Seat(email, by_unit[code]))
        theme = questionnaire.themes[0]
        data = Data(seats, "/assessments/{id}/speerpunten/" + theme.key, [q.id for q in theme.questions])
        session.commit()
    engine.dispose()
    return data


# --- the clients ------------------------------------------------------------------------------


@dataclass
class Tally:
    """What all clients saw; one lock for all of them (a few thousand updates a second at most)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: collections.Counter[tuple[str, int]] = field(default_factory=collections.Counter)
    failures: collections.Counter[str] = field(default_factory=collections.Counter)  # no HTTP answer
    save_seconds: list[float] = field(default_factory=list)
    saved: list[tuple[int, int, str]] = field(default_factory=list)  # assessment, version, mark
    samples: dict[str, str] = field(default_factory=dict)  # a body per unexpected kind/status

    def count(self, kind: str, status: int, body: str = "", expected: tuple[int, ...] = ()) -> None:
        with self.lock:
            self.statuses[kind, status] += 1
            if status not in expected:
                self.samples.setdefault(f"{kind} {status}", body[:300])


class Client:
    """Cookies, no redirects followed, a new connection per request (as gunicorn's sync workers
    close them anyway)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, text


@dataclass
class Clock:
    """The timed phase: it starts when every client has logged in once (the start line)."""

    seconds: float
    deadline: float = float("inf")

    def start(self) -> None:
        self.deadline = time.monotonic() + self.seconds


class Saver(threading.Thread):
    def __init__(
        self,
        number: int,
        seat: Seat,
        data: Data,
        port: int,
        start_line: threading.Barrier,
        clock: Clock,
        login_every: int,
        tally: Tally,
    ) -> None:
        super().__init__(name=f"saver-{number}", daemon=True)
        self.number, self.seat, self.data, self.port = number, seat, data, port
        self.start_line, self.clock, self.login_every, self.tally = start_line, clock, login_every, tally
        self.path = data.theme_path.format(id=seat.assessment_id)
        self.csrf_token, self.version = "", 0

    def run(self) -> None:
        ready = False
        for _attempt in range(3):  # the first log-in, before the clock runs (it is counted too)
            ready = self.attempt(lambda: self.log_in() and self.open_page())
            if ready:
                break
        self.start_line.wait()
        actions = 0
        fresh = not ready
        while time.monotonic() < self.clock.deadline:
            if fresh:
                fresh = not self.attempt(lambda: self.log_in() and self.open_page())
            else:
                saved = self.attempt(functools.partial(self.save, actions))
                fresh = not saved or actions % self.login_every == self.login_every - 1
            actions += 1

    def attempt(self, action: Callable[[], bool]) -> bool:
        try:
            return action()
        except (OSError, http.client.HTTPException) as exc:  # no answer: refused, reset, time-out
            with self.tally.lock:
                self.tally.failures[type(exc).__name__] += 1
            return False

    def log_in(self) -> bool:
        self.client = Client(self.port)
        status, page = self.client.request("GET", "/login")
        self.tally.count("login page", status, page, (200,))
        token = _first(TOKEN, page)
        if status != 200 or token is None:
            return False
        form = {"email": self.seat.email, "password": PASSWORD, "csrf_token": token}
        status, page = self.client.request("POST", "/login", form)
        self.tally.count("login", status, page, (302,))
        return status == 302

    def open_page(self) -> bool:
        status, page = self.client.request("GET", self.path)
        self.tally.count("page", status, page, (200,))
        token, version = _first(TOKEN, page), _first(VERSION, page)
        if status != 200 or token is None or version is None:
            return False
        self.csrf_token, self.version = token, int(version)
        return True

    def save(self, action: int) -> bool:
        """One autosave; whether the server answered it (saved or conflict)."""
        mark = f"w{self.number}-{action:05d}"
        level = str(action % 5 + 1)
        form = {f"level_{q}": level for q in self.data.question_ids}
        form.update({f"comment_{q}": "" for q in self.data.question_ids})
        form[f"comment_{self.data.question_ids[0]}"] = mark
        form.update(csrf_token=self.csrf_token, version=str(self.version))
        started = time.perf_counter()
        status, body = self.client.request("POST", self.path + "/autosave", form)
        elapsed = time.perf_counter() - started
        self.tally.count("save", status, body, (200, 409))
        if status in (200, 409):
            version = int(json.loads(body)["version"])
            with self.tally.lock:
                self.tally.save_seconds.append(elapsed)
                if status == 200:
                    self.tally.saved.append((self.seat.assessment_id, version, mark))
            self.version = version  # after a conflict: the stored version, saved over next time
        return status in (200, 409)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return (match.group(1) or match.group(2)) if match else None


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(code: Path, url: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "JOB_QUEUE")},
        "PYTHONPATH": str(code),
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-writers-secret",
        "REPORT_MARKING": "",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "python:assessment.gunicorn_conf"]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            [*command, "assessment.app:create_app()"],
            cwd=code,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn: graceful stop
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- checking what was stored -------------------------------------------------------------------


def lost_writes(url: str, data: Data, tally: Tally) -> list[str]:
    """Every "saved" answer must be in the database (see the module's docstring)."""
    engine = db.make_engine(url)
    problems: list[str] = []
    try:
        with engine.connect() as connection:
            audited: set[str] = set()
            for (new,) in connection.execute(
                select(AuditEvent.new).where(AuditEvent.action == "assessment.answers")
            ):
                audited.update(MARK.findall(json.dumps(new)))
            stored = dict(
                connection.execute(
                    select(Answer.assessment_id, Answer.comment).where(
                        Answer.question_id == data.question_ids[0]
                    )
                ).all()
            )
            versions = dict(connection.execute(select(Assessment.id, Assessment.version)).all())
    finally:
        engine.dispose()
    last: dict[int, tuple[int, str]] = {}
    seen: set[tuple[int, int]] = set()
    for assessment_id, version, mark in tally.saved:
        if mark not in audited:
            problems.append(f"save {mark} answered 'saved' but is not in the audit trail")
        if (assessment_id, version) in seen:
            problems.append(
                f"two saves answered 'saved' with version {version} of assessment {assessment_id}"
            )
        seen.add((assessment_id, version))
        if version > last.get(assessment_id, (0, ""))[0]:
            last[assessment_id] = (version, mark)
    for assessment_id, (version, mark) in last.items():
        if stored.get(assessment_id) != mark and versions.get(assessment_id) == version:
            problems.append(
                f"assessment {assessment_id} version {version}: stored {stored.get(assessment_id)!r}, "
                f"saved {mark!r}"
            )
    return problems


# --- the script -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--share", type=int, default=2, help="clients per assessment (default 2)")
    parser.add_argument("--login-every", type=int, default=10, help="actions between log-ins (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--code", type=Path, default=REPO, help="the checkout whose app gunicorn runs")
    parser.add_argument("--log", type=Path, help="keep gunicorn's log in this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_writers_") as folder:
        url = db.normalise_url(args.database_url or f"sqlite:///{folder}/writers.sqlite3")
        started = time.perf_counter()
        data = build(url, args.clients, args.share)
        print(
            f"database {url.split(':', 1)[0]}: {len(data.seats)} accounts, "
            f"{len({s.assessment_id for s in data.seats})} assessments, built in "
            f"{time.perf_counter() - started:.1f} s; app of {args.code.resolve()}",
            flush=True,
        )
        log = Path(folder) / "gunicorn.log"
        process, port = start_server(args.code.resolve(), url, args.workers, log)
        tally = Tally()
        clock = Clock(args.seconds)
        start_line = threading.Barrier(len(data.seats), action=clock.start)
        try:
            savers = [
                Saver(i, seat, data, port, start_line, clock, args.login_every, tally)
                for i, seat in enumerate(data.seats)
            ]
            for saver in savers:
                saver.start()
            for saver in savers:
                saver.join()
        finally:
            stop_server(process)
        server_log = log.read_text(encoding="utf-8", errors="replace")
        if args.log:
            args.log.write_text(server_log, encoding="utf-8")
        problems = lost_writes(url, data, tally)

    # One line per failed request: the last line of its traceback.
    locked = len(re.findall(r"^sqlalchemy\.exc\.OperationalError: .*database is locked", server_log, re.M))
    errors = sum(n for (_kind, status), n in tally.statuses.items() if status >= 500)
    errors += sum(tally.failures.values())
    conflicts = tally.statuses["save", 409]
    requests = sum(tally.statuses.values()) + sum(tally.failures.values())
    print(
        f"\n{args.clients} clients ({args.share} per assessment), gunicorn -w {args.workers}, "
        f"{args.seconds:.0f} s after every client's first log-in: {requests} requests (first log-ins "
        "included)\n"
    )
    print(f"  {'kind':<12} {'status':>6} {'count':>7}")
    for (kind, status), n in sorted(tally.statuses.items()):
        print(f"  {kind:<12} {status:>6} {n:>7}")
    for name, n in sorted(tally.failures.items()):
        print(f"  {'no answer':<12} {name:>6} {n:>7}")
    if tally.save_seconds:
        ordered = sorted(tally.save_seconds)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"\n  saves answered: {len(ordered)} ({len(ordered) / args.seconds:.0f}/s), "
            f"p50 {statistics.median(ordered) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
        )
    for what, body in sorted(tally.samples.items()):
        print(f"  sample {what}: {' '.join(body.split())[:200]}")
    print(f"\n  errors (5xx or no answer):   {errors}")
    print(f"  'database is locked' in log: {locked}")
    print(f"  conflicts (409):             {conflicts}")
    print(f"  saves answered 'saved':      {len(tally.saved)}")
    print(f"  lost writes:                 {len(problems)}")
    for problem in problems[:10]:
        print(f"    {problem}")
    passed = errors == 0 and locked == 0 and not problems
    print(f"\n{'PASS' if passed else 'FAIL'}: goal 0 errors and 0 lost writes")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
