"""Chats the bot talks to, what each has chosen (language, time zone), and the language each reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import Chat


def reading_language(chosen: str | None, telegram: str | None, default: str) -> str:
    """The language a chat reads: its own choice (/lang), else its user's Telegram language when we speak it
    (`telegram`: one of ours, or None), else `default` (the bot.language setting).

    The one rule: the handlers answer with it and the outbox writes with it."""
    return chosen or telegram or default


async def get_or_create_chat(
    session: AsyncSession,
    chat_id: int,
    *,
    type: str,
    title: str | None,
    now: datetime,
    telegram_language: str | None = None,
) -> Chat:
    """The chat's row, created on first contact; a chat that had gone inactive is active again once it writes.

    `telegram_language`: the Telegram language of the user who wrote, when we speak it; kept on the chat so that
    what the outbox sends later reads as the handlers' answers do (None: not known, what is kept stays). The
    row is written only when something changed."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(
            id=chat_id,
            type=type,
            title=title,
            telegram_language=telegram_language,
            active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(chat)
        await session.flush()
        return chat
    if not chat.active or chat.title != title:
        chat.active, chat.inactive_reason, chat.title, chat.updated_at = True, None, title, now
    if telegram_language is not None and chat.telegram_language != telegram_language:
        chat.telegram_language, chat.updated_at = telegram_language, now
    return chat


async def set_language(session: AsyncSession, chat: Chat, language: str, *, now: datetime) -> None:
    chat.language = language
    chat.updated_at = now
