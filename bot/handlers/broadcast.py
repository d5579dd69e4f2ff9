"""/broadcast (owners) to every active chat through the outbox, and /stats for admins."""

from __future__ import annotations

import html

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.followers import broadcast as enqueue_broadcast
from bot.handlers.turn import Turn, admit
from bot.render.stats import stats_text
from bot.texts import t
from trackers.commitments.editing import count_by_status
from trackers.coverage.review import pending_count
from trackers.models import Article, Chat, Subscription
from trackers.people.admins import Role
from trackers.runtime.audit import record
from trackers.runtime.clock import utcnow


async def broadcast(update: Update, context: Context) -> None:
    """/broadcast TEXT: one message to every active chat (owners only)."""
    message = update.effective_message.text or ""
    text = message.partition(" ")[2].strip()
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "broadcast", need=Role.OWNER) and text:
            now = utcnow()
            entry = await record(
                turn.session, actor_id=turn.user_id, action="broadcast", now=now, detail={"text": text[:500]}
            )
            # The owner's words are shown as typed, never read as markup.
            queued = await enqueue_broadcast(
                turn.session,
                html.escape(text),
                milestone=f"broadcast:{entry.id}",
                now=now,
                default_language=turn.settings.bot.language,
            )
    if turn.refused:
        return
    if not text:
        await update.effective_message.reply_text(t(turn.language, "adm_broadcast_usage"))
    else:
        await update.effective_message.reply_text(t(turn.language, "adm_broadcast_queued", chats=queued))


async def stats(update: Update, context: Context) -> None:
    """/stats: commitments by status, chats, follows, articles, pending reviews."""
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "stats"):
            session = turn.session
            by_status = await count_by_status(session)
            chats = await session.scalar(select(func.count()).select_from(Chat).where(Chat.active.is_(True)))
            follows = await session.scalar(select(func.count()).select_from(Subscription))
            articles = await session.scalar(select(func.count()).select_from(Article))
            pending = await pending_count(session)
    if turn.refused:
        return
    await update.effective_message.reply_text(
        stats_text(
            turn.language, by_status, chats=chats or 0, follows=follows or 0, articles=articles or 0, pending=pending
        )
    )


HANDLERS = [CommandHandler("broadcast", broadcast), CommandHandler("stats", stats)]
