"""``assessment user create`` and ``assessment user token``: accounts and API tokens from the
command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from assessment.auth.models import Role
from assessment.auth.services import UserError, create_user, get_user_by_email, issue_token
from assessment.clitools import database_command, fail


@click.group("user", cls=AppGroup)
def user_group() -> None:
    """Accounts beheren."""


@user_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="De naam die anderen zien.")
# Checked in the command, not by click.Choice: a wrong role gets one line and exit 1, like all bad input.
@click.option("--role", required=True, metavar="|".join(r.value for r in Role))
@click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="CODE",
    help="Eenheid die een vertegenwoordiger vertegenwoordigt; mag vaker.",
)
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
@database_command
def user_create(email: str, name: str, role: str, units: tuple[str, ...], password_stdin: bool) -> None:
    """Maak een account. Zonder --password-stdin vraagt het commando om het wachtwoord."""
    try:
        chosen_role = Role(role.strip().lower())
    except ValueError:
        fail(f"--role: '{role}' is geen rol; kies uit {', '.join(r.value for r in Role)}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Nog eens")
    try:
        user = create_user(
            email=email, display_name=name, role=chosen_role, password=password, unit_codes=units
        )
    except UserError as exc:
        fail(str(exc))
    click.echo(f"Account {user.email} ({user.role.label}) gemaakt.")


@user_group.command("token")
@click.option("--email", required=True, help="Het account waarvoor het token is.")
@click.option("--name", required=True, help="Waarvoor het token is, zodat u het later herkent.")
@database_command
def user_token(email: str, name: str) -> None:
    """Maak een API-token en toon het één keer, alleen, op de standaarduitvoer (voor scripts)."""
    user = get_user_by_email(email)
    if user is None:
        fail(f"--email: account '{email}' bestaat niet")
    try:
        _token, secret = issue_token(user, name)
    except UserError as exc:
        fail(str(exc))
    click.echo(f"API-token '{name.strip()}' voor {user.email} gemaakt; u ziet het maar één keer.", err=True)
    click.echo(secret)
