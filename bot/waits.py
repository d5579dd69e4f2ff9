"""What the bot waits for from a person in a chat, looked up before any feature runs (bot.handlers.answers).

Every text and every command is looked at, and nearly always nothing is waited for, so the look must cost next to
nothing:

- PostgreSQL (a deployment's workers, or several instances, may ask and answer): one statement on a connection the
  process keeps for it (trackers.runtime.prepared.OwnConnection), ~100 µs of the process's CPU against ~250 µs
  through the pool (3,000 looks each).
- SQLite (one process, by design: bot.workers): the process knows every (chat, person) pair that may have a wait,
  all of them read at start and then each it asks itself (bot.handlers.turn.ask); for any other pair nothing is
  looked up (~0.2 µs, against ~180 µs for a statement). A pair whose look finds nothing is dropped.

Every command also ends a guided /add (bot.handlers.answers). On PostgreSQL that end is not a statement of its own:
it waits in the update's task until the turn's chat statement carries it (a CTE beside the update's done mark,
bot.handlers.turn), and the few updates whose handlers run no such statement end it after their handlers
(`settle`, before the chat's next update). A statement for every command cost a deployment's workers ~0.2 ms and
PostgreSQL ~0.1 ms of CPU per update (3 workers answering /start at 300 a second).

The conversations themselves are trackers.people.conversations.
"""

from __future__ import annotations

import contextvars
import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from trackers.people.conversations import end_alone, end_now, everyone_waited_for, peek, peek_alone
from trackers.runtime.db import create_sessionmaker
from trackers.runtime.prepared import OwnConnection, database_errors

log = logging.getLogger(__name__)

# The end the update this task handles asked for and no statement has carried yet: (chat, person, kind).
_ENDING: contextvars.ContextVar[tuple[int, int, str] | None] = contextvars.ContextVar("luoshi_ending", default=None)


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
        """Stop waiting for `kind` from `user_id` in `chat_id`, for the update this task handles: on SQLite at once;
        on PostgreSQL with the turn's chat statement (`to_carry`), else at the update's end (`settle`)."""
        if self._connection is not None:
            _ENDING.set((chat_id, user_id, kind))
        elif (chat_id, user_id) in self._maybe:
            await end_now(self._engine, chat_id, user_id, kind)

    @staticmethod
    def to_carry(chat_id: int) -> tuple[int, str] | None:
        """The (person, kind) whose wait in `chat_id` the turn's first statement should end; `carried` once it has
        committed."""
        ending = _ENDING.get()
        return ending[1:] if ending is not None and ending[0] == chat_id else None

    @staticmethod
    def carried() -> None:
        _ENDING.set(None)

    async def settle(self) -> None:
        """After an update's handlers: the end no statement carried (the turn rolled back, or there was none)."""
        ending = _ENDING.get()
        if ending is None:
            return
        _ENDING.set(None)
        try:
            await self._connection.run(end_alone, *ending)
        except database_errors() as error:
            # The guided /add stays open: the person's next text is read as its answer, /cancel ends it.
            log.warning("could not end what chat %s waited for (%s)", ending[0], error)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
