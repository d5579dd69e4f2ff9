"""Telling followers about what admins did (a new commitment, a moved target) and broadcasting, via the outbox.

Each message is rendered in the follower's language and written to the outbox in the same transaction as the
change itself; the dispatcher delivers it within Telegram's limits, once per (chat, commitment, kind, milestone).
"""

from __future__ import annotations

import html

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin_render import commitment_line, target_text
from bot.texts import t
from trackers.models import Chat, Commitment, CommitmentRevision
from trackers.outbox import enqueue_many, outbox_row
from trackers.subscriptions import followers_of

DEFAULT_LANGUAGE = "zh"
BROADCAST_BATCH = 2000


async def _fan_out(session: AsyncSession, commitment: Commitment, kind: str, milestone: str, render, now) -> int:
    sent = 0
    texts: dict[str, str] = {}
    async for batch in followers_of(session, commitment):
        rows = []
        for follower in batch:
            language = follower.language or DEFAULT_LANGUAGE
            if language not in texts:
                texts[language] = render(language)
            rows.append(
                outbox_row(
                    chat_id=follower.chat_id,
                    commitment_id=commitment.id,
                    kind=kind,
                    milestone=milestone,
                    text=texts[language],
                    due_at=now,
                    now=now,
                )
            )
        sent += await enqueue_many(session, rows)
    return sent


async def tell_followers_of_new(session: AsyncSession, commitment: Commitment, *, now) -> int:
    """Followers of its tags, place, plan or of everything hear about a new commitment."""
    await session.refresh(commitment, ["tags"])
    return await _fan_out(
        session,
        commitment,
        "new_commitment",
        "new",
        lambda language: t(language, "adm_notice_new", line=commitment_line(language, commitment)),
        now,
    )


async def tell_followers_of_revision(
    session: AsyncSession, commitment: Commitment, revision: CommitmentRevision, *, now
) -> int:
    """A moved target: followers see the old target and the new one."""

    def render(language: str) -> str:
        old, new = revision.old, revision.new
        return t(
            language,
            "adm_notice_revised",
            id=commitment.id,
            subject=html.escape(commitment.subject),
            old=target_text(language, old.get("comparator"), old.get("value"), old.get("unit")),
            old_deadline=old.get("deadline") or "—",
            new=target_text(language, new.get("comparator"), new.get("value"), new.get("unit")),
            new_deadline=new.get("deadline") or "—",
        )

    return await _fan_out(session, commitment, "target_revised", f"revision:{revision.id}", render, now)


async def broadcast(session: AsyncSession, text: str, *, milestone: str, now) -> int:
    """One message to every active chat, streamed in batches."""
    result = await session.stream(
        select(Chat.id).where(Chat.active.is_(True)).order_by(Chat.id).execution_options(yield_per=BROADCAST_BATCH)
    )
    queued = 0
    async for rows in result.partitions(BROADCAST_BATCH):
        queued += await enqueue_many(
            session,
            [
                outbox_row(
                    chat_id=chat_id,
                    commitment_id=None,
                    kind="broadcast",
                    milestone=milestone,
                    text=text,
                    due_at=now,
                    now=now,
                )
                for (chat_id,) in rows
            ],
        )
    return queued
