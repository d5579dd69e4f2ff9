"""The inbox of update ids: Telegram may deliver an update again (after a crash, or when the final getUpdates
acknowledgement failed); an id already recorded is not handled twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import ProcessedUpdate


async def record_updates(session: AsyncSession, bot_id: int, update_ids: list[int], *, now: datetime) -> set[int]:
    """Record the ids of bot `bot_id` in one statement; the ones recorded now (the rest were seen before)."""
    if not update_ids:
        return set()
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [{"bot_id": bot_id, "update_id": update_id, "processed_at": now} for update_id in set(update_ids)]
    statement = (
        insert(ProcessedUpdate)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
        .returning(ProcessedUpdate.update_id)
    )
    return set((await session.scalars(statement)).all())


async def forget_updates_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop old ids: Telegram keeps unconfirmed updates for at most 24 hours, so older ids cannot come back."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
    return result.rowcount
