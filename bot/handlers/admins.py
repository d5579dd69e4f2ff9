"""Owners grant and revoke admin rights, by numeric user id or by replying to the person's message."""

from __future__ import annotations

import html

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.admin_gate import admit, answer_admin_command, refuse
from bot.handlers.common import current_chat, language_for
from bot.texts import t
from trackers.people.admins import CannotGrant, NotAnAdmin, Role, grant, granted_admins, revoke
from trackers.runtime.clock import utcnow


def _target_user(update: Update, context: Context) -> int | None:
    """The user id in the command's argument, else the author of the message it replies to."""
    if context.args:
        arg = context.args[0]
        return int(arg) if arg.lstrip("-").isdigit() else None
    replied = update.effective_message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id
    return None


async def grant_admin(update: Update, context: Context) -> None:
    """/grant USER_ID (or in reply to someone): give them admin rights."""
    await answer_admin_command(update, context, "grant", _grant, need=Role.OWNER)


async def _grant(session: AsyncSession, update: Update, context: Context, language: str) -> str:
    user_id = _target_user(update, context)
    if user_id is None:
        return t(language, "adm_grant_usage")
    try:
        added = await grant(
            session,
            user_id,
            by=update.effective_user.id,
            owner_ids=context.bot_data.settings.bot.owner_ids,
            now=utcnow(),
        )
    except CannotGrant:
        return t(language, "adm_cannot_grant", user=user_id)
    return t(language, "adm_granted" if added else "adm_already_admin", user=user_id)


async def revoke_admin(update: Update, context: Context) -> None:
    """/revoke USER_ID (or in reply to someone): take their admin rights away."""
    await answer_admin_command(update, context, "revoke", _revoke, need=Role.OWNER)


async def _revoke(session: AsyncSession, update: Update, context: Context, language: str) -> str:
    user_id = _target_user(update, context)
    if user_id is None:
        return t(language, "adm_revoke_usage")
    try:
        await revoke(session, user_id, by=update.effective_user.id, now=utcnow())
    except NotAnAdmin:
        return t(language, "adm_not_admin", user=user_id)
    return t(language, "adm_revoked", user=user_id)


async def list_admins(update: Update, context: Context) -> None:
    """/admins: owners from the settings and the admins granted in the chat."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "admins")
        grants = await granted_admins(session) if allowed else []
    if not allowed:
        await refuse(update, language)
        return
    settings = context.bot_data.settings.bot
    owners = ", ".join(str(i) for i in settings.owner_ids) or "—"
    admins = ", ".join(html.escape(str(i)) for i in [*settings.admin_ids, *(g.user_id for g in grants)]) or "—"
    await update.effective_message.reply_text(t(language, "adm_admins_list", owners=owners, admins=admins))


async def admin_help(update: Update, context: Context) -> None:
    """/admin: what admins can do (the public /help leaves these out)."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "admin_help")
    if not allowed:
        await refuse(update, language)
        return
    await update.effective_message.reply_text(t(language, "adm_help"))


HANDLERS = [
    CommandHandler("grant", grant_admin),
    CommandHandler("revoke", revoke_admin),
    CommandHandler("admins", list_admins),
    CommandHandler("admin", admin_help),
]
