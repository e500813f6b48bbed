"""Benchmark: the unit results page, right after a save in the round and after that.

Builds N units (default 500) with 2 and with 6 rounds of the DTS questionnaire (56 questions),
each in a fresh database, plus a tenth of the units with 2 rounds; the newest round is open, most
units submitted, every tenth a draft. A representative then makes real saves (the speerpunt
page's form posted back, which raises the round's results version); after each save the script
times the lead's first request of a submitted unit's results page and the requests after it,
and counts their SQL statements. It prints a table with PASS/FAIL against the budgets (≤ 8
statements, also after a change; ≤ 60 ms after a save, ≤ 25 ms after that) and a cProfile of the
page on the largest data set. Exits 0 either way.

    python bench/bench_results.py --units 500                  # SQLite in a temporary folder
    python bench/bench_results.py --units 500 --saves 10 --requests 5 --rounds 2 6
    createdb -h 127.0.0.1 -U postgres dts_bench
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/dts_bench python bench/bench_results.py
    dropdb -h 127.0.0.1 -U postgres dts_bench

The database at DATABASE_URL must be empty; the script builds the schema with the migrations and
drops its tables again after each data set.
"""

from __future__ import annotations

from _common import Budget, run

PAGES = {"results page": lambda data: f"/assessments/{data.submitted_id}/results"}
BUDGETS = {"results page": Budget(statements=8, first_ms=60, later_ms=25)}

if __name__ == "__main__":
    run(__doc__.splitlines()[0], PAGES, BUDGETS, profile_default="results page")
