"""Sends of a deployment's processes on one timeline: the moment each may leave, from trackers.runtime.pace.

A deployment (bot.workers) sends from several processes: the receiver's dispatcher sends alerts, every worker
sends replies. Each process's FloodLimiter keeps Telegram's windows for its own sends; with a DeploymentPace it
also takes each send's moment on the timeline they all share, so together they stay within the overall budget.
The sends waiting at once in a process take their moments in one statement.

If the database cannot be reached, a send goes ahead on its own process's limiter alone (logged): holding every
reply back until the database is back would be worse than a few 429s, which the senders handle.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from trackers.runtime.pace import hold_sends, reserve_sends
from trackers.runtime.prepared import OwnConnection, database_errors

log = logging.getLogger(__name__)

# 10 % slower than the budget: the 5 % of every window (bot.delivery.limits), and as much again for sends that
# leave up to LATE after their moments, however the processes' sends bunch up on the way.
PACE_MARGIN = 1.10


class DeploymentPace:
    def __init__(self, engine: AsyncEngine, bot_id: int, *, per_second: float) -> None:
        self.interval = PACE_MARGIN / per_second
        self.bot_id = bot_id
        # A reservation and a hold take turns on it. Every process's sends upsert the same row: a commit that waited
        # for the disk would hold each of them up behind the others' (a server crash only forgets a few moments).
        self._connection = OwnConnection(engine, durable=False)
        self._waiting: list[asyncio.Future[float]] = []
        self._reserving: asyncio.Task | None = None
        self._holds: set[asyncio.Task] = set()

    async def connect(self) -> None:
        """Open the connection now, not at the first send."""
        await self._connection.open()

    async def turn(self) -> float:
        """Take the next moment for one send: when it comes, on time.monotonic()'s clock."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append(future)
        if self._reserving is None or self._reserving.done():
            # A context of its own: the statement is no part of the sender's transaction or update.
            self._reserving = asyncio.create_task(self._reserve(), name="send-pace", context=contextvars.Context())
        return await future

    async def _reserve(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []  # sends asking meanwhile go in the next statement
            first: float | None
            try:
                first = await self._connection.run(reserve_sends, self.bot_id, count=len(batch), interval=self.interval)
            except database_errors() as error:
                log.warning("the shared send pace is out of reach (%s); sending on this process's limits", error)
                first = None
            except BaseException:
                for future in batch + self._waiting:  # closing: the sends waiting are cancelled, not left hanging
                    future.cancel()
                raise
            # The wait is the server's, from when it ran the statement: counted from when its answer came, not from
            # when the send asked (before its turn in the batch, and before the connection was opened, if it was
            # not): moments counted from then came early by that much, and sent early they crowded other
            # processes' (late by the answer's way back instead, which only spaces them more).
            answered = time.monotonic()
            for position, future in enumerate(batch):
                if not future.done():  # a sender cancelled meanwhile leaves its moment unused
                    future.set_result(answered if first is None else answered + first + position * self.interval)

    def hold(self, seconds: float) -> None:
        """Telegram asked the bot to wait: no process sends for `seconds` (in the background)."""
        task = asyncio.create_task(self._hold(seconds), name="send-pace-hold", context=contextvars.Context())
        self._holds.add(task)
        task.add_done_callback(self._holds.discard)

    async def _hold(self, seconds: float) -> None:
        try:
            await self._connection.run(hold_sends, self.bot_id, seconds)
        except database_errors() as error:
            log.warning("the shared send pace could not be held back (%s)", error)

    async def close(self) -> None:
        tasks = [*self._holds, *([self._reserving] if self._reserving else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._connection.close()
