"""The chat locks of trackers.runtime.claims one at a time, as the tests take and inspect them (the workers take
them in batches)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from trackers.runtime.claims import chat_lock_key


def slot_of(chat_id: int, slots: int) -> int:
    """The worker a chat belongs to while that worker is alive: Python's % is never negative, as the workers' SQL."""
    return chat_id % slots


async def try_lock_chat(connection: AsyncConnection, bot_id: int, chat_id: int) -> bool:
    first, second = chat_lock_key(bot_id, chat_id)
    statement = text("SELECT pg_try_advisory_lock(:a, :b)")
    return bool((await connection.execute(statement, {"a": first, "b": second})).scalar_one())


async def unlock_chat(connection: AsyncConnection, bot_id: int, chat_id: int) -> None:
    first, second = chat_lock_key(bot_id, chat_id)
    await connection.execute(text("SELECT pg_advisory_unlock(:a, :b)"), {"a": first, "b": second})


async def chat_lock_holder(connection: AsyncConnection, bot_id: int, chat_id: int) -> str | None:
    """The application_name of the connection holding the chat's turn (a worker names it), if any."""
    first, second = chat_lock_key(bot_id, chat_id)
    statement = text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2"
        " AND l.classid::bigint = :a AND l.objid::bigint = :b"
    )
    params = {"a": first & 0xFFFFFFFF, "b": second & 0xFFFFFFFF}
    return (await connection.execute(statement, params)).scalar_one_or_none()
