"""Chats the bot talks to, what each has chosen (language, time zone), and the language each reads; a chat that
blocked the bot, and a group that became a supergroup (its follows, preferences, waiting messages and
conversations move)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    insert,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from trackers.models import AlertPreference, Chat, DeliveryState, Notification, Subscription
from trackers.people.conversations import ending_count, move_conversations
from trackers.runtime.prepared import Prepared
from trackers.runtime.updates import DoneMark, done_mark_count

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)


def reading_language(chosen: str | None, telegram: str | None, default: str) -> str:
    """The language a chat reads: its own choice (/lang), else its user's Telegram language when we speak it
    (`telegram`: one of ours, or None), else `default` (the bot.language setting).

    The one rule: the handlers answer with it and the outbox writes with it."""
    return chosen or telegram or default


# Every update's turn reads its chat: a statement built once costs less than session.get, which builds and keys a
# new one each time.
_CHAT_BY_ID = select(Chat).where(Chat.id == bindparam("chat_id"))
_NEW_CHAT = insert(Chat.__table__)


def _chat_or_new(*, marking: bool = False, ending: bool = False, relaxed: bool = False) -> Select | CompoundSelect:
    """PostgreSQL: the chat's row, inserted first if it is new and brought up to date if it changed (see
    get_or_create_chat), in one statement (a round trip to the server costs the bot ~0.2 ms of CPU, as much as the
    rest of reading a chat). The INSERT's RETURNING gives a new or changed row; otherwise the SELECT gives the row
    as it was (it sees the statement's starting snapshot).

    `marking`: the statement also marks an update done (a DoneMark's parameters) and returns the chat's columns and
    `marked` in one row, the chat's all None if neither part found it. The statement is then the whole of a turn
    that reads its chat and nothing else, and needs no transaction around it (chat_alone).

    `ending`: the statement also ends what the bot waits for of one kind from one person in the chat (end_user,
    end_kind: trackers.people.conversations.ending_count), and returns `ended` beside the chat's columns.

    `relaxed` (with `marking`, for a statement that is its transaction, chat_alone): its commit does not wait for
    the disk. What it writes can all be lost in a server crash without harm: the chat's row is written again from
    the chat's next update, an update not marked done is handled again (its reply sent again), a guided /add not
    ended can be cancelled; and the next commit that waits for the disk (any turn with effects) writes it too.
    Waiting for the disk was most of such a turn's time: ~1.2-1.7 ms of wall time against ~0.7 ms.

    ON CONFLICT DO UPDATE locks the existing row even when its WHERE leaves it as it is: a turn holds its chat's
    row until it commits. A chat's updates are handled one at a time anyway; what else writes a chat's row (the
    dispatcher marking it blocked or moved) waits for the turn, and no turn waits for anything else that does."""
    table = Chat.__table__
    statement = postgresql.insert(table).values({column.name: bindparam(column.name) for column in table.c})
    new, old = statement.excluded, table.c
    regained = or_(old.active.is_(False), old.title.is_distinct_from(new.title))
    relabelled = and_(new.telegram_language.is_not(None), old.telegram_language.is_distinct_from(new.telegram_language))
    created = (
        statement.on_conflict_do_update(
            index_elements=["id"],
            set_={
                # A chat that writes is active again; its title and its user's language are the latest.
                "active": true(),
                "inactive_reason": case((regained, null()), else_=old.inactive_reason),
                "title": new.title,
                "telegram_language": func.coalesce(new.telegram_language, old.telegram_language),
                "updated_at": new.updated_at,
            },
            where=or_(regained, relabelled),  # otherwise the row is left as it is, not rewritten
        )
        .returning(*table.c)
        .cte("created")
    )
    unchanged = select(table).where(table.c.id == bindparam("id"), ~exists(select(created.c.id)))
    rows = union_all(select(created), unchanged)
    if not (marking or ending):
        return rows
    # One row of what the statement did besides, the chat's row beside it (None when neither part found it).
    sides = ([done_mark_count()] if marking else []) + ([ending_count()] if ending else [])
    done = sides[0] if len(sides) == 1 else sides[0].join(sides[1], true())
    chat = rows.subquery("chat")
    # set_config(..., true): for this statement's own transaction, read when it commits.
    relax = [func.set_config("synchronous_commit", "off", true()).label("relaxed")] if relaxed else []
    return select(chat, *(side.c[0] for side in sides), *relax).select_from(done.outerjoin(chat, true()))


# By (marking, ending).
_CHAT_OR_NEW = {
    (marking, ending): select(
        Chat, *([column("marked", Integer)] if marking else []), *([column("ended", Integer)] if ending else [])
    ).from_statement(_chat_or_new(marking=marking, ending=ending))
    for marking in (False, True)
    for ending in (False, True)
}
# The same, run alone on asyncpg (chat_alone): its row as a record, no ORM object.
_CHAT_OR_NEW_ALONE = {
    ending: Prepared(_chat_or_new(marking=True, ending=ending, relaxed=True)) for ending in (False, True)
}


def _chat_row(chat_id: int, type: str, title: str | None, now: datetime, telegram_language: str | None) -> dict:
    """A new chat's row: the values the statements above insert when the chat is not there yet."""
    return {
        "id": chat_id,
        "type": type,
        "title": title,
        "language": None,
        "telegram_language": telegram_language,
        "timezone": None,
        "active": True,
        "inactive_reason": None,
        "created_at": now,
        "updated_at": now,
    }


async def get_or_create_chat(
    session: AsyncSession,
    chat_id: int,
    *,
    type: str,
    title: str | None,
    now: datetime,
    telegram_language: str | None = None,
    mark: DoneMark | None = None,
    ending: tuple[int, str] | None = None,
) -> Chat:
    """The chat's row, created on first contact; a chat that had gone inactive is active again once it writes.

    `telegram_language`: the Telegram language of the user who wrote, when we speak it; kept on the chat so that
    what the outbox sends later reads as the handlers' answers do (None: not known, what is kept stays). The
    row is written only when something changed.

    `mark`: an update to mark done by the same statement, on PostgreSQL (its `marked` is set); on SQLite it is
    left alone (`marked` stays None) for the caller's commit to mark.

    `ending`: (person, kind) whose wait in the chat the same statement ends (PostgreSQL only: bot.waits)."""
    row = _chat_row(chat_id, type, title, now, telegram_language)
    if session.bind.dialect.name == "postgresql":
        statement = _CHAT_OR_NEW[mark is not None, ending is not None]
        values = row | (mark.params() if mark is not None else {}) | _ending_params(ending)
        if mark is None and ending is None:
            chat = await session.scalar(statement, values)  # no row if the chat was inserted meanwhile (below)
        else:
            chat, *sides = (await session.execute(statement, values)).one()  # one row, whatever the chat's part
            if mark is not None:
                mark.marked = bool(sides[0])
        if chat is not None:
            return chat  # new, or brought up to date by the statement
        # Another instance inserted it meanwhile, after this statement's snapshot.
        chat = await session.scalar(_CHAT_BY_ID, {"chat_id": chat_id})
    else:
        chat = await session.scalar(_CHAT_BY_ID, {"chat_id": chat_id})
        if chat is None:
            # Inserted with a plain statement, then given to the session as a row it already has (later changes
            # are UPDATEs as usual): the ORM's flush of one new object cost a fifth of a first /start's CPU.
            await session.execute(_NEW_CHAT, row)
            chat = Chat(**row)
            make_transient_to_detached(chat)
            session.add(chat)
            return chat
    # SQLite, and PostgreSQL's row inserted meanwhile: the rule _chat_or_new's statement applies in SQL.
    if not chat.active or chat.title != title:
        chat.active, chat.inactive_reason, chat.title, chat.updated_at = True, None, title, now
    if telegram_language is not None and chat.telegram_language != telegram_language:
        chat.telegram_language, chat.updated_at = telegram_language, now
    return chat


async def chat_alone(
    driver: asyncpg.Connection,
    chat_id: int,
    *,
    type: str,
    title: str | None,
    now: datetime,
    telegram_language: str | None,
    mark: DoneMark,
    ending: tuple[int, str] | None = None,
) -> asyncpg.Record | None:
    """PostgreSQL: get_or_create_chat's statement with its `mark`, run on asyncpg outside any transaction, so it
    commits as it ends (`mark.marked` is set). For a turn that needs the chat's row and nothing else, this is the
    whole turn: one round trip, and ~0.2 ms of the process's CPU against ~0.5 ms through a session committing
    each statement and ~0.7 ms as a transaction (2,000 runs each). The chat's row as it is now (a record: id,
    language, ...), or None if another instance inserted it after the statement's snapshot; the mark is carried
    either way; `ending` as for get_or_create_chat."""
    values = _chat_row(chat_id, type, title, now, telegram_language) | mark.params() | _ending_params(ending)
    statement = _CHAT_OR_NEW_ALONE[ending is not None]
    record = await driver.fetchrow(statement.sql, *statement.arguments(values))
    mark.marked = bool(record["marked"])
    return record if record["id"] is not None else None


def _ending_params(ending: tuple[int, str] | None) -> dict:
    return {} if ending is None else {"end_user": ending[0], "end_kind": ending[1]}


async def set_language(session: AsyncSession, chat: Chat, language: str, *, now: datetime) -> None:
    chat.language = language
    chat.updated_at = now


# -- blocked and moved chats ------------------------------------------------------------------------------------


async def inactive_chats(session: AsyncSession, chat_ids: Iterable[int]) -> set[int]:
    ids = list(set(chat_ids))
    if not ids:
        return set()
    statement = select(Chat.id).where(Chat.id.in_(ids), Chat.active.is_(False))
    return set((await session.execute(statement)).scalars())


async def block_chat(session: AsyncSession, chat_id: int, reason: str, *, now: datetime) -> int:
    """The chat blocked the bot or is gone (403): mark it inactive and record its waiting rows as blocked."""
    chat = await session.get(Chat, chat_id)
    if chat is not None:
        chat.active, chat.inactive_reason, chat.updated_at = False, reason[:200], now
    result = await session.execute(
        update(Notification)
        .where(
            Notification.chat_id == chat_id,
            Notification.state.in_([DeliveryState.PENDING, DeliveryState.HELD]),
        )
        .values(state=DeliveryState.BLOCKED, finished_at=now, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


async def move_chat(session: AsyncSession, old_id: int, new_id: int, *, now: datetime) -> list[int]:
    """A group became a supergroup with a new id: follows, preferences, waiting rows and what the bot waits for from
    its people move with it (the people whose conversation moved are returned).

    Two may move the same group at once: the supergroup's first update (bot.handlers.upgrades) and the outbox, at a
    send to the old id. The move runs in a savepoint, and the one that commits second gives way (nothing moved, []),
    so it does not take the rest of its transaction with it (the outbox's holds the outcomes of a batch of sends)."""
    try:
        async with session.begin_nested():
            return await _move_chat(session, old_id, new_id, now)
    except SQLAlchemyError as error:
        log.warning("group %s was being moved to %s meanwhile; that move stands (%s)", old_id, new_id, error)
        return []


async def _move_chat(session: AsyncSession, old_id: int, new_id: int, now: datetime) -> list[int]:
    old = await session.get(Chat, old_id)
    new = await session.get(Chat, new_id)
    if new is not None and old is not None:
        # The supergroup's row may be only moments old (its first update wrote it): what the group chose stays.
        new.language = new.language or old.language
        new.timezone = new.timezone or old.timezone
    if new is None:
        new = Chat(
            id=new_id,
            type="supergroup",
            title=old.title if old else None,
            language=old.language if old else None,
            telegram_language=old.telegram_language if old else None,
            timezone=old.timezone if old else None,
            active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(new)
        await session.flush()
    if old is not None:
        old.active, old.inactive_reason, old.updated_at = False, f"migrated to {new_id}", now
        await _move_follows(session, old_id, new_id, now)
        preference = await session.get(AlertPreference, old_id)
        if preference is not None and await session.get(AlertPreference, new_id) is None:
            session.add(
                AlertPreference(
                    chat_id=new_id,
                    lead_days=preference.lead_days,
                    prompts=preference.prompts,
                    quiet_start=preference.quiet_start,
                    quiet_end=preference.quiet_end,
                    digest=preference.digest,
                    updated_at=now,
                )
            )
    waiting = (
        await session.execute(
            select(Notification).where(
                Notification.chat_id == old_id,
                Notification.state.in_([DeliveryState.PENDING, DeliveryState.HELD, DeliveryState.SENDING]),
            )
        )
    ).scalars()
    for row in waiting:
        clash = await session.execute(
            select(Notification.id).where(
                Notification.chat_id == new_id,
                Notification.commitment_key == row.commitment_key,
                Notification.kind == row.kind,
                Notification.milestone == row.milestone,
            )
        )
        if clash.first() is None:
            row.chat_id = new_id
        else:
            row.state, row.finished_at = DeliveryState.SKIPPED, now
            row.last_error = f"chat migrated to {new_id}, which has this message already"
    moved = await move_conversations(session, old_id, new_id)
    await session.flush()
    return moved


async def _move_follows(session: AsyncSession, old_id: int, new_id: int, now: datetime) -> None:
    have = {
        (kind, target)
        for kind, target in (
            await session.execute(select(Subscription.kind, Subscription.target).where(Subscription.chat_id == new_id))
        ).all()
    }
    for subscription in (await session.execute(select(Subscription).where(Subscription.chat_id == old_id))).scalars():
        if (subscription.kind, subscription.target) in have:
            await session.delete(subscription)
        else:
            subscription.chat_id = new_id
