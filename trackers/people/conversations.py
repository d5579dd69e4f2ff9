"""What the bot waits for from a person in a chat, kept in the database (the conversation table).

    await wait_for(session, chat_id, user_id, "add", "target", {"draft": ...}, now=now)
    waiting = await waiting_for(session, chat_id, user_id, now=now)   # None, or the step and its data
    await stop_waiting(session, chat_id, user_id)

One person waits for at most one thing in a chat: asking them something new replaces what was asked before. What
was asked lapses TIMEOUT after the last answer, as if it had never been asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from trackers.models import Conversation
from trackers.runtime.prepared import Prepared

if TYPE_CHECKING:  # asyncpg is loaded only by processes on PostgreSQL
    import asyncpg

# An admin who leaves a guided /add for half an hour has moved on: their next text is not an answer to it.
TIMEOUT = timedelta(minutes=30)

_t = Conversation.__table__
_theirs = (_t.c.chat_id == bindparam("chat"), _t.c.user_id == bindparam("user"))
_PEEK = select(_t.c.kind, _t.c.step, _t.c.updated_at).where(*_theirs)
_END = delete(_t).where(*_theirs, _t.c.kind == bindparam("kind"))
_PEEK_ALONE, _END_ALONE = Prepared(_PEEK), Prepared(_END)


@dataclass(frozen=True)
class Waiting:
    kind: str
    step: str
    data: dict


async def waiting_for(session: AsyncSession, chat_id: int, user_id: int, *, now: datetime) -> Waiting | None:
    """What the bot waits for from `user_id` in `chat_id`; None when nothing, or when it lapsed."""
    row = (
        await session.execute(
            select(_t.c.kind, _t.c.step, _t.c.data, _t.c.updated_at).where(
                _t.c.chat_id == chat_id, _t.c.user_id == user_id
            )
        )
    ).first()
    if row is None or row.updated_at <= now - TIMEOUT:
        return None
    return Waiting(row.kind, row.step, row.data)


async def wait_for(
    session: AsyncSession, chat_id: int, user_id: int, kind: str, step: str, data: dict, *, now: datetime
) -> None:
    """From now on the bot waits for `step` of `kind` from `user_id` in `chat_id`, with `data` (JSON) kept for it."""
    conversation = await session.get(Conversation, (chat_id, user_id))
    if conversation is None:
        session.add(Conversation(chat_id=chat_id, user_id=user_id, kind=kind, step=step, data=data, updated_at=now))
    else:
        conversation.kind, conversation.step, conversation.data, conversation.updated_at = kind, step, data, now


async def stop_waiting(session: AsyncSession, chat_id: int, user_id: int, *, kind: str | None = None) -> bool:
    """Nothing is waited for from `user_id` in `chat_id` any more (only a wait of `kind`, if given); whether there
    was something, lapsed or not."""
    statement = delete(Conversation).where(Conversation.chat_id == chat_id, Conversation.user_id == user_id)
    if kind is not None:
        statement = statement.where(Conversation.kind == kind)
    return (await session.execute(statement)).rowcount > 0


async def move_conversations(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> list[int]:
    """A group became a supergroup: what the bot waits for from its people follows it (not what they were asked in
    the supergroup meanwhile, which is newer); the people whose conversation moved."""
    asked_there = select(_t.c.user_id).where(_t.c.chat_id == new_chat_id)
    moved = list(
        await session.scalars(select(_t.c.user_id).where(_t.c.chat_id == old_chat_id, _t.c.user_id.not_in(asked_there)))
    )
    if moved:
        await session.execute(
            update(_t).where(_t.c.chat_id == old_chat_id, _t.c.user_id.in_(moved)).values(chat_id=new_chat_id)
        )
    await session.execute(delete(_t).where(_t.c.chat_id == old_chat_id))
    return moved


async def forget_lapsed(session: AsyncSession, *, now: datetime) -> int:
    """Delete what lapsed (the pruning sweep); how many."""
    result = await session.execute(delete(Conversation).where(Conversation.updated_at <= now - TIMEOUT))
    return result.rowcount


# Looks before any transaction (bot.waits): every text and command a person sends is looked at first, so these are
# single statements, neither part of the update's transaction nor carrying its done mark. Ending a wait twice, after
# a crash, ends nothing the second time.


def _lapsed(rows, now: datetime) -> tuple[str, str] | None:
    if not rows or rows[0][2] <= now - TIMEOUT:
        return None
    return rows[0][0], rows[0][1]


async def peek_alone(
    driver: asyncpg.Connection, chat_id: int, user_id: int, *, now: datetime
) -> tuple[str, str] | None:
    """PostgreSQL: the kind and step of what the bot waits for from `user_id` in `chat_id`, in one statement on
    asyncpg; None when nothing, or when it lapsed. The turn that answers reads it again, in its transaction."""
    return _lapsed(await _PEEK_ALONE.fetch(driver, chat=chat_id, user=user_id), now)


async def end_alone(driver: asyncpg.Connection, chat_id: int, user_id: int, kind: str) -> None:
    """PostgreSQL: stop waiting for `kind` from `user_id` in `chat_id`, one statement committed as it ends."""
    await _END_ALONE.fetch(driver, chat=chat_id, user=user_id, kind=kind)


async def peek(engine: AsyncEngine, chat_id: int, user_id: int, *, now: datetime) -> tuple[str, str] | None:
    """`peek_alone` through SQLAlchemy, on any database (bot.waits uses it on SQLite)."""
    async with engine.connect() as connection:
        return _lapsed((await connection.execute(_PEEK, {"chat": chat_id, "user": user_id})).all(), now)


async def end_now(engine: AsyncEngine, chat_id: int, user_id: int, kind: str) -> None:
    """`end_alone` through SQLAlchemy, on any database (bot.waits uses it on SQLite)."""
    values = {"chat": chat_id, "user": user_id, "kind": kind}
    # On SQLite a DELETE takes the write lock even when it matches nothing, so only after a read found something.
    async with engine.connect() as connection:
        found = (await connection.execute(_PEEK, values)).first()
    if found is not None:
        async with engine.begin() as connection:
            await connection.execute(_END, values)


def ending_count():
    """PostgreSQL: the end of what the bot waits for of kind :end_kind from :end_user in chat :id, as a subquery of
    one row, `ended` (0 or 1), for the chat's statement to carry (trackers.people.chats): a command's end of a
    guided /add then costs no round trip of its own (bot.waits). PostgreSQL runs the DELETE in its CTE whatever
    the rest of the statement returns."""
    ended = (
        delete(_t)
        .where(
            _t.c.chat_id == bindparam("id"),
            _t.c.user_id == bindparam("end_user"),
            _t.c.kind == bindparam("end_kind"),
        )
        .returning(_t.c.user_id)
        .cte("ended")
    )
    return select(func.count().label("ended")).select_from(ended).subquery("end")


async def everyone_waited_for(session: AsyncSession) -> set[tuple[int, int]]:
    """Every (chat, person) pair with a wait, lapsed or not."""
    rows = await session.execute(select(_t.c.chat_id, _t.c.user_id))
    return {(chat_id, user_id) for chat_id, user_id in rows}
