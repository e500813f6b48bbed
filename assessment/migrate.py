"""Alembic, driven from code: the schema comes only from the migrations in ``migrations/``
(in the wheel: ``assessment._migrations``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from assessment.shipped import folder

MIGRATIONS = folder("assessment._migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "file_template",
        "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str = "base") -> None:
    command.downgrade(alembic_config(connection), revision)


QUEUE_TABLE_PREFIX = "queue_"  # Huey's tables on PostgreSQL: made by a migration, not in the models


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Autogenerate's filter: the job queue's own tables are not the models' business."""
    return not (
        type_ == "table" and reflected and compare_to is None and (name or "").startswith(QUEUE_TABLE_PREFIX)
    )
