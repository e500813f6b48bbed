"""Benchmark: the leads' comparison dashboard and the API's scores endpoint, after a save.

Builds N units (default 500) with 2 and with 6 rounds of the DTS questionnaire (56 questions),
each in a fresh database, plus a tenth of the units with 2 rounds; the newest round is open, most
units submitted, every tenth a draft. A representative then makes real saves in the open round
(the speerpunt page's form posted back, which raises the round's results version); after each
save the script times the lead's first request of the page and the requests after it, and counts
their SQL statements. It prints a table with PASS/FAIL against the budgets (dashboard ≤ 10
statements, ≤ 300 ms after a save, ≤ 100 ms after that; API scores ≤ 6 statements, ≤ 100 ms
after a save) and a cProfile of the dashboard on the largest data set. Exits 0 either way.

    python bench/bench_compare.py --units 500                  # SQLite in a temporary folder
    python bench/bench_compare.py --units 500 --saves 10 --requests 5 --profile "API scores"
    createdb -h 127.0.0.1 -U postgres dts_bench
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/dts_bench python bench/bench_compare.py
    dropdb -h 127.0.0.1 -U postgres dts_bench

The database at DATABASE_URL must be empty; the script builds the schema with the migrations and
drops its tables again after each data set.
"""

from __future__ import annotations

from _common import Budget, run

PAGES = {
    "dashboard": lambda data: f"/compare/{data.round_code}",
    "API scores": lambda data: f"/api/v1/rounds/{data.round_code}/scores",
}
BUDGETS = {
    "dashboard": Budget(statements=10, first_ms=300, later_ms=100),
    "API scores": Budget(statements=6, first_ms=100, later_ms=None),
}

if __name__ == "__main__":
    run(__doc__.splitlines()[0], PAGES, BUDGETS, profile_default="dashboard")
