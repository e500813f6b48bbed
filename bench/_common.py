"""Shared by bench_results.py and bench_compare.py: the data, log-in, real saves, the statement
counter, the measuring loop, the table and the profile.

Every data set lives in a fresh database: a new SQLite file in a temporary folder, or, when
DATABASE_URL is set, that PostgreSQL database, which must be empty at the start and is emptied
again after each data set (its tables are dropped).

Server time is the wall clock around one request through ``app.test_client()``, in process: the
app's work plus the test client's small overhead, no network and no WSGI server.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, MetaData, event, insert, inspect, select

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role
from assessment.auth.services import create_user
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire
from assessment.questionnaires.services import store_questionnaire
from assessment.rounds.models import Round, RoundStatus
from assessment.rounds.services import create_round, open_round
from assessment.units.models import Unit

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password"  # noqa: S105 (throwaway accounts in a throwaway database)
LEAD = "lead@bench.local"
REPRESENTATIVE = "vertegenwoordiger@bench.local"
DRAFT_EVERY = 10  # in the open round every tenth unit is still filling in (a draft)


# --- counting statements ----------------------------------------------------------------------


class StatementCounter:
    """Counts the SQL statements sent through ``engine`` as tests/conftest.py does: transaction
    control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) is left out."""

    SKIP = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.active = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        if self.active and not statement.lstrip().upper().startswith(self.SKIP):
            self.count += 1


class GcWatch:
    """Time in Python's garbage collector and the number of full (generation 2) collections.
    cProfile does not show it as such: a collection runs inside whatever allocated last."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0
        gc.callbacks.append(self._seen)

    def _seen(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.full += info["generation"] == 2


GC = GcWatch()


@dataclass
class Sample:
    statements: int
    seconds: float  # wall clock
    cpu: float  # this thread's CPU time: less disturbed by other processes on the machine
    size: int  # bytes in the response
    gc: float  # seconds in the garbage collector
    full_gc: int  # full collections


def timed_get(client: FlaskClient, counter: StatementCounter, url: str) -> Sample:
    counter.count, counter.active = 0, True
    gc_seconds, full_gc = GC.seconds, GC.full
    started, cpu = time.perf_counter(), time.thread_time()
    response = client.get(url)
    elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
    counter.active = False
    assert response.status_code == 200, (url, response.status_code)
    return Sample(
        counter.count, elapsed, cpu, len(response.get_data()), GC.seconds - gc_seconds, GC.full - full_gc
    )


# --- databases and data -----------------------------------------------------------------------


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    """An empty database for one data set (see the module's docstring)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/{label}.sqlite3"
        return
    url = db.normalise_url(url)
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
        if tables:
            raise SystemExit(f"DATABASE_URL must name an empty database; it has {len(tables)} tables")
        yield url
    finally:
        with engine.begin() as connection:
            metadata = MetaData()
            metadata.reflect(connection)
            metadata.drop_all(connection)
        engine.dispose()


@dataclass
class DataSet:
    units: int
    rounds: int
    answers: int
    build_seconds: float
    round_code: str  # the newest round, open
    submitted_id: int  # a submitted assessment in the open round (its results page is measured)
    draft_id: int  # a draft in the open round: the representative saves into it

    @property
    def label(self) -> str:
        return f"{self.units} units × {self.rounds} rounds"


def make_app(url: str) -> Flask:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False})
    with app.extensions["database"].engine.begin() as connection:
        migrate.upgrade(connection)
    return app


def build(app: Flask, units: int, rounds: int, seed: int = 2026) -> DataSet:
    """``units`` units and ``rounds`` rounds of the DTS questionnaire, the newest open, every unit
    answering: approved in the closed rounds; in the open round submitted, except every tenth
    unit, a draft with two thirds answered. Answers go in with one bulk insert per round."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        session = db.session
        questionnaire, _ = store_questionnaire(read_questionnaire(DEFAULT_QUESTIONNAIRE))
        made = [Unit(code=f"E{i:04d}", name=f"Eenheid {i}", kind="eenheid") for i in range(units)]
        session.add_all(made)
        session.flush()
        base = {u.id: rng.uniform(1.5, 3.8) for u in made}
        question_ids = [q.id for t in questionnaire.themes for q in t.questions]
        answered_by_draft = question_ids[: len(question_ids) * 2 // 3]
        answers = 0
        for r in range(rounds):
            newest = r == rounds - 1
            round_ = create_round(code=f"R{r + 1}", name=f"Ronde {r + 1}", questionnaire=questionnaire)
            open_round(round_)
            rows = []
            assessments = session.scalars(
                select(Assessment).where(Assessment.round_id == round_.id).order_by(Assessment.id)
            ).all()
            for i, assessment in enumerate(assessments):
                draft = newest and i % DRAFT_EVERY == DRAFT_EVERY - 1
                if not draft:
                    assessment.status = AssessmentStatus.SUBMITTED if newest else AssessmentStatus.APPROVED
                for question_id in answered_by_draft if draft else question_ids:
                    level = min(5, max(1, round(base[assessment.unit_id] + 0.2 * r + rng.gauss(0, 0.8))))
                    rows.append(
                        {
                            "assessment_id": assessment.id,
                            "question_id": question_id,
                            "level": level,
                            "is_not_applicable": False,
                            "comment": "",
                        }
                    )
            session.execute(insert(Answer), rows)
            answers += len(rows)
            if not newest:
                round_.status = RoundStatus.CLOSED
        submitted_id = assessments[0].id
        draft = assessments[DRAFT_EVERY - 1]
        create_user(email=LEAD, display_name="Lead", role=Role.LEAD, password=PASSWORD)
        create_user(
            email=REPRESENTATIVE,
            display_name="Vertegenwoordiger",
            role=Role.REPRESENTATIVE,
            password=PASSWORD,
            unit_codes=[draft.unit.code],
        )
        data = DataSet(
            units=units,
            rounds=rounds,
            answers=answers,
            build_seconds=0.0,
            round_code=round_.code,
            submitted_id=submitted_id,
            draft_id=draft.id,
        )
        session.commit()
    data.build_seconds = time.perf_counter() - started
    return data


# --- the browser side -------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The inputs of a page: hidden values, the checked radio per group, textarea names."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, str] = {}
        self.textareas: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = values.get("name") or ""
        if tag == "input" and values.get("type") == "hidden":
            self.hidden.setdefault(name, values.get("value") or "")
        elif tag == "input" and values.get("type") == "radio":
            self.radios.setdefault(name, "")
            if "checked" in values:
                self.radios[name] = values.get("value") or ""
        elif tag == "textarea":
            self.textareas.append(name)


def log_in(app: Flask, email: str) -> FlaskClient:
    """A browser logged in through /login with the form's CSRF token."""
    client = app.test_client()
    token = FormReader(client.get("/login").get_data(as_text=True)).hidden.get("csrf_token")
    assert token, "no csrf_token on /login"
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"log-in refused: {response.status_code}"
    return client


class Saver:
    """Real saves, as the unit's representative makes them: the first speerpunt page's form
    posted back (every question of it, as the browser sends it) with one answer changed."""

    def __init__(self, app: Flask, data: DataSet) -> None:
        self.app = app
        self.client = log_in(app, REPRESENTATIVE)
        overview = self.client.get(f"/assessments/{data.draft_id}").get_data(as_text=True)
        marker = f"/assessments/{data.draft_id}/speerpunten/"
        start = overview.index(marker)
        self.path = overview[start : overview.index('"', start)]
        page = FormReader(self.client.get(self.path).get_data(as_text=True))
        self.form = {name: value for name, value in page.radios.items() if name.startswith("level_")}
        self.form.update(dict.fromkeys(page.textareas, ""))
        self.form.update(csrf_token=page.hidden["csrf_token"], action="save")
        self.version = int(page.hidden["version"])
        self.toggled = next(iter(n for n in self.form if n.startswith("level_")))
        self.times: list[float] = []
        self.round_id = self._round_of(data.draft_id)

    def _round_of(self, assessment_id: int) -> int:
        with self.app.app_context():
            return db.session.get(Assessment, assessment_id).round_id

    def results_version(self) -> int:
        with self.app.app_context():
            return db.session.get(Round, self.round_id).results_version

    def save(self) -> None:
        self.form[self.toggled] = "2" if self.form[self.toggled] != "2" else "3"
        self.form["version"] = str(self.version)
        started = time.perf_counter()
        response = self.client.post(self.path, data=self.form)
        self.times.append(time.perf_counter() - started)
        assert response.status_code == 302, f"save refused: {response.status_code}"
        self.version += 1


# --- measuring --------------------------------------------------------------------------------


@dataclass
class PageRun:
    page: str
    data: DataSet
    restart: Sample  # the first request with an empty process cache (as after a restart)
    first: list[Sample] = field(default_factory=list)  # the first request after each save
    later: list[Sample] = field(default_factory=list)  # the requests after that one
    objects: int = 0  # objects tracked by the garbage collector at the end


def measure_page(
    app: Flask,
    counter: StatementCounter,
    client: FlaskClient,
    saver: Saver,
    page: str,
    url: str,
    data: DataSet,
    saves: int,
    requests: int,
) -> PageRun:
    # An empty cache only for this extra column, as after a restart; the "after a save" figures
    # below come from real saves, each raising the round's results version.
    app.extensions["results"].clear()
    run = PageRun(page, data, timed_get(client, counter, url))
    for _ in range(2):  # warm: templates compiled, every round's figures cached
        timed_get(client, counter, url)
    for _ in range(saves):
        before = saver.results_version()
        saver.save()
        assert saver.results_version() > before, "a save did not raise the round's results version"
        run.first.append(timed_get(client, counter, url))
        run.later.extend(timed_get(client, counter, url) for _ in range(requests))
    run.objects = len(gc.get_objects())
    return run


@dataclass(frozen=True)
class Budget:
    statements: int
    first_ms: float
    later_ms: float | None  # None: no budget for the later requests


def _median_ms(samples: list[Sample], attribute: str = "seconds") -> float:
    return statistics.median(getattr(s, attribute) for s in samples) * 1000


def _max_ms(samples: list[Sample]) -> float:
    return max(s.seconds for s in samples) * 1000


def print_table(runs: list[PageRun], budgets: dict[str, Budget]) -> None:
    print(
        "\nSQL statements per request, and server time in ms: the wall clock around app.test_client(), "
        "median [max],\nwith this thread's CPU time (median) after the slash. 'first' = the first "
        "request after a real save in\nthe open round, 'later' = the requests after it; PASS/FAIL "
        "compares the wall-clock medians (and the\nlargest statement count) with the budgets (≤). "
        "'restart': the first request with an empty process cache.\n"
    )
    head = (
        f"{'page':<12} {'data set':<20} {'SQL first/later':>15} {'≤':>3}  "
        f"{'ms first':>21} {'≤':>4}  {'ms later':>21} {'≤':>4}  {'KB':>4}  {'restart':>15}  result"
    )
    print(head)
    print("-" * len(head))
    for run in runs:
        budget = budgets[run.page]
        first_sql = max(s.statements for s in run.first)
        later_sql = max(s.statements for s in run.later)
        first_ms, later_ms = _median_ms(run.first), _median_ms(run.later)
        failed = []
        if max(first_sql, later_sql) > budget.statements:
            failed.append("statements")
        if first_ms > budget.first_ms:
            failed.append("ms first")
        if budget.later_ms is not None and later_ms > budget.later_ms:
            failed.append("ms later")
        varying = "" if min(s.statements for s in run.first) == first_sql else "~"
        first = f"{first_ms:5.1f} [{_max_ms(run.first):5.0f}] / {_median_ms(run.first, 'cpu'):5.1f}"
        later = f"{later_ms:5.1f} [{_max_ms(run.later):5.0f}] / {_median_ms(run.later, 'cpu'):5.1f}"
        later_budget = f"{budget.later_ms:4.0f}" if budget.later_ms is not None else "   -"
        restart = f"{run.restart.seconds * 1000:.0f} ms, {run.restart.statements} SQL"
        print(
            f"{run.page:<12} {run.data.label:<20} {f'{first_sql}{varying} / {later_sql}':>15} "
            f"{budget.statements:>3}  {first:>21} {budget.first_ms:4.0f}  {later:>21} {later_budget}  "
            f"{run.later[-1].size / 1024:4.0f}  {restart:>15}  "
            f"{'PASS' if not failed else 'FAIL: ' + ', '.join(failed)}"
        )
    print()
    for page in dict.fromkeys(r.page for r in runs):
        counts = {
            (r.data.units, r.data.rounds): (
                max(s.statements for s in r.first),
                max(s.statements for s in r.later),
            )
            for r in runs
            if r.page == page
        }
        same = len(set(counts.values())) == 1
        listed = ", ".join(f"{u}×{n}: {f}/{later}" for (u, n), (f, later) in counts.items())
        print(f"{page}: statements {'the same' if same else 'DIFFER'} for every data set ({listed})")
    samples = {r.page: (len(r.first), len(r.later)) for r in runs}
    print(
        "samples per data set: "
        + "; ".join(f"{page}: {first} first, {later} later" for page, (first, later) in samples.items())
        + "; '~' = the first-after-save count varied between saves (the max is shown)"
    )
    print(
        "\ngarbage collection inside the measured requests (objects = tracked by the collector, the "
        "process cache's figures included):"
    )
    print(
        f"  {'page':<12} {'data set':<20} {'objects':>8}  {'full GCs first / later':>22}  "
        f"{'GC ms/request first / later':>27}  {'longest GC ms':>13}"
    )
    for run in runs:
        full = f"{sum(s.full_gc for s in run.first)}/{len(run.first)} / {sum(s.full_gc for s in run.later)}/{len(run.later)}"
        mean = f"{_mean_ms(run.first, 'gc'):.1f} / {_mean_ms(run.later, 'gc'):.1f}"
        longest = max(s.gc for s in run.first + run.later) * 1000
        print(
            f"  {run.page:<12} {run.data.label:<20} {run.objects:>8,}  {full:>22}  {mean:>27}  {longest:>13.0f}"
        )


def _mean_ms(samples: list[Sample], attribute: str) -> float:
    return statistics.fmean(getattr(s, attribute) for s in samples) * 1000


# --- the profile ------------------------------------------------------------------------------


def _short(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    if filename.startswith(str(REPO)):
        return filename[len(str(REPO)) + 1 :]
    return filename


def print_profile(
    profile: cProfile.Profile, requests: int, title: str, note: str = "", lines: int = 12
) -> None:
    """Top ``lines`` by cumulative time (without the frames that hold nearly the whole request,
    like Flask's dispatch), by own time, and of the app's own code; in ms per request. ``note``
    ends the heading line."""
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        label = function if filename == "~" else f"{_short(filename)}:{line}({function})"
        rows.append((label, calls / requests, own, cumulative))
    per = 1000 / requests
    print(f"\n{title}: {total * per:.1f} ms per request under cProfile ({requests} requests){note}")
    inner = [r for r in rows if r[3] < 0.9 * total]
    own_code = [r for r in inner if r[0].startswith("assessment/")]
    for heading, key, chosen in (
        ("by cumulative time (frames holding >90 % of the request left out)", 3, inner),
        ("by own time", 2, rows),
        ("the app's own code (assessment/) by cumulative time", 3, own_code),
    ):
        print(f"  {heading}:")
        print(f"    {'calls/req':>9} {'own ms':>7} {'cum ms':>7} {'cum %':>6}  function")
        for label, calls, own, cumulative in sorted(chosen, key=lambda r: r[key], reverse=True)[:lines]:
            print(
                f"    {calls:9.1f} {own * per:7.2f} {cumulative * per:7.2f} {cumulative / total:6.1%}  {label}"
            )


def _gc_note(gc_seconds: float, requests: int) -> str:
    return f", of which {gc_seconds * 1000 / requests:.1f} ms in the garbage collector (spread over the lines below)"


def profile_page(
    client: FlaskClient,
    counter: StatementCounter,
    saver: Saver,
    page: str,
    url: str,
    saves: int,
    requests: int,
) -> Callable[[], None]:
    """Profile ``saves`` first-after-save requests (the saves themselves not profiled) and then
    ``requests`` later ones; return a function that prints both profiles."""
    first, later = cProfile.Profile(), cProfile.Profile()
    for _ in range(2):  # every round's figures cached again (measuring another page emptied the cache)
        timed_get(client, counter, url)
    first_gc = 0.0
    for _ in range(saves):
        saver.save()
        first.enable()
        first_gc += timed_get(client, counter, url).gc
        first.disable()
    later.enable()
    later_gc = sum(timed_get(client, counter, url).gc for _ in range(requests))
    later.disable()

    def show() -> None:
        print_profile(
            first, saves, f"profile of {page}, first request after a save", _gc_note(first_gc, saves)
        )
        print_profile(later, requests, f"profile of {page}, later requests", _gc_note(later_gc, requests))

    return show


# --- the script -------------------------------------------------------------------------------


def run(
    description: str,
    pages: dict[str, Callable[[DataSet], str]],
    budgets: dict[str, Budget],
    profile_default: str,
) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--rounds", type=int, nargs="+", default=[2, 6], help="round counts (default: 2 6)")
    parser.add_argument(
        "--small",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also a tenth of the units with the first round count (statement counts must not grow)",
    )
    parser.add_argument("--saves", type=int, default=10, help="save + first request cycles per page")
    parser.add_argument("--requests", type=int, default=5, help="later requests after each save")
    parser.add_argument(
        "--profile",
        choices=[*pages, "none"],
        default=profile_default,
        help="page to profile on the largest data set",
    )
    parser.add_argument("--profile-saves", type=int, default=5)
    parser.add_argument("--profile-requests", type=int, default=20)
    args = parser.parse_args()

    sets = [(max(DRAFT_EVERY, args.units // 10), args.rounds[0])] if args.small else []
    sets += [(args.units, n) for n in args.rounds]
    runs: list[PageRun] = []
    show_profile = None
    for index, (units, rounds) in enumerate(sets):
        with fresh_database(f"bench_{units}x{rounds}") as url:
            app = make_app(url)
            engine = app.extensions["database"].engine
            try:
                data = build(app, units, rounds)
                print(
                    f"database {engine.dialect.name}: {data.label}, {data.answers:,} answers, "
                    f"built in {data.build_seconds:.1f} s",
                    flush=True,
                )
                counter = StatementCounter(engine)
                client = log_in(app, LEAD)
                saver = Saver(app, data)
                for page, url_of in pages.items():
                    runs.append(
                        measure_page(
                            app, counter, client, saver, page, url_of(data), data, args.saves, args.requests
                        )
                    )
                if index == len(sets) - 1 and args.profile != "none":
                    show_profile = profile_page(
                        client,
                        counter,
                        saver,
                        f"{args.profile} ({data.label})",
                        pages[args.profile](data),
                        args.profile_saves,
                        args.profile_requests,
                    )
                print(
                    f"  save POST (not in the table): median {statistics.median(saver.times) * 1000:.0f} ms"
                )
            finally:
                engine.dispose()  # before the tables are dropped
    print_table(runs, budgets)
    if show_profile is not None:
        show_profile()
