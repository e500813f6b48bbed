"""Real processes for the tests that need them: the ``assessment`` command, queue consumers
(``assessment worker``) and gunicorn app servers, all running this checkout's code. A process's
output goes to a file that is shown when the test fails, and its process group is always ended.
Also: a person with a browser against such servers (``urllib`` and a cookie jar), and the
reports in a job's ZIP."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any, TypeVar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from flask import Flask
from huey.storage import RedisStorage
from sqlalchemy import make_url

from tests.functional.test_reports import pdf_text
from tests.helpers import csrf_token_in

REPO = Path(__file__).resolve().parents[1]  # the directory that holds assessment/
SECRET_KEY = "test-secret-key-of-the-processes"  # the same for every process: one session works on all
# The app's and gunicorn's settings: a test gives them, they are not inherited.
SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "JOB_QUEUE",
    "JOB_QUEUE_FILE",
    "REPORT_MARKING",
    "BIND",
    "PORT",
    "WEB_CONCURRENCY",
)

T = TypeVar("T")


def environment(**values: str) -> dict[str, str]:
    """This process's environment without the app's settings, plus ``values``; the code imported
    is this checkout's (the venv's ``assessment`` may be installed from another one)."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(values)
    return env


def assessment_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from assessment.cli import main; main()", *args]


def run_assessment(*args: str, env: dict[str, str]) -> str:
    """Run ``assessment <args>`` to the end; return its output, or fail the test with it."""
    result = subprocess.run(  # noqa: S603 (our own command)
        assessment_command(*args), env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"assessment {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def init_demo(database_url: str, **settings: str) -> str:
    """The schema and the demo data (round 2026-1, the demo accounts) in ``database_url``.
    ``settings``: the rest of the environment the app will run with (``REDIS_URL``)."""
    env = environment(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY, **settings)
    run_assessment("init", "--demo", env=env)
    return database_url


def gunicorn_command(port: int) -> tuple[list[str], dict[str, str]]:
    """The command and extra environment of one app server with one worker on ``port``."""
    command = [sys.executable, "-m", "gunicorn"]
    if (REPO / "assessment" / "gunicorn_conf.py").exists():
        extra = {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
        return [*command, "-c", "python:assessment.gunicorn_conf", "assessment.app:create_app()"], extra
    return [*command, "--workers", "1", "--bind", f"127.0.0.1:{port}", "assessment.app:create_app()"], {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Background:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def check_running(self) -> None:
        code = self.process.poll()
        assert code is None, f"{self.name} stopped (exit {code}):\n{self.output()}"


@contextmanager
def background(
    name: str, command: Sequence[str], *, env: dict[str, str], log_dir: Path
) -> Iterator[Background]:
    """Run ``command`` in a process group of its own while the block runs; end the group after it.
    When the block fails, the process's output is printed (pytest shows it with the failure)."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own command)
            list(command), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    running = Background(name, process, log)
    try:
        yield running
    except BaseException:
        print(f"---- output of {name} ----\n{running.output()}")  # pytest shows it with the failure
        raise
    finally:
        _end_group(process)


def _end_group(process: subprocess.Popen[bytes]) -> None:
    # The group is the leader's pid (start_new_session): the consumer's and gunicorn's forked
    # workers end with it. SIGTERM first, so that they close their connections.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group
    process.wait()


def wait_until(
    check: Callable[[], T | None], *, timeout: float, what: str, processes: Sequence[Background] = ()
) -> T:
    """Ask ``check`` until it returns something, while the ``processes`` run; fail after ``timeout``
    seconds (a limit, not a measurement) or when one of them stops."""
    deadline = time.monotonic() + timeout
    while True:
        for running in processes:
            running.check_running()
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"gave up waiting {timeout} s for {what}"
        time.sleep(0.2)


def dispose(app: Flask) -> None:
    """Close what an app made in this process holds open: its database pool and its queue's
    connection (a new app is what a restarted server is)."""
    app.extensions["database"].engine.dispose()
    storage = app.extensions["queue"].huey.storage
    if isinstance(storage, RedisStorage):
        storage.conn.close()
        storage.conn.connection_pool.disconnect()
    else:
        storage.close()


# -- a person with a browser against real servers ----------------------------------------------------


@dataclass(frozen=True)
class Page:
    status: int
    url: str  # after redirects
    body: bytes

    @property
    def html(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def get_data(self, as_text: bool = False) -> str | bytes:
        """As a test client's response: ``tests.helpers.text_of`` reads a page through this."""
        return self.html if as_text else self.body


class Browser:
    """Follows redirects and keeps its cookies, for every server on 127.0.0.1 alike (cookies do not
    depend on the port): a session begun on one server goes on on another."""

    def __init__(self) -> None:
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, url: str) -> Page:
        return self._open(url)

    def post(self, url: str, form: dict[str, str]) -> Page:
        return self._open(url, urlencode(form).encode("utf-8"))

    def submit(self, url: str, form: dict[str, str]) -> Page:
        """Post ``form`` with the CSRF token of the page at ``url``, as a browser on that page."""
        return self.post(url, {"csrf_token": csrf_token_in(self.get(url).html), **form})

    def login(self, server: str, email: str, password: str) -> None:
        page = self.submit(f"{server}/login", {"email": email, "password": password})
        assert page.status == 200 and not page.url.endswith("/login"), f"login as {email} failed"

    def _open(self, url: str, data: bytes | None = None) -> Page:
        assert url.startswith("http://127.0.0.1:"), f"not a test server: {url}"
        request = Request(url, data=data)  # noqa: S310 (a test server's http address, checked above)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Page(response.status, response.url, response.read())
        except HTTPError as error:
            with error:
                return Page(error.code, error.url, error.read())


def wait_for_health(server: str, process: Background, timeout: float = 30) -> None:
    """Wait until ``server`` answers ``/healthz`` with its database and queue up."""

    def healthy() -> bool:
        try:
            return Browser().get(f"{server}/healthz").json().get("status") == "ok"
        except OSError:  # not listening yet
            return False

    wait_until(healthy, timeout=timeout, what=f"{server}/healthz", processes=[process])


class FormReader(HTMLParser):
    """What a browser sends for each form of a page: hidden and text inputs, the checked radio of
    each group (a group with none checked is left out) and the textareas; beside them every radio
    group with its values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict[str, str], dict[str, str], dict[str, list[str]]]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((a, {}, {}))
            return
        if not self.forms:
            return
        _attrs, fields, radios = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "radio":
                radios.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "on")
            elif kind in ("hidden", "text", "email", "number"):
                fields[a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1][1][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            fields = self.forms[-1][1]
            # A browser drops the line break right after <textarea>.
            fields[self._textarea] = fields[self._textarea].removeprefix("\n")
            self._textarea = None


def form_with_class(html: str, css_class: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(fields as a browser posts them, radio groups with their values) of the form with that class."""
    reader = FormReader()
    reader.feed(html)
    for attrs, fields, radios in reader.forms:
        if css_class in attrs.get("class", "").split():
            return fields, radios
    raise AssertionError(f"no form of class {css_class!r} on the page")


# -- report jobs of the demo data ------------------------------------------------------------------

# A part of the demo tree with two units: a job of seconds, not minutes.
SCOPE = "DMO"
SCOPE_UNITS = {"DMO": "Defensie Materieel Organisatie", "DMO-COMMIT": "Commando IT (COMMIT)"}


def assert_one_report_per_unit_of_the_scope(zip_data: bytes) -> None:
    """The job's ZIP holds the unit report of every unit of ``SCOPE`` (round 2026-1), and no other."""
    with zipfile.ZipFile(io.BytesIO(zip_data)) as archive:
        reports = {name: pdf_text(archive.read(name)) for name in archive.namelist()}
    assert sorted(reports) == sorted(f"2026-1_{code}.pdf" for code in SCOPE_UNITS)
    for code, name in SCOPE_UNITS.items():
        assert f"Volwassenheidsrapport {name} {code}" in reports[f"2026-1_{code}.pdf"]


def require_postgresql(database_url: str, what: str) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip(f"{what} needs TEST_DATABASE_URL to be a PostgreSQL database")
