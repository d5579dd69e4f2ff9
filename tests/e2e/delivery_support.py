"""Helpers for delivery tests: put chats and notifications in the database, wait for the outbox to drain,
and compare what the sandbox received with what the database says."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from trackers.models import Chat, DeliveryState, Notification
from trackers.notifications.outbox import Owed, owe

WAITING = (DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.HELD)


def now() -> datetime:
    return datetime.now(UTC)


async def add_chats(sessions, chat_ids, *, chat_type: str = "private") -> None:
    moment = now()
    async with sessions.begin() as session:
        session.add_all(
            Chat(id=chat_id, type=chat_type, active=True, created_at=moment, updated_at=moment) for chat_id in chat_ids
        )


async def enqueue(sessions, chat_ids, *, kind: str = "test", text: str = "<b>通知</b>", milestone: str = "m"):
    """One notification per chat, due now, through the outbox's one way in."""
    moment = now()
    owed = Owed(kind=kind, milestone=milestone, text=lambda _language: text, due_at=moment)
    async with sessions.begin() as session:
        return await owe(session, owed, chat_ids, now=moment, default_language="zh")


async def states(sessions) -> Counter:
    async with sessions() as session:
        rows = await session.execute(select(Notification.state, func.count()).group_by(Notification.state))
        return Counter({DeliveryState(state).value: count for state, count in rows.all()})


async def wait_until_drained(sessions, timeout: float = 30.0, *, rows: int = 0) -> Counter:  # noqa: ASYNC109
    """Wait until at least `rows` rows exist and none is waiting to be sent; return the count per state."""
    deadline = time.monotonic() + timeout
    while True:
        counts = await states(sessions)
        drained = counts.total() >= rows and not any(counts.get(state.value) for state in WAITING)
        if drained or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.2)


async def rows_by_chat(sessions) -> dict[int, list[Notification]]:
    async with sessions() as session:
        rows = (await session.execute(select(Notification).order_by(Notification.id))).scalars()
        result: dict[int, list[Notification]] = {}
        for row in rows:
            result.setdefault(row.chat_id, []).append(row)
        return result


async def delivered_per_chat(client) -> Counter:
    """Messages the sandbox accepted, per chat (from its call log: status 200 sendMessage calls)."""
    calls = await client.calls("sendMessage")
    return Counter(call["chat_id"] for call in calls if call["status"] == 200)
