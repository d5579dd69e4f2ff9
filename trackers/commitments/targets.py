"""What admins type for a target, a figure or a deadline: 突破500亿元, >500亿元, 1301个, 5.5%左右; 2025年底,
明年6月, 2025-12-31, "in 18 months".

Figures and dates are read by the extraction package's own rules (trackers.extract), so a target typed by hand is
read exactly as the same words in an article would be; this module adds only what typed input has and articles
don't: ASCII comparators (>, >=, ≤ …) and words such as 到 / by before a date.
"""

from __future__ import annotations

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


class DeadlineInPast(ValueError):
    """A new deadline that has already passed."""

    def __init__(self, deadline: date) -> None:
        super().__init__(deadline.isoformat())
        self.deadline = deadline


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
    figures = find_figures(fold(text))
    if not figures:
        raise UnparseableTarget(text)
    figure = figures[0]
    return Target(
        comparator=comparator or figure.comparator or "=",
        value=figure.value,
        unit=figure.unit,
        value_normalized=figure.value_normalized,
        unit_normalized=figure.unit_normalized,
    )


def parse_amount(text: str, *, like: Target | None) -> Target:
    """A reported figure (/progress 120.3亿元 or just 120.3 in the target's own unit)."""
    text = text.strip()
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        parsed = parse_target(text)
        if parsed is None:
            raise UnparseableTarget(text) from None
        return parsed
    if like is None or like.value in (None, 0) or like.value_normalized is None:
        raise UnparseableTarget(text)
    factor = like.value_normalized / like.value
    return Target("=", number, like.unit, number * factor, like.unit_normalized)


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
    return parsed


def parse_deadline(text: str, *, now: datetime, timezone: str) -> date:
    """A deadline for a new or edited commitment: a date that has not passed yet."""
    deadline = parse_date(text, now=now, timezone=timezone)
    if deadline < local_date(now, timezone):
        raise DeadlineInPast(deadline)
    return deadline
