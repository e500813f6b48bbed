"""One filter for every request: characters that no form, address or JSON body needs are refused
before any view runs, and ids in addresses stay within what the database can hold.

A NUL byte or another control character would otherwise reach the database (PostgreSQL refuses
NUL in text: a 500) or a file name; an id above 2^63 overflows the driver. Both are answered here
with a 400 or a 404 and the usual error page, and nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # the largest value of a 32-bit INTEGER column, on SQLite and PostgreSQL alike

# Control characters (Unicode category Cc): C0, DEL and C1. Free text may keep tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

REFUSED = _l("Het verzoek bevat tekens die niet zijn toegestaan. Er is niets opgeslagen.")


def has_control_characters(text: str, *, free_text: bool = False) -> bool:
    """True when ``text`` holds a control character; with ``free_text``, tab, CR and LF are allowed."""
    return (_CONTROL_IN_TEXT if free_text else _CONTROL).search(text) is not None


class RefusedCharacters(BadRequest):
    """A 400 that says why: the error page shows ``user_message``, the API ``api_message``."""

    def __init__(self) -> None:
        super().__init__(description=str(REFUSED))
        self.user_message = self.api_message = self.description


class IdConverter(IntegerConverter):
    """``<id:name>``: a database id, 1 … 2^31 − 1; anything else is no address (404), never a query
    that overflows. At most ten digits, so no huge number is even converted."""

    regex = r"\d{1,10}"

    def __init__(self, map: Map, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, min=min, max=max)


def init_app(app: Flask) -> None:
    """Register ``<id:...>`` (before any route uses it) and the filter."""
    app.url_map.converters["id"] = IdConverter
    app.before_request(refuse_control_characters)


def refuse_control_characters() -> None:
    """Raise a 400 for a control character in the path, a query parameter, a form field (tab and
    line breaks allowed in its value) or a string of a JSON body."""
    if has_control_characters(request.path):
        raise RefusedCharacters()
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            raise RefusedCharacters()
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    for key, value in request.form.items(multi=True):
        if has_control_characters(key) or has_control_characters(value, free_text=True):
            raise RefusedCharacters()
    if request.is_json:
        try:
            document = request.get_json(silent=True)
        except RecursionError:  # nested deeper than Python's json module goes
            raise BadRequest() from None
        for text in _strings(document):
            if has_control_characters(text, free_text=True):
                raise RefusedCharacters()


def _strings(value: Any) -> Iterator[str]:
    """Every key and string in a JSON document, without recursion (a deep document is no risk)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
