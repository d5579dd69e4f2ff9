"""A chat's row on first contact and after: created once with what the update said, found again unchanged,
reactivated when a chat that had blocked the bot writes again, and changed like any row the session loaded. The
same on SQLite and PostgreSQL, where the row is read or inserted by one statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from trackers.models import Chat
from trackers.people.chats import block_chat, get_or_create_chat, move_chat, set_language

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3)


async def test_first_contact_creates_the_row_and_later_ones_find_it(sessions):
    async with sessions.begin() as session:
        chat = await get_or_create_chat(session, -100123, type="supergroup", title="编辑部", now=NOW)
        assert (chat.id, chat.type, chat.title, chat.active) == (-100123, "supergroup", "编辑部", True)
        assert chat.language is None
        # Changed in the transaction that created it: written with it.
        await set_language(session, chat, "en", now=NOW)
    async with sessions.begin() as session:
        again = await get_or_create_chat(session, -100123, type="supergroup", title="编辑部", now=LATER)
        assert (again.language, again.created_at, again.updated_at) == ("en", NOW, NOW)  # nothing new: not rewritten
        assert await session.scalar(select(func.count()).select_from(Chat)) == 1


async def test_a_chat_that_blocked_the_bot_is_active_again_when_it_writes(sessions):
    async with sessions.begin() as session:
        await get_or_create_chat(session, 42, type="private", title=None, now=NOW, telegram_language="zh")
        await block_chat(session, 42, "Forbidden: bot was blocked by the user", now=NOW)
    async with sessions.begin() as session:
        chat = await get_or_create_chat(session, 42, type="private", title=None, now=LATER, telegram_language="en")
    async with sessions.begin() as session:
        stored = await session.get(Chat, 42)
        assert (stored.active, stored.inactive_reason, stored.telegram_language) == (True, None, "en")
        assert (stored.created_at, stored.updated_at) == (NOW, LATER)
    assert chat.active


async def test_a_group_renamed_keeps_its_row_under_the_new_title(sessions):
    async with sessions.begin() as session:
        await get_or_create_chat(session, -5, type="group", title="旧名", now=NOW)
    async with sessions.begin() as session:
        await get_or_create_chat(session, -5, type="group", title="新名 <b>", now=LATER)
    async with sessions.begin() as session:
        assert (await session.get(Chat, -5)).title == "新名 <b>"


async def test_a_supergroup_whose_row_its_first_update_wrote_keeps_what_the_group_chose(sessions):
    async with sessions.begin() as session:
        group = await get_or_create_chat(session, -5001, type="group", title="编辑部", now=NOW)
        await set_language(session, group, "en", now=NOW)
        group.timezone = "Asia/Shanghai"
    async with sessions.begin() as session:
        await get_or_create_chat(session, -1005001, type="supergroup", title="编辑部", now=LATER)
        await move_chat(session, -5001, -1005001, now=LATER)
    async with sessions.begin() as session:
        old, new = await session.get(Chat, -5001), await session.get(Chat, -1005001)
        assert (new.language, new.timezone, new.active) == ("en", "Asia/Shanghai", True)
        assert (old.active, old.inactive_reason) == (False, "migrated to -1005001")
