"""The outbox's one way in, on SQLite and PostgreSQL: each chat's row is written in the language it reads, once,
and a chat that blocked the bot gets its row recorded as blocked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from trackers.models import Chat, DeliveryState, Notification
from trackers.notifications.outbox import Owed, owe
from trackers.people.chats import get_or_create_chat

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
TEXTS = {"zh": "你好", "en": "Hello"}


async def test_each_chat_reads_the_message_in_its_own_language_and_gets_it_once(sessions):
    asked: list[str] = []

    def hello(language: str) -> str:
        asked.append(language)
        return TEXTS[language]

    async with sessions.begin() as session:
        # Seen from their users' Telegram languages (None: one the bot does not speak), as the handlers record them.
        await get_or_create_chat(session, 1, type="private", title=None, now=NOW, telegram_language="en")
        await get_or_create_chat(session, 2, type="private", title=None, now=NOW, telegram_language="en")
        await get_or_create_chat(session, 3, type="private", title=None, now=NOW, telegram_language=None)
        await get_or_create_chat(session, 4, type="private", title=None, now=NOW, telegram_language="zh")
        (await session.get(Chat, 2)).language = "zh"  # /lang zh
        blocked = await session.get(Chat, 4)
        blocked.active, blocked.inactive_reason = False, "Forbidden: bot was blocked by the user"
        owed = Owed(kind="broadcast", milestone="b:1", text=hello, due_at=NOW)
        # Chat 5 has never written: it reads the default.
        assert await owe(session, owed, [1, 2, 3, 4, 5], now=NOW, default_language="en") == 5
        assert await owe(session, owed, [1, 2, 3, 4, 5], now=NOW, default_language="en") == 0
        rows = {row.chat_id: row for row in await session.scalars(select(Notification))}
    assert {chat: row.text for chat, row in rows.items()} == {1: "Hello", 2: "你好", 3: "Hello", 4: "你好", 5: "Hello"}
    assert sorted(set(asked)) == ["en", "zh"] and len(asked) == 4  # once per language per call
    assert rows[4].state is DeliveryState.BLOCKED and "blocked by the user" in rows[4].last_error
    assert {rows[chat].state for chat in (1, 2, 3, 5)} == {DeliveryState.PENDING}


async def test_a_message_without_a_text_is_refused(sessions):
    async with sessions.begin() as session:
        with pytest.raises(ValueError, match="needs a text"):
            await owe(
                session,
                Owed(kind="t", milestone="m", text=lambda _: " ", due_at=NOW),
                [1],
                now=NOW,
                default_language="zh",
            )
