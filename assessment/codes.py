"""The one rule for the codes of units and rounds: ASCII capitals, digits, ``-`` and ``_``.

Codes go into addresses, file names (``2026-1_CLAS.pdf``) and CSV files; a letter such as ``Å``
or ``٣`` breaks a download's file name in some servers and browsers, and looks like another code.
Lower-case ASCII letters are taken as capitals, so ``clas`` and ``CLAS`` are the same code.
"""

from __future__ import annotations

import re

MAX_LENGTH = 40
CODE = re.compile(r"[A-Z0-9_-]{1,40}", re.ASCII)

# The same rule in the database, for SQLite and PostgreSQL alike (neither knows the other's
# pattern syntax): stripping every allowed character from both ends leaves nothing.
CODE_CHECK = "code <> '' AND trim(code, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_') = ''"


def normalise_code(code: str) -> str:
    """``code`` without surrounding spaces, ASCII letters in capitals (other letters stay as they
    are, so that ``is_valid_code`` refuses them instead of ``ß`` becoming ``SS``)."""
    code = code.strip()
    return "".join(ch.upper() if ch.isascii() else ch for ch in code)


def is_valid_code(code: str) -> bool:
    """True when the (normalised) ``code`` has 1 to 40 of ``A–Z 0–9 - _``."""
    return CODE.fullmatch(code) is not None
