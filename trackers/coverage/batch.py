"""Deciding a document's cards together: a group of targets in one press, all its suggested verdicts at once, and
a repeated commitment merged into the one already tracked.

Each card is still decided by trackers/coverage/review.py, so one press does exactly what pressing Confirm on every
card would: the same commitments, the same evidence, the same audit lines.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.coverage.review import COMMITMENT, PLAN, VERDICT, AlreadyDecided, confirm_item, get_item
from trackers.coverage.summary import ANSWER_KINDS, TARGET_KINDS
from trackers.errors import UnknownCommitment
from trackers.models import Article, Commitment, Evidence, EvidenceKind, ReviewItem, ReviewState
from trackers.runtime.audit import record


async def pending_in_group(session: AsyncSession, article_id: int, group: str) -> list[ReviewItem]:
    """The group's target cards still waiting, plans first (their commitments become their children)."""
    rows = await session.scalars(
        select(ReviewItem)
        .where(
            ReviewItem.article_id == article_id,
            ReviewItem.kind.in_(TARGET_KINDS),
            ReviewItem.state == ReviewState.PENDING,
        )
        .order_by(ReviewItem.id)
    )
    items = [item for item in rows.all() if item.data.get("group") == group]
    return sorted(items, key=lambda item: (item.kind != PLAN, item.id))


async def pending_answers(session: AsyncSession, article_id: int) -> list[ReviewItem]:
    """The document's cards that answer a tracked commitment and still wait: verdicts first."""
    rows = await session.scalars(
        select(ReviewItem)
        .where(
            ReviewItem.article_id == article_id,
            ReviewItem.kind.in_(ANSWER_KINDS),
            ReviewItem.state == ReviewState.PENDING,
        )
        .order_by(ReviewItem.id)
    )
    return sorted(rows.all(), key=lambda item: (item.kind != VERDICT, item.id))


async def confirm_group(
    session: AsyncSession, article_id: int, group: str, *, actor_id: int, now: datetime, timezone: str
) -> tuple[list[ReviewItem], int]:
    """Confirm every waiting card of the group but the duplicates, which an admin decides one by one: the cards
    confirmed, and how many duplicates were left."""
    confirmed, left = [], 0
    for item in await pending_in_group(session, article_id, group):
        if item.data.get("duplicate_of"):
            left += 1
            continue
        confirmed.append(await confirm_item(session, item.id, actor_id=actor_id, now=now, timezone=timezone))
    return confirmed, left


async def confirm_verdicts(
    session: AsyncSession, article_id: int, *, actor_id: int, now: datetime, timezone: str
) -> list[ReviewItem]:
    """Confirm every suggested verdict of the document still waiting (progress cards stay for one by one)."""
    return [
        await confirm_item(session, item.id, actor_id=actor_id, now=now, timezone=timezone)
        for item in await pending_answers(session, article_id)
        if item.kind == VERDICT
    ]


async def merge_item(session: AsyncSession, item_id: int, *, actor_id: int, now: datetime) -> ReviewItem:
    """A repeated commitment: its article becomes one more source of the commitment already tracked (an official
    statement, with the quote), instead of a second copy."""
    item = await get_item(session, item_id)
    if item.state != ReviewState.PENDING:
        raise AlreadyDecided(item)
    target = item.data.get("duplicate_of")
    if item.kind not in (COMMITMENT, PLAN) or not target:
        raise UnknownCommitment(target or "—")
    if await session.get(Commitment, target) is None:
        raise UnknownCommitment(target)
    article = await session.get(Article, item.article_id)
    evidence = Evidence(
        commitment_id=target,
        kind=EvidenceKind.OFFICIAL_CLAIM,
        quote=item.data.get("quote"),
        source_url=article.canonical_url if article else None,
        article_id=item.article_id,
        as_of=article.published if article else None,
        recorded_by=actor_id,
        recorded_at=now,
    )
    session.add(evidence)
    await session.flush()
    item.state, item.decided_at, item.decided_by = ReviewState.CONFIRMED, now, actor_id
    item.result_commitment_id, item.result_evidence_id = target, evidence.id
    await record(session, actor_id=actor_id, action="review_merge", target=f"review:{item_id}", now=now)
    await session.flush()
    return item
