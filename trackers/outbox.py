"""The delivery outbox: every message owed to a chat is a row before anything is sent.

    pending -> sending (lease, attempt) -> sent | blocked | failed | unknown | skipped
    held -> bundled (carried by a digest)

The unique key (chat, commitment, kind, milestone) makes enqueueing idempotent: a second sweep, a second instance
or a restart inserts nothing new (INSERT ... ON CONFLICT DO NOTHING). A sender claims rows under a lease; on
PostgreSQL claims take row locks with SKIP LOCKED, so two senders never claim the same row. A sender that dies
leaves its rows in `sending`; the reaper gives them back once the lease expires.

Every function takes the session and `now` and leaves committing to the caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, and_, bindparam, func, literal, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import AlertPreference, Chat, DeliveryState, Notification, Subscription

FINAL_STATES = (
    DeliveryState.SENT,
    DeliveryState.BLOCKED,
    DeliveryState.FAILED,
    DeliveryState.UNKNOWN,
    DeliveryState.SKIPPED,
    DeliveryState.BUNDLED,
)
# Bulk inserts go in chunks this big: large enough to amortise a statement, small enough for SQLite's limits.
INSERT_CHUNK = 5000


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


def outbox_row(
    *,
    chat_id: int,
    commitment_id: int | None,
    kind: str,
    milestone: str,
    text: str,
    due_at: datetime,
    now: datetime,
    payload: dict | None = None,
    state: DeliveryState = DeliveryState.PENDING,
    available_at: datetime | None = None,
    error: str | None = None,
) -> dict:
    """One row for `enqueue_many`, with every column the insert names."""
    final = state in FINAL_STATES
    return {
        "chat_id": chat_id,
        "commitment_id": commitment_id,
        "commitment_key": "" if commitment_id is None else str(commitment_id),
        "kind": kind,
        "milestone": milestone,
        "text": text,
        "payload": payload,
        "state": state,
        "due_at": due_at,
        "available_at": available_at or due_at,
        "attempts": 0,
        "parts_sent": 0,
        "last_error": error,
        "created_at": now,
        "finished_at": now if final else None,
    }


# The outbox's columns as a bulk insert names them, in order.
_COLUMNS = (
    "chat_id",
    "commitment_id",
    "commitment_key",
    "kind",
    "milestone",
    "text",
    "payload",
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
_SQLITE_INSERT = (
    f"INSERT INTO notification ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)}) {_CONFLICT}"
)
# The same row for many chats in one statement: the chat ids go as one JSON array, which SQLite unpacks itself
# (faster than binding every row's fifteen values). "WHERE true" lets SQLite parse ON CONFLICT after a SELECT.
_SQLITE_INSERT_FOR_CHATS = (
    f"INSERT INTO notification ({', '.join(_COLUMNS)}) "
    f"SELECT value, {', '.join('?' for _ in _COLUMNS[1:])} FROM json_each(?) WHERE true {_CONFLICT}"
)


async def enqueue_many(session: AsyncSession, rows: Sequence[dict]) -> int:
    """Insert rows made by `outbox_row`; a row whose key exists already is left out. Returns rows inserted.

    On SQLite the rows go straight to the driver's executemany, with each distinct time formatted once
    (SQLAlchemy's per-value type processing would cost more than the insert); on PostgreSQL SQLAlchemy batches
    them into multi-row INSERT ... RETURNING statements, which counts what was inserted. A fan-out, whose rows
    differ only in the chat, goes through `enqueue_for_chats`.
    """
    if not rows:
        return 0
    if session.bind.dialect.name != "sqlite":
        statement = (
            postgresql.insert(Notification.__table__)
            .on_conflict_do_nothing(index_elements=_KEY)
            .returning(Notification.id)
        )
        inserted = 0
        for start in range(0, len(rows), INSERT_CHUNK):
            result = await session.execute(statement, list(rows[start : start + INSERT_CHUNK]))
            inserted += len(result.all())
        return inserted
    stamp = _Stamps()
    connection = await session.connection()
    result = await connection.exec_driver_sql(_SQLITE_INSERT, [_sqlite_values(row, stamp) for row in rows])
    return max(result.rowcount or 0, 0)


async def enqueue_for_chats(session: AsyncSession, row: dict, chat_ids: Sequence[int]) -> int:
    """`row` (made by `outbox_row`) once for each of `chat_ids`: a fan-out whose followers share everything but
    the chat. The row's columns are prepared once, not once per chat. Returns rows inserted."""
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
    shared = _sqlite_values(row, _Stamps())[1:]
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
    """The row's values in `_COLUMNS` order, as the sqlite3 driver takes them."""
    return (
        row["chat_id"],
        row["commitment_id"],
        row["commitment_key"],
        row["kind"],
        row["milestone"],
        row["text"],
        None if row["payload"] is None else json.dumps(row["payload"], ensure_ascii=False),
        DeliveryState(row["state"]).value,
        stamp(row["due_at"]),
        stamp(row["available_at"]),
        row["attempts"],
        row["parts_sent"],
        row["last_error"],
        stamp(row["created_at"]),
        stamp(row["finished_at"]),
    )


async def enqueue_message(
    session: AsyncSession,
    *,
    chat_id: int,
    commitment_id: int | None,
    kind: str,
    milestone: str,
    text: str,
    due_at: datetime,
    now: datetime,
    payload: dict | None = None,
) -> bool:
    """Owe `chat_id` one message (HTML) at `due_at`, once per (chat, commitment, kind, milestone).

    Returns False when that key was enqueued before (nothing changes then). The dispatcher sends it within
    Telegram's limits, splitting long texts. A chat that blocked the bot gets nothing: its row is recorded
    as blocked at once.
    """
    if not text.strip():
        raise ValueError("a notification needs a text")
    chat = await session.get(Chat, chat_id)
    state, error = DeliveryState.PENDING, None
    if chat is not None and not chat.active:
        state, error = DeliveryState.BLOCKED, f"chat inactive: {chat.inactive_reason or 'unknown reason'}"
    row = outbox_row(
        chat_id=chat_id,
        commitment_id=commitment_id,
        kind=kind,
        milestone=milestone,
        text=text,
        due_at=due_at,
        now=now,
        payload=payload,
        state=state,
        error=error,
    )
    return await enqueue_many(session, [row]) == 1


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
    due = (
        select(Notification.id)
        .where(Notification.state == DeliveryState.PENDING, Notification.available_at <= now)
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


async def move_chat(session: AsyncSession, old_id: int, new_id: int, *, now: datetime) -> None:
    """A group became a supergroup with a new id: follows, preferences and waiting rows move with it."""
    old = await session.get(Chat, old_id)
    new = await session.get(Chat, new_id)
    if new is None:
        new = Chat(
            id=new_id,
            type="supergroup",
            title=old.title if old else None,
            language=old.language if old else None,
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
    await session.flush()


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
