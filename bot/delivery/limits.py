"""Telegram's flood limits, kept by the dispatcher before it sends: overall, per private chat, per group.

Sliding windows, as Telegram (and the sandbox) count: at most N sends in any window of W seconds. Each window
is stretched by a small margin, because a send leaves here a little before Telegram counts it and the network
does not keep the spacing exactly. A 429 pauses the scope it applies to: the chat, or everything when the
flood is the bot's as a whole -- never for longer than the dispatcher can wait in memory.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

# 5 % slower than the limit: enough for the jitter of a local network, cheap in throughput.
MARGIN = 1.05
# Chats with no send for this long are forgotten, so the map stays as small as the chats in flight.
FORGET_AFTER = 120.0


class _Window:
    __slots__ = ("capacity", "seconds", "times")

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = max(1, capacity)
        self.seconds = seconds * MARGIN
        self.times: deque[float] = deque()

    def free_at(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        if len(self.times) < self.capacity:
            return now
        return self.times[-self.capacity] + self.seconds

    def record(self, now: float) -> None:
        self.times.append(now)

    def last(self) -> float | None:
        return self.times[-1] if self.times else None


class FloodLimiter:
    def __init__(self, *, global_per_second: float, private_per_second: float, group_per_minute: float) -> None:
        self._global = _Window(max(1, round(global_per_second)), max(1, round(global_per_second)) / global_per_second)
        self._private_rate = private_per_second
        self._group_per_minute = group_per_minute
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}
        self._paused_until = 0.0
        self._chat_paused: dict[int, float] = {}
        self._last_cleanup = time.monotonic()

    def _chat(self, chat_id: int) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            window = self._chats[chat_id] = _Window(1, 1 / self._private_rate)
        return window

    def _group(self, chat_id: int) -> _Window | None:
        if chat_id >= 0:
            return None
        window = self._groups.get(chat_id)
        if window is None:
            window = self._groups[chat_id] = _Window(round(self._group_per_minute), 60.0)
        return window

    def chat_free_at(self, chat_id: int, now: float) -> float:
        """When this chat may get its next message, ignoring the overall limit."""
        times = [self._chat(chat_id).free_at(now), self._chat_paused.get(chat_id, 0.0)]
        group = self._group(chat_id)
        if group is not None:
            times.append(group.free_at(now))
        return max(times)

    def free_at(self, chat_id: int, now: float) -> float:
        return max(self.chat_free_at(chat_id, now), self._global.free_at(now), self._paused_until)

    async def acquire(self, chat_id: int, deadline: float) -> bool:
        """Wait for a slot for this chat and take it; False (nothing taken) if none comes before `deadline`."""
        while True:
            now = time.monotonic()
            at = self.free_at(chat_id, now)
            if at <= now:
                self._record(chat_id, now)
                return True
            if at > deadline:
                return False
            await asyncio.sleep(at - now)

    def _record(self, chat_id: int, now: float) -> None:
        self._global.record(now)
        self._chat(chat_id).record(now)
        group = self._group(chat_id)
        if group is not None:
            group.record(now)
        if now - self._last_cleanup > FORGET_AFTER:
            self._forget(now)

    def _forget(self, now: float) -> None:
        self._last_cleanup = now
        for table in (self._chats, self._groups):
            for chat_id in [c for c, w in table.items() if (w.last() or 0.0) < now - FORGET_AFTER]:
                del table[chat_id]
        for chat_id in [c for c, until in self._chat_paused.items() if until < now]:
            del self._chat_paused[chat_id]

    def sent_shortly_before_last(self, chat_id: int, seconds: float) -> bool:
        """Whether the chat had another send within `seconds` before its latest one (its own limit is near)."""
        window = self._chats.get(chat_id)
        if window is None or len(window.times) < 2:
            return False
        return window.times[-1] - window.times[-2] < seconds

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), until)

    def pause_all(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())
