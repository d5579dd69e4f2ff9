"""Followed deadlines as an iCalendar file (RFC 5545) that calendar apps import: one all-day event per deadline,
with an alarm at each of the chat's lead times.

The words (summaries, alarm texts) come from the caller in the reader's language; this module knows the format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PRODUCT_ID = "-//Luoshi//Followed deadlines//EN"
UID_DOMAIN = "luoshi.invalid"  # a UID needs a domain-like part; .invalid can never belong to anyone


@dataclass(frozen=True)
class DeadlineEvent:
    commitment_id: int
    deadline: date
    summary: str
    description: str
    url: str | None = None


def alarm_trigger(lead_days: int, local_hour: int) -> timedelta:
    """From the start of the all-day event (local midnight) to `local_hour` o'clock, `lead_days` days before.

    30 days at 9 o'clock is -P29DT15H; on the day itself it is +PT9H.
    """
    return timedelta(days=-lead_days, hours=local_hour)


def build_calendar(
    events: list[DeadlineEvent],
    *,
    name: str,
    lead_days: tuple[int, ...],
    local_hour: int,
    timezone: str,
    alarm_text: Callable[[DeadlineEvent, int], str],
    now: datetime,
) -> bytes:
    """The .ics bytes. UIDs are stable per commitment, so importing a newer file updates the same events."""
    # Imported here: every process loads this module with the handlers, few ever export a calendar (3 MB each).
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    for item in events:
        event = Event()
        event.add("uid", f"commitment-{item.commitment_id}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", item.deadline)
        event.add("dtend", item.deadline + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        if item.url:
            event.add("url", item.url)
        for days in sorted(set(lead_days), reverse=True):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", alarm_text(item, days))
            alarm.add("trigger", alarm_trigger(days, local_hour))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
