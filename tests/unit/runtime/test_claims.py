"""How worker processes share the update log on PostgreSQL (trackers.runtime.claims)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.claim_locks import slot_of, try_lock_chat, unlock_chat
from trackers.models import ProcessedUpdate
from trackers.runtime.claims import chats_waiting, take_chatless, take_turns, unlock_chats
from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.prepared import driver_of
from trackers.runtime.updates import mark_done, record_updates

pytestmark = pytest.mark.postgres
BOT = 7
RECEIVED = datetime(2026, 1, 1, tzinfo=UTC)
# Update id -> chat: chat 10 (slot 1 of 3), chat -15 (slot 0 of 3: Python's modulo, as the SQL computes it), chat
# 11 (slot 2), and one update without a chat.
CHATS = {1: 10, 2: -15, 3: 10, 4: 11, 5: None, 6: 10}


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
    assert slot_of(-15, 3) == 0
    connection = await _autocommit(engine)
    driver = await driver_of(connection)
    try:
        fresh = RECEIVED - timedelta(seconds=1)  # nothing has waited long enough to be taken over
        assert await chats_waiting(driver, BOT, slot=1, slots=3, stale_before=fresh, limit=10) == [10]
        assert await chats_waiting(driver, BOT, slot=0, slots=3, stale_before=fresh, limit=10) == [-15]
        # Oldest waiting first, whoever's they are.
        late = RECEIVED + timedelta(seconds=1)
        assert await chats_waiting(driver, BOT, slot=0, slots=3, stale_before=late, limit=10) == [10, -15, 11]
        assert await chats_waiting(driver, BOT, slot=0, slots=1, stale_before=fresh, limit=2) == [10, -15]
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


def turns(driver, *, stale_before, limit, slot=0, slots=3, per_chat=20, holding=(), release=()):
    """A worker's round (take_turns) for BOT, at `stale_before`."""
    return take_turns(
        driver,
        BOT,
        slot=slot,
        slots=slots,
        stale_before=stale_before,
        limit=limit,
        per_chat=per_chat,
        now=stale_before,
        holding=holding,
        release=release,
    )


async def test_waiting_chats_are_locked_in_one_go_and_only_those_returned_stay_locked(engine):
    first, second = await _autocommit(engine), await _autocommit(engine)
    driver = await driver_of(first)
    try:
        late = RECEIVED + timedelta(seconds=1)
        assert await try_lock_chat(second, BOT, -15)  # another worker has this one
        # Three candidates (oldest first: 10, -15, 11); -15 is taken, so 10 and 11 come back, locked.
        locked = await turns(driver, stale_before=late, limit=3)
        assert sorted(locked) == [10, 11]
        assert not await try_lock_chat(second, BOT, 10) and not await try_lock_chat(second, BOT, 11)
        # The LIMIT is applied before any lock is tried: with room for one, only the oldest is locked.
        await unlock_chats(driver, BOT, locked)
        assert list(await turns(driver, stale_before=late, limit=1)) == [10]
        assert await try_lock_chat(second, BOT, 11)  # was never locked by the limited round
        # What a worker already holds is left out.
        assert await turns(driver, stale_before=late, limit=3, holding=[10]) == {}
    finally:
        await first.close()
        await second.close()


async def test_a_round_lets_go_of_finished_chats_and_may_take_one_of_them_again(engine):
    first, second = await _autocommit(engine), await _autocommit(engine)
    driver = await driver_of(first)
    try:
        late = RECEIVED + timedelta(seconds=1)
        assert sorted(await turns(driver, stale_before=late, limit=2)) == [-15, 10]
        async with create_sessionmaker(engine).begin() as session:
            await mark_done(session, BOT, [2], now=late)  # -15 has nothing left; 10 still has updates 1, 3, 6
        # Both turns are given up and the waiting chats locked in one statement: 10 again (held once, not twice)
        # and 11; -15 is free for any worker.
        locked = await turns(driver, stale_before=late, limit=3, release=[10, -15])
        assert {chat: [t.update_id for t in taken] for chat, taken in locked.items()} == {10: [1, 3, 6], 11: [4]}
        assert await try_lock_chat(second, BOT, -15)
        assert not await try_lock_chat(second, BOT, 10)
        await unlock_chats(driver, BOT, [10])
        assert await try_lock_chat(second, BOT, 10)  # one unlock frees it: it was held once
        # With nothing it can lock (slot 1's chat 10 is the other connection's), a round still lets go.
        assert await turns(driver, stale_before=RECEIVED, limit=1, slot=1, release=[11]) == {}
        assert await try_lock_chat(second, BOT, 11)
    finally:
        await first.close()
        await second.close()


async def test_a_chats_updates_are_taken_in_order_and_only_the_first_counts_an_attempt(engine):
    connection = await _autocommit(engine)
    driver = await driver_of(connection)
    try:
        now = RECEIVED + timedelta(seconds=5)
        taken = await turns(driver, stale_before=now, limit=10, slots=1, per_chat=2)
        assert {chat: [(t.update_id, t.attempts) for t in updates] for chat, updates in taken.items()} == {
            10: [(1, 1), (3, 0)],
            -15: [(2, 1)],
            11: [(4, 1)],
        }
        async with create_sessionmaker(engine).begin() as session:
            await mark_done(session, BOT, [1, 2, 4], now=now)
        # The worker died on update 3: next time it is the first, and counted; 6 behind it is not.
        again = await turns(driver, stale_before=now, limit=10, slots=1, per_chat=5, release=[10, -15, 11])
        assert {chat: [(t.update_id, t.attempts) for t in updates] for chat, updates in again.items()} == {
            10: [(3, 1), (6, 0)]
        }
    finally:
        await connection.close()


async def test_an_update_marked_done_while_a_round_runs_is_not_taken_again(engine):
    # The round's snapshot is taken before its locks: the chat's last holder may commit a done mark in between.
    # Here that commit is held open until the round's UPDATE reaches the row, the same check PostgreSQL makes
    # for a row changed after the snapshot.
    marker, connection = await engine.connect(), await _autocommit(engine)
    driver = await driver_of(connection)
    try:
        now = RECEIVED + timedelta(seconds=5)
        marking = await marker.begin()
        await marker.execute(
            text("UPDATE processed_update SET done_at = now(), payload = NULL WHERE bot_id = :b AND update_id = 1"),
            {"b": BOT},
        )
        round_ = asyncio.create_task(turns(driver, stale_before=now, limit=10, slots=1))
        await asyncio.sleep(0.5)
        assert not round_.done()  # waiting for the mark's row
        await marking.commit()
        taken = await asyncio.wait_for(round_, 10)
        assert [t.update_id for t in taken[10]] == [3, 6]  # not 1, done meanwhile
    finally:
        await marker.close()
        await connection.close()


async def test_an_update_without_a_chat_is_leased_to_one_worker(engine):
    connection = await _autocommit(engine)
    driver = await driver_of(connection)
    try:
        now = RECEIVED + timedelta(seconds=5)
        taken = await take_chatless(driver, BOT, lease_before=now - timedelta(minutes=2), now=now)
        assert (taken.update_id, taken.attempts) == (5, 1)
        assert await take_chatless(driver, BOT, lease_before=now - timedelta(minutes=2), now=now) is None
        later = now + timedelta(minutes=3)  # its worker never finished it
        assert (await take_chatless(driver, BOT, lease_before=later - timedelta(minutes=2), now=later)).attempts == 2
        async with create_sessionmaker(engine)() as session:
            chats = dict((await session.execute(select(ProcessedUpdate.update_id, ProcessedUpdate.chat_id))).all())
        assert chats == CHATS | {9: 10}
    finally:
        await connection.close()


async def test_a_round_reads_each_waiting_row_a_few_times_at_most_whatever_the_planner_expects(engine):
    # Nearly every row of the log is done, so its statistics say few updates wait; a burst then leaves thousands
    # waiting until the next ANALYZE. A prepared statement soon runs a generic plan made from those statistics.
    # A round must still read the waiting rows a bounded number of times, not once for every row it takes.
    waiting, first_id = 2000, 1000
    async with create_sessionmaker(engine).begin() as session:
        done = {first_id - n: 500 + n for n in range(1, 200)}
        await record_updates(session, BOT, [(u, "{}") for u in done], now=RECEIVED, chats=done)
        await mark_done(session, BOT, list(done), now=RECEIVED)
    connection = await _autocommit(engine)
    await connection.exec_driver_sql("ANALYZE processed_update")
    async with create_sessionmaker(engine).begin() as session:
        burst = {first_id + n: 1000 + n for n in range(waiting)}
        await record_updates(session, BOT, [(u, "{}") for u in burst], now=RECEIVED, chats=burst)
    driver = await driver_of(connection)
    try:
        await driver.execute("SET plan_cache_mode = force_generic_plan")
        # What the server counts of the table's reads (its backend's, not yet flushed: a difference is one round's).
        read = "SELECT idx_scan + seq_scan, idx_tup_fetch + seq_tup_read FROM pg_stat_xact_user_tables"
        async with driver.transaction():
            before = await driver.fetchrow(read + " WHERE relname = 'processed_update'")
            taken = await turns(driver, stale_before=RECEIVED + timedelta(seconds=1), limit=20, slots=1, per_chat=8)
            after = await driver.fetchrow(read + " WHERE relname = 'processed_update'")
        scans, rows = after[0] - before[0], after[1] - before[1]
        assert len(taken) == 20
        # One look for the chats, one per chat taken, one for the rows to take; each waiting row read about twice.
        # (Before: a look and a read of every waiting row for each one it took, 2,000 looks and 4 million reads.)
        assert scans <= 20 + 5
        assert rows <= 3 * (waiting + len(CHATS))
    finally:
        await connection.close()
