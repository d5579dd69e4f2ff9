"""Migrations build the schema from an empty database, on SQLite and on PostgreSQL, and match the models."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from trackers.models import Base, Chat
from trackers.runtime.db import create_engine
from trackers.runtime.migrate import current_heads, upgrade
from trackers.runtime.updates import MAX_ATTEMPTS, forget_updates_before, mark_done, record_updates, take_unfinished


async def _inspect(url: str, fn):
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()


def test_upgrade_builds_every_table_from_an_empty_database(database_url):
    upgrade(database_url)
    tables = asyncio.run(_inspect(database_url, lambda c: set(inspect(c).get_table_names())))
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_migrated_schema_matches_the_models(database_url):
    upgrade(database_url)

    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert asyncio.run(_inspect(database_url, diff)) == []


def test_upgrading_twice_changes_nothing(database_url):
    upgrade(database_url)
    upgrade(database_url)
    version = asyncio.run(
        _inspect(database_url, lambda c: c.exec_driver_sql("select version_num from alembic_version").all())
    )
    assert sorted(row[0] for row in version) == sorted(current_heads())


def test_sqlite_runs_in_wal_mode(sqlite_url):
    upgrade(sqlite_url)
    mode = asyncio.run(_inspect(sqlite_url, lambda c: c.exec_driver_sql("PRAGMA journal_mode").scalar()))
    assert mode == "wal"


async def test_times_are_stored_and_read_back_as_aware_utc(sessions):
    shanghai = timezone(timedelta(hours=8))
    async with sessions.begin() as session:
        session.add(
            Chat(
                id=42,
                type="private",
                created_at=datetime(2025, 1, 1, 9, tzinfo=shanghai),
                updated_at=datetime(2025, 1, 1, 1, tzinfo=UTC),
            )
        )
    async with sessions() as session:
        chat = (await session.execute(select(Chat))).scalar_one()
    assert chat.created_at == datetime(2025, 1, 1, 1, tzinfo=UTC)
    assert chat.created_at.tzinfo is not None


async def test_naive_times_are_refused(sessions):
    with pytest.raises(Exception, match="naive datetime"):
        async with sessions.begin() as session:
            session.add(Chat(id=1, type="private", created_at=datetime(2025, 1, 1), updated_at=datetime(2025, 1, 1)))


def _updates(*ids: int) -> list[tuple[int, str]]:
    return [(i, f'{{"update_id": {i}}}') for i in ids]


async def test_an_update_id_is_recorded_once(sessions):
    now = datetime(2025, 1, 1, tzinfo=UTC)
    async with sessions.begin() as session:
        assert await record_updates(session, 7, _updates(1001), now=now) == {1001}
    async with sessions.begin() as session:
        # A batch: one id seen before, one new, one new twice over.
        assert await record_updates(session, 7, _updates(1001, 1002, 1003, 1003), now=now) == {1002, 1003}
        # Another bot's update 1001 is another update.
        assert await record_updates(session, 8, _updates(1001), now=now) == {1001}
        assert await record_updates(session, 8, [], now=now) == set()


async def test_unfinished_updates_come_back_once_stale_until_done_or_given_up(sessions):
    received = datetime(2025, 1, 1, tzinfo=UTC)
    minute = timedelta(minutes=1)

    async def take(bot_id: int, now: datetime, holding=()):
        async with sessions.begin() as session:
            stale = now - 2 * minute
            again, given_up = await take_unfinished(session, bot_id, now=now, stale_before=stale, holding=holding)
        return [update_id for update_id, _ in again], given_up

    async with sessions.begin() as session:
        await record_updates(session, 7, _updates(1, 2, 3), now=received)
        await record_updates(session, 8, _updates(1), now=received)
        await mark_done(session, 7, [2], now=received)
    # Received a minute ago: perhaps still being handled, so left alone.
    assert await take(7, received + minute) == ([], [])
    now = received + 3 * minute
    # One this process still holds (queued behind others) is not taken, and stays claimed a while longer.
    assert await take(7, now, holding={3}) == ([1], [])
    now += 3 * minute
    assert await take(7, now) == ([1, 3], [])
    # Just taken (by this instance or another): not taken again until that claim is stale too.
    assert await take(7, now + minute) == ([], [])
    for _ in range(MAX_ATTEMPTS - 2):  # update 1 has been handed out twice so far
        now += 3 * minute
        assert (await take(7, now))[0] == [1, 3]
    async with sessions.begin() as session:
        await mark_done(session, 7, [3], now=now)
    # Update 1 failed every time: given up, and not offered again.
    now += 3 * minute
    assert await take(7, now) == ([], [1])
    assert await take(7, now + 3 * minute) == ([], [])
    # The other bot's update is its own; its JSON is kept for handling.
    async with sessions.begin() as session:
        again, _ = await take_unfinished(session, 8, now=now, stale_before=now)
        assert again == [(1, '{"update_id": 1}')]
        assert await forget_updates_before(session, now) == 4
