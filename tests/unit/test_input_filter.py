"""The request filter and the code rule, on their own: which characters pass, which are refused."""

from __future__ import annotations

import json

import pytest

from assessment.codes import is_valid_code, normalise_code
from assessment.input_filter import RefusedCharacters, has_control_characters, refuse_control_characters


@pytest.mark.parametrize(
    ("text", "free_text", "refused"),
    [
        ("Zie het plan", False, False),
        ("Ærø – “quoted” ٣ 😀", False, False),
        ("a\tb", False, True),
        ("a\tb\r\nc", True, False),
        ("a\x00b", True, True),
        ("a\x1bb", True, True),
        ("a\x7fb", True, True),
        ("a\x85b", True, True),  # C1: NEXT LINE
        ("a\x0bb", True, True),  # vertical tab is no line break a textarea sends
    ],
)
def test_control_characters(text, free_text, refused):
    assert has_control_characters(text, free_text=free_text) is refused


@pytest.mark.parametrize(
    "body",
    [
        {"comment": "a\x00b"},
        {"a\x00": "b"},
        [[[["diep", "\x1b"]]]],
    ],
)
def test_a_json_body_with_a_control_character_is_refused(app, body):
    with (
        app.test_request_context("/x", method="POST", json=body),
        pytest.raises(RefusedCharacters),
    ):
        refuse_control_characters()


def test_a_json_body_with_line_breaks_passes(app):
    with app.test_request_context("/x", method="POST", json={"comment": "a\r\n\tb", "n": [1, None]}):
        refuse_control_characters()


def test_a_json_body_nested_beyond_pythons_limit_is_a_400_not_a_crash(app):
    data = "[" * 100_000 + "]" * 100_000
    with (
        app.test_request_context("/x", method="POST", data=data, content_type="application/json"),
        pytest.raises(Exception) as raised,
    ):
        refuse_control_characters()
    assert getattr(raised.value, "code", None) == 400
    json.loads("[1]")  # the json module is still usable afterwards


@pytest.mark.parametrize(
    ("given", "stored", "valid"),
    [
        ("CLAS-13LTBRIG", "CLAS-13LTBRIG", True),
        (" clas_13 ", "CLAS_13", True),
        ("2026-1", "2026-1", True),
        ("ÅÆ٣", "ÅÆ٣", False),
        ("straße", "STRAßE", False),  # not STRASSE: a letter outside ASCII is refused, not changed
        ("2026.1", "2026.1", False),
        ("A B", "A B", False),
        ("", "", False),
        ("A" * 41, "A" * 41, False),
    ],
)
def test_codes(given, stored, valid):
    assert normalise_code(given) == stored
    assert is_valid_code(stored) is valid
