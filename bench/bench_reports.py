"""Benchmark: PDF unit reports.

1. One unit report for the full DTS questionnaire: the whole job (data, scoring, charts, HTML and
   PDF) against WeasyPrint alone rendering the same HTML to the same PDF variant. The report's own
   overhead is (whole − WeasyPrint) / WeasyPrint; the target is under 25%.
2. A batch of N unit reports (default 100) with --jobs 2 against --jobs 1.

    python bench/bench_reports.py                 # SQLite in a temporary folder
    python bench/bench_reports.py --units 100 --repeat 5
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

from bench_results import build_round
from weasyprint import HTML

from assessment import db, migrate
from assessment.app import create_app
from assessment.assessments import services as assessment_services
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire
from assessment.questionnaires.services import store_questionnaire
from assessment.reports import pdf
from assessment.reports import services as reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="renders of the single report")
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    url = f"sqlite:///{tmp.name}/bench.sqlite3"
    config = {"DATABASE_URL": url, "SECRET_KEY": "bench", "REPORT_MARKING": "DEPARTEMENTAAL VERTROUWELIJK"}
    app = create_app(config)
    with app.extensions["database"].engine.begin() as connection:
        migrate.upgrade(connection)

    with app.app_context():
        questionnaire, _ = store_questionnaire(read_questionnaire(DEFAULT_QUESTIONNAIRE))
        first_id, round_, answers = build_round("R", args.units, questionnaire, random.Random(5))
        print(f"round of {args.units} units, {answers:,} answers")

        assessment = assessment_services.get_assessment(first_id)
        reports.render_unit_report(assessment)  # warm up: fonts, templates, caches
        whole, weasy, own, pages = [], [], [], 0
        for _ in range(args.repeat):
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
            f"one unit report ({pages} pages), median of {args.repeat}: whole {w:.2f} s, WeasyPrint alone "
            f"{p:.2f} s; the report's own work (data, scoring, charts, HTML) {o:.2f} s = {100 * o / p:.0f}% "
            f"of WeasyPrint's time (whole vs WeasyPrint alone: {100 * (w - p) / p:+.0f}%, run-to-run noise included)"
        )

        if args.skip_batch:
            return
        times = {}
        for jobs in (1, 2):
            out = Path(tmp.name) / f"batch-{jobs}"
            round_ = db.session.merge(round_)
            started = time.perf_counter()
            items = reports.render_batch(round_, out, jobs=jobs)
            times[jobs] = time.perf_counter() - started
            failed = [i for i in items if i.error]
            print(
                f"batch of {len(items)} reports with --jobs {jobs}: {times[jobs]:.1f} s "
                f"({times[jobs] / len(items):.2f} s per report, {len(failed)} failed)"
            )
        print(f"speed-up with 2 jobs: {times[1] / times[2]:.2f}×")
    app.extensions["database"].engine.dispose()


if __name__ == "__main__":
    main()
