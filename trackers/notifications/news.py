"""Telling followers about new coverage: one "new coverage" message per chat and commitment per sweep.

Progress points not yet announced (Evidence.announced_at is NULL: recorded automatically by intake, confirmed from
the review queue, or typed by an admin) are grouped by commitment. Each commitment's followers get one message
holding every new point, with the arithmetic of the commitment's card (trackers/commitments/progress.py: figures in the
target's unit, the baseline, share of the target, growth needed versus reported, projection), through the
outbox. The outbox key's milestone is the first new point's id, so running the sweep again (after a crash, on a
second instance) adds no copy; the points are marked announced in the same transaction. Chats on a daily or
weekly digest get the message held for it; quiet hours delay it.

The text is rendered by the bot layer (a `Renderer` passed in), in the language each follower reads (the outbox
decides which).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.commitments.progress import (
    FIGURE_KINDS,
    Assessment,
    Goal,
    assessment_for,
    progress_goal,
    progress_points,
)
from trackers.models import Article, Commitment, DeliveryState, DigestMode, Evidence, EvidenceKind
from trackers.notifications.outbox import Owed, owe
from trackers.people.follows import followers_of
from trackers.people.preferences import after_quiet_hours
from trackers.runtime.clock import local_date

KIND = "coverage"
# Commitments announced per sweep; the rest wait for the next one.
MAX_COMMITMENTS_PER_SWEEP = 200

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewPoint:
    quote: str
    value: float | None
    unit: str | None
    as_of: date | None
    growth_percent: float | None
    url: str | None
    title: str | None


@dataclass(frozen=True)
class CoverageNews:
    """What the message says, for the renderer."""

    commitment_id: int
    subject: str
    target: Goal | None  # None: the commitment has no figure to reach
    deadline: date | None
    points: tuple[NewPoint, ...]  # as reported, each in its own unit
    assessment: Assessment | None  # None: no figure comparable with the target yet


Renderer = Callable[[str, CoverageNews], str]


async def announce_new_coverage(
    session: AsyncSession, *, now: datetime, render: Renderer, default_language: str, default_timezone: str
) -> int:
    """Owe each follower one message per commitment with unannounced progress; returns rows enqueued."""
    fresh = (
        await session.execute(
            select(Evidence)
            .where(Evidence.kind == EvidenceKind.PROGRESS, Evidence.announced_at.is_(None))
            .order_by(Evidence.commitment_id, Evidence.id)
        )
    ).scalars()
    by_commitment: dict[int, list[Evidence]] = {}
    for evidence in fresh:
        if len(by_commitment) >= MAX_COMMITMENTS_PER_SWEEP and evidence.commitment_id not in by_commitment:
            continue
        by_commitment.setdefault(evidence.commitment_id, []).append(evidence)
    enqueued = 0
    for commitment_id, new in by_commitment.items():
        commitment = await session.get(Commitment, commitment_id)
        if commitment is not None and commitment.archived_at is None:
            try:
                async with session.begin_nested():
                    enqueued += await _tell(
                        session,
                        commitment,
                        new,
                        now=now,
                        render=render,
                        default_language=default_language,
                        default_timezone=default_timezone,
                    )
            except Exception:
                # One commitment's message that cannot be made never holds up the others': it is logged and its
                # progress marked announced below, so the sweep does not fail on it again and again.
                log.exception("announcing new coverage of commitment %s failed; skipped", commitment_id)
        await session.execute(
            update(Evidence)
            .where(Evidence.id.in_([e.id for e in new]))
            .values(announced_at=now)
            .execution_options(synchronize_session=False)
        )
    return enqueued


async def _tell(
    session: AsyncSession,
    commitment: Commitment,
    new: list[Evidence],
    *,
    now: datetime,
    render: Renderer,
    default_language: str,
    default_timezone: str,
) -> int:
    history = list(
        (
            await session.scalars(
                select(Evidence).where(Evidence.commitment_id == commitment.id, Evidence.kind.in_(FIGURE_KINDS))
            )
        ).all()
    )
    titles = dict(
        (
            await session.execute(
                select(Article.id, Article.title).where(Article.id.in_([e.article_id for e in new if e.article_id]))
            )
        ).all()
    )
    # The card's arithmetic: figures in the target's unit, the baseline counted.
    points, _ = progress_points(commitment, history)
    news = CoverageNews(
        commitment_id=commitment.id,
        subject=commitment.subject,
        target=progress_goal(commitment),
        deadline=commitment.deadline,
        points=tuple(
            NewPoint(e.quote or "", e.value, e.unit, e.as_of, e.growth_percent, e.source_url, titles.get(e.article_id))
            for e in new
        ),
        assessment=assessment_for(commitment, points, today=local_date(now, commitment.timezone)) if points else None,
    )
    milestone = f"coverage:{new[0].id}"
    # Rendered once per language, however many batches of followers read it.
    text = cache(lambda language: render(language, news))
    enqueued = 0
    async for followers in followers_of(session, commitment):
        # Followers due at the same moment, held or not, share one row but for the chat.
        groups: dict[tuple[datetime, DeliveryState], list[int]] = {}
        for follower in followers:
            timezone = follower.timezone or default_timezone
            due = after_quiet_hours(now, timezone, follower.quiet_start, follower.quiet_end)
            held = (follower.digest or DigestMode.INSTANT) is not DigestMode.INSTANT
            groups.setdefault((due, DeliveryState.HELD if held else DeliveryState.PENDING), []).append(follower.chat_id)
        for (due, state), chat_ids in groups.items():
            owed = Owed(kind=KIND, milestone=milestone, text=text, due_at=due, commitment_id=commitment.id, state=state)
            enqueued += await owe(session, owed, chat_ids, now=now, default_language=default_language)
    return enqueued
