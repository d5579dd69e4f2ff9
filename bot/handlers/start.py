"""First contact: /start, /help and /lang."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.commands import MenuCommand, help_text
from bot.context import Context
from bot.handlers.admin_gate import role_for
from bot.handlers.common import current_chat, language_for
from bot.texts import LANGUAGES, t
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
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
    name = html.escape(update.effective_user.first_name if update.effective_user else "")
    await update.effective_message.reply_text(t(language, "welcome", name=name))


async def show_help(update: Update, context: Context) -> None:
    """List what the user can do (and, for admins, where their own commands are)."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        is_admin = await role_for(session, update, context) >= Role.ADMIN
    text = help_text(context.bot_data.menu, language)
    if is_admin:
        text += "\n" + t(language, "help_admin_hint")
    await update.effective_message.reply_text(text)


async def set_lang(update: Update, context: Context) -> None:
    """Switch the chat's language: /lang zh or /lang en."""
    wanted = context.args[0].lower() if context.args else ""
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        if wanted in LANGUAGES:
            await set_language(session, chat, wanted, now=utcnow())
        language = language_for(chat, update, context)
    if wanted in LANGUAGES:
        await update.effective_message.reply_text(t(language, "lang_set"))
    else:
        current = t(language, f"lang_name_{language}")
        await update.effective_message.reply_text(t(language, "lang_usage", current=current))


HANDLERS = [
    CommandHandler("start", start),
    CommandHandler("help", show_help),
    CommandHandler("lang", set_lang),
]
