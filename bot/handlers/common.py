"""What most handlers need: now, the chat's row and the language to answer in."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import Context
from bot.texts import language_from_telegram
from trackers.chats import get_or_create_chat
from trackers.models import Chat


def utcnow() -> datetime:
    return datetime.now(UTC)


async def current_chat(session: AsyncSession, update: Update) -> Chat:
    chat = update.effective_chat
    return await get_or_create_chat(session, chat.id, type=chat.type, title=chat.title, now=utcnow())


def language_for(chat: Chat | None, update: Update, context: Context) -> str:
    """The chat's own choice, else the user's Telegram language when we speak it, else the default."""
    if chat is not None and chat.language:
        return chat.language
    user = update.effective_user
    return language_from_telegram(user.language_code if user else None) or context.bot_data.settings.bot.language
