"""One update's turn: its transaction, the chat's row, the language to answer in, and the role checks.

    async with Turn.begin(update, context) as turn:
        if await admit(turn, "stats"):
            figures = await count_by_status(turn.session)
    if turn.refused:
        return
    await update.effective_message.reply_text(...)

A refusal (the user's role is not enough, or only a group's admins may do this) is sent by `begin` once the
transaction has committed, so the audit line of an admin refusal is kept and no Telegram call holds the database.
Functions handed a `turn` work on its session only; Telegram is called after the block, with `turn.language`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.context import Context
from bot.handlers.common import chat_as_written, current_chat, language_for
from bot.settings import Settings
from bot.texts import t
from bot.update_log import carried, mark_alone, mark_to_carry, marked_alone
from trackers.models import Chat
from trackers.people.admins import Role, role_of
from trackers.people.chats import chat_alone, reading_language
from trackers.people.conversations import Waiting, stop_waiting, wait_for, waiting_for
from trackers.runtime.audit import record
from trackers.runtime.clock import utcnow
from trackers.runtime.prepared import pooled_driver


@dataclass
class Turn:
    update: Update | None  # None for work a job does on a chat's behalf (`for_chat`)
    context: Context
    session: AsyncSession
    chat: Chat
    language: str
    user_id: int | None = None
    # The text key of the refusal `begin` sends after the commit, if the update was refused.
    refused: str | None = None

    @classmethod
    @asynccontextmanager
    async def begin(cls, update: Update, context: Context) -> AsyncIterator[Turn]:
        """The turn's transaction, committed when the block ends; then the refusal, if there was one."""
        waits = context.bot_data.waits
        async with context.bot_data.transaction() as session:
            # The update's done mark rides on the chat's statement (bot.update_log): one round trip fewer; so does
            # the end of a guided /add a command asked for (bot.waits).
            mark = mark_to_carry(session)
            ending = waits.to_carry(update.effective_chat.id)
            chat = await current_chat(session, update, mark=mark, ending=ending)
            if mark is not None:
                carried(session, mark)
            user = update.effective_user
            language = language_for(chat.language, update, context)
            turn = cls(update, context, session, chat, language, user.id if user else None)
            yield turn
        if ending is not None:
            waits.carried()  # committed (had the turn failed, Waits.settle would end it after the handlers)
        if turn.refused is not None:
            await refuse(update, t(turn.language, turn.refused))

    @classmethod
    @asynccontextmanager
    async def for_chat(cls, context: Context, chat_id: int, user_id: int | None) -> AsyncIterator[Turn]:
        """A turn for what a job does on a chat's behalf, after the update that asked for it (a paste joined once
        its sender went quiet): the chat's language as the outbox reads it, no refusal (the update was admitted)."""
        async with context.bot_data.transaction() as session:
            chat = await session.get(Chat, chat_id)
            default = context.bot_data.settings.bot.language
            language = reading_language(chat.language, chat.telegram_language, default) if chat else default
            yield cls(None, context, session, chat, language, user_id)

    @property
    def settings(self) -> Settings:
        return self.context.bot_data.settings

    def refuse(self, key: str) -> None:
        """Refuse the update with the text `key`, sent once the transaction has committed."""
        self.refused = key


async def role(turn: Turn) -> Role:
    """The user's role now: owners and admins by numeric id (the settings, then the grants in the database)."""
    settings = turn.settings.bot
    return await role_of(turn.session, turn.user_id, owner_ids=settings.owner_ids, admin_ids=settings.admin_ids)


async def ask(turn: Turn, kind: str, step: str, data: dict) -> None:
    """From now on the bot waits for `step` of `kind` from this person in this chat, with `data` (JSON) kept for the
    answer (trackers.people.conversations; bot.handlers.answers hands the answer over)."""
    await wait_for(turn.session, turn.chat.id, turn.user_id, kind, step, data, now=utcnow())
    turn.context.bot_data.waits.asked(turn.chat.id, turn.user_id)


async def asked(turn: Turn, kind: str) -> Waiting | None:
    """What the bot waits for from this person in this chat, if it is of `kind` and has not lapsed."""
    waiting = await waiting_for(turn.session, turn.chat.id, turn.user_id, now=utcnow())
    return waiting if waiting is not None and waiting.kind == kind else None


async def stop_asking(turn: Turn, kind: str | None = None) -> None:
    """The bot waits for nothing (of `kind`, if given) from this person in this chat any more."""
    await stop_waiting(turn.session, turn.chat.id, turn.user_id, kind=kind)


async def admit(turn: Turn, action: str, *, need: Role = Role.ADMIN) -> bool:
    """Whether the user's role is enough for `action`; if not, the refusal is audited and will be sent.

    Every admin command and button asks this first: buttons carry no filter of their own in PTB.
    """
    if await role(turn) >= need:
        return True
    chat = turn.update.effective_chat
    await record(
        turn.session,
        actor_id=turn.user_id,
        action=action,
        allowed=False,
        now=utcnow(),
        detail={"chat_id": chat.id if chat else None},
    )
    turn.refuse("adm_owners_only" if need == Role.OWNER else "adm_refused")
    return False


async def refuse(update: Update, text: str) -> None:
    """The polite refusal: an alert under a button, else a reply."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_message.reply_text(text)


async def language_of(update: Update, context: Context) -> str:
    """The language to answer in, for a handler that needs nothing else from the database.

    On PostgreSQL the turn is then one statement, run alone on asyncpg (trackers.people.chats.chat_alone): the
    chat's row (inserted or brought up to date) and the update's done mark. It commits as it ends, atomic as a
    transaction is, so none is opened around it, and no ORM object is made for a row whose language is all the
    handler reads: through a session the same turn cost ~0.5 ms of CPU, alone ~0.2 ms."""
    engine, waits = context.bot_data.engine, context.bot_data.waits
    mark = mark_alone(engine)
    if mark is not None:
        ending = waits.to_carry(update.effective_chat.id)
        async with pooled_driver(engine) as driver:
            row = await chat_alone(driver, **chat_as_written(update), mark=mark, ending=ending)
        marked_alone(mark)  # nothing left to send: the update counts as handled from here
        if ending is not None:
            waits.carried()
        if row is not None:
            return language_for(row["language"], update, context)
        # Another instance inserted the chat after the statement's snapshot (the mark is carried): read it anew.
    async with Turn.begin(update, context) as turn:
        pass
    return turn.language


# An admin command's answer, worked out in its turn: one text.
Answer = Callable[[Turn], Awaitable[str]]


async def answer_admin_command(
    update: Update, context: Context, action: str, answer: Answer, *, need: Role = Role.ADMIN
) -> None:
    """An admin command whose answer is one text: the role checked and the text made in one turn, then the reply
    (or the refusal) sent once it has committed."""
    async with Turn.begin(update, context) as turn:
        text = await answer(turn) if await admit(turn, action, need=need) else None
    if text is not None:
        await update.effective_message.reply_text(text)
