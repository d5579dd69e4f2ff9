"""How worker processes share the update log on PostgreSQL (trackers.runtime.claims)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from trackers.models import ProcessedUpdate
from trackers.runtime.claims import (
    chats_waiting,
    slot_of,
    take_chatless,
    take_next,
    try_lock_chat,
    unlock_chat,
)
from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.updates import mark_done, record_updates

pytestmark = pytest.mark.postgres
BOT = 7
RECEIVED = datetime(2026, 1, 1, tzinfo=UTC)
# Update id -> chat: chat 10 (slot 1 of 3), chat -12 (slot 0 of 3: Python's modulo, as the SQL computes it), chat
# 11 (slot 2), and one update without a chat.
CHATS = {1: 10, 2: -12, 3: 10, 4: 11, 5: None, 6: 10}


@pytest.fixture
async def engine(migrated_postgres_url):
    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        updates = [(update_id, f'{{"update_id": {update_id}}}') for update_id in CHATS]
        await record_updates(session, BOT, updates, now=RECEIVED, chats=CHATS)
        await record_updates(session, BOT + 1, [(9, "{}")], now=RECEIVED, chats={9: 10})  # another bot's
    yield engine
    await engine.dispose()


async def _autocommit(engine):
    connection = await engine.connect()
    return await connection.execution_options(isolation_level="AUTOCOMMIT")


async def test_a_worker_sees_its_own_chats_at_once_and_the_others_once_they_wait_too_long(engine):
    assert slot_of(-12, 3) == 0
    connection = await _autocommit(engine)
    try:
        fresh = RECEIVED - timedelta(seconds=1)  # nothing has waited long enough to be taken over
        assert await chats_waiting(connection, BOT, slot=1, slots=3, stale_before=fresh, limit=10) == [10]
        assert await chats_waiting(connection, BOT, slot=0, slots=3, stale_before=fresh, limit=10) == [-12]
        # Oldest waiting first, whoever's they are.
        late = RECEIVED + timedelta(seconds=1)
        assert await chats_waiting(connection, BOT, slot=0, slots=3, stale_before=late, limit=10) == [10, -12, 11]
        assert await chats_waiting(connection, BOT, slot=0, slots=1, stale_before=fresh, limit=2) == [10, -12]
    finally:
        await connection.close()


async def test_a_chat_is_one_workers_turn_until_it_lets_go_or_its_connection_dies(engine):
    first, second = await _autocommit(engine), await _autocommit(engine)
    try:
        assert await try_lock_chat(first, BOT, 10)
        assert not await try_lock_chat(second, BOT, 10)
        assert await try_lock_chat(second, BOT, 11)  # another chat is free
        assert await try_lock_chat(second, BOT + 1, 10)  # the same chat of another bot too
        await unlock_chat(first, BOT, 10)
        assert await try_lock_chat(second, BOT, 10)
        await second.invalidate()  # its connection closes, as a killed worker's does
        assert await try_lock_chat(first, BOT, 10)
    finally:
        await first.close()


async def test_a_chats_updates_are_taken_in_order_each_take_counting_an_attempt(engine):
    connection = await _autocommit(engine)
    try:
        now = RECEIVED + timedelta(seconds=5)
        taken = await take_next(connection, BOT, 10, after=0, now=now)
        assert (taken.update_id, taken.attempts) == (1, 1)
        async with create_sessionmaker(engine).begin() as session:
            await mark_done(session, BOT, [1], now=now)
        # Update 3 next; what this turn already took (up to `after`) is not taken again while its mark is on its way.
        assert (await take_next(connection, BOT, 10, after=0, now=now)).update_id == 3
        assert (await take_next(connection, BOT, 10, after=3, now=now)).update_id == 6
        assert await take_next(connection, BOT, 10, after=6, now=now) is None
        # Taken again after a crash: a second attempt.
        assert (await take_next(connection, BOT, 10, after=0, now=now)).attempts == 2
    finally:
        await connection.close()


async def test_an_update_without_a_chat_is_leased_to_one_worker(engine):
    connection = await _autocommit(engine)
    try:
        now = RECEIVED + timedelta(seconds=5)
        taken = await take_chatless(connection, BOT, lease_before=now - timedelta(minutes=2), now=now)
        assert (taken.update_id, taken.attempts) == (5, 1)
        assert await take_chatless(connection, BOT, lease_before=now - timedelta(minutes=2), now=now) is None
        later = now + timedelta(minutes=3)  # its worker never finished it
        assert (
            await take_chatless(connection, BOT, lease_before=later - timedelta(minutes=2), now=later)
        ).attempts == 2
        async with create_sessionmaker(engine)() as session:
            chats = dict((await session.execute(select(ProcessedUpdate.update_id, ProcessedUpdate.chat_id))).all())
        assert chats == CHATS | {9: 10}
    finally:
        await connection.close()
