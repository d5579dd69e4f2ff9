"""What the alert rules say and to whom: the kinds of alert, which statuses still get them, the settings they
follow (AlertRules) and what an alert says (AlertText, rendered by the bot layer in each chat's language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from trackers.models import SETTLED, Status
from trackers.people.preferences import AlertDefaults

# Statuses still counting down: neither settled nor already overdue.
OPEN = frozenset(Status) - SETTLED - {Status.OVERDUE}
# UTC offsets run from -12 to +14 hours: a local date lies within two days of the UTC date.
ZONE_SLACK = timedelta(days=2)
WEEKLY_DIGEST_WEEKDAY = 0  # Monday, unless the chat chose another day

DEADLINE, OVERDUE, STALE, DIGEST = "deadline", "overdue", "stale", "digest"


@dataclass(frozen=True)
class AlertText:
    """What an alert says, for the renderer: the bot layer turns it into HTML in the chat's language."""

    kind: str
    subject: str = ""
    deadline: date | None = None
    days: int = 0
    commitment_id: int | None = None
    items: tuple[str, ...] = ()  # a digest's alerts, already rendered
    digest: str = ""  # "daily" or "weekly"


Renderer = Callable[[str, AlertText], str]


@dataclass(frozen=True)
class AlertRules:
    defaults: AlertDefaults
    overdue_days: tuple[int, ...] = (1, 30)
    stale_after_days: int = 90
    max_lateness: timedelta = timedelta(hours=24)
    # Owners and admins from the settings; admins granted in the chat are read from the database. They hear
    # about stale commitments too: finding coverage for them is their work.
    admin_ids: tuple[int, ...] = ()
