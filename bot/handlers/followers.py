"""Telling followers about what admins did (a new commitment, a moved target) and broadcasting, via the outbox.

Each message is written to the outbox (trackers.notifications.outbox.owe) in the same transaction as the change
itself, in the language each chat reads; the dispatcher delivers it within Telegram's limits, once per (chat,
commitment, kind, milestone).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render.notices import archived_text, new_commitment_text, revised_text, status_text, verdict_text
from trackers.models import Article, Chat, Commitment, CommitmentRevision, Evidence, ReviewItem
from trackers.notifications.outbox import Owed, owe
from trackers.people.follows import followers_of

BROADCAST_BATCH = 2000


async def _fan_out(
    session: AsyncSession,
    commitment: Commitment,
    kind: str,
    milestone: str,
    text: Callable[[str], str],
    *,
    now: datetime,
    default_language: str,
) -> int:
    # `cache`: rendered once per language, however many batches of followers read it.
    owed = Owed(kind=kind, milestone=milestone, text=cache(text), due_at=now, commitment_id=commitment.id)
    queued = 0
    async for batch in followers_of(session, commitment):
        queued += await owe(session, owed, [f.chat_id for f in batch], now=now, default_language=default_language)
    return queued


async def tell_followers_of_new(
    session: AsyncSession, commitment: Commitment, *, now: datetime, default_language: str
) -> int:
    """Followers of its tags, place, plan or of everything hear about a new commitment."""
    await session.refresh(commitment, ["tags"])
    return await _fan_out(
        session,
        commitment,
        "new_commitment",
        "new",
        lambda language: new_commitment_text(language, commitment),
        now=now,
        default_language=default_language,
    )


async def tell_followers_of_revision(
    session: AsyncSession,
    commitment: Commitment,
    revision: CommitmentRevision,
    *,
    now: datetime,
    default_language: str,
) -> int:
    """A moved target: followers see the old target and the new one."""
    return await _fan_out(
        session,
        commitment,
        "target_revised",
        f"revision:{revision.id}",
        lambda language: revised_text(language, commitment, revision),
        now=now,
        default_language=default_language,
    )


async def tell_followers_of_verdict(
    session: AsyncSession, item: ReviewItem, *, now: datetime, default_language: str
) -> int:
    """A suggested verdict an admin confirmed: each follower hears of it once, with the figure and its source."""
    commitment = await session.get(Commitment, item.result_commitment_id)
    article = await session.get(Article, item.article_id)
    return await _fan_out(
        session,
        commitment,
        "verdict",
        f"verdict:{item.id}",
        lambda language: verdict_text(language, commitment, item.data, article),
        now=now,
        default_language=default_language,
    )


async def tell_followers_of_archive(
    session: AsyncSession, commitment: Commitment, *, now: datetime, default_language: str
) -> int:
    """A commitment taken out of the lists: its followers know why it no longer shows (their follows stay)."""
    return await _fan_out(
        session,
        commitment,
        "archived",
        "archived",
        lambda language: archived_text(language, commitment),
        now=now,
        default_language=default_language,
    )


async def tell_followers_of_status(
    session: AsyncSession, commitment: Commitment, evidence: Evidence | None, *, now: datetime, default_language: str
) -> int:
    """A status an admin set (/setstatus): each follower hears of it once, with its evidence."""
    return await _fan_out(
        session,
        commitment,
        "status",
        f"status:{commitment.status}:{now.isoformat()}",
        lambda language: status_text(language, commitment, evidence),
        now=now,
        default_language=default_language,
    )


async def broadcast(session: AsyncSession, text: str, *, milestone: str, now: datetime, default_language: str) -> int:
    """One message (the owner's words, in whatever language they wrote) to every active chat, in batches."""
    owed = Owed(kind="broadcast", milestone=milestone, text=lambda _language: text, due_at=now)
    result = await session.stream(
        select(Chat.id).where(Chat.active.is_(True)).order_by(Chat.id).execution_options(yield_per=BROADCAST_BATCH)
    )
    queued = 0
    async for rows in result.partitions(BROADCAST_BATCH):
        queued += await owe(session, owed, [chat_id for (chat_id,) in rows], now=now, default_language=default_language)
    return queued
