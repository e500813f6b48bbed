"""The read side's process caches, one set per app (so two apps in one process, as in tests,
never share figures). Nothing here decides freshness: the callers key every entry on an explicit
version from the database."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app

MAX_ASSESSMENT_RESULTS = 20_000  # about 2,5 KB each: a few rounds of every Defensie unit


class ResultsCache:
    """Plain data only; safe to share between the threads of one process."""

    def __init__(self, max_assessment_results: int = MAX_ASSESSMENT_RESULTS) -> None:
        self._lock = threading.Lock()
        self._once: dict[Hashable, Any] = {}  # built from immutable data: never stale
        self.rounds: dict[Hashable, Any] = {}
        self._assessments: OrderedDict[Hashable, Any] = OrderedDict()
        self._max = max_assessment_results

    def once(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()``, made once per process and key: for what derives from data that is never
        edited (a questionnaire version as plain data, the HTML of its questions)."""
        found = self._once.get(key)
        if found is None:
            found = self._once[key] = build()
        return found

    def assessment_result(self, key: Hashable) -> Any:
        with self._lock:
            found = self._assessments.get(key)
            if found is not None:
                self._assessments.move_to_end(key)
            return found

    def keep_assessment_result(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._assessments[key] = value
            while len(self._assessments) > self._max:
                self._assessments.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._once.clear()
            self.rounds.clear()
            self._assessments.clear()


def init_app(app: Flask) -> None:
    app.extensions["results"] = ResultsCache()


def results_cache() -> ResultsCache:
    cache: ResultsCache = current_app.extensions["results"]
    return cache
