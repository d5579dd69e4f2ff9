"""First contact: /start, /help and /lang."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CommandHandler

from bot.commands import MenuCommand, help_text
from bot.context import Context
from bot.handlers.replies import may_change_chat_settings
from bot.handlers.turn import Turn, language_of, role
from bot.texts import LANGUAGES, t
from bot.texts.keys import LANGUAGE_NAME
from trackers.people.admins import Role
from trackers.people.chats import set_language
from trackers.runtime.clock import utcnow

COMMANDS = [
    MenuCommand("start", "cmd_start"),
    MenuCommand("help", "cmd_help"),
    MenuCommand("lang", "cmd_lang"),
]


async def start(update: Update, context: Context) -> None:
    """Greet the user in their language and say what the bot is for."""
    language = await language_of(update, context)
    name = html.escape(update.effective_user.first_name if update.effective_user else "")
    await update.effective_message.reply_text(t(language, "welcome", name=name))


async def show_help(update: Update, context: Context) -> None:
    """List what the user can do (and, for admins, where their own commands are)."""
    async with Turn.begin(update, context) as turn:
        is_admin = await role(turn) >= Role.ADMIN
    text = help_text(context.bot_data.menu, turn.language)
    if is_admin:
        text += "\n" + t(turn.language, "help_admin_hint")
    await update.effective_message.reply_text(text)


async def set_lang(update: Update, context: Context) -> None:
    """Switch the chat's language: /lang zh or /lang en."""
    wanted = context.args[0].lower() if context.args else ""
    # A group's language is a group setting, like its follows and time zone: its admins change it. Asked of
    # Telegram before the turn opens, so the database is not held over the round trip.
    allowed = wanted not in LANGUAGES or await may_change_chat_settings(update, context)
    async with Turn.begin(update, context) as turn:
        if not allowed:
            turn.refuse("group_admins_only")
        elif wanted in LANGUAGES:
            await set_language(turn.session, turn.chat, wanted, now=utcnow())
    if turn.refused:
        return
    # The chosen language answers at once.
    language = wanted if wanted in LANGUAGES else turn.language
    if wanted in LANGUAGES:
        private = update.effective_chat.type == ChatType.PRIVATE
        await update.effective_message.reply_text(t(language, "lang_set" if private else "lang_set_group"))
    else:
        current = t(language, LANGUAGE_NAME.key(language))
        await update.effective_message.reply_text(t(language, "lang_usage", current=current))


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("help", show_help),
    CommandHandler("lang", set_lang),
]
