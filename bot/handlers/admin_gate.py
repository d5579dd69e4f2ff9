"""The check every admin command and button makes first: is this numeric user id an admin (or an owner) now?

Buttons carry no filter of their own in PTB, so callbacks call the same check. A refusal is polite and audited.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import Context
from bot.handlers.common import current_chat, language_for
from bot.texts import t
from trackers.people.admins import Role, role_of
from trackers.runtime.audit import record
from trackers.runtime.clock import utcnow


async def role_for(session: AsyncSession, update: Update, context: Context) -> Role:
    settings = context.bot_data.settings.bot
    user = update.effective_user
    return await role_of(session, user.id if user else None, owner_ids=settings.owner_ids, admin_ids=settings.admin_ids)


async def admit(
    session: AsyncSession, update: Update, context: Context, action: str, *, need: Role = Role.ADMIN
) -> Role | None:
    """The user's role when it is enough for `action`; otherwise audit the refusal and return None.

    The caller then says so with `refuse`, after its transaction: a Telegram call never holds the database.
    """
    role = await role_for(session, update, context)
    if role >= need:
        return role
    user = update.effective_user
    await record(
        session,
        actor_id=user.id if user else None,
        action=action,
        allowed=False,
        now=utcnow(),
        detail={"chat_id": update.effective_chat.id if update.effective_chat else None},
    )
    return None


async def refuse(update: Update, language: str, *, need: Role = Role.ADMIN) -> None:
    """The polite refusal: an alert under a button, else a reply."""
    refusal = t(language, "adm_owners_only" if need == Role.OWNER else "adm_refused")
    if update.callback_query is not None:
        await update.callback_query.answer(refusal, show_alert=True)
    else:
        await update.effective_message.reply_text(refusal)


# Works out an admin command's answer in its transaction: (session, update, context, language) -> the text.
Answer = Callable[[AsyncSession, Update, Context, str], Awaitable[str]]


async def answer_admin_command(
    update: Update, context: Context, action: str, answer: Answer, *, need: Role = Role.ADMIN
) -> None:
    """An admin command whose answer is one text: the role checked and the text made in one transaction, then
    the reply (or the refusal) sent once it has committed."""
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, action, need=need)
        text = await answer(session, update, context, language) if allowed else None
    if text is None:
        await refuse(update, language, need=need)
        return
    await update.effective_message.reply_text(text)
