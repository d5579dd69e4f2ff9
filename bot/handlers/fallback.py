"""Answers for what no feature handled, so the user is never met with silence."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import Context
from bot.handlers.turn import language_of
from bot.texts import t


async def unknown_command(update: Update, context: Context) -> None:
    """A command no feature knows: point at /help."""
    language = await language_of(update, context)
    command = html.escape(update.effective_message.text.split()[0])
    await update.effective_message.reply_text(t(language, "unknown_command", command=command))


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
