"""Small pieces every rendering shares: figures, targets, deadlines, status marks. All output is HTML-safe."""

from __future__ import annotations

import html
from datetime import date, datetime

from bot.texts import t
from bot.texts.keys import COMPARATOR, STATUS
from trackers.commitments.catalog import days_left
from trackers.models import Commitment, Status

# One glyph per status, so a list can be scanned at a glance.
STATUS_MARKS = {
    Status.NOT_RATED: "⚪",
    Status.IN_PROGRESS: "🔵",
    Status.ON_TRACK: "🟢",
    Status.AT_RISK: "🟠",
    Status.STALLED: "⏸",
    Status.ACHIEVED: "✅",
    Status.PARTLY_ACHIEVED: "🟡",
    Status.MISSED: "❌",
    Status.REVISED: "🔄",
    Status.OVERDUE: "⏰",
}


def esc(text: object) -> str:
    """Escape text from articles or users before it enters an HTML message."""
    return html.escape(str(text), quote=False)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(value: float) -> str:
    """500.0 → 500, 120.3 → 120.3, 302.6787 → 302.7, 0.0512 → 0.05: no more digits than a reader needs."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    digits = 1 if abs(value) >= 10 else 2
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def amount(value: float, unit: str | None) -> str:
    return esc(f"{number(value)}{unit or ''}")


def percent(fraction: float) -> str:
    """0.6076 → 61%, 0.0512 → 5.1%: whole percents once they are large enough not to need more."""
    value = fraction * 100
    return f"{value:.0f}%" if abs(value) >= 10 else f"{number(round(value, 1))}%"


def status_label(language: str, status: Status) -> str:
    return f"{STATUS_MARKS[status]} {t(language, STATUS.key(status))}"


def target(language: str, commitment: Commitment) -> str:
    """ "超过500亿元" / "over 500亿元"; the unit stays as the source wrote it."""
    if commitment.value is None:
        return t(language, "no_target")
    comparator = commitment.comparator.value if commitment.comparator else "="
    return t(language, COMPARATOR.key(comparator), value=amount(commitment.value, commitment.unit))


def deadline(language: str, commitment: Commitment, now: datetime) -> str:
    """The deadline with the days left (or gone) in the commitment's own zone."""
    left = days_left(commitment, now)
    if left is None:
        return t(language, "deadline_none")
    when = commitment.deadline.isoformat()
    if left > 0:
        return t(language, "deadline_left_one" if left == 1 else "deadline_left", date=when, days=left)
    if left == 0:
        return t(language, "deadline_today", date=when)
    return t(language, "deadline_overdue_one" if left == -1 else "deadline_overdue", date=when, days=-left)


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def lead_time(language: str, days: int) -> str:
    """A lead time in days: "7天" / "7 d", and "当天" / "on the day" for 0."""
    return t(language, "days_zero") if days == 0 else t(language, "days_n", n=days)
