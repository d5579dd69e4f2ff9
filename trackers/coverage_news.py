"""Telling followers about new coverage: one "new coverage" message per chat and commitment per sweep.

Progress points not yet announced (Evidence.announced_at is NULL: recorded automatically by intake, confirmed from
the review queue, or typed by an admin) are grouped by commitment. Each commitment's followers get one message
holding every new point, with the arithmetic of trackers/progress.py (share of the target, growth needed versus
reported, projection), through the outbox. The outbox key's milestone is the first new point's id, so running the
sweep again (after a crash, on a second instance) adds no copy; the points are marked announced in the same
transaction. Chats on a daily or weekly digest get the message held for it; quiet hours delay it.

The text is rendered by the bot layer (a `Renderer` passed in), in the follower's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import Article, Commitment, DeliveryState, DigestMode, Evidence, EvidenceKind
from trackers.outbox import enqueue_many, outbox_row
from trackers.preferences import after_quiet_hours
from trackers.progress import Assessment, Point, Target, assess, is_rate_unit
from trackers.subscriptions import followers_of

KIND = "coverage"
# Commitments announced per sweep; the rest wait for the next one.
MAX_COMMITMENTS_PER_SWEEP = 200


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
    comparator: str | None
    target_value: float | None
    target_unit: str | None
    deadline: date | None
    points: tuple[NewPoint, ...]
    assessment: Assessment | None


Renderer = Callable[[str, CoverageNews], str]


def _assessment(commitment: Commitment, evidence: list[Evidence]) -> Assessment | None:
    if commitment.value is None:
        return None
    points = [
        Point(as_of=e.as_of, value=e.value, growth_percent=e.growth_percent)
        for e in evidence
        if e.as_of is not None and e.value is not None
    ]
    target = Target(
        value=commitment.value,
        deadline=commitment.deadline,
        comparator=commitment.comparator,
        is_rate=is_rate_unit(commitment.unit),
    )
    return assess(target, points) if points else None


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
            enqueued += await _tell(
                session,
                commitment,
                new,
                now=now,
                render=render,
                default_language=default_language,
                default_timezone=default_timezone,
            )
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
                select(Evidence).where(Evidence.commitment_id == commitment.id, Evidence.kind == EvidenceKind.PROGRESS)
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
    news = CoverageNews(
        commitment_id=commitment.id,
        subject=commitment.subject,
        comparator=str(commitment.comparator) if commitment.comparator else None,
        target_value=commitment.value,
        target_unit=commitment.unit,
        deadline=commitment.deadline,
        points=tuple(
            NewPoint(e.quote or "", e.value, e.unit, e.as_of, e.growth_percent, e.source_url, titles.get(e.article_id))
            for e in new
        ),
        assessment=_assessment(commitment, history),
    )
    milestone = f"coverage:{new[0].id}"
    texts: dict[str, str] = {}
    enqueued = 0
    async for followers in followers_of(session, commitment):
        rows = []
        for follower in followers:
            language = follower.language or default_language
            if language not in texts:
                texts[language] = render(language, news)
            timezone = follower.timezone or default_timezone
            due = after_quiet_hours(now, timezone, follower.quiet_start, follower.quiet_end)
            held = (follower.digest or DigestMode.INSTANT) is not DigestMode.INSTANT
            rows.append(
                outbox_row(
                    chat_id=follower.chat_id,
                    commitment_id=commitment.id,
                    kind=KIND,
                    milestone=milestone,
                    text=texts[language],
                    due_at=due,
                    now=now,
                    state=DeliveryState.HELD if held else DeliveryState.PENDING,
                )
            )
        enqueued += await enqueue_many(session, rows)
    return enqueued
