"""Replying in pieces, and the permission check for changing what a group follows."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest

from bot.context import Context
from bot.render.split import split_html


async def reply(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Send `text`, split where the outbox splits it when it is longer than a message may be (bot/render/split.py);
    buttons go under the last part."""
    parts = split_html(text)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await update.effective_message.reply_text(
            part, reply_markup=keyboard if last else None, disable_web_page_preview=True
        )


async def redraw(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Replace a message's text and buttons; pressing a button that changes nothing is not an error."""
    try:
        await query.edit_message_text(text, reply_markup=keyboard, disable_web_page_preview=True)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def redraw_buttons(query: CallbackQuery, keyboard: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def may_change_chat_settings(update: Update, context: Context) -> bool:
    """Anyone in a private chat; in a group only its admins (asked of Telegram each time, never cached)."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous admin posts as the group itself
    user = update.effective_user
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
