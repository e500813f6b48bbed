"""``assessment run`` and ``assessment worker``: the development server (with a worker thread of its
own, so that the embedded default needs no second command) and the job queue's consumer."""

from __future__ import annotations

import logging
from typing import Any

import click
from flask import current_app
from flask.cli import ScriptInfo, get_debug_flag, with_appcontext
from flask.cli import run_command as flask_run
from werkzeug.serving import is_running_from_reloader

from assessment import jobs
from assessment.clitools import fail


@click.pass_context
def _run(ctx: click.Context, **options: Any) -> None:
    reload = options["reload"] if options["reload"] is not None else get_debug_flag()
    consumer = None
    if not reload or is_running_from_reloader():  # the process that serves, not the reloader's parent
        app = ctx.ensure_object(ScriptInfo).load_app()
        consumer = jobs.start_thread_consumer(app)
        click.echo(
            "Rapporten: één verwerker draait mee in dit proces. In productie: 'assessment worker'.", err=True
        )
    try:
        ctx.invoke(flask_run, **options)
    finally:
        if consumer is not None:
            jobs.stop_thread_consumer(consumer)


run_command = click.Command(
    "run",
    params=flask_run.params,
    callback=_run,
    help="Start de ontwikkelserver op 127.0.0.1:5000, met één verwerker voor rapporten erbij.",
)


@click.command("worker")
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    help="Aantal werkprocessen (standaard: één per processorkern).",
)
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Verwerk de wachtrij (rapporten); start er zoveel als nodig, op elke machine."""
    queue = jobs.queue(current_app)
    if queue.huey.immediate:
        fail("deze configuratie voert taken direct uit (JOB_QUEUE=immediate); een verwerker is niet nodig")
    if not queue.available():
        fail(f"de wachtrij ({queue.kind}) is niet bereikbaar. Controleer REDIS_URL of DATABASE_URL.")
    count = workers or jobs.default_workers()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(
        f"Verwerker: {count} {'proces' if count == 1 else 'processen'}, wachtrij {queue.kind}.", err=True
    )
    consumer = queue.huey.create_consumer(workers=count, worker_type="process", periodic=True)
    consumer.run()
