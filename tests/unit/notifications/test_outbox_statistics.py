"""A large fan-out refreshes the outbox table's statistics on PostgreSQL, so the dispatcher's first claims are planned
for the rows that are there (planned for an empty table, each claim among 10,000 rows took seconds)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text

from tests.reliability.processes import seed_outbox
from trackers.notifications.outbox import ANALYZE_AFTER, Owed, owe
from trackers.runtime.db import create_engine, create_sessionmaker

pytestmark = pytest.mark.postgres


async def planner_rows(sessions) -> float:
    """What PostgreSQL's planner believes the table holds (-1: never analyzed)."""
    async with sessions() as session:
        return (await session.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'notification'"))).scalar()


async def test_a_large_fan_out_leaves_the_planner_knowing_its_rows_and_a_small_one_costs_nothing(
    migrated_postgres_url,
):
    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    try:
        await seed_outbox(sessions, list(range(1, 11)), datetime.now(UTC))
        assert await planner_rows(sessions) < 0  # ten rows: no ANALYZE
        chats = list(range(100, 100 + ANALYZE_AFTER))
        await seed_outbox(sessions, chats, datetime.now(UTC))
        assert await planner_rows(sessions) == len(chats) + 10
    finally:
        await engine.dispose()


async def test_a_fan_out_in_batches_refreshes_the_statistics_once_as_its_transaction_commits(migrated_postgres_url):
    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    analyzes: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("ANALYZE"):
            analyzes.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    moment = datetime.now(UTC)
    owed = Owed(kind="test", milestone="batches", text=lambda _language: "一条通知", due_at=moment)
    batch = ANALYZE_AFTER // 2 + 1  # each batch alone is below the threshold; together they are above it
    try:
        async with sessions.begin() as session:
            for start in range(0, 3 * batch, batch):
                async with session.begin_nested():  # a savepoint's end is not the transaction's
                    await owe(
                        session, owed, list(range(start + 1, start + batch + 1)), now=moment, default_language="zh"
                    )
            assert analyzes == []  # nothing yet: the rows are not all written
        assert len(analyzes) == 1
        assert await planner_rows(sessions) == 3 * batch

        # A rolled-back fan-out leaves no count behind for the next transaction, which writes a few rows only.
        with pytest.raises(RuntimeError):
            async with sessions.begin() as session:
                await owe(
                    session,
                    replace(owed, milestone="undone"),
                    list(range(1, 2 * batch)),
                    now=moment,
                    default_language="zh",
                )
                raise RuntimeError("the sweep failed")
        async with sessions.begin() as session:
            await owe(session, replace(owed, milestone="few"), [1, 2, 3], now=moment, default_language="zh")
        assert len(analyzes) == 1
    finally:
        await engine.dispose()
