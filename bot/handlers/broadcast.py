"""/broadcast (owners) to every active chat through the outbox, and /stats for admins."""

from __future__ import annotations

import html

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.admin_gate import admit, refuse
from bot.handlers.common import current_chat, language_for
from bot.handlers.followers import broadcast as enqueue_broadcast
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
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "broadcast", need=Role.OWNER)
        if allowed and text:
            now = utcnow()
            entry = await record(
                session, actor_id=update.effective_user.id, action="broadcast", now=now, detail={"text": text[:500]}
            )
            # The owner's words are shown as typed, never read as markup.
            queued = await enqueue_broadcast(
                session,
                html.escape(text),
                milestone=f"broadcast:{entry.id}",
                now=now,
                default_language=context.bot_data.settings.bot.language,
            )
    if not allowed:
        await refuse(update, language, need=Role.OWNER)
    elif not text:
        await update.effective_message.reply_text(t(language, "adm_broadcast_usage"))
    else:
        await update.effective_message.reply_text(t(language, "adm_broadcast_queued", chats=queued))


async def stats(update: Update, context: Context) -> None:
    """/stats: commitments by status, chats, follows, articles, pending reviews."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "stats")
        if allowed:
            by_status = await count_by_status(session)
            chats = await session.scalar(select(func.count()).select_from(Chat).where(Chat.active.is_(True)))
            follows = await session.scalar(select(func.count()).select_from(Subscription))
            articles = await session.scalar(select(func.count()).select_from(Article))
            pending = await pending_count(session)
    if not allowed:
        await refuse(update, language)
        return
    statuses = (
        "\n".join(f"  {t(language, f'status_{status}')}: {count}" for status, count in sorted(by_status.items()))
        or "  —"
    )
    await update.effective_message.reply_text(
        t(
            language,
            "adm_stats",
            total=sum(by_status.values()),
            statuses=statuses,
            chats=chats or 0,
            follows=follows or 0,
            articles=articles or 0,
            pending=pending,
        )
    )


HANDLERS = [CommandHandler("broadcast", broadcast), CommandHandler("stats", stats)]
