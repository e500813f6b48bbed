"""The ``assessment`` console command: the one place that imports the application factory.

The commands live beside their domain (``<domain>/cli.py``, ``setup_cli.py``); ``create_app``
registers them on ``app.cli`` too. Here they load on first use, as in click's recipe for lazily
loaded subcommands: ``assessment --help`` lists them from the table below without importing
them, so it does not pay for SQLAlchemy, the models and the app (see bench/bench_startup.py).
"""

from __future__ import annotations

import importlib
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup

# name → (module:attribute, one line of help for the list; a test checks it is the command's own)
COMMANDS = {
    "init": (
        "assessment.setup_cli:init_command",
        "Richt de database in (migraties) en laad de DTS-vragenlijsten.",
    ),
    "questionnaire": (
        "assessment.questionnaires.cli:questionnaire_group",
        "Vragenlijstbestanden controleren en laden.",
    ),
    "unit": ("assessment.units.cli:unit_group", "Eenheden beheren."),
    "round": ("assessment.rounds.cli:round_group", "Meetrondes beheren."),
    "user": ("assessment.auth.cli:user_group", "Accounts beheren."),
    "exchange": (
        "assessment.exchange.cli:exchange_group",
        "Meetrondes uitwisselen met installaties zonder verbinding.",
    ),
    "report": ("assessment.reports.cli:report_group", "PDF-rapporten maken."),
    "run": (
        "assessment.serve_cli:run_command",
        "Start de ontwikkelserver op 127.0.0.1:5000, met één verwerker voor rapporten erbij.",
    ),
    "worker": (
        "assessment.serve_cli:worker_command",
        "Verwerk de wachtrij (rapporten); start er zoveel als nodig, op elke machine.",
    ),
}


def load_command(name: str) -> click.Command:
    module, _, attribute = COMMANDS[name][0].partition(":")
    command: click.Command = getattr(importlib.import_module(module), attribute)
    return command


def _create_app() -> Flask:
    # The factory loads with the first command that needs the app, not for --help.
    from assessment.app import create_app

    return create_app()


class AssessmentGroup(FlaskGroup):
    """Flask's group (run, shell, routes; the app from ``_create_app``) with our own commands
    loaded on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # Flask's own would build the app to ask it for commands; ours are all in COMMANDS.
        return sorted({*click.Group.list_commands(self, ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            return load_command(name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        rows += [
            (name, command.get_short_help_str())
            for name, command in self.commands.items()
            if name not in COMMANDS  # our own run replaces Flask's
        ]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


def main(**kwargs: Any) -> None:
    cli = AssessmentGroup(
        create_app=_create_app,
        add_version_option=False,
        load_dotenv=False,
        help="DTS Volwassenheidsscan: inrichten, laden en starten.",
    )
    cli.main(prog_name="assessment", **kwargs)
