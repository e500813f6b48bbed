"""Whatever file an administrator feeds the checkers, the answer is the file's content or a clean
list of messages; never an exception that would reach him as a traceback."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.questionnaires.fileformat import (
    QuestionnaireFileError,
    QuestionnaireSpec,
    parse_questionnaire,
)
from assessment.units.services import UnitImportError, parse_unit_csv
from tests.factories import questionnaire_document

FUZZ = settings(max_examples=150, deadline=None)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "nl", "en", "1", "thema-1", "\x00", "٣", "A" * 4001]),
)
structures = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(st.text(max_size=12), st.integers(0, 12)), children, max_size=5)
    ),
    max_leaves=25,
)


def checked(text: str | bytes) -> QuestionnaireSpec | list[str]:
    """The spec, or the messages; anything else raised fails the test."""
    try:
        return parse_questionnaire(text, source="fuzz.yaml")
    except QuestionnaireFileError as exc:
        assert exc.messages, "refused without a message"
        assert all(isinstance(message, str) and message for message in exc.messages)
        return exc.messages


@pytest.fixture(scope="module")
def context(app):
    with app.app_context():
        yield


@FUZZ
@given(document=structures)
def test_any_yaml_structure_gets_a_clean_answer(context, document):
    checked(yaml.safe_dump(document, allow_unicode=True))


PLACES = [
    ("version",),
    ("key",),
    ("title",),
    ("scale",),
    ("scale", 0, "level"),
    ("themes",),
    ("themes", 0, "weight"),
    ("themes", 0, "default_target"),
    ("themes", 0, "capabilities", 0, "questions", 0, "levels"),
    ("themes", 0, "capabilities", 0, "questions", 0, "next_steps", "1"),
    ("themes", 0, "capabilities", 0, "questions", 0, "allow_not_applicable"),
]


def replaced(document: dict[str, Any], place: tuple[Any, ...], value: Any) -> dict[str, Any]:
    target: Any = document
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    return document


@FUZZ
@given(place=st.sampled_from(PLACES), value=structures)
def test_a_good_questionnaire_with_one_part_replaced_gets_a_clean_answer(context, place, value):
    document = replaced(questionnaire_document(themes=1, questions=1), place, value)
    checked(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(text=st.text(max_size=300) | st.binary(max_size=300))
def test_any_text_as_a_questionnaire_gets_a_clean_answer(context, text):
    checked(text)


@FUZZ
@given(depth=st.integers(1, 1500), opener=st.sampled_from(["[", "{a: ", "- "]))
def test_deep_nesting_gets_a_clean_answer(context, depth, opener):
    if opener == "- ":
        text = "".join("  " * i + "-\n" for i in range(depth))
    else:
        closer = "]" if opener == "[" else "}"
        text = opener * depth + "1" + closer * depth
    checked(text)


cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "CLAS", "clas-13", "ÅÆ٣", "a;b", 'a"b', "x\x00y", "x\ny", "A" * 41, "a" * 201]),
)


def unit_csv(rows: list[list[str]], header: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if header:
        writer.writerow(["code", "name", "kind", "parent_code"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def parsed(data: bytes) -> None:
    try:
        rows = parse_unit_csv(data, source="fuzz.csv")
    except UnitImportError as exc:
        assert exc.messages
        assert all(isinstance(message, str) and message.startswith("fuzz.csv") for message in exc.messages)
    else:
        for row in rows:  # what passes is what the database takes
            assert row.code.isascii() and row.code == row.code.upper()
            assert "\x00" not in row.name + row.kind


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=8), header=st.booleans())
def test_any_csv_rows_get_a_clean_answer(context, rows, header):
    parsed(unit_csv(rows, header))


@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes_as_a_unit_file_get_a_clean_answer(context, data):
    parsed(data)
