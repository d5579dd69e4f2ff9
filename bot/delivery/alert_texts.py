"""Alert texts in the chat's language: the renderer the alert rules are given (trackers knows no texts)."""

from __future__ import annotations

import html

from bot.texts import t
from trackers.notifications.rules import DEADLINE, DIGEST, OVERDUE, STALE, AlertText


def render_alert(language: str, alert: AlertText) -> str:
    """HTML for one alert; the subject comes from articles, so it is escaped here."""
    subject = html.escape(alert.subject)
    deadline = alert.deadline.isoformat() if alert.deadline else ""
    common = {"subject": subject, "deadline": deadline, "days": alert.days, "id": alert.commitment_id}
    # One day has texts of its own: English says "1 day", not "1 days".
    if alert.kind == DEADLINE:
        key = {0: "alert_deadline_today", 1: "alert_deadline_one"}.get(alert.days, "alert_deadline")
        return t(language, key, **common)
    if alert.kind == OVERDUE:
        return t(language, "alert_overdue_one" if alert.days == 1 else "alert_overdue", **common)
    if alert.kind == STALE:
        return t(language, "alert_stale", **common)
    if alert.kind == DIGEST:
        header = t(language, f"alert_digest_{alert.digest}", count=len(alert.items))
        # The items are rendered alerts already (HTML); a blank line keeps them apart and gives the
        # splitter a clean place to cut a long digest.
        return "\n\n".join([header, *alert.items])
    raise ValueError(f"unknown alert kind {alert.kind!r}")
