"""Benchmark: the leads' comparison dashboard and the API's scores endpoint.

Builds N units (default 500) with two rounds of the full DTS questionnaire (about 56,000
answers), then reports per request the number of SQL queries (also for a tenth of the units, to
show it does not grow) and the server time, both for the first request after a change in the
round (everything scored again) and for the next ones.

    python bench/bench_compare.py --units 500 --requests 10
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_results import PASSWORD, QueryCounter
from sqlalchemy import insert, select

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments import services
from assessment.assessments.models import Answer, Assessment, AssessmentStatus
from assessment.auth.models import Role
from assessment.auth.services import create_user
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire
from assessment.questionnaires.services import store_questionnaire
from assessment.rounds.models import RoundStatus
from assessment.rounds.services import create_round, open_round
from assessment.units.models import Unit


def build(prefix: str, units: int, questionnaire, rng: random.Random) -> int:
    """``units`` units and two rounds (the first closed) with answers; returns the answer count."""
    session = db.session
    made = [
        Unit(code=f"{prefix}-{i:04d}", name=f"Eenheid {prefix} {i}", kind="eenheid") for i in range(units)
    ]
    session.add_all(made)
    session.flush()
    others = session.scalars(select(Unit).where(Unit.id.not_in([u.id for u in made]))).all()
    for unit in others:
        unit.is_active = False
    base = {u.id: rng.uniform(1.5, 3.8) for u in made}
    question_ids = [q.id for t in questionnaire.themes for q in t.questions]
    count = 0
    for r, code in enumerate((f"{prefix}-2025", f"{prefix}-2026")):
        round_ = create_round(code=code, name=f"Ronde {code}", questionnaire=questionnaire)
        open_round(round_)
        rows = []
        for assessment in session.scalars(select(Assessment).where(Assessment.round_id == round_.id)):
            assessment.status = AssessmentStatus.APPROVED if r == 0 else AssessmentStatus.SUBMITTED
            for question_id in question_ids:
                level = min(5, max(1, round(base[assessment.unit_id] + 0.3 * r + rng.gauss(0, 0.8))))
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
        count += len(rows)
        if r == 0:
            round_.status = RoundStatus.CLOSED
    for unit in others:
        unit.is_active = True
    session.commit()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp.name}/bench.sqlite3",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        }
    )
    engine = app.extensions["database"].engine
    with engine.begin() as connection:
        migrate.upgrade(connection)
    counter = QueryCounter(engine)
    small_units = max(3, args.units // 10)
    with app.app_context():
        questionnaire, _ = store_questionnaire(read_questionnaire(DEFAULT_QUESTIONNAIRE))
        answers = build("S", small_units, questionnaire, random.Random(1))
        answers += build("L", args.units, questionnaire, random.Random(2))
        create_user(email="lead@bench.local", display_name="Lead", role=Role.LEAD, password=PASSWORD)
        db.session.commit()
    print(f"database: {engine.dialect.name}; {small_units + args.units} units, 4 rounds, {answers:,} answers")

    client = app.test_client()
    client.post("/login", data={"email": "lead@bench.local", "password": PASSWORD}, follow_redirects=False)

    def get(url: str, cold: bool) -> tuple[int, float]:
        if cold:
            services._scores_cache.clear()  # as after a save or a submit in the round
        with counter.measure() as measured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return measured["queries"], elapsed

    pages = {
        "dashboard": "/compare/{}-2026",
        "API scores": "/api/v1/rounds/{}-2026/scores",
    }
    for name, pattern in pages.items():
        get(pattern.format("L"), cold=True)  # warm up templates
        small = get(pattern.format("S"), cold=True)[0], get(pattern.format("S"), cold=False)[0]
        large = get(pattern.format("L"), cold=True)[0], get(pattern.format("L"), cold=False)[0]
        cold_times = [get(pattern.format("L"), cold=True)[1] for _ in range(max(3, args.requests // 3))]
        warm_times = [get(pattern.format("L"), cold=False)[1] for _ in range(args.requests)]
        print(
            f"{name}: SQL queries per request (first after a change / next): "
            f"{small[0]} / {small[1]} with {small_units} units, {large[0]} / {large[1]} with {args.units} units"
        )
        print(
            f"  server time with {args.units} units: first after a change median "
            f"{statistics.median(cold_times) * 1000:.0f} ms (max {max(cold_times) * 1000:.0f}); next median "
            f"{statistics.median(warm_times) * 1000:.0f} ms (max {max(warm_times) * 1000:.0f})"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
