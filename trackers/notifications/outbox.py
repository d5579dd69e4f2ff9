"""The delivery outbox: every message owed to a chat is a row before anything is sent.

    pending -> sending (lease, attempt) -> sent | blocked | failed | unknown | skipped
    held -> bundled (carried by a digest)

Every message goes in through `owe`, one row per chat, its text in the language that chat reads (the rule of
trackers.people.chats.reading_language, as for the handlers' replies). Texts come from the bot layer as a function
of the language, so this module knows none. The unique key (chat, commitment, kind, milestone) makes enqueueing
idempotent: a second sweep, a second instance or a restart inserts nothing new (INSERT ... ON CONFLICT DO
NOTHING). A sender claims rows under a lease; on PostgreSQL claims take row locks with SKIP LOCKED, so two senders
never claim the same row. A sender that dies leaves its rows in `sending`; the reaper gives them back once the
lease expires.

Every function takes the session and `now` and leaves committing to the caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, and_, any_, bindparam, event, func, literal, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction, aliased

from trackers.models import Chat, DeliveryState, Notification
from trackers.people.chats import reading_language

FINAL_STATES = (
    DeliveryState.SENT,
    DeliveryState.BLOCKED,
    DeliveryState.FAILED,
    DeliveryState.UNKNOWN,
    DeliveryState.SKIPPED,
    DeliveryState.BUNDLED,
)


@dataclass(frozen=True)
class Claimed:
    """A row claimed for sending: what the sender needs, nothing more."""

    id: int
    chat_id: int
    text: str
    parts_sent: int
    attempts: int
    due_at: datetime
    available_at: datetime


@dataclass
class Outcome:
    """What happened to one claimed row; `record_outcomes` writes many at once."""

    id: int
    state: DeliveryState
    error: str | None = None
    message_id: int | None = None
    parts_sent: int | None = None
    # For a row going back to pending: when to try again.
    available_at: datetime | None = None


# -- owing messages -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    """A message owed to chats: its outbox key but for the chat, when it is due, and its text in any language.

    `text` turns a language ("zh", "en") into the message's HTML; `owe` asks it once for each language its chats
    read. `state` is PENDING, HELD (for a digest) or SKIPPED (too late, with the reason in `error`)."""

    kind: str
    milestone: str
    text: Callable[[str], str]
    due_at: datetime
    commitment_id: int | None = None
    state: DeliveryState = DeliveryState.PENDING
    error: str | None = None
    # When the row may first be tried, if not when it is due.
    available_at: datetime | None = None


# Rows written by one transaction after which the table's statistics are refreshed as it commits (PostgreSQL).
ANALYZE_AFTER = 1000


async def owe(
    session: AsyncSession, owed: Owed, chat_ids: Sequence[int], *, now: datetime, default_language: str
) -> int:
    """Owe each of `chat_ids` the message, in the language that chat reads; returns rows written.

    This is the one way into the outbox. Each chat's language is decided by `reading_language`, as for the
    handlers' replies: the chat's /lang, else its user's Telegram language, else `default_language` (the
    bot.language setting). A row is written once per (chat, commitment, kind, milestone): a key enqueued before
    writes nothing. A chat that blocked the bot gets nothing: its row is recorded as blocked at once. The
    dispatcher sends the rest within Telegram's limits, splitting long texts.
    """
    if not chat_ids:
        return 0
    readers = await _readers(session, chat_ids, default_language)
    groups: dict[tuple[str, str | None], list[int]] = {}
    for chat_id in chat_ids:
        groups.setdefault(readers.get(chat_id, (default_language, None)), []).append(chat_id)
    texts: dict[str, str] = {}
    written = 0
    for (language, inactive), chats in groups.items():
        if language not in texts:
            texts[language] = owed.text(language)
            if not texts[language].strip():
                raise ValueError(f"a notification needs a text ({owed.kind}, {language})")
        state, error = owed.state, owed.error
        if inactive is not None and state in (DeliveryState.PENDING, DeliveryState.HELD):
            state, error = DeliveryState.BLOCKED, f"chat inactive: {inactive}"
        row = _row(owed, text=texts[language], state=state, error=error, now=now)
        written += await _insert_for_chats(session, row, chats)
    if written:
        info = session.sync_session.info
        info[_WRITTEN] = info.get(_WRITTEN, 0) + written
    return written


# Rows `owe` wrote in the session's open transaction (its `info`), for the statistics below.
_WRITTEN = "outbox_rows_written"


@event.listens_for(Session, "before_commit")
def _refresh_statistics(session: Session) -> None:
    """After a large fan-out, PostgreSQL's statistics of the outbox are refreshed as its transaction commits.

    PostgreSQL plans the dispatcher's claims from the table's statistics, which autovacuum refreshes some time
    after a bulk insert. Planned for the nearly empty table it believed in, a claim among 10,000 fresh rows probed
    every unsent row for each row: seconds a claim, minutes to drain a fan-out. Refreshed in the transaction that
    wrote the rows (ANALYZE counts its own transaction's rows), once: a fan-out writes its followers in batches
    of a few thousand, and an ANALYZE after each (40-50 ms apiece) was half of a 100,000-chat fan-out's time.
    """
    if session.in_nested_transaction():
        return  # a savepoint's end; the transaction's own commit comes later
    written = session.info.pop(_WRITTEN, 0)
    if written >= ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE notification"))


@event.listens_for(Session, "after_transaction_end")
def _forget_written(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction is over (a rollback, too): its count with it
        session.info.pop(_WRITTEN, None)


async def _readers(
    session: AsyncSession, chat_ids: Sequence[int], default_language: str
) -> dict[int, tuple[str, str | None]]:
    """For each known chat: the language it reads, and why it is inactive (None while it is active)."""
    ids = list(dict.fromkeys(chat_ids))
    await session.flush()  # the statement below goes past the ORM: a chat changed in this session must be written
    connection = await session.connection()
    # Plain rows through the connection, the ids bound as one array: a fan-out looks up 100,000 chats, and
    # binding each id (or loading rows through the ORM) would cost more than writing their rows.
    if session.bind.dialect.name == "sqlite":
        rows = await connection.exec_driver_sql(_SQLITE_READERS, (json.dumps(ids),))
    else:
        rows = await connection.execute(_POSTGRES_READERS, {"ids": ids})
    readers: dict[int, tuple[str, str | None]] = {}
    for chat_id, chosen, telegram, active, reason in rows:
        inactive = None if active else (reason or "unknown reason")
        readers[chat_id] = (reading_language(chosen, telegram, default_language), inactive)
    return readers


_POSTGRES_READERS = select(Chat.id, Chat.language, Chat.telegram_language, Chat.active, Chat.inactive_reason).where(
    Chat.id == any_(bindparam("ids", type_=postgresql.ARRAY(BigInteger)))
)
_SQLITE_READERS = (
    "SELECT id, language, telegram_language, active, inactive_reason FROM chat "
    "WHERE id IN (SELECT value FROM json_each(?))"
)


def _row(owed: Owed, *, text: str, state: DeliveryState, error: str | None, now: datetime) -> dict:
    """The row `_insert_for_chats` writes for every chat (it fills in the chat id)."""
    return {
        "commitment_id": owed.commitment_id,
        "commitment_key": "" if owed.commitment_id is None else str(owed.commitment_id),
        "kind": owed.kind,
        "milestone": owed.milestone,
        "text": text,
        "state": state,
        "due_at": owed.due_at,
        "available_at": owed.available_at or owed.due_at,
        "attempts": 0,
        "parts_sent": 0,
        "last_error": error,
        "created_at": now,
        "finished_at": now if state in FINAL_STATES else None,
    }


# The outbox's columns as an insert names them, in order.
_COLUMNS = (
    "chat_id",
    "commitment_id",
    "commitment_key",
    "kind",
    "milestone",
    "text",
    "state",
    "due_at",
    "available_at",
    "attempts",
    "parts_sent",
    "last_error",
    "created_at",
    "finished_at",
)
# The outbox key: one row per chat, commitment, kind and milestone, however often it is enqueued.
_KEY = ["chat_id", "commitment_key", "kind", "milestone"]
_CONFLICT = f"ON CONFLICT ({', '.join(_KEY)}) DO NOTHING"
# The same row for many chats in one statement: the chat ids go as one JSON array, which SQLite unpacks itself
# (faster than binding every row's values). "WHERE true" lets SQLite parse ON CONFLICT after a SELECT.
_SQLITE_INSERT_FOR_CHATS = (
    f"INSERT INTO notification ({', '.join(_COLUMNS)}) "
    f"SELECT value, {', '.join('?' for _ in _COLUMNS[1:])} FROM json_each(?) WHERE true {_CONFLICT}"
)


async def _insert_for_chats(session: AsyncSession, row: dict, chat_ids: Sequence[int]) -> int:
    """`row` (made by `_row`) once for each of `chat_ids`: a fan-out whose followers share everything but the
    chat. The row's columns are prepared once, not once per chat. Returns rows inserted."""
    if not chat_ids:
        return 0
    if session.bind.dialect.name != "sqlite":
        # One statement: the chat ids go as one array and the database pairs each with the shared columns.
        # (Row by row through SQLAlchemy, 100,000 rows took 10 s here; this way the database does the work.)
        table = Notification.__table__
        chats = func.unnest(bindparam("chat_ids", list(chat_ids), type_=postgresql.ARRAY(BigInteger)))
        chat_id = chats.column_valued("chat_id")
        shared = [literal(row[name], table.c[name].type) for name in _COLUMNS[1:]]
        statement = (
            postgresql.insert(table)
            .from_select(list(_COLUMNS), select(chat_id, *shared))
            .on_conflict_do_nothing(index_elements=_KEY)
        )
        return max((await session.execute(statement)).rowcount or 0, 0)
    shared = _sqlite_values(row, _Stamps())
    connection = await session.connection()
    result = await connection.exec_driver_sql(_SQLITE_INSERT_FOR_CHATS, (*shared, json.dumps(list(chat_ids))))
    return max(result.rowcount or 0, 0)


class _Stamps(dict):
    """Times as UtcDateTime stores them on SQLite (naive UTC, ISO with a space and microseconds), each distinct
    time formatted once."""

    def __call__(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        text = self.get(moment)
        if text is None:
            if moment.tzinfo is None:
                raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware UTC time")
            text = self[moment] = moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return text


def _sqlite_values(row: dict, stamp: _Stamps) -> tuple:
    """The row's values in `_COLUMNS` order but for the chat id, as the sqlite3 driver takes them."""
    return (
        row["commitment_id"],
        row["commitment_key"],
        row["kind"],
        row["milestone"],
        row["text"],
        DeliveryState(row["state"]).value,
        stamp(row["due_at"]),
        stamp(row["available_at"]),
        row["attempts"],
        row["parts_sent"],
        row["last_error"],
        stamp(row["created_at"]),
        stamp(row["finished_at"]),
    )


# -- claiming and recording ---------------------------------------------------------------------------------------


async def skip_stale(session: AsyncSession, *, now: datetime, max_lateness: timedelta) -> int:
    """Pending rows due longer ago than `max_lateness` (the bot was down, or retries never got through) are
    recorded as skipped, with the reason, instead of arriving too late to matter."""
    result = await session.execute(
        update(Notification)
        .where(Notification.state == DeliveryState.PENDING, Notification.due_at < now - max_lateness)
        .values(
            state=DeliveryState.SKIPPED,
            finished_at=now,
            lease_until=None,
            last_error=func.coalesce(Notification.last_error + "; ", "") + "too late: due over the lateness limit",
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


async def claim(session: AsyncSession, *, now: datetime, limit: int, lease: timedelta, instance: str) -> list[Claimed]:
    """Claim up to `limit` due rows for this sender, oldest first, under a lease.

    PostgreSQL: row locks with SKIP LOCKED, so concurrent claims never overlap and never wait on each other.
    SQLite has no row locks (SQLAlchemy drops FOR UPDATE there); its BEGIN IMMEDIATE transaction serialises
    claims, and only one dispatcher runs on it anyway.
    """
    # A chat's messages go out in the order they were owed: a row waits while an older one of its chat is still to
    # be sent (put off by the chat's flood limit, a retry, or being sent now), else a message owed later, already
    # due, would overtake it.
    older = aliased(Notification)
    held_back = (
        select(older.id)
        .where(
            older.chat_id == Notification.chat_id,
            older.id < Notification.id,
            older.state.in_((DeliveryState.PENDING, DeliveryState.SENDING)),
        )
        .exists()
    )
    due = (
        select(Notification.id)
        .where(Notification.state == DeliveryState.PENDING, Notification.available_at <= now, ~held_back)
        .order_by(Notification.available_at, Notification.id)
        .limit(limit)
    )
    if session.bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(Notification)
        .where(Notification.id.in_(due.scalar_subquery()))
        .values(
            state=DeliveryState.SENDING,
            lease_until=now + lease,
            attempts=Notification.attempts + 1,
            claimed_by=instance,
        )
        .returning(
            Notification.id,
            Notification.chat_id,
            Notification.text,
            Notification.parts_sent,
            Notification.attempts,
            Notification.due_at,
            Notification.available_at,
        )
        .execution_options(synchronize_session=False)
    )
    rows = [Claimed(*row) for row in (await session.execute(statement)).all()]
    rows.sort(key=lambda row: (row.available_at, row.id))
    return rows


async def record_outcomes(session: AsyncSession, outcomes: Iterable[Outcome], *, now: datetime) -> None:
    """Write what happened to claimed rows, in one statement per shape of change."""
    params = []
    for outcome in outcomes:
        values: dict = {"id": outcome.id, "state": outcome.state, "lease_until": None}
        if outcome.error is not None:
            # A success keeps the row's earlier error: "sent after a lease expired" is worth seeing.
            values["last_error"] = outcome.error
        if outcome.state in FINAL_STATES:
            values["finished_at"] = now
        if outcome.state is DeliveryState.SENT:
            values["sent_at"] = now
            values["message_id"] = outcome.message_id
        if outcome.parts_sent is not None:
            values["parts_sent"] = outcome.parts_sent
        if outcome.available_at is not None:
            values["available_at"] = outcome.available_at
        params.append(values)
    if params:
        # ORM bulk UPDATE by primary key: one executemany per set of keys.
        await session.execute(update(Notification), params)


async def reap_leases(session: AsyncSession, *, now: datetime, expired_only: bool = True) -> int:
    """Give rows whose sender died back to pending, so they are sent (again).

    Such a row may or may not have reached Telegram before the sender died: nothing records the moment between
    the request and its answer. Sending it again can make a second copy of at most the rows that were in flight;
    not sending it could lose it. Its last_error says so, and attempts counts the tries.
    `expired_only=False` takes every lease: for a dispatcher that has just become the only one.
    """
    condition = Notification.state == DeliveryState.SENDING
    if expired_only:
        condition = and_(condition, Notification.lease_until < now)
    result = await session.execute(
        update(Notification)
        .where(condition)
        .values(
            state=DeliveryState.PENDING,
            lease_until=None,
            available_at=now,
            last_error="lease expired: its sender stopped mid-send; sent again (a copy is possible)",
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# -- what the admins see ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxHealth:
    pending: int
    held: int
    sending: int
    oldest_pending_due: datetime | None
    # Rows that reached each final state in the last 24 hours.
    last_day: dict[str, int]


async def outbox_health(session: AsyncSession, *, now: datetime) -> OutboxHealth:
    waiting = dict(
        (
            await session.execute(
                select(Notification.state, func.count())
                .where(Notification.state.in_([DeliveryState.PENDING, DeliveryState.HELD, DeliveryState.SENDING]))
                .group_by(Notification.state)
            )
        ).all()
    )
    oldest = (
        await session.execute(
            select(func.min(Notification.due_at)).where(
                Notification.state.in_([DeliveryState.PENDING, DeliveryState.SENDING]), Notification.due_at <= now
            )
        )
    ).scalar_one_or_none()
    finished = dict(
        (
            await session.execute(
                select(Notification.state, func.count())
                .where(Notification.finished_at >= now - timedelta(hours=24))
                .group_by(Notification.state)
            )
        ).all()
    )
    return OutboxHealth(
        pending=waiting.get(DeliveryState.PENDING, 0),
        held=waiting.get(DeliveryState.HELD, 0),
        sending=waiting.get(DeliveryState.SENDING, 0),
        oldest_pending_due=oldest,
        last_day={str(DeliveryState(state).value): count for state, count in finished.items()},
    )
