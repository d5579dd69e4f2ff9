"""One worker process of a deployment (bot.workers): it handles the updates a receiver stored, chat by chat.

The worker builds the same Application as `luoshi run` (handlers, bot, update log) but neither polls nor runs the
repeating sweeps. It keeps one connection of its own to PostgreSQL, which

- LISTENs on the bot's channel: the receiver NOTIFYs it once it has stored updates of its chats (the worker also
  looks every POLL_SECONDS, in case a notification is missed, and for chats to take over);
- holds a session advisory lock per chat it is handling (trackers.runtime.claims): one worker at a time per chat,
  and PostgreSQL frees them all the moment the worker dies;
- takes work in rounds of one statement however many chats: let go of the chats whose turn is over, lock
  waiting chats and take up to PER_CHAT updates of each (counting an attempt for each chat's first,
  MAX_ATTEMPTS), on asyncpg's connection directly (trackers.runtime.prepared).

Chat `c` belongs to worker `c mod N` while that worker is alive: the chat then meets the same process and its
throttle bucket, update after update (what the bot asked a person, a guided /add's step and draft, is in the
database: any process goes on with it, trackers.people.conversations).
Any worker takes a chat whose oldest update has waited TAKEOVER_SECONDS (its worker is dead, restarting, or far
behind). Holding a chat's lock, the worker hands its undone updates to the Application in update_id order, one at
a time; the update log marks each done in the transaction that carries its effects (bot.update_log), and the done
marks of handlers that commit nothing reach the database before the lock is released (in the next round).

If the lock connection breaks, the locks are gone: the worker exits at once (the supervisor starts it again) rather
than handle a chat another worker may now hold. Its uncommitted work rolls back, as after kill -9.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool
from telegram.ext import Application

from bot.context import BotData
from bot.update_log import read_stored
from trackers.runtime.claims import (
    Taken,
    channel,
    take_chatless,
    take_turns,
    unlock_chats,
    woken,
)
from trackers.runtime.prepared import driver_of
from trackers.runtime.updates import MAX_ATTEMPTS, mark_done

log = logging.getLogger(__name__)

# How often a worker looks for work when no notification came.
POLL_SECONDS = 1.0
# Updates of one chat taken in one turn (the rest wait for its next turn, so one busy chat does not hold a worker).
PER_CHAT = 20
# How long a chat's oldest update waits for the chat's own worker before any worker takes it.
TAKEOVER_SECONDS = 10.0
# Exit status of a worker that lost its lock connection (the supervisor restarts it).
LOST_LOCKS = 75


def _now() -> datetime:
    return datetime.now(UTC)  # the update log's clock (received_at), not the shell's movable one


class Worker:
    def __init__(
        self, application: Application, *, slot: int, slots: int, takeover_seconds: float = TAKEOVER_SECONDS
    ) -> None:
        self.application = application
        self.bot_data: BotData = application.bot_data
        self.slot, self.slots = slot, slots
        self.takeover = timedelta(seconds=takeover_seconds)
        # Chats handled at once: no more than the pool has connections, so that a worker under load never opens
        # and closes overflow connections (each a new PostgreSQL backend) and a deployment of several workers stays
        # within the server's max_connections (100 by default).
        pooled = self.bot_data.engine.sync_engine.pool.size()  # workers run on PostgreSQL: a QueuePool
        self.capacity = min(self.bot_data.settings.bot.concurrent_updates, pooled)
        self.name = f"luoshi-worker-{slot}-{os.getpid()}"  # its connection's application_name, seen in pg_locks
        self._chats: set[int] = set()  # chats whose turn this worker holds
        self._finished: set[int] = set()  # of those, the ones done with their updates, to let go next round
        self._tasks: set[asyncio.Task] = set()
        self._wake = asyncio.Event()
        # When a chat's turn ends, another round is needed only if updates may have come for it meanwhile: a
        # notification since its updates were taken, or a full turn (PER_CHAT) taken; or if chats were left
        # waiting for room. Otherwise its lock is let go in the next round that happens anyway (a notification's,
        # or the one every POLL_SECONDS): the chat is this worker's, and a round for each chat's end was most
        # of the rounds under load.
        self._heard = 0  # notifications that named this worker so far
        self._taken_at: dict[asyncio.Task, int | None] = {}  # a chat's task -> _heard when its updates were taken
        self._full = False  # the last round left chats waiting for room
        self._chatless = True  # whether updates without a chat may be waiting (see _claim)
        self._looked_for_chatless = 0.0
        self._stop = False
        self._closing = False
        self._connection: AsyncConnection | None = None
        self._driver: asyncpg.Connection | None = None  # asyncpg's, under _connection: the claims run on it
        self._connection_lock = asyncio.Lock()

    @property
    def bot_id(self) -> int:
        return self.application.bot.id

    def stop(self) -> None:
        """Take no more updates; the ones being handled finish (called from a signal handler)."""
        self._stop = True
        self._wake.set()

    async def run(self) -> None:
        engine = create_async_engine(
            self.bot_data.settings.database.url,
            poolclass=NullPool,
            # Attempt counts need not survive a server crash: no wait for the disk on each take.
            connect_args={"server_settings": {"application_name": self.name, "synchronous_commit": "off"}},
        )
        try:
            connection = await engine.connect()
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            self._driver = driver = await driver_of(self._connection)
            await driver.add_listener(channel(self.bot_id), self._notified)
            driver.add_termination_listener(lambda *_: self._lost("the connection closed"))
            log.info("%s handles chats of slot %d of %d", self.name, self.slot, self.slots)
            while not self._stop:
                self._wake.clear()
                await self._claim()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(POLL_SECONDS):
                        await self._wake.wait()
        finally:
            self._stop = True
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.bot_data.update_log.flush()
            self._closing = True
            if self._connection is not None:
                with contextlib.suppress(Exception):
                    await self._connection.close()
            await engine.dispose()

    def _notified(self, _connection, _pid, _channel, payload: str) -> None:
        wake, chatless = woken(payload, self.slot)
        if chatless:
            self._chatless = True
        if wake:
            self._heard += 1
            self._wake.set()

    # -- taking work -----------------------------------------------------------------------------------------------

    async def _claim(self) -> None:
        """One round: let go of the chats whose turn is over, take the turn of waiting ones and their next updates.
        One round trip on the lock connection however many chats (and one per update without a chat, when there
        are some)."""
        finished: set[int] = set()
        if self._finished:
            # Marks of handlers that committed nothing go in before another worker may take the chat.
            await self.bot_data.update_log.flush()
            finished, self._finished = self._finished, set()
        free = self.capacity - len(self._tasks)
        heard = self._heard
        if free <= 0 or self._stop:
            self._full = True
            if finished:
                await self._locked(unlock_chats, self.bot_id, finished)
                self._chats -= finished
            return
        now = _now()
        turns = await self._locked(
            take_turns,
            self.bot_id,
            slot=self.slot,
            slots=self.slots,
            stale_before=now - self.takeover,
            limit=free,
            per_chat=PER_CHAT,
            now=now,
            holding=self._chats - finished,
            release=finished,
        )
        self._chats = (self._chats - finished) | turns.keys()
        self._full = len(turns) >= free
        for chat_id, updates in turns.items():
            task = self._spawn(self._drain(chat_id, updates), f"chat-{chat_id}")
            self._taken_at[task] = heard if len(updates) < PER_CHAT else None
        free -= len(turns)
        # Updates without a chat (few: the bot asks for none of those kinds) are leased one by one. They are looked
        # for when the receiver said some came, and every POLL_SECONDS for leases that ran out.
        looked = asyncio.get_running_loop().time()
        if free <= 0 or not (self._chatless or looked - self._looked_for_chatless >= POLL_SECONDS):
            return
        self._chatless, self._looked_for_chatless = False, looked  # a notification meanwhile sets it again
        lease_before = now - timedelta(seconds=self.bot_data.settings.bot.replay_after_seconds)
        while not self._stop:
            if free <= 0:
                self._chatless = self._full = True  # more may be waiting: look again when there is room
                return
            taken = await self._locked(take_chatless, self.bot_id, lease_before=lease_before, now=now)
            if taken is None:
                return
            self._spawn(self._handle(taken), f"update-{taken.update_id}")
            free -= 1

    def _spawn(self, coroutine: Awaitable[None], name: str) -> asyncio.Task:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        taken_at = self._taken_at.pop(task, None)
        if self._full or taken_at is None or taken_at != self._heard:
            self._wake.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("a worker task failed", exc_info=task.exception())

    async def _drain(self, chat_id: int, updates: list[Taken]) -> None:
        """The chat's taken updates, in order; its turn ends with them (the next round lets go of it, and takes
        it again if more came meanwhile)."""
        try:
            for taken in updates:
                if self._stop:
                    break
                await self._handle(taken)
        finally:
            self._finished.add(chat_id)

    async def _handle(self, taken: Taken) -> None:
        if taken.payload is None or taken.attempts > MAX_ATTEMPTS:
            log.warning("update %s was given up: handling it failed %d times", taken.update_id, MAX_ATTEMPTS)
            async with self.bot_data.transaction() as session:
                await mark_done(session, self.bot_id, [taken.update_id], now=_now())
            return
        update = read_stored(taken.update_id, taken.payload, self.application.bot)
        if update is None:
            async with self.bot_data.transaction() as session:
                await mark_done(session, self.bot_id, [taken.update_id], now=_now())
            return
        # The Application's own update processor: the update log's handling()/handled() around the handlers.
        application = self.application
        await application.update_processor.process_update(update, application.process_update(update))

    async def _locked(self, query: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """A query on the lock connection, one at a time; a failure there means the locks may be gone."""
        async with self._connection_lock:
            try:
                return await query(self._driver, *args, **kwargs)
            except Exception as error:
                if self._closing:
                    raise
                self._lost(f"{type(error).__name__}: {error}")
                raise

    def _lost(self, why: str) -> None:
        if self._closing:
            return
        log.critical("%s lost its lock connection (%s); exiting so no chat is handled twice", self.name, why)
        logging.shutdown()
        os._exit(LOST_LOCKS)


async def serve_worker(
    application: Application,
    *,
    slot: int,
    slots: int,
    takeover_seconds: float = TAKEOVER_SECONDS,
    parent_pid: int | None = None,
) -> None:
    """Start the Application without polling, handle stored updates until SIGINT/SIGTERM (or the parent dies)."""
    import signal

    await application.initialize()
    await application.post_init(application)
    # Its JobQueue too: the jobs handlers set (run_once) run here; build_application scheduled no sweeps.
    await application.start()
    worker = Worker(application, slot=slot, slots=slots, takeover_seconds=takeover_seconds)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, worker.stop)
    watchdog = asyncio.create_task(_watch_parent(parent_pid, worker.stop)) if parent_pid else None
    try:
        await worker.run()
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if application.running:
            await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)


async def _watch_parent(parent_pid: int, stop: Callable[[], None]) -> None:
    """A worker whose supervisor died (even by kill -9) stops too, rather than run on unsupervised."""
    while os.getppid() == parent_pid:  # noqa: ASYNC110 (no event to wait on: the kernel reparents us)
        await asyncio.sleep(1.0)
    log.warning("the supervisor (pid %s) is gone; stopping", parent_pid)
    stop()
