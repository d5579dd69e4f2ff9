"""What most handlers need: the chat's row and the language to answer in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import Context
from bot.texts import language_from_telegram
from trackers.models import Chat
from trackers.people.chats import get_or_create_chat, reading_language
from trackers.runtime.clock import utcnow
from trackers.runtime.updates import DoneMark


def telegram_language(update: Update) -> str | None:
    """The Telegram language of the user behind the update, when we speak it."""
    user = update.effective_user
    return language_from_telegram(user.language_code if user else None)


def chat_as_written(update: Update) -> dict:
    """What the update says of its chat, for the statement that reads the chat's row (and inserts it or brings it
    up to date): with the Telegram language of the user writing in it, for what the outbox sends later."""
    chat = update.effective_chat
    return {
        "chat_id": chat.id,
        "type": chat.type,
        "title": chat.title,
        "now": utcnow(),
        "telegram_language": telegram_language(update),
    }


async def current_chat(
    session: AsyncSession, update: Update, *, mark: DoneMark | None = None, ending: tuple[int, str] | None = None
) -> Chat:
    """The chat's row; `mark`: an update to mark done in the same statement, `ending`: a wait to end in it
    (get_or_create_chat)."""
    return await get_or_create_chat(session, **chat_as_written(update), mark=mark, ending=ending)


def language_for(chosen: str | None, update: Update, context: Context) -> str:
    """The chat's own choice (`chosen`, its row's language), else the user's Telegram language when we speak it,
    else the default: the rule the outbox follows too (trackers.people.chats.reading_language)."""
    return reading_language(chosen, telegram_language(update), context.bot_data.settings.bot.language)


async def language_of_chat(context: Context, chat_id: int, update: Update | None = None) -> str:
    """The language a chat reads, outside any turn (a flood notice, an error report): its own choice, else its
    user's Telegram language, else the default. Read in a short session of its own; if the database cannot answer
    (it may be what failed), the update's Telegram language, else the default."""
    telegram = telegram_language(update) if update is not None else None
    default = context.bot_data.settings.bot.language
    try:
        async with context.bot_data.sessionmaker() as session:
            chat = await session.get(Chat, chat_id)
    except Exception:  # any failure here must not hide the message it is for
        chat = None
    if chat is None:
        return reading_language(None, telegram, default)
    return reading_language(chat.language, telegram or chat.telegram_language, default)
