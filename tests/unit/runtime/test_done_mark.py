"""A turn's first statement carries its update's done mark on PostgreSQL (bot.update_log.mark_to_carry): the update
is done exactly when the turn's effects commit, a worker's turn on an update handled elsewhere commits nothing, and
on SQLite the commit marks it as before."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from telegram import Chat as TelegramChat
from telegram import Message, Update, User

from bot.app import build_application
from bot.context import Context
from bot.handlers.turn import language_of
from bot.running import throwaway_token
from bot.settings import load_settings
from bot.update_log import UpdateHandledElsewhere, UpdateLog, carried, mark_to_carry
from bot.waits import Waits
from trackers.models import Chat, ProcessedUpdate
from trackers.people.chats import get_or_create_chat
from trackers.people.conversations import wait_for, waiting_for
from trackers.runtime.updates import mark_done, record_updates

BOT = 7
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


async def _stored(sessions, *update_ids: int) -> None:
    async with sessions.begin() as session:
        await record_updates(session, BOT, [(update_id, "{}") for update_id in update_ids], now=NOW)


async def _done_at(sessions, update_id: int) -> datetime | None:
    async with sessions() as session:
        return await session.scalar(
            select(ProcessedUpdate.done_at).where(ProcessedUpdate.bot_id == BOT, ProcessedUpdate.update_id == update_id)
        )


async def _turn(sessions, chat_id: int, *, fail: bool = False):
    """What Turn.begin does with the chat's row and the mark, then the handler's effect (the chat's language)."""
    async with sessions.begin() as session:
        mark = mark_to_carry(session)
        chat = await get_or_create_chat(session, chat_id, type="private", title=None, now=NOW, mark=mark)
        if mark is not None:
            carried(session, mark)
        chat.language = "en"
        if fail:
            raise RuntimeError("the handler failed")
    return mark


async def _languages(sessions) -> dict[int, str | None]:
    async with sessions() as session:
        return dict((await session.execute(select(Chat.id, Chat.language))).all())


async def test_the_turn_marks_its_update_done_with_its_effects(sessions):
    log = UpdateLog(role="all")
    log.open(sessions, BOT)
    await _stored(sessions, 1, 2, 3)
    on_postgresql = sessions.kw["bind"].dialect.name == "postgresql"

    handling = log.handling(Update(1))
    mark = await _turn(sessions, 100)
    # PostgreSQL: carried by the chat's statement; SQLite: the commit's own statement marked it.
    assert (mark is not None and mark.marked) if on_postgresql else (mark is None or mark.marked is None)
    assert handling.marked and await _done_at(sessions, 1) is not None

    # A turn that fails rolls its mark back with its effects: the update is still to be handled.
    handling = log.handling(Update(2))
    with pytest.raises(RuntimeError):
        await _turn(sessions, 200, fail=True)
    assert not handling.marked and await _done_at(sessions, 2) is None
    # The next turn of the same update (a handler that goes on after the failure) carries it.
    await _turn(sessions, 200)
    assert handling.marked and await _done_at(sessions, 2) is not None

    # A second turn of an update already marked carries nothing.
    handling = log.handling(Update(3))
    await _turn(sessions, 300)
    async with sessions.begin() as session:
        assert mark_to_carry(session) is None
    assert await _languages(sessions) == {100: "en", 200: "en", 300: "en"}
    await log.close()


@pytest.mark.postgres
async def test_a_workers_turn_on_an_update_done_elsewhere_commits_nothing(migrated_postgres_url):
    from trackers.runtime.db import create_engine, create_sessionmaker

    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    log = UpdateLog(role="worker")
    log.open(sessions, BOT)
    try:
        await _stored(sessions, 5)
        async with sessions.begin() as session:
            await mark_done(session, BOT, [5], now=NOW)  # another worker handled it meanwhile
        log.handling(Update(5))
        with pytest.raises(UpdateHandledElsewhere):
            await _turn(sessions, 500)
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Chat)) == 0  # the new chat rolled back
        assert await _done_at(sessions, 5) == NOW  # the other worker's mark stands
    finally:
        await log.close()
        await engine.dispose()


def _start(update_id: int, chat_id: int) -> Update:
    """/start from a user whose Telegram speaks English, in their private chat."""
    user = User(chat_id, "User", False, language_code="en")
    chat = TelegramChat(chat_id, "private")
    return Update(update_id, message=Message(update_id, NOW, chat, from_user=user, text="/start"))


@pytest.fixture
async def worker_turns(migrated_postgres_url):
    """A worker's sessions, a handler's context and its update log on a fresh PostgreSQL database."""
    from trackers.runtime.db import create_engine, create_sessionmaker

    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    settings = load_settings(environ={}).with_changes(database={"url": migrated_postgres_url})
    application = build_application(settings, token=throwaway_token(), role="worker")
    application.bot_data.engine, application.bot_data.sessionmaker = engine, sessions
    application.bot_data.waits = Waits(engine)
    log = UpdateLog(role="worker")
    log.open(sessions, BOT)
    yield sessions, Context(application), log
    await log.close()
    await engine.dispose()


@pytest.mark.postgres
async def test_a_turn_that_only_reads_its_chat_is_one_statement_with_its_mark(worker_turns):
    # language_of (/start, the fallbacks, menus): the chat's statement is the turn's whole effect, committed on
    # its own with the update's mark, and stops a worker whose update was handled elsewhere, as a turn does.
    sessions, context, log = worker_turns
    await _stored(sessions, 6, 7, 8)
    handling = log.handling(_start(6, 600))
    assert await language_of(_start(6, 600), context) == "en"  # the user's Telegram language
    assert handling.marked and await _done_at(sessions, 6) is not None
    async with sessions() as session:
        chat = await session.get(Chat, 600)
    assert (chat.telegram_language, chat.active) == ("en", True)

    # The chat's own choice wins over its user's Telegram language, and a chat that had gone is back.
    async with sessions.begin() as session:
        chat = await session.get(Chat, 600)
        chat.language, chat.active, chat.inactive_reason = "zh", False, "blocked"
        # The user had left a guided /add open: the command ends it, in the same statement.
        await wait_for(session, 600, 600, "add", "target", {}, now=NOW)
    handling = log.handling(_start(8, 600))
    await context.bot_data.waits.end(600, 600, "add")
    assert await language_of(_start(8, 600), context) == "zh"
    assert handling.marked and await _done_at(sessions, 8) is not None
    assert context.bot_data.waits.to_carry(600) is None  # carried
    async with sessions() as session:
        assert await waiting_for(session, 600, 600, now=NOW) is None
    async with sessions() as session:
        chat = await session.get(Chat, 600)
    assert (chat.active, chat.inactive_reason) == (True, None)

    async with sessions.begin() as session:
        await mark_done(session, BOT, [7], now=NOW)  # another worker handled it meanwhile
    log.handling(_start(7, 700))
    with pytest.raises(UpdateHandledElsewhere):
        await language_of(_start(7, 700), context)
    assert await _done_at(sessions, 7) == NOW  # the other worker's mark stands


@pytest.mark.postgres
async def test_a_chat_inserted_by_another_instance_meanwhile_is_read_anew(worker_turns):
    # Another instance inserts the same new chat while the statement runs: the statement waits for it, finds the
    # row there and unchanged, and its snapshot, older, does not show it. The turn reads it again.
    sessions, context, log = worker_turns
    await _stored(sessions, 9)
    other = sessions()
    await get_or_create_chat(other, 900, type="private", title=None, now=NOW, telegram_language="en")
    (await other.get(Chat, 900)).language = "zh"
    await other.flush()

    async def handle():  # in a task of its own: the other session's commit must not mark update 9
        return log.handling(_start(9, 900)), await language_of(_start(9, 900), context)

    turn = asyncio.create_task(handle())
    async with asyncio.timeout(10):
        while not await _waiting_for_a_lock(sessions):  # noqa: ASYNC110 - the server's wait: no event to await
            await asyncio.sleep(0.01)
    await other.commit()
    await other.close()
    handling, language = await turn
    assert language == "zh"  # the other instance's row, read anew
    assert handling.marked and await _done_at(sessions, 9) is not None


async def _waiting_for_a_lock(sessions) -> bool:
    async with sessions() as session:
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(await session.scalar(waiting))
