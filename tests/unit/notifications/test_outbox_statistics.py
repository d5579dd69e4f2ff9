"""A large fan-out refreshes the outbox table's statistics on PostgreSQL, so the dispatcher's first claims are planned
for the rows that are there (planned for an empty table, each claim among 10,000 rows took seconds)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from tests.reliability.processes import seed_outbox
from trackers.notifications.outbox import ANALYZE_AFTER
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
