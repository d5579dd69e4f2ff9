"""/calendar's contents: an event for each followed deadline, its alarms' texts and the file's caption. Calendar
text is plain, not HTML."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.render.format import esc, lead_time, shorten, status_label, target
from bot.texts import t
from trackers.commitments.calendar import DeadlineEvent
from trackers.models import Commitment


def _plain(text: str) -> str:
    """Drop the tags our texts carry and undo the escapes."""
    text = re.sub(r"</?(b|i|code|a)[^>]*>", "", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def deadline_events(language: str, commitments: list[Commitment]) -> list[DeadlineEvent]:
    """One event for each commitment with a deadline: its target in the summary, status and quote in the body."""
    return [
        DeadlineEvent(
            commitment_id=c.id,
            deadline=c.deadline,
            summary=_plain(t(language, "calendar_event", subject=esc(c.subject), target=target(language, c))),
            description=_plain(
                "\n".join(
                    part
                    for part in (
                        esc(c.subject),
                        t(language, "card_status", status=status_label(language, c.status)),
                        esc(c.quote or ""),
                        "/show " + str(c.id),
                    )
                    if part
                )
            ),
            url=c.source_url if (c.source_url or "").startswith(("http://", "https://")) else None,
        )
        for c in commitments
        if c.deadline is not None
    ]


def alarm_texts(language: str, commitments: list[Commitment]) -> Callable[[DeadlineEvent, int], str]:
    """What an event's alarm says `days` before its deadline."""
    subjects = {c.id: shorten(c.subject, 60) for c in commitments}

    def alarm_text(event: DeadlineEvent, days: int) -> str:
        key = {0: "calendar_alarm_today", 1: "calendar_alarm_one"}.get(days, "calendar_alarm")
        return t(language, key, subject=subjects[event.commitment_id], days=days)

    return alarm_text


def calendar_caption(language: str, events: int, lead_days: tuple[int, ...]) -> str:
    leads = "/".join(lead_time(language, d) for d in lead_days)
    return t(language, "calendar_caption", count=events, leads=leads)
