"""Answers for what no feature handled, so the user is never met with silence."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import Context
from bot.handlers.turn import language_of
from bot.render.format import shorten
from bot.texts import t
from trackers.runtime.clock import utcnow


async def unknown_command(update: Update, context: Context) -> None:
    """A command no feature knows: point at /help, or, while the bot waits for the person's answer (which such a
    command leaves open, bot.handlers.answers), at the question."""
    language = await language_of(update, context)
    command = html.escape(shorten(update.effective_message.text.split()[0], 40))
    asked = await context.bot_data.waits.peek(update.effective_chat.id, update.effective_user.id, now=utcnow())
    key = "unknown_command" if asked is None else "unknown_command_asked"
    await update.effective_message.reply_text(t(language, key, command=command))


async def plain_text(update: Update, context: Context) -> None:
    """A message that is not a command (text, a file, a sticker), in a private chat: say what the bot understands."""
    language = await language_of(update, context)
    await update.effective_message.reply_text(t(language, "plain_text_hint"))


async def unknown_button(update: Update, context: Context) -> None:
    """A button no feature knows (from an old version of the bot, or forged data): answer it, or its spinner turns
    until Telegram gives up."""
    language = await language_of(update, context)
    await update.callback_query.answer(t(language, "unknown_button"))


HANDLERS = [
    # Private chats only: in a group, a command may be meant for another bot.
    MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, unknown_command),
    MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL, plain_text),
    CallbackQueryHandler(unknown_button),
]
