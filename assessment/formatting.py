"""Dutch notation for numbers and dates, used by pages, exports and PDFs alike."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
NO_VALUE = "–"


def decimal(value: float | None, places: int = 1) -> str:
    """``3,4`` for 3.4; ``–`` for no value (never 0)."""
    if value is None:
        return NO_VALUE
    text = f"{value:,.{places}f}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")


def percentage(value: float | None, places: int = 0) -> str:
    """``85%`` for 0.85; ``–`` for no value."""
    if value is None:
        return NO_VALUE
    return f"{decimal(value * 100, places)}%"


def date(value: dt.date | dt.datetime | None) -> str:
    """``3 juli 2025``."""
    if value is None:
        return NO_VALUE
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def datetime(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """``3 juli 2025, 14:05`` in local time (Europe/Amsterdam by default)."""
    if value is None:
        return NO_VALUE
    if tz is None:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo("Europe/Amsterdam")
    local = value.astimezone(tz)
    return f"{date(local)}, {local:%H:%M}"
