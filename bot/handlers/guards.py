"""Checks that run before any feature handler (group -1)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import Context

log = logging.getLogger(__name__)


async def drop_redelivered_update(update: Update, context: Context) -> None:
    """Telegram can deliver an update again after a crash or a failed acknowledgement: handle it once."""
    if context.bot_data.inbox.is_redelivery(update):
        log.info("update %s was delivered again; dropped", update.update_id)
        raise ApplicationHandlerStop


HANDLERS = [TypeHandler(Update, drop_redelivered_update)]
