"""Dutch notation for numbers and dates, used by pages, exports and PDFs alike."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from markupsafe import Markup

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


def round_half_up(value: float, places: int = 1) -> float:
    """Round as people do (2,25 → 2,3), not to even as Python does (2.25 → 2.2). Pages, PDFs,
    exports and the API all round through here, so they show the same figure."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def decimal(value: float | None, places: int = 1) -> str:
    """``3,4`` for 3.4; ``–`` for no value (never 0)."""
    if value is None:
        return NO_VALUE
    text = f"{round_half_up(value, places):,.{places}f}"
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


def local_zone() -> dt.tzinfo:
    """Dutch time: the users' clocks, whatever the server's time zone."""
    return ZoneInfo("Europe/Amsterdam")


def datetime(value: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """``3 juli 2025, 14:05`` in local time (Europe/Amsterdam by default)."""
    if value is None:
        return NO_VALUE
    local = value.astimezone(tz or local_zone())
    return f"{date(local)}, {local:%H:%M}"


def css_string(value: str) -> Markup:
    """``value`` as a quoted CSS string in which nothing can end the string, the rule or the
    <style> element: every character but letters, digits and " .,-_()" is a CSS escape."""
    # A space after each escape ends it (CSS eats one space there), so a real space survives.
    escaped = "".join(ch if ch.isalnum() or ch in " .,-_()" else f"\\{ord(ch):06x} " for ch in value)
    return Markup(f'"{escaped}"')  # noqa: S704 (built only from escaped characters)
