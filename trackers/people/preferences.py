"""A chat's alert preferences: lead times, prompts, quiet hours, digest and time zone.

A chat that never chose keeps no row; the defaults (from settings, passed in as `AlertDefaults`) apply. The
time zone lives on the chat itself (`Chat.timezone`), where other features read it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from trackers.errors import UnknownChat
from trackers.models import AlertPreference, Chat, DigestMode
from trackers.runtime.clock import zone

MAX_LEAD_DAYS = 3660


class InvalidLeadDays(ValueError):
    """Lead days must be whole numbers from 0 to 3660."""


class InvalidWeekday(ValueError):
    """A weekday outside 0 (Monday) to 6 (Sunday)."""


class InvalidQuietHours(ValueError):
    """Quiet hours need a start and an end, HH:MM, and they must differ."""


@dataclass(frozen=True)
class AlertDefaults:
    """What a chat gets until it chooses otherwise; built from settings by the bot layer."""

    lead_days: tuple[int, ...]
    timezone: str
    local_hour: int
    language: str


@dataclass(frozen=True)
class Preferences:
    lead_days: tuple[int, ...]
    prompts: bool
    quiet_start: int | None  # minutes after local midnight
    quiet_end: int | None
    digest: DigestMode
    timezone: str
    digest_weekday: int = 0  # a weekly digest's day: 0 is Monday

    @property
    def quiet_hours(self) -> tuple[time, time] | None:
        if self.quiet_start is None or self.quiet_end is None:
            return None
        return _minutes_to_time(self.quiet_start), _minutes_to_time(self.quiet_end)


def parse_lead_days(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if not text:
        return default
    return tuple(int(part) for part in text.split(",") if part)


def preferences_from_row(
    row: AlertPreference | None, chat_timezone: str | None, defaults: AlertDefaults
) -> Preferences:
    timezone = chat_timezone or defaults.timezone
    if row is None:
        return Preferences(defaults.lead_days, True, None, None, DigestMode.INSTANT, timezone)
    return Preferences(
        parse_lead_days(row.lead_days, defaults.lead_days),
        row.prompts,
        row.quiet_start,
        row.quiet_end,
        DigestMode(row.digest),
        timezone,
        row.digest_weekday or 0,
    )


async def get_preferences(session: AsyncSession, chat_id: int, defaults: AlertDefaults) -> Preferences:
    chat = await session.get(Chat, chat_id)
    row = await session.get(AlertPreference, chat_id)
    return preferences_from_row(row, chat.timezone if chat else None, defaults)


async def _row(session: AsyncSession, chat_id: int, now: datetime) -> AlertPreference:
    if await session.get(Chat, chat_id) is None:
        raise UnknownChat(chat_id)
    row = await session.get(AlertPreference, chat_id)
    if row is None:
        row = AlertPreference(chat_id=chat_id, prompts=True, digest=DigestMode.INSTANT, updated_at=now)
        session.add(row)
    row.updated_at = now
    return row


async def set_lead_days(session: AsyncSession, chat_id: int, days: list[int] | None, *, now: datetime) -> None:
    """Choose the lead days (None or []: back to the defaults)."""
    if days and any(not isinstance(d, int) or d < 0 or d > MAX_LEAD_DAYS for d in days):
        raise InvalidLeadDays(days)
    row = await _row(session, chat_id, now)
    row.lead_days = ",".join(str(d) for d in sorted(set(days), reverse=True)) if days else None


async def set_prompts(session: AsyncSession, chat_id: int, enabled: bool, *, now: datetime) -> None:
    """Turn "deadline passed" and "no coverage" prompts on or off."""
    row = await _row(session, chat_id, now)
    row.prompts = enabled


async def set_quiet_hours(
    session: AsyncSession, chat_id: int, start: time | None, end: time | None, *, now: datetime
) -> None:
    """Quiet hours in local time (start == end is refused; None, None: no quiet hours)."""
    if (start is None) != (end is None) or (start is not None and start == end):
        raise InvalidQuietHours((start, end))
    row = await _row(session, chat_id, now)
    row.quiet_start = None if start is None else start.hour * 60 + start.minute
    row.quiet_end = None if end is None else end.hour * 60 + end.minute


async def set_digest(session: AsyncSession, chat_id: int, mode: DigestMode | str, *, now: datetime) -> None:
    row = await _row(session, chat_id, now)
    row.digest = DigestMode(mode)


async def set_digest_weekday(session: AsyncSession, chat_id: int, weekday: int, *, now: datetime) -> None:
    """The day a weekly digest comes: 0 is Monday ... 6 is Sunday."""
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise InvalidWeekday(weekday)
    row = await _row(session, chat_id, now)
    row.digest_weekday = weekday


async def set_timezone(session: AsyncSession, chat_id: int, name: str | None, *, now: datetime) -> None:
    """Set the chat's IANA time zone (None: back to the default)."""
    if name is not None:
        zone(name)
    chat = await session.get(Chat, chat_id)
    if chat is None:
        raise UnknownChat(chat_id)
    chat.timezone = name
    chat.updated_at = now


# -- local times ------------------------------------------------------------------------------------------------


def _minutes_to_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def after_quiet_hours(moment: datetime, timezone: str, quiet_start: int | None, quiet_end: int | None) -> datetime:
    """`moment`, or the end of the chat's quiet hours when it falls inside them: delayed, never dropped."""
    if quiet_start is None or quiet_end is None or quiet_start == quiet_end:
        return moment
    local = moment.astimezone(zone(timezone))
    minute = local.hour * 60 + local.minute
    if quiet_start < quiet_end:
        inside = quiet_start <= minute < quiet_end
        end_day = local.date()
    else:  # across midnight, e.g. 22:00-07:00
        inside = minute >= quiet_start or minute < quiet_end
        end_day = local.date() + timedelta(days=1) if minute >= quiet_start else local.date()
    if not inside:
        return moment
    end = datetime.combine(end_day, _minutes_to_time(quiet_end), tzinfo=zone(timezone))
    return end.astimezone(UTC)
