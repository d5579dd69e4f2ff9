"""Wiring delivery into the Application: the two sweeps, the elected dispatcher, start-up recovery.

- `install(application)` (from build_application) gives the process its `Delivery`; the JobQueue runs its two
  sweeps (bot/jobs.py): the dispatcher every `delivery.sweep_seconds` and the alert rules every
  `alerts.sweep_seconds`. Jobs hold no state: every reminder is a database row, and a restart loses nothing.
- `open_delivery` / `close_delivery` (from post_init / post_shutdown) build and close the dispatcher's own Bot.
- Only the process holding the delivery lock (trackers.runtime.leadership) runs the sweeps; the first run after taking
  it recovers every row a previous holder left mid-send. The alert rules catch up from their watermark.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket

from telegram import Bot
from telegram.ext import Application

from bot.context import BotData
from bot.delivery.alert_texts import render_alert
from bot.delivery.dispatcher import Dispatcher, RunReport
from bot.request import bot_options
from bot.settings import Settings
from trackers.notifications.alerts import SweepReport, run_alert_rules
from trackers.runtime.clock import utcnow
from trackers.runtime.leadership import Leadership

log = logging.getLogger(__name__)

# A run stops this long before the next one is due, so runs do not overlap.
RUN_MARGIN = 0.05


class Delivery:
    """The sweeps of one process; only the elected one sends."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"
        self.rules = settings.alert_rules()
        self.leadership: Leadership | None = None
        self.dispatcher: Dispatcher | None = None
        self.bot: Bot | None = None
        self._recover = True
        self._bot_ready = False
        self.catch_up_pending = True

    async def open(self, bot_data: BotData, token: str) -> None:
        telegram, delivery = self.settings.telegram, self.settings.delivery
        self.bot = Bot(
            token,
            **bot_options(
                telegram, connection_pool_size=delivery.connection_pool_size, pool_timeout=telegram.read_timeout
            ),
        )
        self.leadership = Leadership(bot_data.engine)

        def moved(chat_id: int, user_id: int) -> None:
            # The process's look at what is waited for learns of a conversation that moved to a supergroup.
            if bot_data.waits is not None:
                bot_data.waits.asked(chat_id, user_id)

        self.dispatcher = Dispatcher(
            self.bot,
            bot_data.sessionmaker,
            delivery,
            instance=self.instance,
            clock=utcnow,
            limiter=bot_data.flood_limiter,
            on_moved=moved,
        )

    async def close(self) -> None:
        if self.leadership is not None:
            await self.leadership.release()
        if self.bot is not None:
            await self.bot.shutdown()

    async def lead(self) -> bool:
        if self.leadership is None:
            return False
        was = self.leadership.held
        held = await self.leadership.ensure()
        if held and not was:
            log.info("this instance (%s) now sends notifications and runs the alert rules", self.instance)
            self._recover = self.catch_up_pending = True
        return held

    async def dispatch_once(self, budget: float | None = None) -> RunReport | None:
        """One dispatcher run (None when another instance is the dispatcher)."""
        if not await self.lead():
            return None
        if not self._bot_ready:
            await self.bot.initialize()  # getMe: fails (and is retried next run) while the Bot API is away
            self._bot_ready = True
        recover, self._recover = self._recover, False
        try:
            return await self.dispatcher.run(budget or self.settings.delivery.sweep_seconds, reap_all=recover)
        except Exception:
            self._recover = recover
            raise

    async def alerts_once(self, bot_data: BotData) -> SweepReport | None:
        if not await self.lead():
            return None
        async with bot_data.transaction() as session:
            return await run_alert_rules(
                session, now=utcnow(), rules=self.rules, render=render_alert, instance=self.instance
            )


def install(application: Application) -> None:
    """The process's delivery, for the sweeps (bot/jobs.py) to run (called by build_application)."""
    bot_data: BotData = application.bot_data
    bot_data.delivery = Delivery(bot_data.settings)


async def open_delivery(application: Application) -> None:
    bot_data: BotData = application.bot_data
    await bot_data.delivery.open(bot_data, application.bot.token)


async def close_delivery(application: Application) -> None:
    bot_data: BotData = application.bot_data
    if bot_data.delivery is not None:
        await bot_data.delivery.close()
