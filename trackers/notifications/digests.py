"""Digests: chats on a daily or weekly digest get their alerts held, and one message bundling them at the local
hour (weekly: on the chat's chosen day, Monday unless it chose another)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import AlertPreference, Chat, DeliveryState, DigestMode, Notification
from trackers.notifications.outbox import Owed, owe
from trackers.notifications.rules import DIGEST, WEEKLY_DIGEST_WEEKDAY, AlertRules, AlertText, Renderer
from trackers.people.preferences import after_quiet_hours
from trackers.runtime.clock import local_date, local_moment


def last_digest_moment(
    mode: DigestMode, now: datetime, timezone: str, hour: int, weekday: int = WEEKLY_DIGEST_WEEKDAY
) -> datetime:
    """The latest digest moment at or before `now` in the chat's zone (weekly: on the chat's `weekday`)."""
    day = local_date(now, timezone)
    for back in range(8):
        candidate = day - timedelta(days=back)
        if mode is DigestMode.WEEKLY and candidate.weekday() != weekday:
            continue
        moment = local_moment(candidate, hour, timezone)
        if moment <= now:
            return moment
    raise AssertionError("a digest moment exists within eight days")


async def bundle_digests(session: AsyncSession, *, now: datetime, rules: AlertRules, render: Renderer) -> int:
    """Chats with held alerts whose digest moment has come get one message bundling them."""
    chats = (
        await session.execute(
            select(
                Chat.id,
                Chat.timezone,
                AlertPreference.digest,
                AlertPreference.digest_weekday,
                AlertPreference.quiet_start,
                AlertPreference.quiet_end,
            )
            .outerjoin(AlertPreference, AlertPreference.chat_id == Chat.id)
            .where(Chat.id.in_(select(Notification.chat_id).where(Notification.state == DeliveryState.HELD)))
        )
    ).all()
    digests = 0
    for chat_id, timezone, mode, weekday, quiet_start, quiet_end in chats:
        timezone = timezone or rules.defaults.timezone
        mode = DigestMode(mode or DigestMode.INSTANT)
        if mode is DigestMode.INSTANT:
            # The chat went back to instant alerts: what was held goes out now.
            await session.execute(
                update(Notification)
                .where(Notification.chat_id == chat_id, Notification.state == DeliveryState.HELD)
                .values(state=DeliveryState.PENDING, available_at=now)
                .execution_options(synchronize_session=False)
            )
            continue
        moment = last_digest_moment(mode, now, timezone, rules.defaults.local_hour, weekday or WEEKLY_DIGEST_WEEKDAY)
        held = (
            await session.execute(
                select(Notification.id, Notification.text)
                .where(
                    Notification.chat_id == chat_id,
                    Notification.state == DeliveryState.HELD,
                    Notification.due_at <= moment,
                )
                .order_by(Notification.due_at, Notification.id)
            )
        ).all()
        if not held:
            continue
        digest = AlertText(kind=DIGEST, items=tuple(t for _, t in held), digest=mode.value)
        due = after_quiet_hours(moment, timezone, quiet_start, quiet_end)
        state, error = DeliveryState.PENDING, None
        if now - due > rules.max_lateness:
            state = DeliveryState.SKIPPED
            error = f"digest fell due at {due:%Y-%m-%d %H:%M} UTC while the bot was not running; too late to send"
        # The first bundled row's id makes the key: running this again after a crash builds the same digest.
        milestone = f"{mode.value}:{local_date(moment, timezone)}:{held[0][0]}"
        owed = Owed(
            kind=DIGEST,
            milestone=milestone,
            text=lambda language, digest=digest: render(language, digest),
            due_at=due,
            state=state,
            error=error,
            available_at=max(due, now) if state is DeliveryState.PENDING else due,
        )
        await owe(session, owed, [chat_id], now=now, default_language=rules.defaults.language)
        digest_id = (
            await session.execute(
                select(Notification.id).where(
                    and_(
                        Notification.chat_id == chat_id,
                        Notification.commitment_key == "",
                        Notification.kind == DIGEST,
                        Notification.milestone == milestone,
                    )
                )
            )
        ).scalar_one()
        await session.execute(
            update(Notification)
            .where(Notification.id.in_([row_id for row_id, _ in held]))
            .values(state=DeliveryState.BUNDLED, bundle_id=digest_id, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        digests += 1
    return digests
