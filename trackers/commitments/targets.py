"""What admins type for a target, a figure or a deadline: 突破500亿元, >500亿元, 1301个, 5.5%左右; 2025年底,
明年6月, 2025-12-31, "in 18 months".

Figures and dates are read by the extraction package's own rules (trackers.extract), so a target typed by hand is
read exactly as the same words in an article would be; this module adds only what typed input has and articles
don't: ASCII comparators (>, >=, ≤ …) and words such as 到 / by before a date.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

from trackers.extract import parse_admin_date
from trackers.extract.numbers import find_figures
from trackers.extract.text import fold
from trackers.runtime.clock import local_date, local_time


class UnparseableTarget(ValueError):
    """No figure with a unit in what was typed (500 alone is ambiguous: 500 what?)."""


class UnparseableDate(ValueError):
    """Not a date we can read."""


class NegativeAmount(UnparseableTarget):
    """A count or an amount below zero (only a rate such as a growth of -2% may be negative)."""


class ValueTooLarge(UnparseableTarget):
    """A figure no commitment reaches (1e29亿元): a typing slip, and one no chart or card could show."""


class UnitMismatch(UnparseableTarget):
    """A reported figure in another kind of unit than the target's (600万人 against a target in 亿元)."""

    def __init__(self, text: str, unit: str) -> None:
        super().__init__(text)
        self.unit = unit


class DateTooFar(UnparseableDate):
    """A date beyond the horizon any commitment is tracked to (到9999年)."""

    def __init__(self, day: date) -> None:
        super().__init__(day.isoformat())
        self.day = day


class FutureProgress(UnparseableDate):
    """Progress reported as of a day that has not come yet."""

    def __init__(self, day: date) -> None:
        super().__init__(day.isoformat())
        self.day = day


@dataclass(frozen=True, slots=True)
class Target:
    comparator: str | None
    value: float | None
    unit: str | None
    value_normalized: float | None
    unit_normalized: str | None

    def as_dict(self) -> dict:
        return asdict(self)


# A qualitative pledge (建成…) has no figure; these answers say so.
NO_FIGURE = {"-", "—", "无", "没有", "none", "no", "n/a", "qualitative", "定性"}

_SYMBOL = re.compile(r"^\s*(>=|<=|≥|≤|>|<|=|~|≈|约)\s*")
_SYMBOLS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", ">": ">", "<": "<", "=": "=", "~": "~", "≈": "~", "约": "~"}
_DATE_LEAD = re.compile(r"^\s*(?:到|至|截至|截止|于|在|by|until|before)\s*", re.I)
_MINUS = re.compile(r"^\s*(?:-|−|－|负)\s*")
# Units a figure may fall below zero in: a rate (growth of -2%), a change in percentage points.
SIGNED_UNITS = frozenset({"percent", "pp"})
# No figure typed for a commitment comes near this (in the unit's base: yuan, people, tons): 1亿亿.
MAX_VALUE = 1e16
LAST_YEAR = 2100  # dates beyond it are slips (到9999年), and charts cannot reach far past them


def parse_target(text: str) -> Target | None:
    """The target in `text`, None for a qualitative pledge; UnparseableTarget when there is no figure."""
    text = text.strip()
    if text.lower() in NO_FIGURE:
        return None
    comparator = None
    symbol = _SYMBOL.match(text)
    if symbol:
        comparator = _SYMBOLS[symbol.group(1)]
        text = text[symbol.end() :]
    typed = text
    minus = _MINUS.match(text)
    if minus:
        text = text[minus.end() :]
    folded = fold(text)
    figures = find_figures(folded)
    # Digits before the figure mean it was misread (1e29亿元 is not 29亿元).
    if not figures or any(c.isdigit() for c in folded[: figures[0].cmp_start]):
        raise UnparseableTarget(typed)
    figure = figures[0]
    sign = -1 if minus else 1
    return _checked(
        Target(
            comparator=comparator or figure.comparator or "=",
            value=sign * figure.value,
            unit=figure.unit,
            value_normalized=None if figure.value_normalized is None else sign * figure.value_normalized,
            unit_normalized=figure.unit_normalized,
        ),
        typed,
    )


def _checked(target: Target, typed: str) -> Target:
    """A figure that can stand: finite, within MAX_VALUE, and negative only in a unit where that means something."""
    values = [v for v in (target.value, target.value_normalized) if v is not None]
    if any(not math.isfinite(v) or abs(v) > MAX_VALUE for v in values):
        raise ValueTooLarge(typed)
    if any(v < 0 for v in values) and target.unit_normalized not in SIGNED_UNITS:
        raise NegativeAmount(typed)
    return target


def parse_amount(text: str, *, like: Target | None) -> Target:
    """A reported figure (/progress 120.3亿元 or just 120.3 in the target's own unit), in the target's kind of unit
    (UnitMismatch names the target's unit otherwise)."""
    text = text.strip()
    try:
        number = float(text.replace(",", "").replace("−", "-"))
    except ValueError:
        parsed = parse_target(text)
        if parsed is None:
            raise UnparseableTarget(text) from None
        if like is not None and like.unit_normalized and parsed.unit_normalized not in (None, like.unit_normalized):
            raise UnitMismatch(text, like.unit or like.unit_normalized) from None
        return parsed
    if not math.isfinite(number):
        raise ValueTooLarge(text)
    if like is None or like.value in (None, 0) or like.value_normalized is None:
        raise UnparseableTarget(text)
    factor = like.value_normalized / like.value
    return _checked(Target("=", number, like.unit, number * factor, like.unit_normalized), text)


def parse_date(text: str, *, now: datetime, timezone: str) -> date:
    """A date an admin typed, read in the tracker's time zone; relative forms count from `now`."""
    cleaned = _DATE_LEAD.sub("", text.strip())
    if not cleaned:
        raise UnparseableDate(text)
    local_now = local_time(now, timezone)
    try:
        parsed = parse_admin_date(cleaned, local_now)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise UnparseableDate(text)
    if parsed.year > LAST_YEAR:
        raise DateTooFar(parsed)
    return parsed


def parse_progress_date(text: str, *, now: datetime, timezone: str) -> date:
    """The day a reported figure stands at: one that has come already."""
    day = parse_date(text, now=now, timezone=timezone)
    if day > local_date(now, timezone):
        raise FutureProgress(day)
    return day
