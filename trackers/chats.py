"""Chats the bot talks to, and what each has chosen (language, time zone)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import Chat


async def get_or_create_chat(
    session: AsyncSession, chat_id: int, *, type: str, title: str | None, now: datetime
) -> Chat:
    """The chat's row, created on first contact; a chat that had gone inactive is active again once it writes."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, type=type, title=title, active=True, created_at=now, updated_at=now)
        session.add(chat)
        await session.flush()
    elif not chat.active or chat.title != title:
        chat.active, chat.inactive_reason, chat.title, chat.updated_at = True, None, title, now
    return chat


async def set_language(session: AsyncSession, chat: Chat, language: str, *, now: datetime) -> None:
    chat.language = language
    chat.updated_at = now
