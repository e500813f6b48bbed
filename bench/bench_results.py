"""Benchmark: the unit results page and the round benchmark on a large round.

Builds a round of N units (default 500) × the DTS questionnaire (56 questions: about 28,000
answers) in a fresh database, then reports for one results page the number of SQL queries and
the server time per request, and the time to compute the benchmark over the whole round.
The query count is also measured on a round a tenth of the size, to show it does not grow.

    python bench/bench_results.py                # SQLite in a temporary folder
    python bench/bench_results.py --units 500 --requests 30
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/dts_bench python bench/bench_results.py

The database at DATABASE_URL must be empty (the script builds the schema with the migrations).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, select

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments import services
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role
from assessment.auth.services import create_user
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire
from assessment.questionnaires.services import store_questionnaire
from assessment.rounds.services import create_round, open_round
from assessment.units.models import Unit

PASSWORD = "bench-password"  # noqa: S105 (a throwaway account in a throwaway database)


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1

    @contextmanager
    def measure(self):
        start = self.count
        result = {}
        yield result
        result["queries"] = self.count - start


def build_round(code: str, units: int, questionnaire, rng: random.Random) -> int:
    """Units, an open round, and answers for every unit; returns one assessment id."""
    session = db.session
    made = [Unit(code=f"{code}-U{i:04d}", name=f"Eenheid {i}", kind="eenheid") for i in range(units)]
    session.add_all(made)
    session.flush()
    round_ = create_round(code=code, name=f"Benchmark {code}", questionnaire=questionnaire)
    # Only this round's units: deactivate the others while opening.
    others = session.scalars(select(Unit).where(Unit.id.not_in([u.id for u in made]))).all()
    for unit in others:
        unit.is_active = False
    open_round(round_)
    for unit in others:
        unit.is_active = True
    question_ids = [q.id for t in questionnaire.themes for q in t.questions]
    assessments = session.scalars(select(Assessment).where(Assessment.round_id == round_.id)).all()
    rows = []
    for assessment in assessments:
        assessment.status = AssessmentStatus.SUBMITTED
        base = rng.uniform(1.5, 4.0)
        for question_id in question_ids:
            level = min(5, max(1, round(base + rng.gauss(0, 0.8))))
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
    session.commit()
    return assessments[0].id, round_, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    engine = app.extensions["database"].engine
    with engine.begin() as connection:
        migrate.upgrade(connection)
    counter = QueryCounter(engine)
    rng = random.Random(2026)

    with app.app_context():
        questionnaire, _ = store_questionnaire(read_questionnaire(DEFAULT_QUESTIONNAIRE))
        started = time.perf_counter()
        small_id, _, small_answers = build_round("SMALL", max(3, args.units // 10), questionnaire, rng)
        large_id, large_round, large_answers = build_round("LARGE", args.units, questionnaire, rng)
        build_time = time.perf_counter() - started
        create_user(email="lead@bench.local", display_name="Lead", role=Role.LEAD, password=PASSWORD)
        db.session.commit()
        print(
            f"database: {engine.dialect.name}; built {small_answers + large_answers:,} answers in {build_time:.1f} s"
        )

    client = app.test_client()
    client.post("/login", data={"email": "lead@bench.local", "password": PASSWORD})

    def page(assessment_id: int) -> tuple[int, float]:
        with counter.measure() as measured:
            started = time.perf_counter()
            response = client.get(f"/assessments/{assessment_id}/results")
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return measured["queries"], elapsed

    def cold(assessment_id: int) -> tuple[int, float]:
        services._scores_cache.clear()  # as after a unit submits: the round is scored again
        return page(assessment_id)

    page(large_id)  # warm up: templates compiled, questionnaire data cached
    small = cold(small_id), page(small_id)
    large = cold(large_id), page(large_id)
    warm_times = [page(large_id)[1] for _ in range(args.requests)]
    cold_times = [cold(large_id)[1] for _ in range(max(3, args.requests // 4))]

    with app.app_context():
        round_ = db.session.merge(large_round)
        bench_times = []
        for _ in range(5):
            services._scores_cache.clear()
            started = time.perf_counter()
            result = services.round_benchmark(round_)
            bench_times.append(time.perf_counter() - started)

    units_small = max(3, args.units // 10)
    ms = lambda values: f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"  # noqa: E731
    print(
        f"results page, SQL queries per request (first after a change / next): "
        f"{small[0][0]} / {small[1][0]} with {units_small} units, "
        f"{large[0][0]} / {large[1][0]} with {args.units} units"
    )
    print(f"results page, server time with {args.units} units ({large_answers:,} answers in the round):")
    print(f"  first request after a change in the round ({len(cold_times)} requests): {ms(cold_times)}")
    print(f"  next requests ({len(warm_times)} requests): {ms(warm_times)}")
    print(f"round benchmark over {result.n} assessments, computed from scratch: {ms(bench_times)} (5 runs)")
    engine.dispose()


if __name__ == "__main__":
    main()
