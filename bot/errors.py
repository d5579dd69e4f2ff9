"""One error handler for everything the handlers did not expect."""

from __future__ import annotations

import html
import logging
import time

from telegram import Update
from telegram.error import NetworkError, TelegramError

from bot.context import Context
from bot.handlers.common import language_of_chat
from bot.logs import redact
from bot.texts import t

log = logging.getLogger(__name__)

# A failed getUpdates (a network error, no update) is retried by PTB with backoff and ends by itself; during an
# outage it fails every few seconds. The admins hear of it once per this many seconds, not every time.
POLLING_ERROR_REPORT_SECONDS = 600.0


async def report_error(update: object, context: Context) -> None:
    """Log the error first, so it is seen even if telling anyone fails; then the user and the admins."""
    if update is None and isinstance(context.error, NetworkError):
        log.warning("getting updates failed (retried): %s: %s", type(context.error).__name__, context.error)
        reported = context.bot_data.polling_error_reported_at
        if reported is not None and time.monotonic() - reported < POLLING_ERROR_REPORT_SECONDS:
            return
        context.bot_data.polling_error_reported_at = time.monotonic()
    else:
        log.error("error while handling update %s", getattr(update, "update_id", None), exc_info=context.error)
    settings = context.bot_data.settings
    secrets = [s.get_secret_value() for s in (settings.token, settings.webhook_secret) if s]

    if isinstance(update, Update) and update.effective_chat:
        language = await language_of_chat(context, update.effective_chat.id, update)
        try:
            if update.callback_query is not None:
                # The button's spinner stops too; the apology itself comes as a message.
                await update.callback_query.answer()
            await context.bot.send_message(update.effective_chat.id, t(language, "error_user"))
        except TelegramError:
            log.warning("could not tell chat %s about the error", update.effective_chat.id)

    # Only the error's type and a redacted, escaped message: never a traceback, never a token.
    error = html.escape(redact(f"{type(context.error).__name__}: {context.error}", secrets))[:500]
    where = html.escape(str(getattr(update, "update_id", "-")))
    targets = [settings.bot.admin_chat_id] if settings.bot.admin_chat_id else list(settings.bot.owner_ids)
    for chat_id in targets:
        try:
            language = await language_of_chat(context, chat_id)
            await context.bot.send_message(chat_id, t(language, "error_admin", error=error, update=where))
        except TelegramError:
            log.warning("could not report the error to admin chat %s", chat_id)
