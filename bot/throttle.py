"""Each user's updates pass through a token bucket, so one user sending fifty messages a second cannot take the
bot's time (or Telegram's sending budget) from everyone else.

Telegram limits what a bot sends, not what its users send; PTB has no per-user limit of its own, so this is the
project's own (a handful of lines; a rate-limiting library would add a dependency for one bucket).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Admission(Enum):
    PASS = "pass"
    DROP_AND_TELL = "drop_and_tell"  # the first update dropped in a row: the user hears why, once
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class UserThrottle:
    def __init__(self, *, burst: int, per_second: float, max_users: int = 10_000) -> None:
        self.burst, self.per_second, self.max_users = float(burst), per_second, max_users
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int, now: float) -> Admission:
        """Spend one token of `user_id`'s bucket at monotonic time `now`, if there is one."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self.max_users:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.told = False
            return Admission.PASS
        if bucket.told:
            return Admission.DROP
        bucket.told = True
        return Admission.DROP_AND_TELL

    def _forget_idle(self, now: float) -> None:
        # A full bucket holds nothing a new one would not: forgetting it keeps memory bounded by busy users.
        for user_id in [u for u, b in self._buckets.items() if b.tokens + (now - b.at) * self.per_second >= self.burst]:
            del self._buckets[user_id]
