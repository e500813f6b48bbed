"""``assessment unit import``: units read from a CSV file."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from assessment.clitools import database_command, fail
from assessment.db import session
from assessment.units.services import UnitImportError, import_units, parse_unit_csv


@click.group("unit", cls=AppGroup)
def unit_group() -> None:
    """Eenheden beheren."""


@unit_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@database_command
def unit_import(file: str) -> None:
    """Lees eenheden uit FILE (CSV: code;name;kind;parent_code). Veilig om te herhalen."""
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"{file}: kan het bestand niet lezen ({exc.strerror})")
    try:
        result = import_units(parse_unit_csv(data, source=file), source=file)
    except UnitImportError as exc:
        session.rollback()
        for message in exc.messages:
            click.echo(message, err=True)
        fail(f"{file}: niets opgeslagen ({len(exc.messages)} fout(en))")
    click.echo(
        f"{file}: {result.created} nieuw, {result.updated} bijgewerkt, {result.unchanged} ongewijzigd."
    )
