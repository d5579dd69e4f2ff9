"""Statements compiled once and run on asyncpg directly (trackers.runtime.prepared), on a real PostgreSQL server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, select, update

from trackers.models import ProcessedUpdate
from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.prepared import Prepared, pooled_driver
from trackers.runtime.updates import record_updates

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
_table = ProcessedUpdate.__table__


async def test_a_constant_none_in_the_statement_is_sent_as_null_and_named_values_fill_the_rest(
    migrated_postgres_url,
):
    # `payload=None` is a constant SQLAlchemy makes a parameter: the caller does not name it.
    forget = Prepared(
        update(_table)
        .where(_table.c.bot_id == bindparam("bot"), _table.c.update_id == bindparam("update"))
        .values(payload=None, done_at=bindparam("now", type_=_table.c.done_at.type))
        .returning(_table.c.update_id)
    )
    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions.begin() as session:
            await record_updates(session, 1, [(10, '{"a": 1}'), (11, '{"b": 2}')], now=NOW)
        async with pooled_driver(engine) as driver:
            assert await forget.fetchval(driver, bot=1, update=10, now=NOW) == 10
        async with sessions() as session:
            rows = (await session.execute(select(_table.c.update_id, _table.c.payload, _table.c.done_at))).all()
        assert sorted(rows) == [(10, None, NOW), (11, '{"b": 2}', None)]
    finally:
        await engine.dispose()


async def test_a_statement_cut_short_leaves_the_pool_usable(migrated_postgres_url):
    engine = create_engine(migrated_postgres_url, pool_size=1)
    try:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2), pooled_driver(engine) as driver:
                await driver.fetchval("SELECT pg_sleep(5)")
        # The one connection, cut short mid-statement, serves the next statement.
        async with asyncio.timeout(3), pooled_driver(engine) as driver:
            assert await driver.fetchval("SELECT 1") == 1
        assert engine.sync_engine.pool.checkedout() == 0
    finally:
        await engine.dispose()
