"""The baseline for bench_fillin.py: a bare Flask + Jinja app, run under gunicorn like the real one.

GET /            renders a Jinja template (autoescape on, a layout, a loop over a list of strings)
                 whose output is BARE_PAGE_BYTES bytes long (±2 %), the size of the real fill-in page.
POST /save/<row> parses the posted form (``request.form``), runs one UPDATE ... WHERE version = ...
                 and a commit on row <row> of the table ``bench_bare`` (made by bench_fillin.py)
                 through a pooled SQLAlchemy engine, and answers with a 302 redirect like the app.
                 A stale version gets a 409 with the stored version in a hidden input, like the app.

Environment: BARE_DATABASE_URL (SQLAlchemy URL), BARE_PAGE_BYTES (the size to aim at).

    BARE_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/db BARE_PAGE_BYTES=90000 \\
        gunicorn -w 2 --pythonpath bench bare_app:app
"""

from __future__ import annotations

import os
from functools import cache

from flask import Flask, redirect, render_template, request
from jinja2 import DictLoader
from sqlalchemy import Engine, create_engine, text

LAYOUT = """<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{% endblock %} – Bare baseline</title>
</head>
<body>
  <main id="inhoud" class="wrap">
{% block content %}{% endblock %}
  </main>
  <footer class="site-footer"><p>Bare Flask + Jinja baseline</p></footer>
</body>
</html>
"""

PAGE = """{% extends "layout.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<h1>{{ title }}</h1>
<ol class="items">
{% for item in items %}
  <li class="item"><span class="text">{{ item }}</span></li>
{% endfor %}
</ol>
{% endblock %}
"""

TITLE = "Speerpunt 1 & de vragen"
UPDATE = text(
    "UPDATE bench_bare SET version = version + 1, levels = :levels WHERE id = :id AND version = :version"
)
CURRENT_VERSION = text("SELECT version FROM bench_bare WHERE id = :id")

app = Flask(__name__)
app.jinja_loader = DictLoader({"layout.html": LAYOUT, "page.html": PAGE})


@cache
def engine() -> Engine:
    """One pooled engine per worker process, made on first use (after gunicorn forked)."""
    return create_engine(os.environ["BARE_DATABASE_URL"], pool_size=5)


def _item(i: int) -> str:
    return f"Vraag 1.{i % 12 + 1}, niveau {i % 5 + 1}: beschrijving & toelichting <{i}>"


def _render(items: list[str]) -> bytes:
    return render_template("page.html", title=TITLE, items=items).encode()


@cache
def page_items() -> tuple[str, ...]:
    """Strings that make the page BARE_PAGE_BYTES long: whole items, then one padding item."""
    target = int(os.environ.get("BARE_PAGE_BYTES", "50000"))
    empty = len(_render([]))
    sample = [_item(i) for i in range(100)]
    per_item = (len(_render(sample)) - empty) / len(sample)
    items = [_item(i) for i in range(max(0, int((target - empty) / per_item) - 1))]
    wrapper = len(_render(["x"])) - empty - 1  # the markup around one item
    missing = target - len(_render(items)) - wrapper
    if missing > 0:
        items.append("x" * missing)
    return tuple(items)


@app.get("/")
def page() -> str:
    return render_template("page.html", title=TITLE, items=page_items())


@app.post("/save/<int:row>")
def save(row: int):
    form = request.form
    levels = ",".join(form[name] for name in sorted(form) if name.startswith("level_"))
    version = int(form.get("version", "0"))
    with engine().begin() as connection:  # one UPDATE and the commit
        updated = connection.execute(UPDATE, {"levels": levels, "id": row, "version": version}).rowcount
    if updated != 1:
        with engine().connect() as connection:
            stored = connection.execute(CURRENT_VERSION, {"id": row}).scalar()
        return f'<input name="version" type="hidden" value="{stored}">', 409
    return redirect(f"/save/{row}")


with app.app_context():  # calibrate at start-up, not in the first measured request
    page_items()
