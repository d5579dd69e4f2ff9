"""The handlers' replies and the dispatcher's notifications share one flood budget.

Telegram counts every message a bot sends against the same ~30 a second. PTB's AIORateLimiter keeps its own
count, so replies and a fan-out together could go past it; this limiter hands the replies' requests to the
dispatcher's FloodLimiter instead. Replies take the overall and per-group windows (as AIORateLimiter does) but
not the one-a-second private-chat window: a person who sends three commands quickly gets three quick answers.
"""

from __future__ import annotations

import asyncio
import math
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.limits import FloodLimiter

# A reply that meets a 429 waits and tries once more when the wait is this short; longer, the error surfaces.
RETRY_REPLY_WITHIN = 5.0


class SharedFloodLimiter(BaseRateLimiter[None]):
    def __init__(self, limiter: FloodLimiter) -> None:
        self.limiter = limiter

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Any:
        chat_id = _numeric_chat_id(data.get("chat_id"))
        if chat_id is None:  # getUpdates, getMe, answerCallbackQuery, a channel by @name: not counted here
            return await callback(*args, **kwargs)
        for attempt in range(2):
            await self.limiter.acquire(chat_id, math.inf, per_chat=False)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = _seconds(error)
                self.limiter.pause_chat(chat_id, wait)
                if attempt or wait > RETRY_REPLY_WITHIN:
                    raise
                await asyncio.sleep(wait)
            finally:
                self.limiter.release(chat_id, per_chat=False)
        raise AssertionError("unreachable")


def _numeric_chat_id(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after will become a timedelta; both shapes are read here.
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
