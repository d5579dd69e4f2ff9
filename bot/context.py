"""The typed context: shared resources live on `context.bot_data` as attributes, not string keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.commands import MenuCommand
from bot.delivery.limits import FloodLimiter
from bot.settings import Settings
from bot.throttle import UserThrottle
from bot.update_log import UpdateLog
from bot.waits import Waits

if TYPE_CHECKING:  # it imports this module
    from bot.delivery.service import Delivery


@dataclass
class BotData:
    """Built empty by PTB, filled by `build_application` and `post_init`."""

    settings: Settings | None = None
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    # The command menu of every feature, for /help and setMyCommands.
    menu: list[MenuCommand] = field(default_factory=list)
    # The delivery sweeps and the elected dispatcher.
    delivery: Delivery | None = None
    # Updates stored before they are acknowledged, marked done by their handlers.
    update_log: UpdateLog | None = None
    # Telegram's flood budget, shared by replies and notifications.
    flood_limiter: FloodLimiter | None = None
    # Each user's token bucket.
    throttle: UserThrottle | None = None
    # What the bot waits for from whom, looked up before any feature runs.
    waits: Waits | None = None
    # "all", "receiver" or "worker" (bot.app.ROLES).
    role: str = "all"
    # When the admins were last told that getting updates failed (bot.errors), on the monotonic clock.
    polling_error_reported_at: float | None = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One session and transaction: committed when the block ends, rolled back if it raises."""
        async with self.sessionmaker.begin() as session:
            yield session


class Context(CallbackContext[ExtBot, dict, dict, BotData]):
    bot_data: BotData


CONTEXT_TYPES = ContextTypes(context=Context, bot_data=BotData)
