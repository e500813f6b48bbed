"""``assessment exchange key|trust|export|import``: rounds and assessments between installations
that share no network (see ``assessment.exchange.services``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from assessment.clitools import database_command, fail, write_file
from assessment.db import session
from assessment.exchange.keys import KeyFileError, installation_key, key_path
from assessment.exchange.package import (
    MAX_PACKAGE_BYTES,
    PackageError,
    public_key_text,
    read_package,
    write_package,
)
from assessment.exchange.services import ExchangeError, app_version, export_round, import_package, trust_key


@click.group("exchange", cls=AppGroup)
def exchange_group() -> None:
    """Meetrondes uitwisselen met installaties zonder verbinding."""


def _key():  # type: ignore[no-untyped-def]
    try:
        return installation_key(key_path(current_app.config, current_app.instance_path))
    except KeyFileError as exc:
        fail(str(exc))


@exchange_group.command("key")
def exchange_key() -> None:
    """Toon de publieke sleutel van deze installatie (gemaakt bij het eerste gebruik)."""
    click.echo(public_key_text(_key()))


@exchange_group.command("trust")
@click.argument("name")
@click.argument("public_key")
@database_command
def exchange_trust(name: str, public_key: str) -> None:
    """Vertrouw pakketten die met PUBLIC_KEY zijn ondertekend, onder de naam NAME."""
    try:
        trust_key(name, public_key)
    except ExchangeError as exc:
        fail(str(exc))
    click.echo(f"Sleutel van {name.strip()} wordt nu vertrouwd.")


@exchange_group.command("export")
@click.option("--round", "round_code", required=True, help="Code van de meetronde.")
@click.option("--unit", "unit_codes", multiple=True, help="Alleen deze eenheid (mag vaker).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Het .dtsx-bestand.")
@database_command
def exchange_export(round_code: str, unit_codes: tuple[str, ...], output: str) -> None:
    """Schrijf een ondertekend pakket van een meetronde (of enkele eenheden daarvan)."""
    try:
        members, counts = export_round(round_code, unit_codes)
    except ExchangeError as exc:
        fail(str(exc))
    data = write_package(
        members,
        key=_key(),
        app_version=app_version(),
        created_at=dt.datetime.now(dt.UTC).isoformat(),
        counts=counts,
    )
    write_file(output, data)
    click.echo(
        f"{output}: meetronde {round_code}, {counts['assessments']} vragenlijsten, "
        f"{counts['answers']} antwoorden, {counts['units']} eenheden."
    )


@exchange_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--prefer",
    type=click.Choice(["here", "package"]),
    default="here",
    show_default=True,
    help="Wie wint bij een conflict: wat hier staat of het pakket.",
)
@click.option(
    "--unverified", is_flag=True, help="Lees ook een niet (of niet vertrouwd) ondertekend pakket in."
)
@click.option("--dry-run", is_flag=True, help="Toon alleen wat er zou gebeuren.")
@database_command
def exchange_import(file: str, prefer: str, unverified: bool, dry_run: bool) -> None:
    """Lees een pakket in: eerst het plan, dan alles in één keer (of niets)."""
    path = Path(file)
    try:
        if path.stat().st_size > MAX_PACKAGE_BYTES:  # refused before it is read
            fail(f"{file}: het pakket is groter dan de grens van {MAX_PACKAGE_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except OSError as exc:
        fail(f"{file}: kan het bestand niet lezen ({exc.strerror})")
    try:
        package = read_package(data)
        plan = import_package(
            package, prefer_package=prefer == "package", unverified=unverified, dry_run=dry_run
        )
    except (PackageError, ExchangeError) as exc:
        fail(f"{file}: {exc}")
    for line in plan.lines():
        click.echo(line)
    if dry_run:
        session.rollback()
        click.echo("Proefrun: er is niets opgeslagen.")
    else:
        click.echo("Ingelezen." if plan.changes_anything else "Niets gewijzigd.")
