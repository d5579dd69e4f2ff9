"""Deadline countdowns, overdue prompts and stale prompts: which fall due in a sweep's window, and for whom.

A commitment whose deadline passed with no verdict is marked OVERDUE here too. Followers who share a zone, quiet
hours and digest mode share one message (`_Planner`), so a fan-out to 100,000 chats makes a handful of messages.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import (
    SETTLED,
    AdminGrant,
    AlertPreference,
    AuditEntry,
    Commitment,
    DeliveryState,
    DigestMode,
    Evidence,
    Status,
)
from trackers.notifications.outbox import Owed, owe
from trackers.notifications.rules import (
    DEADLINE,
    OPEN,
    OVERDUE,
    STALE,
    ZONE_SLACK,
    AlertRules,
    AlertText,
    Renderer,
)
from trackers.people.follows import Follower, chats_as_followers, followers_of
from trackers.people.preferences import after_quiet_hours, parse_lead_days
from trackers.runtime.clock import local_date, local_moment

log = logging.getLogger(__name__)


async def mark_overdue(session: AsyncSession, *, now: datetime) -> list[int]:
    """Open commitments whose deadline has passed (in their own zone) become OVERDUE, with an audit entry."""
    candidates = (
        await session.execute(
            select(Commitment).where(
                Commitment.deadline < (now + ZONE_SLACK).date(),
                Commitment.status.in_(list(OPEN)),
                Commitment.archived_at.is_(None),
            )
        )
    ).scalars()
    changed = []
    for commitment in candidates:
        if commitment.deadline < local_date(now, commitment.timezone):
            previous = commitment.status
            commitment.status, commitment.updated_at = Status.OVERDUE, now
            session.add(
                AuditEntry(
                    at=now,
                    actor_id=None,
                    action="status_overdue",
                    target=f"commitment:{commitment.id}",
                    allowed=True,
                    detail={"from": str(previous), "deadline": commitment.deadline.isoformat()},
                )
            )
            changed.append(commitment.id)
    return changed


class Planner:
    """Turns (commitment, milestone, follower) into messages owed (trackers.notifications.outbox.owe).

    Followers with the same zone, quiet hours and digest mode are owed the same message at the same moment, so it
    is made once for each such group and the followers' chats are collected under it: a fan-out to 100,000
    chats makes a handful of messages and 100,000 chat ids (the outbox writes each in the chat's language).
    """

    def __init__(self, rules: AlertRules, render: Renderer, now: datetime, start: datetime) -> None:
        self.rules, self.render, self.now, self.start = rules, render, now, start
        self.enqueued = 0
        self.skipped = 0
        self._texts: dict[tuple, str] = {}
        self._moments: dict[tuple, datetime] = {}
        self._leads: dict[str | None, frozenset[int]] = {}
        # (alert, milestone, day, follower's zone, quiet hours, digest) -> (the message, or None when the alert's
        # moment for that zone lies outside this sweep's window; the alert).
        self._shared: dict[tuple, tuple[Owed | None, AlertText]] = {}
        # Messages waiting for `flush`: key of `_shared` -> the chats that get it.
        self._waiting: dict[tuple, list[int]] = {}

    def lead_days(self, follower: Follower) -> frozenset[int]:
        days = self._leads.get(follower.lead_days)
        if days is None:
            days = frozenset(parse_lead_days(follower.lead_days, self.rules.defaults.lead_days))
            self._leads[follower.lead_days] = days
        return days

    def moment(self, day: date, timezone: str) -> datetime:
        key = (day, timezone)
        moment = self._moments.get(key)
        if moment is None:
            moment = self._moments[key] = local_moment(day, self.rules.defaults.local_hour, timezone)
        return moment

    def text(self, language: str, alert: AlertText) -> str:
        key = (language, alert)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = self.render(language, alert)
        return text

    def add(self, follower: Follower, *, day: date, milestone: str, alert: AlertText, moot: str | None = None) -> None:
        """Owe the follower `alert` at the local hour of `day`, if that moment lies in this sweep's window; `moot`
        says why it is recorded as skipped instead of sent."""
        # By the alert's identity: hashing the alert itself costs more than the rest of this method. The
        # cached row keeps the alert alive, so its id cannot be reused by another alert in this sweep.
        key = (
            id(alert),
            milestone,
            day,
            follower.timezone,
            follower.quiet_start,
            follower.quiet_end,
            follower.digest,
            moot,
        )
        shared = self._shared.get(key)
        if shared is None:
            owed = self._owed(follower, day=day, milestone=milestone, alert=alert, moot=moot)
            shared = self._shared[key] = (owed, alert)
        owed = shared[0]
        if owed is None:
            return
        if owed.state is DeliveryState.SKIPPED:
            self.skipped += 1
        chats = self._waiting.get(key)
        if chats is None:
            chats = self._waiting[key] = []
        chats.append(follower.chat_id)

    def _owed(
        self, follower: Follower, *, day: date, milestone: str, alert: AlertText, moot: str | None = None
    ) -> Owed | None:
        """What `add` owes followers like this one."""
        timezone = follower.timezone or self.rules.defaults.timezone
        fire = self.moment(day, timezone)
        if not self.start < fire <= self.now:
            return None
        due = after_quiet_hours(fire, timezone, follower.quiet_start, follower.quiet_end)
        digest = follower.digest or DigestMode.INSTANT
        state, error = DeliveryState.PENDING, None
        if self.now - due > self.rules.max_lateness:
            state = DeliveryState.SKIPPED
            error = f"fell due at {due:%Y-%m-%d %H:%M} UTC while the bot was not running; too late to send"
        elif moot is not None:
            state, error = DeliveryState.SKIPPED, moot
        elif digest is not DigestMode.INSTANT:
            state = DeliveryState.HELD
        return Owed(
            kind=alert.kind,
            milestone=milestone,
            text=lambda language: self.text(language, alert),
            due_at=due,
            commitment_id=alert.commitment_id,
            state=state,
            error=error,
        )

    def drop_waiting(self) -> None:
        """Forget what a failed commitment left unflushed (its savepoint rolled back the rest)."""
        self._waiting = {}

    async def flush(self, session: AsyncSession) -> None:
        waiting, self._waiting = self._waiting, {}
        for key, chat_ids in waiting.items():
            self.enqueued += await owe(
                session, self._shared[key][0], chat_ids, now=self.now, default_language=self.rules.defaults.language
            )


def _date_range_condition(column, ranges: list[tuple[date, date]]):
    return or_(*[column.between(low, high) for low, high in ranges])


async def deadline_alerts(session: AsyncSession, planner: Planner, start: datetime, end: datetime) -> None:
    rules = planner.rules
    leads = set(rules.defaults.lead_days)
    for text in (await session.execute(select(AlertPreference.lead_days).distinct())).scalars():
        leads.update(parse_lead_days(text, ()))
    # A milestone on local date X falls in the window only if X is within ZONE_SLACK of the window's UTC dates.
    low, high = (start - ZONE_SLACK).date(), (end + ZONE_SLACK).date()
    offsets = [(DEADLINE, -lead) for lead in leads] + [(OVERDUE, days) for days in rules.overdue_days]
    ranges = [(low - timedelta(days=offset), high - timedelta(days=offset)) for _, offset in offsets]
    commitments = list(
        (
            await session.execute(
                select(Commitment).where(
                    Commitment.archived_at.is_(None),
                    Commitment.deadline.is_not(None),
                    _date_range_condition(Commitment.deadline, ranges),
                )
            )
        ).scalars()
    )
    for commitment in commitments:
        try:
            async with session.begin_nested():
                await _alerts_of(session, planner, commitment, offsets, low, high)
        except Exception:
            # One commitment's bad data never stops the others' alerts: logged, skipped, tried again next sweep.
            log.exception("deadline alerts of commitment %s failed; skipped", commitment.id)
            planner.drop_waiting()


async def _alerts_of(session: AsyncSession, planner: Planner, commitment: Commitment, offsets, low, high) -> None:
    """The countdowns and prompts of one commitment that fall in the window, owed to each of its followers."""
    # A settled commitment gets neither countdowns nor prompts. One that is overdue already, because the window
    # runs past its deadline day (the bot was down over it), had countdowns fall due in the window that it is too
    # late to send ("due today", the day after): each is recorded as skipped, with why, rather than left out.
    milestones = [
        (kind, offset)
        for kind, offset in offsets
        if low <= commitment.deadline + timedelta(days=offset) <= high and commitment.status not in SETTLED
    ]
    moot = _PASSED if commitment.status not in OPEN else None
    if not milestones:
        return
    # What every follower shares, made once: a fan-out runs the loop below 100,000 times.
    owed = [
        (
            kind,
            -offset,
            AlertText(
                kind=kind,
                subject=commitment.subject,
                deadline=commitment.deadline,
                days=abs(offset),
                commitment_id=commitment.id,
            ),
            f"{'lead' if kind == DEADLINE else 'overdue'}:{abs(offset)}:{commitment.deadline}",
            commitment.deadline + timedelta(days=offset),
        )
        for kind, offset in milestones
    ]
    async for followers in followers_of(session, commitment):
        for follower in followers:
            for kind, lead, alert, milestone, day in owed:
                if kind == DEADLINE and lead not in planner.lead_days(follower):
                    continue
                if kind == OVERDUE and follower.prompts is False:
                    continue
                planner.add(
                    follower, day=day, milestone=milestone, alert=alert, moot=moot if kind == DEADLINE else None
                )
        await planner.flush(session)


_PASSED = "the deadline passed before this countdown was sent (the bot was not running on the day)"


async def stale_prompts(session: AsyncSession, planner: Planner, start: datetime, end: datetime) -> None:
    """Open commitments with no coverage for N days: the first local hour N days after the last coverage."""
    days = planner.rules.stale_after_days
    last = (
        select(Evidence.commitment_id, func.max(Evidence.recorded_at).label("last"))
        .group_by(Evidence.commitment_id)
        .subquery()
    )
    last_coverage = func.coalesce(last.c.last, Commitment.created_at)
    low = start - timedelta(days=days) - ZONE_SLACK - timedelta(days=1)
    high = end - timedelta(days=days) + ZONE_SLACK
    rows = (
        await session.execute(
            select(Commitment, last.c.last)
            .outerjoin(last, last.c.commitment_id == Commitment.id)
            .where(
                Commitment.archived_at.is_(None),
                Commitment.status.in_(list(OPEN)),
                last_coverage.between(low, high),
            )
        )
    ).all()
    admins = await chats_as_followers(session, await _admin_ids(session, planner.rules)) if rows else []
    for commitment, last_seen in rows:
        seen = last_seen or commitment.created_at
        if seen.tzinfo is None:  # func.coalesce loses the column type on some backends
            seen = seen.replace(tzinfo=UTC)
        seen_day = local_date(seen, commitment.timezone)
        alert = AlertText(kind=STALE, subject=commitment.subject, days=days, commitment_id=commitment.id)
        told: set[int] = set()
        async for followers in followers_of(session, commitment, direct_only=True):
            for follower in followers:
                if follower.prompts is not False:
                    told.add(follower.chat_id)
                    planner.add(
                        follower, day=seen_day + timedelta(days=days), milestone=f"stale:{seen_day}", alert=alert
                    )
            await planner.flush(session)
        for admin in admins:
            if admin.chat_id not in told and admin.prompts is not False:
                planner.add(admin, day=seen_day + timedelta(days=days), milestone=f"stale:{seen_day}", alert=alert)
        await planner.flush(session)


async def _admin_ids(session: AsyncSession, rules: AlertRules) -> set[int]:
    granted = await session.scalars(select(AdminGrant.user_id))
    return set(rules.admin_ids) | set(granted)
