"""What every ``assessment`` command shares: one-line errors, one commit per command, safe writes.

Every command that takes a file or a code reports bad input in one line and exits non-zero;
no traceback reaches the user. The commands themselves live beside their domain
(``<domain>/cli.py``); this module knows no domain and does not import the application.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError

from assessment.db import session, writing


class CliError(click.ClickException):
    """One line on stderr, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Fout: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise CliError(message)


def database_command(command: Callable[..., Any] | None = None, *, writes: bool = True) -> Callable[..., Any]:
    """Commit when the command succeeds; roll back and say what to do when the database is not
    ready, so that a half-set-up machine gives advice, not a traceback.

    The command's transactions begin as writes (see ``assessment.db``): beside a running site on
    SQLite it waits for the site's writers instead of failing. ``writes=False`` for a command
    that only reads for a long time (a PDF), which would hold the writers up."""
    if command is None:
        return lambda command: database_command(command, writes=writes)

    @wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            with writing(writes):
                result = command(*args, **kwargs)
                session.commit()
            return result
        except (OperationalError, ProgrammingError) as exc:
            session.rollback()
            fail(
                "de database is niet bereikbaar of nog niet ingericht "
                f"({type(exc.orig).__name__}). Voer eerst 'assessment init' uit, of controleer "
                "DATABASE_URL."
            )
        except (DataError, OverflowError) as exc:
            # A value the checks let through but the database cannot hold (a number too large,
            # a NUL byte for PostgreSQL): one line, nothing stored.
            session.rollback()
            fail(f"de database weigert een waarde; er is niets opgeslagen ({_first_line(exc)})")
        except BaseException:
            session.rollback()
            raise

    return wrapped


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` (making its folder), never leaving a half-written file under the
    real name; fail in one line when that is not possible."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        fail(f"{path}: kan niet schrijven ({exc.strerror})")
