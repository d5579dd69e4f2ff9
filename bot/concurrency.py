"""Handle updates of different chats at once, and updates of one chat in order.

PTB handles one update at a time by default, so one slow reply holds up every other user; its
`concurrent_updates=True` loses the order within a chat, which conversations depend on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.update_log import UpdateLog

# PTB takes its concurrency slot before do_process_update runs, so a chat's queued updates would each hold one
# while they wait for the chat's lock (five quick messages from one user: five of sixteen slots doing nothing).
# PTB's limit is set this high, as a bound on tasks; the real one is taken once the chat's turn has come.
_WAITING_LIMIT = 4096


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int, *, update_log: UpdateLog | None = None) -> None:
        super().__init__(max(_WAITING_LIMIT, max_concurrent_updates))
        self.running_limit = max_concurrent_updates
        self._running = asyncio.Semaphore(max_concurrent_updates)
        # Told which update each task handles, so the handler's commit marks it done (bot.update_log).
        self._update_log = update_log
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}
        # Called with each update once all its handlers are done (the terminal shell waits on it).
        self.on_processed: list[Callable[[object], None]] = []
        # Awaited in the update's task once its handlers are done, before the chat's next update may start: what
        # the update left to do in the database (bot.waits.Waits.settle).
        self.settle: list[Callable[[], Awaitable[None]]] = []

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        logged = self._update_log is not None and isinstance(update, Update)
        handling = self._update_log.handling(update) if logged else None
        try:
            if chat is None:
                async with self._running:
                    await self._handle(coroutine)
                return
            lock = self._locks.setdefault(chat.id, asyncio.Lock())
            self._holders[chat.id] = self._holders.get(chat.id, 0) + 1
            try:
                async with lock, self._running:
                    await self._handle(coroutine)
            finally:
                # Keep the map as small as the set of chats with work in flight.
                self._holders[chat.id] -= 1
                if not self._holders[chat.id]:
                    del self._holders[chat.id], self._locks[chat.id]
        finally:
            if handling is not None:
                self._update_log.handled(handling)
            for listener in self.on_processed:
                listener(update)

    async def _handle(self, coroutine: Awaitable[Any]) -> None:
        try:
            await coroutine
        finally:
            for settle in self.settle:
                await settle()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
