"""What the bot waits for from a person in a chat, looked up before any feature runs (bot.handlers.answers).

Every text and every command is looked at, and nearly always nothing is waited for, so the look must cost next to
nothing:

- PostgreSQL (a deployment's workers, or several instances, may ask and answer): one statement on a connection the
  process keeps for it (trackers.runtime.prepared.OwnConnection), ~100 µs of the process's CPU against ~250 µs
  through the pool (3,000 looks each).
- SQLite (one process, by design: bot.workers): the process knows every (chat, person) pair that may have a wait,
  all of them read at start and then each it asks itself (bot.handlers.turn.ask); for any other pair nothing is
  looked up (~0.2 µs, against ~180 µs for a statement). A pair whose look finds nothing is dropped.

The conversations themselves are trackers.people.conversations.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from trackers.people.conversations import end_alone, end_now, everyone_waited_for, peek, peek_alone
from trackers.runtime.db import create_sessionmaker
from trackers.runtime.prepared import OwnConnection


class Waits:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        on_postgresql = engine.dialect.name == "postgresql"
        self._connection = OwnConnection(engine) if on_postgresql else None
        self._maybe: set[tuple[int, int]] | None = None if on_postgresql else set()

    async def open(self) -> None:
        if self._connection is not None:
            await self._connection.open()
            return
        async with create_sessionmaker(self._engine)() as session:
            self._maybe = await everyone_waited_for(session)

    def asked(self, chat_id: int, user_id: int) -> None:
        """This process asked `user_id` something in `chat_id` (before the commit: an ask rolled back costs only a
        look)."""
        if self._maybe is not None:
            self._maybe.add((chat_id, user_id))

    async def peek(self, chat_id: int, user_id: int, *, now: datetime) -> tuple[str, str] | None:
        """The kind and step waited for from `user_id` in `chat_id`, or None."""
        if self._connection is not None:
            return await self._connection.run(peek_alone, chat_id, user_id, now=now)
        if (chat_id, user_id) not in self._maybe:
            return None
        found = await peek(self._engine, chat_id, user_id, now=now)
        if found is None:
            self._maybe.discard((chat_id, user_id))
        return found

    async def end(self, chat_id: int, user_id: int, kind: str) -> None:
        """Stop waiting for `kind` from `user_id` in `chat_id`, committed at once."""
        if self._connection is not None:
            await self._connection.run(end_alone, chat_id, user_id, kind)
        elif (chat_id, user_id) in self._maybe:
            await end_now(self._engine, chat_id, user_id, kind)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
