"""Questionnaire versions loaded before their YAML text was kept: the migration fills it in where
it is known (a shipped file with the same key, version and hash) and leaves the others empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from assessment import db, migrate
from assessment.questionnaires.fileformat import DEFAULT_QUESTIONNAIRE, read_questionnaire

BEFORE = "91a3b5d9261a"


@pytest.fixture
def scratch_engine(scratch_database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(scratch_database_url)
    yield engine
    engine.dispose()


def test_the_text_of_the_shipped_questionnaire_is_filled_in_and_an_unknown_one_stays_empty(scratch_engine):
    shipped = read_questionnaire(DEFAULT_QUESTIONNAIRE)
    with scratch_engine.begin() as connection:
        migrate.upgrade(connection, BEFORE)
        insert = text(
            "INSERT INTO questionnaires (key, version, title_nl, content_hash, loaded_at) "
            "VALUES (:key, :version, 'x', :hash, CURRENT_TIMESTAMP)"
        )
        connection.execute(
            insert, {"key": shipped.key, "version": shipped.version, "hash": shipped.content_hash}
        )
        connection.execute(insert, {"key": shipped.key, "version": 99, "hash": shipped.content_hash})
        connection.execute(insert, {"key": "elders", "version": 1, "hash": "0" * 64})
    with scratch_engine.begin() as connection:
        migrate.upgrade(connection)
        rows = dict(
            connection.execute(text("SELECT key || '@' || version, source_yaml FROM questionnaires")).all()
        )
    assert rows == {f"{shipped.key}@1": shipped.source, f"{shipped.key}@99": None, "elders@1": None}
