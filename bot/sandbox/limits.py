"""Telegram's flood limits, enforced with sliding windows so tests can see a bot exceed them.

Telegram does not publish exact limits; its Bot FAQ gives the figures used here as defaults: about one message a
second per chat (short bursts tolerated), 20 a minute per group, about 30 a second in all. A call over a limit is
answered with 429 and ``retry_after`` = the whole seconds until the window has room again, as Telegram does.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field

# Methods that put a new message in a chat; only these count towards the limits.
SENDING_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument", "copymessage", "forwardmessage"})


@dataclass
class LimitSettings:
    enabled: bool = False
    per_chat_per_second: float = 1.0
    # Messages a private chat may receive at once before the per-second rate applies.
    burst: int = 1
    group_per_minute: int = 20
    global_per_second: int = 30

    def view(self) -> dict:
        return asdict(self)


class _Window:
    """Timestamps of the sends inside the last ``seconds``."""

    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = max(1, capacity)
        self.seconds = seconds
        self.times: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        if len(self.times) < self.capacity:
            return 0.0
        return self.times[0] + self.seconds - now

    def record(self, now: float) -> None:
        self.times.append(now)


@dataclass
class ChatCounts:
    sent: int = 0
    too_many_requests: int = 0


@dataclass
class RateLimiter:
    settings: LimitSettings = field(default_factory=LimitSettings)
    messages_sent: int = 0
    too_many_requests: int = 0
    per_chat: dict[int, ChatCounts] = field(default_factory=lambda: defaultdict(ChatCounts))

    def __post_init__(self) -> None:
        self._reset_windows()

    def configure(self, **changes: object) -> LimitSettings:
        for name, value in changes.items():
            if value is not None:
                if not hasattr(self.settings, name):
                    raise ValueError(f"unknown limit {name!r}")
                setattr(self.settings, name, value)
        self._reset_windows()
        return self.settings

    def reset(self) -> None:
        self.settings = LimitSettings()
        self.messages_sent = 0
        self.too_many_requests = 0
        self.per_chat = defaultdict(ChatCounts)
        self._reset_windows()

    def _reset_windows(self) -> None:
        s = self.settings
        self._global = _Window(s.global_per_second, 1.0)
        burst = max(s.burst, math.ceil(s.per_chat_per_second))
        # A burst of B at R a second is a window of B sends per B/R seconds.
        self._chat_windows: dict[int, _Window] = defaultdict(lambda: _Window(burst, burst / s.per_chat_per_second))
        self._group_windows: dict[int, _Window] = defaultdict(lambda: _Window(s.group_per_minute, 60.0))

    def check(self, method: str, chat_id: int) -> int | None:
        """Return ``retry_after`` if this send would exceed a limit (and count the 429), else None."""
        if not self.settings.enabled or method.lower() not in SENDING_METHODS:
            return None
        now = time.monotonic()
        waits = [self._global.wait_time(now), self._chat_windows[chat_id].wait_time(now)]
        if chat_id < 0:
            waits.append(self._group_windows[chat_id].wait_time(now))
        wait = max(waits)
        if wait <= 0:
            return None
        self.too_many_requests += 1
        self.per_chat[chat_id].too_many_requests += 1
        return max(1, math.ceil(wait))

    def record(self, method: str, chat_id: int) -> None:
        """Count a message that was delivered."""
        if method.lower() not in SENDING_METHODS:
            return
        self.messages_sent += 1
        self.per_chat[chat_id].sent += 1
        if not self.settings.enabled:
            return
        now = time.monotonic()
        self._global.record(now)
        self._chat_windows[chat_id].record(now)
        if chat_id < 0:
            self._group_windows[chat_id].record(now)

    def stats(self) -> dict:
        return {
            "limits": self.settings.view(),
            "messages_sent": self.messages_sent,
            "too_many_requests": self.too_many_requests,
            "per_chat": {str(chat): asdict(counts) for chat, counts in self.per_chat.items()},
        }
