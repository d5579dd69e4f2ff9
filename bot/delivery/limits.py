"""Telegram's flood limits, kept by the dispatcher before it sends: overall, per private chat, per group.

Sliding windows, as Telegram (and the sandbox) count: at most N sends in any window of W seconds. A send holds
its slot from the moment it leaves until its answer comes back, and is then counted at the time of the answer:
Telegram counted it somewhere in between, so however the network or a busy event loop bunches requests up, no
window on Telegram's side can hold more than N. Each window is also stretched by a small margin. A 429 pauses
the scope it applies to: the chat, or everything when the flood is the bot's as a whole -- never for longer than
the dispatcher can wait in memory.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.delivery.pace import DeploymentPace
    from bot.settings import DeliverySettings

# 5 % slower than the limit: enough for the jitter of a local network, cheap in throughput.
MARGIN = 1.05
# Chats with no send for this long are forgotten, so the map stays as small as the chats in flight.
FORGET_AFTER = 120.0


# A send that would leave this long after its moment on a deployment's shared timeline takes a new moment, up to
# TURNS times (bot.delivery.pace).
LATE, TURNS = 0.05, 3

# How often to look again when every slot of a window is held by a send still waiting for its answer.
IN_FLIGHT_POLL = 0.01


class _Window:
    __slots__ = ("capacity", "in_flight", "seconds", "times")

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = max(1, capacity)
        self.seconds = seconds * MARGIN
        self.times: deque[float] = deque()  # answers received, oldest first
        self.in_flight = 0

    def free_at(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        room = self.capacity - self.in_flight
        if room <= 0:
            return now + IN_FLIGHT_POLL
        if len(self.times) < room:
            return now
        return self.times[-room] + self.seconds

    def take(self) -> None:
        self.in_flight += 1

    def give_back(self) -> None:
        """A slot taken for a send that will not happen."""
        self.in_flight = max(0, self.in_flight - 1)

    def record(self, now: float, *, held: bool = True) -> None:
        """A send was answered: count it at `now` (and give back its slot, if it held one)."""
        if held:
            self.in_flight = max(0, self.in_flight - 1)
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
        # In a deployment of several processes, the overall budget is shared with the others (bot.delivery.pace).
        self.pace: DeploymentPace | None = None

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

    async def acquire(self, chat_id: int, deadline: float, *, per_chat: bool = True) -> bool:
        """Wait for a slot for this chat and take it; False (nothing taken) if none comes before `deadline`.

        A slot taken must be given back with `release` once the send has its answer (or failed). `per_chat`
        False is for replies to what a person just wrote: they wait only for the overall budget, not for the
        chat's or the group's own window (they are still counted there, so notifications make room)."""
        while True:
            now = time.monotonic()
            windows = self._windows(chat_id, per_chat) if per_chat else [self._global]
            at = max(window.free_at(now) for window in windows)
            if per_chat:
                # A pause after a 429 holds the notifications back; a reply meets its own 429, if any.
                at = max(at, self._paused_until, self._chat_paused.get(chat_id, 0.0))
            if at <= now:
                for window in windows:
                    window.take()
                return True if self.pace is None else await self._take_turn(windows, deadline)
            if at > deadline:
                return False
            await asyncio.sleep(at - now)

    async def _take_turn(self, windows: list[_Window], deadline: float) -> bool:
        """Wait for the send's moment on the deployment's shared timeline. False if it comes after `deadline`:
        the windows' slots are given back then, and if the wait is cancelled."""
        sending = False
        try:
            for _ in range(TURNS):
                moment = await self.pace.turn()
                if moment > deadline:
                    return False
                if moment > time.monotonic():
                    await asyncio.sleep(moment - time.monotonic())
                if time.monotonic() - moment <= LATE:
                    break
                # This process was too busy to send at its moment: sent now, it would crowd other processes'
                # moments, so it takes a new one (a few times at most, then it goes).
            sending = True
            return True
        finally:
            if not sending:
                for window in windows:
                    window.give_back()

    def release(self, chat_id: int, *, per_chat: bool = True) -> None:
        """The send that held this chat's slot is over: count it now."""
        now = time.monotonic()
        self._global.record(now)
        # A reply held only the overall slot, but counts in the chat's and the group's windows all the same.
        for window in self._windows(chat_id)[1:]:
            window.record(now, held=per_chat)
        if now - self._last_cleanup > FORGET_AFTER:
            self._forget(now)

    def _windows(self, chat_id: int, per_chat: bool = True) -> list[_Window]:
        windows = [self._global]
        if per_chat:
            windows.append(self._chat(chat_id))
        group = self._group(chat_id)
        if group is not None:
            windows.append(group)
        return windows

    def _forget(self, now: float) -> None:
        self._last_cleanup = now
        for table in (self._chats, self._groups):
            for chat_id in [c for c, w in table.items() if not w.in_flight and (w.last() or 0.0) < now - FORGET_AFTER]:
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

    def flooded(self, seconds: float) -> None:
        """Telegram answered 429 for the bot as a whole: this process waits, and so do the deployment's others."""
        self.pause_all(seconds)
        if self.pace is not None:
            self.pace.hold(seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())


def flood_limiter(settings: DeliverySettings) -> FloodLimiter:
    """The limiter for `delivery` settings (global, private and group limits)."""
    return FloodLimiter(
        global_per_second=settings.global_per_second,
        private_per_second=settings.private_per_second,
        group_per_minute=settings.group_per_minute,
    )
