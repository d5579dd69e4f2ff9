"""Checks that run before any other handler (GROUP)."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import Context
from bot.handlers.common import language_for, language_of_chat
from bot.texts import t
from bot.throttle import Admission

log = logging.getLogger(__name__)


async def drop_redelivered_update(update: Update, context: Context) -> None:
    """Telegram can deliver an update again after a crash or a failed acknowledgement: handle it once."""
    if context.bot_data.update_log.is_redelivery(update):
        log.info("update %s was delivered again; dropped", update.update_id)
        raise ApplicationHandlerStop


async def throttle_user(update: Update, context: Context) -> None:
    """One user's flood is dropped (they are told once) so that everyone else is still answered promptly."""
    user = update.effective_user
    if user is None:
        return
    admission = context.bot_data.throttle.check(user.id, time.monotonic())
    if admission is Admission.PASS:
        return
    log.info("update %s from user %s dropped: too many updates", update.update_id, user.id)
    if admission is Admission.DROP_AND_TELL:
        chat = update.effective_chat
        language = await language_of_chat(context, chat.id, update) if chat else language_for(None, update, context)
        text = t(language, "too_fast")
        try:
            if update.callback_query:
                await update.callback_query.answer(text)
            elif update.effective_message and update.effective_chat.type == "private":
                await update.effective_message.reply_text(text)
        except TelegramError:
            log.warning("could not tell user %s to slow down", user.id)
    elif update.callback_query:
        try:
            await update.callback_query.answer()  # stops the button's spinner
        except TelegramError:
            pass
    raise ApplicationHandlerStop


async def guard(update: Update, context: Context) -> None:
    # One handler for both: PTB runs only the first matching handler of a group.
    await drop_redelivered_update(update, context)
    await throttle_user(update, context)


GROUP = -2  # the first (bot.app)
HANDLERS = [TypeHandler(Update, guard)]
