"""The schema comes only from the migrations: they build every table the models know, the models
and the migrated schema agree (as warehouse's ``alembic check``), and every step can be undone."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from assessment import db, migrate
from assessment.models import Base

VERSIONS = migrate.MIGRATIONS / "versions"
FILE_NAME = re.compile(r"^(?P<date>\d{8})_(?P<time>\d{4})_(?P<rev>[0-9a-f]+)_(?P<slug>[a-z0-9_]+)\.py$")


@pytest.fixture
def scratch_engine(scratch_database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(scratch_database_url)
    yield engine
    engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def differences(engine: Engine) -> list[object]:
    """What ``alembic check`` would report: autogenerate's diff of models against the database."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": migrate.include_object}
        )
        return compare_metadata(context, Base.metadata)


def migration_files() -> list[Path]:
    return sorted(VERSIONS.glob("*.py"))


def test_upgrade_head_creates_every_table_of_the_models(scratch_engine):
    assert table_names(scratch_engine) == set()
    with scratch_engine.begin() as connection:
        migrate.upgrade(connection)
    assert set(Base.metadata.tables) <= table_names(scratch_engine)
    others = table_names(scratch_engine) - set(Base.metadata.tables)
    queue = {"queue_kv", "queue_schedule", "queue_task", "queue_counter"}
    # PostgreSQL also holds the job queue's tables; SQLite keeps its queue in a file of its own.
    assert others == {"alembic_version"} | (queue if scratch_engine.dialect.name == "postgresql" else set())


def test_the_models_and_the_migrated_schema_agree(scratch_engine):
    with scratch_engine.begin() as connection:
        migrate.upgrade(connection)
    diff = differences(scratch_engine)
    assert diff == [], "models and migrations differ; add a migration:\n" + "\n".join(map(repr, diff))


def test_the_check_notices_a_column_that_no_migration_made(scratch_engine):
    with scratch_engine.begin() as connection:
        migrate.upgrade(connection)
        connection.execute(text("ALTER TABLE units ADD COLUMN stray_note VARCHAR(20)"))
    diff = differences(scratch_engine)
    assert [(step[0], step[3].name) for step in diff] == [("remove_column", "stray_note")]


def test_downgrade_base_removes_every_table_and_upgrade_works_again(scratch_engine):
    with scratch_engine.begin() as connection:
        migrate.upgrade(connection)
    with scratch_engine.begin() as connection:
        migrate.downgrade(connection)
    assert table_names(scratch_engine) <= {"alembic_version"}

    with scratch_engine.begin() as connection:
        migrate.upgrade(connection)
    assert set(Base.metadata.tables) <= table_names(scratch_engine)
    assert differences(scratch_engine) == []


def test_there_are_migrations():
    assert migration_files(), f"no migrations in {VERSIONS}"


@pytest.mark.parametrize("path", migration_files(), ids=lambda path: path.name)
def test_a_migration_file_is_named_by_date_revision_and_slug(path):
    match = FILE_NAME.match(path.name)
    assert match, f"{path.name} is not named YYYYMMDD_HHMM_<rev>_<slug>.py"
    module = ast.parse(path.read_text(encoding="utf-8"))
    revisions = [
        node.value.value
        for node in module.body
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == "revision" for target in node.targets)
        and isinstance(node.value, ast.Constant)
    ]
    assert revisions == [match["rev"]], f"{path.name}: the file name does not carry its revision id"


@pytest.mark.parametrize("path", migration_files(), ids=lambda path: path.name)
def test_a_migration_can_be_undone(path):
    module = ast.parse(path.read_text(encoding="utf-8"))
    downgrade = next(
        (node for node in module.body if isinstance(node, ast.FunctionDef) and node.name == "downgrade"),
        None,
    )
    assert downgrade is not None, f"{path.name} has no downgrade()"
    body = [
        statement
        for statement in downgrade.body
        # a docstring or a bare ``...`` does nothing
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
    ]
    assert body, f"{path.name}: downgrade() does nothing"
    assert not all(isinstance(statement, ast.Pass) for statement in body), (
        f"{path.name}: downgrade() is only pass"
    )
