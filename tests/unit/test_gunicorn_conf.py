"""gunicorn's production settings: what the environment may change, and an access log line that
names the logged-in user (the app puts the id in the WSGI environ as ``dts.user_id``)."""

from __future__ import annotations

import datetime
import multiprocessing
import runpy
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

import assessment.gunicorn_conf


def settings(monkeypatch: pytest.MonkeyPatch, **environ: str) -> dict[str, Any]:
    """The settings the module gives in ``environ`` (a fresh run; the imported module is left alone)."""
    for name in ("WEB_CONCURRENCY", "BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    module = runpy.run_path(assessment.gunicorn_conf.__file__)
    return {name: module[name] for name in assessment.gunicorn_conf.__all__}


def gunicorn_config(values: dict[str, Any]) -> Config:
    config = Config()
    for name, value in values.items():
        config.set(name, value)  # gunicorn's own validators: an unknown or bad value raises
    return config


def test_defaults_listen_on_loopback_with_workers_from_the_cpus(monkeypatch):
    config = gunicorn_config(settings(monkeypatch))
    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == multiprocessing.cpu_count() * 2 + 1
    assert (config.timeout, config.graceful_timeout) == (60, 30)
    assert (config.accesslog, config.errorlog) == ("-", "-")
    assert not config.preload_app
    assert not config.reload


def test_the_environment_sets_workers_and_address(monkeypatch):
    assert settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3
    assert settings(monkeypatch, PORT="8123")["bind"] == ["127.0.0.1:8123"]
    assert settings(monkeypatch, BIND="0.0.0.0:9000", PORT="8123")["bind"] == ["0.0.0.0:9000"]


def test_forwarded_headers_are_trusted_only_as_gunicorn_does_by_default():
    assert "forwarded_allow_ips" not in vars(assessment.gunicorn_conf)


def access_line(config: Config, environ: dict[str, Any]) -> str:
    """The access log line gunicorn writes for a GET / answered 200 in ``environ``."""
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        **environ,
    }
    response = SimpleNamespace(status="200 OK", sent=12, headers=[])
    request = SimpleNamespace(headers=[])
    atoms = Logger(config).atoms(response, request, environ, datetime.timedelta(milliseconds=7))
    return config.access_log_format % Logger.atoms_wrapper_class(atoms)


def test_the_access_log_names_the_logged_in_user(monkeypatch):
    config = gunicorn_config(settings(monkeypatch))
    line = access_line(config, {"dts.user_id": "42"})
    assert line.startswith("127.0.0.1 - 42 [")
    assert line.endswith('"GET / HTTP/1.1" 200 12 "-" "-" 7ms')
    assert access_line(config, {}).startswith("127.0.0.1 - - [")
