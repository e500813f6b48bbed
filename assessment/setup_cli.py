"""``assessment init``: the database brought up to date, every shipped questionnaire version
loaded, demo data on request. Safe to repeat."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from assessment.clitools import fail
from assessment.db import session
from assessment.demo import DEMO_PASSWORD, load_demo
from assessment.formatting import decimal
from assessment.questionnaires.fileformat import (
    DEFAULT_QUESTIONNAIRE,
    QuestionnaireFileError,
    read_questionnaire,
    shipped_files,
)
from assessment.questionnaires.services import get_questionnaire, store_questionnaire


@click.command("init")
@with_appcontext
@click.option("--demo", is_flag=True, help="Vul de database met demo-eenheden, -rondes en -accounts.")
def init_command(demo: bool) -> None:
    """Richt de database in (migraties) en laad de DTS-vragenlijsten. Veilig om te herhalen."""
    # Loaded here, on first use: Alembic adds about 0.2 s to every start of the `assessment`
    # command (measured with -X importtime; bench/bench_startup.py), and only init needs it.
    from assessment import migrate

    started = time.perf_counter()
    database = current_app.extensions["database"]
    try:
        with database.engine.begin() as connection:
            migrate.upgrade(connection)
    except OperationalError as exc:
        fail(f"de database is niet bereikbaar ({exc.orig}). Controleer DATABASE_URL.")
    click.echo("Database bijgewerkt tot de nieuwste versie.")
    # Every version in questionnaires/ (version 1 and its successors), so that a round on a new
    # version can show the trend since a round on an older one.
    for path in shipped_files():
        try:
            spec = read_questionnaire(path)
        except QuestionnaireFileError as exc:
            fail("\n".join(f"{exc.source}: {m}" for m in exc.messages))
        questionnaire, created = store_questionnaire(spec)
        session.commit()
        click.echo(f"Vragenlijst {questionnaire.label} {'geladen' if created else 'was al geladen'}.")
    if demo:
        first = read_questionnaire(DEFAULT_QUESTIONNAIRE)
        # The closed round on the first version, the open one on the newest of the same key.
        oldest = get_questionnaire(first.key, first.version)
        newest = get_questionnaire(first.key)
        if oldest is None or newest is None:  # stored just above; only a broken install lacks it
            fail(f"vragenlijst {first.key} versie {first.version} is niet geladen")
        accounts = load_demo(oldest, newest)
        session.commit()
        click.echo("Demo-gegevens staan klaar. Log in op http://127.0.0.1:5000/login met:")
        for email, role, units in accounts:
            suffix = f" ({', '.join(units)})" if units else ""
            click.echo(f"  {email:<26} {role.label}{suffix}")
        click.echo(f"  wachtwoord voor alle accounts: {DEMO_PASSWORD}")
    click.echo(f"Klaar in {decimal(time.perf_counter() - started)} s.")
