"""The engines' promises to the rest of the bot: SQLite never stops the event loop while it waits for another
process's write lock, gives up with the error callers catch, and PostgreSQL replaces a connection the server
closed without a failed transaction."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from trackers.runtime.db import create_engine, create_sessionmaker, open_pool


def _hold_write_lock(path: str, seconds: float, taken: threading.Event) -> None:
    """Another process's writer, as SQLite sees it: a connection of its own holding the write lock."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    taken.set()
    time.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()


async def _ticks_while(work, every: float = 0.01) -> tuple[object, int]:
    """Run `work` while a ticker counts how often the loop got to run it."""
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(every)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        result = await work
    finally:
        ticker.cancel()
    return result, ticks


async def test_waiting_for_another_writer_leaves_the_loop_running(migrated_sqlite_url):
    path = migrated_sqlite_url.split("///", 1)[1]
    engine = create_engine(migrated_sqlite_url, busy_timeout_ms=5000)
    sessions = create_sessionmaker(engine)
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 0.5, taken))
    holder.start()
    await asyncio.to_thread(taken.wait)

    async def write() -> float:
        started = time.monotonic()
        async with sessions.begin() as session:
            await session.execute(text("INSERT INTO sweep_state (name) VALUES ('engine-test')"))
        return time.monotonic() - started

    waited, ticks = await _ticks_while(write())
    holder.join()
    # The transaction waited for the lock (about half a second) and the loop kept running meanwhile: with
    # SQLite's own busy handler it would have ticked at most once.
    assert waited >= 0.3
    assert ticks >= 10
    async with sessions() as session:
        assert (await session.execute(text("SELECT count(*) FROM sweep_state WHERE name='engine-test'"))).scalar() == 1
    await engine.dispose()


async def test_a_writer_that_never_lets_go_is_an_error_callers_catch(migrated_sqlite_url):
    path = migrated_sqlite_url.split("///", 1)[1]
    engine = create_engine(migrated_sqlite_url, busy_timeout_ms=200)
    sessions = create_sessionmaker(engine)
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 1.0, taken))
    holder.start()
    await asyncio.to_thread(taken.wait)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="locked"):
        async with sessions.begin() as session:
            await session.execute(text("SELECT 1"))
    assert 0.15 <= time.monotonic() - started < 0.9
    holder.join()
    await engine.dispose()


async def test_rows_read_and_written_as_before(migrated_sqlite_url):
    """The driver runs sqlite3 on the loop's thread: results, many-row inserts, rollbacks behave as any driver's."""
    engine = create_engine(migrated_sqlite_url)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        await session.execute(
            text("INSERT INTO sweep_state (name) VALUES (:name)"), [{"name": f"s{i}"} for i in range(50)]
        )
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await session.execute(text("INSERT INTO sweep_state (name) VALUES ('rolled back')"))
            raise RuntimeError
    async with sessions() as session:
        result = await session.stream(text("SELECT name FROM sweep_state WHERE name LIKE 's%' ORDER BY name"))
        names = [row.name async for row in result]
        missing = await session.execute(text("SELECT count(*) FROM sweep_state WHERE name='rolled back'"))
    async with engine.connect() as connection:
        result = await connection.stream(text("SELECT name FROM sweep_state WHERE name LIKE 's%'"))
        streamed = [row.name async for row in result]
    assert len(names) == 50 and names[:2] == ["s0", "s1"]
    assert sorted(streamed) == sorted(names)
    assert missing.scalar() == 0
    await engine.dispose()


@pytest.mark.postgres
async def test_a_connection_the_server_closed_is_replaced(postgres_url):
    engine = create_engine(postgres_url)
    async with engine.connect() as connection:
        first = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar()
    # The server ends that (now idle, pooled) connection, as a restart or an idle timeout would.
    other = create_engine(postgres_url)
    async with other.connect() as connection:
        await connection.execute(text(f"SELECT pg_terminate_backend({first})"))
    await other.dispose()
    await asyncio.sleep(0.2)
    async with engine.connect() as connection:
        second = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar()
    assert second != first
    await engine.dispose()


async def test_a_postgresql_pool_is_opened_at_start_and_sqlite_has_nothing_to_open(postgres_url, migrated_sqlite_url):
    engine = create_engine(postgres_url, pool_size=4)
    try:
        assert await open_pool(engine) == 4
        # All four are open and waiting in the pool: four transactions at once open no new connection.
        assert engine.sync_engine.pool.checkedin() == 4
        connections = [await engine.connect() for _ in range(4)]
        assert engine.sync_engine.pool.checkedin() == 0 and engine.sync_engine.pool.overflow() == 0
        for connection in connections:
            await connection.close()
    finally:
        await engine.dispose()
    nowhere = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere", pool_size=2)
    try:
        assert await open_pool(nowhere) == 0  # out of reach: nothing opened, and start-up goes on
    finally:
        await nowhere.dispose()
    sqlite = create_engine(migrated_sqlite_url)
    try:
        assert await open_pool(sqlite) == 0
    finally:
        await sqlite.dispose()


@pytest.mark.postgres
async def test_only_a_workers_commits_skip_waiting_for_the_disk(postgres_url):
    # A deployment's workers commit without waiting for the disk (bot.app.database_engine); a receiver (whose
    # dispatcher marks alerts sent) and a lone process wait, as PostgreSQL does by default.
    from bot.app import database_engine
    from bot.settings import load_settings

    settings = load_settings(environ={}).with_changes(database={"url": postgres_url})
    for role, expected in (("worker", "off"), ("receiver", "on"), ("all", "on")):
        engine = database_engine(settings, role)
        try:
            async with engine.connect() as connection:
                assert await connection.scalar(text("SHOW synchronous_commit")) == expected, role
        finally:
            await engine.dispose()
