"""Time: the one clock, and instants read as dates and hours in a zone.

A deadline is a date in a zone, not an instant, and alerts come at a local hour; every zone comes from settings
(bot.timezone) or from the chat or commitment that chose one, never from a constant here.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

# How far ahead of the process clock the bot's "now" runs. Only `luoshi shell` sets it (its `:clock` command), so a
# person can watch a deadline alert fall due; tests move time with time-machine instead. It only grows: watermarks
# and outbox leases then see time go forward, never back. Waits and timeouts keep the process clock (time.monotonic,
# the JobQueue), so moving "now" never stalls or hurries them.
_ahead = timedelta(0)


class UnknownTimeZone(ValueError):
    """Not an IANA time zone name (e.g. Asia/Shanghai, Europe/Berlin)."""


def utcnow() -> datetime:
    """Now, aware, in UTC: what is stored and compared."""
    return datetime.now(UTC) + _ahead


def move_ahead(by: timedelta) -> None:
    """Move the bot's "now" forward by `by` (the shell's `:clock`; never called by the bot itself)."""
    global _ahead
    if by < timedelta(0):
        raise ValueError("the clock only moves forward")
    _ahead += by


@lru_cache(maxsize=512)
def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise UnknownTimeZone(name) from exc


def local_date(moment: datetime, timezone: str) -> date:
    """The date `moment` falls on in `timezone` (today, given now)."""
    return moment.astimezone(zone(timezone)).date()


def local_time(moment: datetime, timezone: str) -> datetime:
    """`moment` on the wall clock of `timezone`."""
    return moment.astimezone(zone(timezone))


def local_moment(day: date, hour: int, timezone: str) -> datetime:
    """`hour`:00 on `day` in `timezone`, as aware UTC."""
    return datetime.combine(day, time(hour), tzinfo=zone(timezone)).astimezone(UTC)
