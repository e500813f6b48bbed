"""Numbers and dates in the notation of the language, through Babel (``3,4`` and ``3 juli 2025``
in Dutch, ``3.4`` and ``3 July 2025`` in English), used by pages, exports and PDFs alike.

Each function takes the language as ``locale``; without it, the language of the request (or the
one forced with ``flask_babel.force_locale``), Dutch outside the app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from flask_babel import get_locale  # type: ignore[import-untyped]
from markupsafe import Markup, escape

DEFAULT_LOCALE = "nl"
DATE_PATTERN = "d MMMM y"  # "3 juli 2025", "3 July 2025": day first in both languages

NO_VALUE = "–"


def round_half_up(value: float, places: int = 1) -> float:
    """Round as people do (2,25 → 2,3), not to even as Python does (2.25 → 2.2). Pages, PDFs,
    exports and the API all round through here, so they show the same figure."""
    return float(_rounded(value, places))


def _locale(locale: str | None) -> str:
    if locale:
        return locale
    current = get_locale()
    return str(current) if current is not None else DEFAULT_LOCALE


def _rounded(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _pattern(places: int, suffix: str = "", grouping: bool = True) -> str:
    return ("#,##0" if grouping else "0") + ("." + "0" * places if places else "") + suffix


def decimal(value: float | None, places: int = 1, locale: str | None = None, grouping: bool = True) -> str:
    """``3,4`` (nl) or ``3.4`` (en) for 3.4, halves up; ``–`` for no value (never 0). Without
    ``grouping`` no thousands separator (``1234,5``), as in a CSV cell."""
    if value is None:
        return NO_VALUE
    pattern = _pattern(places, grouping=grouping)
    return babel_numbers.format_decimal(_rounded(value, places), pattern, locale=_locale(locale))


def percentage(value: float | None, places: int = 0, locale: str | None = None) -> str:
    """``85%`` for 0.85 (``12,5%`` and ``12.5%`` with one place), halves up; ``–`` for no value."""
    if value is None:
        return NO_VALUE
    share = _rounded(value * 100, places) / 100  # exact: a Decimal, not a float
    return babel_numbers.format_percent(share, _pattern(places, "%"), locale=_locale(locale))


def date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """``3 juli 2025`` (nl), ``3 July 2025`` (en)."""
    if value is None:
        return NO_VALUE
    day = value.date() if isinstance(value, dt.datetime) else value
    return babel_dates.format_date(day, DATE_PATTERN, locale=_locale(locale))


def joined(items: Sequence[str], locale: str | None = None) -> str:
    """``2.3, 2.5 en 3.1`` (nl), ``2.3, 2.5, and 3.1`` (en): items as a sentence lists them.
    When an item is markup (a link), the result is markup and every other item is escaped."""
    if not items:
        return ""
    if any(isinstance(item, Markup) for item in items):
        escaped = [str(escape(item)) for item in items]
        return Markup(babel_lists.format_list(escaped, locale=_locale(locale)))  # noqa: S704 (escaped)
    return babel_lists.format_list(list(items), locale=_locale(locale))


def local_zone() -> dt.tzinfo:
    """Dutch time: the users' clocks, whatever the server's time zone."""
    return ZoneInfo("Europe/Amsterdam")


def datetime(value: dt.datetime | None, tz: dt.tzinfo | None = None, locale: str | None = None) -> str:
    """``3 juli 2025, 14:05`` in local time (Europe/Amsterdam by default)."""
    if value is None:
        return NO_VALUE
    local = value.astimezone(tz or local_zone())
    return f"{date(local, locale)}, {local:%H:%M}"


def css_string(value: str) -> Markup:
    """``value`` as a quoted CSS string in which nothing can end the string, the rule or the
    <style> element: every character but letters, digits and " .,-_()" is a CSS escape."""
    # A space after each escape ends it (CSS eats one space there), so a real space survives.
    escaped = "".join(ch if ch.isalnum() or ch in " .,-_()" else f"\\{ord(ch):06x} " for ch in value)
    return Markup(f'"{escaped}"')  # noqa: S704 (built only from escaped characters)
