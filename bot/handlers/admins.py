"""Owners grant and revoke admin rights, by numeric user id or by replying to the person's message."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.ids import USER_ID_MAX, parse_id
from bot.handlers.turn import Turn, admit, answer_admin_command
from bot.render.errors import error_text
from bot.texts import t
from trackers.people.admins import CannotGrant, NotAnAdmin, Role, grant, granted_admins, revoke
from trackers.runtime.clock import utcnow


def _target_user(update: Update, context: Context) -> int | None:
    """The user id in the command's argument, else the author of the message it replies to."""
    if context.args:
        return parse_id(context.args[0], limit=USER_ID_MAX)
    replied = update.effective_message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id
    return None


async def grant_admin(update: Update, context: Context) -> None:
    """/grant USER_ID (or in reply to someone): give them admin rights."""
    await answer_admin_command(update, context, "grant", _grant, need=Role.OWNER)


async def _grant(turn: Turn) -> str:
    user_id = _target_user(turn.update, turn.context)
    if user_id is None:
        return t(turn.language, "adm_grant_usage")
    try:
        added = await grant(turn.session, user_id, by=turn.user_id, owner_ids=turn.settings.bot.owner_ids, now=utcnow())
    except CannotGrant as error:
        return error_text(turn.language, error)
    return t(turn.language, "adm_granted" if added else "adm_already_admin", user=user_id)


async def revoke_admin(update: Update, context: Context) -> None:
    """/revoke USER_ID (or in reply to someone): take their admin rights away."""
    await answer_admin_command(update, context, "revoke", _revoke, need=Role.OWNER)


async def _revoke(turn: Turn) -> str:
    user_id = _target_user(turn.update, turn.context)
    if user_id is None:
        return t(turn.language, "adm_revoke_usage")
    try:
        await revoke(turn.session, user_id, by=turn.user_id, now=utcnow())
    except NotAnAdmin as error:
        return error_text(turn.language, error)
    return t(turn.language, "adm_revoked", user=user_id)


async def list_admins(update: Update, context: Context) -> None:
    """/admins: owners from the settings and the admins granted in the chat."""
    async with Turn.begin(update, context) as turn:
        grants = await granted_admins(turn.session) if await admit(turn, "admins") else []
    if turn.refused:
        return
    settings = context.bot_data.settings.bot
    owners = ", ".join(str(i) for i in settings.owner_ids) or "—"
    admins = ", ".join(html.escape(str(i)) for i in [*settings.admin_ids, *(g.user_id for g in grants)]) or "—"
    await update.effective_message.reply_text(t(turn.language, "adm_admins_list", owners=owners, admins=admins))


async def admin_help(update: Update, context: Context) -> None:
    """/admin: what admins can do (the public /help leaves these out)."""
    async with Turn.begin(update, context) as turn:
        await admit(turn, "admin_help")
    if turn.refused:
        return
    await update.effective_message.reply_text(t(turn.language, "adm_help"))


HANDLERS = [
    CommandHandler("grant", grant_admin),
    CommandHandler("revoke", revoke_admin),
    CommandHandler("admins", list_admins),
    CommandHandler("admin", admin_help),
]
