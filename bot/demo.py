"""The demo set in a running bot's database: `luoshi shell` loads it at start (setting sandbox.demo_data)."""

from __future__ import annotations

from telegram.ext import Application

from bot.context import BotData
from trackers.commitments.demo import DEMO, DemoLoad, load_demo
from trackers.runtime.clock import utcnow


async def load_demo_into(application: Application) -> DemoLoad:
    bot_data: BotData = application.bot_data
    async with bot_data.transaction() as session:
        return await load_demo(session, now=utcnow(), timezone=bot_data.settings.bot.timezone)


def shell_note() -> str:
    return f"(demo data: {len(DEMO)} sample commitments — try /list, /search 集成电路 or /upcoming)"
