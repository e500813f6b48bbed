"""Alembic environment. ``assessment init`` and the tests pass a connection in
``config.attributes["connection"]``; the ``alembic`` command line uses DATABASE_URL or the
application's default database."""

from __future__ import annotations

from alembic import context

from assessment.migrate import include_object
from assessment.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        include_object=include_object,
        **kwargs,
    )


def _url() -> str:
    from assessment.app import create_app

    return str(create_app().config["DATABASE_URL"])


def run_migrations_offline() -> None:
    from assessment.db import normalise_url

    _configure(url=normalise_url(_url()), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return

    from assessment.db import make_engine

    engine = make_engine(_url())
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
