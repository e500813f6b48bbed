"""Benchmark: the fill-in page (GET) and a save (POST) under load, against a bare Flask baseline.

What it measures (issue 9), on PostgreSQL, both apps under ``gunicorn -w 2``, wrk with 20
connections (one wrk thread each):

* fill-in page GET: requests/s of the first speerpunt's page, and of a bare Flask + Jinja page of
  the same size in bytes (bench/bare_app.py); goal: app/bare >= 0.50.
* save POST: one speerpunt with 12 answers, CSRF token and version field, every connection on its
  own assessment, every save changing all 12 answers; the baseline is a bare Flask POST that
  parses the same form and runs one UPDATE and a commit on the same database; goal: app/bare
  >= 0.30. p50 and p99 latency are reported.

The four figures are measured interleaved (bare GET, app GET, bare POST, app POST, each after a
short warm-up) for every repeat; the medians are reported. Afterwards the app is profiled in
process (cProfile around N GETs and N POSTs through Flask's test client on the same database) and
the functions that dominate are printed.

It builds a fresh PostgreSQL database (named with a timestamp; dropped at the end, also after a
failure or Ctrl-C) with the app's own migrations and services: the DTS questionnaire, N units, an
open round (one draft assessment per unit) and an admin account. Needs wrk and gunicorn.

    python bench/bench_fillin.py [--seconds 10] [--repeats 3]
    python bench/bench_fillin.py --seconds 3 --repeats 1 --units 40
    python bench/bench_fillin.py --database-url postgresql+psycopg://postgres@db.example:5432/postgres

--database-url names a database on the server to connect to for CREATE/DROP DATABASE (default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres). The script always exits 0 once it has
measured: PASS/FAIL lines report the goals, it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import print_profile
from sqlalchemy import Engine, create_engine, make_url, select, text
from sqlalchemy.pool import NullPool

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments.models import Assessment
from assessment.auth.models import Role
from assessment.auth.services import create_user
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire
from assessment.questionnaires.services import store_questionnaire
from assessment.rounds.services import create_round, open_round
from assessment.units.models import Unit

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
EMAIL = "admin@bench.local"
PASSWORD = "bench-fillin-password-2026"  # noqa: S105 (a throwaway account in a throwaway database)
# Flask-Login's "strong" session protection ties the session to address and user agent: the
# login and wrk must send the same one.
USER_AGENT = "bench_fillin"
LEVEL_SETS = ("2", "3")  # a save sends LEVEL_SETS[version % 2] for all answers: every save changes them
GOAL_GET, GOAL_POST = 0.50, 0.30


# --- HTTP: a small client that keeps cookies, and the HTML the benchmark needs ------------------


@dataclass
class Response:
    status: int
    body: str
    location: str = ""


class Client:
    """A cookie store and no redirects followed. ``frozen`` stops taking cookies from responses:
    after the set-up every request sends the same session cookie, as wrk does (a save's flash
    message is then not carried into the next request)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.frozen = False

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, set_cookies, location, text = self.send(method, path, body, headers)
        for header in [] if self.frozen else set_cookies:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Response(status, text, location)

    def send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[int, list[str], str, str]:
        raise NotImplementedError


class HttpClient(Client):
    """HTTP/1.1 to 127.0.0.1:port."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port

    def send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[int, list[str], str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        return (
            response.status,
            response.headers.get_all("Set-Cookie") or [],
            response.headers.get("Location", ""),
            data.decode(),
        )


class InProcessClient(Client):
    """Through Flask's test client, for the in-process profile."""

    def __init__(self, app) -> None:
        super().__init__()
        self.client = app.test_client(use_cookies=False)

    def send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[int, list[str], str, str]:
        response = self.client.open(path, method=method, data=body, headers=headers)
        return (
            response.status_code,
            response.headers.getlist("Set-Cookie"),
            response.headers.get("Location", ""),
            response.get_data(as_text=True),
        )


class PageParser(HTMLParser):
    """Links, inputs, textareas and buttons of a page, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.inputs: list[dict[str, str]] = []
        self.textareas: list[str] = []
        self.buttons: list[dict[str, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "input":
            self.inputs.append(values)
        elif tag == "textarea":
            self.textareas.append(values.get("name", ""))
        elif tag == "button":
            self.buttons.append(values)

    def hidden(self, name: str) -> str | None:
        return next((i.get("value", "") for i in self.inputs if i.get("name") == name), None)


LEVEL_FIELD = re.compile(r"^level_(\d+)$")


@dataclass
class FillInForm:
    """The save form of one speerpunt page, as read from its HTML."""

    path: str
    csrf_token: str
    version: int
    choices: dict[str, list[str]]  # level_<question id> -> the radio values
    comments: list[str]  # comment_<question id>
    has_save_button: bool

    def body(self, version: int) -> dict[str, str]:
        """A save of all answers at LEVEL_SETS[version % 2], with empty comments."""
        level = LEVEL_SETS[version % 2]
        form = dict.fromkeys(self.choices, level)
        form.update(dict.fromkeys(self.comments, ""))
        form.update(csrf_token=self.csrf_token, version=str(version), action="save")
        return form


def read_form(path: str, html: str) -> FillInForm | None:
    page = PageParser(html)
    choices: dict[str, list[str]] = {}
    for element in page.inputs:
        if element.get("type") == "radio" and LEVEL_FIELD.match(element.get("name", "")):
            choices.setdefault(element["name"], []).append(element.get("value", ""))
    csrf_token, version = page.hidden("csrf_token"), page.hidden("version")
    if not choices or csrf_token is None or version is None:
        return None
    return FillInForm(
        path=path,
        csrf_token=csrf_token,
        version=int(version),
        choices=choices,
        comments=[name for name in page.textareas if name.startswith("comment_")],
        has_save_button=any(b.get("name") == "action" and b.get("value") == "save" for b in page.buttons),
    )


def log_in(client: Client) -> None:
    page = client.request("GET", "/login")
    token = PageParser(page.body).hidden("csrf_token")
    assert page.status == 200 and token, f"GET /login: {page.status}"
    answer = client.request("POST", "/login", {"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert answer.status == 302, f"log-in refused: {answer.status}"


def first_speerpunt(client: Client, assessment_id: int) -> FillInForm:
    """The overview's first link below /assessments/<id>/ whose page has the answer form."""
    overview = f"/assessments/{assessment_id}"
    page = client.request("GET", overview)
    assert page.status == 200, f"GET {overview}: {page.status}"
    seen: list[str] = []
    for href in PageParser(page.body).links:
        path = urlsplit(href).path
        if not path.startswith(overview + "/") or path in seen:
            continue
        seen.append(path)
        candidate = client.request("GET", path)
        form = read_form(path, candidate.body) if candidate.status == 200 else None
        if form is not None:
            return form
        if len(seen) >= 20:
            break
    raise RuntimeError(f"no link on {overview} leads to a page with an answer form (tried {seen})")


# --- the database -----------------------------------------------------------------------------


def admin_engine(server_url: str) -> Engine:
    return create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """CREATE DATABASE with a timestamped name on the server; DROP it (forced) on the way out."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d_%H%M%S")
    name = f"dts_bench_fillin_{stamp}_{os.getpid()}"
    engine = admin_engine(server_url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped database {name}")
    finally:
        engine.dispose()


def build_data(url: str, secret_key: str, units: int, connections: int) -> list[int]:
    """Schema, questionnaire, units, an open round, the admin; the baseline's table. Returns the
    assessment ids in unit order."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret_key})
    engine = app.extensions["database"].engine
    with engine.begin() as connection:
        migrate.upgrade(connection)
    with app.app_context():
        session = db.session
        questionnaire, _ = store_questionnaire(read_questionnaire(DEFAULT_QUESTIONNAIRE))
        session.add_all(
            Unit(code=f"BENCH-{i:03d}", name=f"Benchmark-eenheid {i}", kind="eenheid") for i in range(units)
        )
        session.flush()
        round_ = create_round(code="BENCH-2026", name="Benchmark 2026", questionnaire=questionnaire)
        open_round(round_)
        create_user(email=EMAIL, display_name="Benchmark", role=Role.ADMIN, password=PASSWORD, unit_codes=())
        session.commit()
        ids = list(
            session.scalars(
                select(Assessment.id)
                .join(Unit, Unit.id == Assessment.unit_id)
                .where(Assessment.round_id == round_.id)
                .order_by(Unit.code)
            )
        )
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE bench_bare (id integer PRIMARY KEY, version integer NOT NULL, levels text NOT NULL)"
            )
        )
        connection.execute(
            text("INSERT INTO bench_bare (id, version, levels) VALUES (:id, 1, '')"),
            [{"id": i} for i in range(1, connections + 1)],
        )
    engine.dispose()
    return ids


def versions(engine: Engine, table: str, ids: list[int]) -> list[int]:
    query = text(f"SELECT id, version FROM {table} WHERE id = ANY(:ids)")  # noqa: S608 (our own table names)
    with engine.connect() as connection:
        found = dict(connection.execute(query, {"ids": ids}).all())
    return [found[i] for i in ids]


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn: graceful stop
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_gunicorn(name: str, target: str, env: dict[str, str], workers: int, tmp: Path) -> Server:
    port = free_port()
    log = tmp / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        target,
    ]
    with log.open("wb") as out:
        # A session of its own: Ctrl-C reaches this script, which then stops the server itself.
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            if HttpClient(port).request("GET", "/healthz" if name == "app" else "/").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer within 60 s:\n{log.read_text()[-3000:]}")


# --- wrk --------------------------------------------------------------------------------------

LUA_COMMON = r"""
local threads = {}

function done(summary, latency, requests)
  local bad = 0  -- every thread counts its own unexpected statuses (summary.errors.status only counts >= 400)
  for _, t in ipairs(threads) do bad = bad + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d bad=%d socket_errors=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    bad, e.connect + e.read + e.write + e.timeout))
end
"""

LUA_GET = r"""
wrk.headers["Cookie"] = {cookie}
wrk.headers["User-Agent"] = {agent}

function setup(thread)
  table.insert(threads, thread)
  thread:set("bad", 0)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
"""

LUA_POST = r"""
-- One wrk thread per connection, each on its own row: its path and the version it starts at.
local paths = {paths}
local versions = {versions}
-- The body without the version; [0] for even versions, [1] for odd: every save changes the answers.
local bodies = {{ [0] = {even}, [1] = {odd} }}
local headers = {{
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = {cookie},
  ["User-Agent"] = {agent},
}}
local count = 0

function setup(thread)
  count = count + 1
  table.insert(threads, thread)
  thread:set("path", paths[count])
  thread:set("version", versions[count])
  thread:set("bad", 0)
end

function request()
  return wrk.format("POST", path, headers, bodies[version % 2] .. "&version=" .. version)
end

function response(status, headers, body)
  if status == 302 then
    version = version + 1
  else
    bad = bad + 1
    local stored = body and string.match(body, 'name="version"[^>]-value="(%d+)"')
    if stored then version = tonumber(stored) end
  end
end
"""


def lua(value: str | int | list) -> str:
    """A Python value as a Lua literal."""
    if isinstance(value, list):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int
    socket_errors: int
    bytes_per_request: float


def wrk(url: str, script: str, seconds: float, connections: int, tmp: Path) -> Run:
    path = tmp / "wrk.lua"
    path.write_text(LUA_COMMON + script)
    command = [
        "wrk",
        f"-t{connections}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(path),
        url,
    ]
    done = subprocess.run(  # noqa: S603 (our own command line)
        command, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    match = re.search(r"BENCH-RESULT (.*)", done.stdout)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    values = {k: int(v) for k, v in (item.split("=") for item in match.group(1).split())}
    requests = max(values["requests"], 1)
    return Run(
        rps=values["requests"] / (values["duration_us"] / 1e6),
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        bad=values["bad"],
        socket_errors=values["socket_errors"],
        bytes_per_request=values["bytes"] / requests,
    )


# --- the profile ------------------------------------------------------------------------------


def profile_app(url: str, secret_key: str, assessment_id: int, requests: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret_key})
    client = InProcessClient(app)
    log_in(client)
    form = first_speerpunt(client, assessment_id)
    client.frozen = True

    def get() -> None:
        assert client.request("GET", form.path).status == 200

    def post() -> None:
        nonlocal version
        answer = client.request("POST", form.path, form.body(version))
        assert answer.status == 302, f"save refused: {answer.status}"
        version += 1

    version = form.version
    for name, action in (("fill-in page GET", get), ("save POST", post)):
        for _ in range(5):  # warm: templates compiled, caches filled
            action()
        plain = []  # the same requests without the profiler, to judge its overhead
        for _ in range(max(5, requests // 4)):
            started = time.perf_counter()
            action()
            plain.append(time.perf_counter() - started)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(requests):
            action()
        profile.disable()
        print_profile(
            profile,
            requests,
            f"profile of {name}",
            f", median {statistics.median(plain) * 1000:.1f} ms without it",
        )
    app.extensions["database"].engine.dispose()


# --- main -------------------------------------------------------------------------------------


def median_run(runs: list[Run], attribute: str) -> float:
    return statistics.median(getattr(r, attribute) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each measured run (10)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats (3)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up before each run, seconds (2)")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections = threads (20)")
    parser.add_argument("--units", type=int, default=20, help="units, one assessment each (20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app (2)")
    parser.add_argument("--profile-requests", type=int, default=200, help="requests per profile (200)")
    parser.add_argument("--database-url", default=DEFAULT_SERVER, help=f"server to use ({DEFAULT_SERVER})")
    args = parser.parse_args()
    if args.units < args.connections:
        parser.error("--units must be at least --connections (every connection saves its own assessment)")
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed")

    # SIGTERM as Ctrl-C: the finally blocks stop the servers and drop the database.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    secret_key = secrets.token_hex(32)
    servers: list[Server] = []
    engine: Engine | None = None
    with (
        tempfile.TemporaryDirectory(prefix="bench_fillin_") as tmp_name,
        fresh_database(args.database_url) as url,
    ):
        tmp = Path(tmp_name)
        try:
            started = time.perf_counter()
            ids = build_data(url, secret_key, args.units, args.connections)
            engine = create_engine(url, pool_size=1)  # reads the versions before each POST run
            print(
                f"database {make_url(url).database}: DTS questionnaire, {args.units} units, "
                f"one open round, built in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "SECRET_KEY": secret_key,
                "PYTHONPATH": os.pathsep.join([str(REPO), str(BENCH), os.environ.get("PYTHONPATH", "")]),
            }
            app = start_gunicorn("app", "assessment.app:create_app()", env, args.workers, tmp)
            servers.append(app)

            client = HttpClient(app.port)
            log_in(client)
            forms = [first_speerpunt(client, i) for i in ids[: args.connections]]
            form = forms[0]
            check = client.request("POST", form.path, form.body(form.version))
            assert check.status == 302, (
                f"a save through HTTP was refused: {check.status}\n{check.body[:2000]}"
            )
            client.request("GET", check.location)  # as a browser: shows (and so clears) the flash message
            client.frozen = True
            size = len(client.request("GET", form.path).body.encode())
            print(
                f"fill-in page: {form.path} (first speerpunt of the overview), {len(form.choices)} questions, "
                f"{size:,} bytes",
                flush=True,
            )
            if len(form.choices) != 12 or not form.has_save_button:
                print(
                    f"  note: expected 12 questions and a save button, found {len(form.choices)} / "
                    f"{form.has_save_button}"
                )

            bare = start_gunicorn(
                "bare",
                "bare_app:app",
                {**env, "BARE_DATABASE_URL": url, "BARE_PAGE_BYTES": str(size)},
                args.workers,
                tmp,
            )
            servers.append(bare)
            bare_size = len(HttpClient(bare.port).request("GET", "/").body.encode())
            print(
                f"bare page: {bare_size:,} bytes ({bare_size / size - 1:+.1%} of the fill-in page)",
                flush=True,
            )
            assert abs(bare_size / size - 1) <= 0.02, "bare page size is off by more than 2 %"

            cookie, agent = lua(client.cookie_header()), lua(USER_AGENT)
            get_script = LUA_GET.format(cookie=cookie, agent=agent)
            even, odd = (
                lua(urlencode({k: v for k, v in form.body(version).items() if k != "version"}))
                for version in (0, 1)
            )
            app_paths = [f.path for f in forms]
            bare_rows = list(range(1, args.connections + 1))
            bare_paths = [f"/save/{row}" for row in bare_rows]

            def post_script(table: str) -> str:
                rows = ids[: args.connections] if table == "assessments" else bare_rows
                paths = app_paths if table == "assessments" else bare_paths
                return LUA_POST.format(
                    paths=lua(paths),
                    versions=lua(versions(engine, table, rows)),
                    even=even,
                    odd=odd,
                    cookie=cookie,
                    agent=agent,
                )

            figures: list[tuple[str, Server, str, Callable[[], str]]] = [
                ("bare GET", bare, "/", lambda: get_script),
                ("app GET", app, form.path, lambda: get_script),
                ("bare POST", bare, "/", lambda: post_script("bench_bare")),
                ("app POST", app, form.path, lambda: post_script("assessments")),
            ]
            results: dict[str, list[Run]] = {name: [] for name, *_ in figures}
            print(
                f"\nwrk -t{args.connections} -c{args.connections}, gunicorn -w {args.workers}; "
                f"{args.repeats} × {args.seconds:g} s per figure, {args.warmup:g} s warm-up before each",
                flush=True,
            )
            for repeat in range(1, args.repeats + 1):
                for name, server, path, script in figures:
                    base = f"http://127.0.0.1:{server.port}{path}"
                    if args.warmup > 0:
                        wrk(base, script(), args.warmup, args.connections, tmp)
                        time.sleep(0.5)  # let requests still in flight finish before the versions are read
                    run = wrk(base, script(), args.seconds, args.connections, tmp)
                    time.sleep(0.5)
                    results[name].append(run)
                    expected = "302" if "POST" in name else "200"
                    print(
                        f"  repeat {repeat}  {name:<9} {run.rps:8.1f} req/s   p50 {run.p50_ms:7.1f} ms   "
                        f"p99 {run.p99_ms:7.1f} ms   non-{expected}: {run.bad}   socket errors: {run.socket_errors}"
                        + (f"   {run.bytes_per_request:,.0f} B/response" if "GET" in name else ""),
                        flush=True,
                    )
            for server in servers:
                server.stop()

            print(f"\nmedians of {args.repeats} runs:")
            for what, goal in (("GET", GOAL_GET), ("POST", GOAL_POST)):
                app_runs, bare_runs = results[f"app {what}"], results[f"bare {what}"]
                app_rps, bare_rps = median_run(app_runs, "rps"), median_run(bare_runs, "rps")
                ratio = app_rps / bare_rps
                label = "fill-in page GET" if what == "GET" else "save POST (12 answers)"
                print(f"  {label}: app {app_rps:.1f} req/s, bare {bare_rps:.1f} req/s, ratio {ratio:.2f}")
                if what == "POST":
                    for who, runs in (("app", app_runs), ("bare", bare_runs)):
                        print(
                            f"    {who:<4} latency p50 {median_run(runs, 'p50_ms'):.1f} ms, "
                            f"p99 {median_run(runs, 'p99_ms'):.1f} ms; non-302 responses: "
                            f"{sum(r.bad for r in runs)}"
                        )
                verdict = "PASS" if ratio >= goal else "FAIL"
                print(f"  {verdict}: {label} ratio {ratio:.2f} (goal >= {goal:.2f})")

            print(
                f"\nprofile in process (cProfile, Flask test client, same database, assessment {ids[0]}):",
                flush=True,
            )
            profile_app(url, secret_key, ids[0], args.profile_requests)
        except Exception:
            for server in servers:
                if server.log.exists():
                    print(
                        f"--- last lines of the {server.name} server's log ---\n{server.log.read_text()[-2000:]}"
                    )
            raise
        finally:
            for server in servers:
                server.stop()
            if engine is not None:
                engine.dispose()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: servers stopped, database dropped", file=sys.stderr)
        sys.exit(130)
