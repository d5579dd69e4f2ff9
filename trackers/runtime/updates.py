"""The update log: every update is stored before Telegram is told it arrived, and marked done by the transaction
that carries its effects. So a crash between the acknowledgement and the handler's commit loses nothing (the
update is handled again once it is old enough), and an update Telegram delivers twice (after a crash, or when the
final getUpdates acknowledgement failed) is handled once."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Text, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import ProcessedUpdate
from trackers.runtime.prepared import Prepared

if TYPE_CHECKING:  # asyncpg is loaded only by processes on PostgreSQL
    import asyncpg

# Times one unfinished update is handed to the handlers again; after that it is given up (and logged), so an
# update that kills the process cannot bring it down again and again.
MAX_ATTEMPTS = 3


_table = ProcessedUpdate.__table__

# One statement per dialect, run with a list of rows (executemany: SQLAlchemy sends it as one multi-row INSERT).
# A `.values([...])` statement would be simpler, but a multi-VALUES statement has no cache key: SQLAlchemy compiles
# it anew for every batch, which cost about a fifth of the CPU of a whole /start on SQLite.
_RECORD = {
    name: dialect.insert(_table)
    .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
    .returning(_table.c.update_id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def record_updates(
    session: AsyncSession,
    bot_id: int,
    updates: Sequence[tuple[int, str]],
    *,
    now: datetime,
    chats: Mapping[int, int | None] | None = None,
) -> set[int]:
    """Store (update id, JSON) pairs of bot `bot_id` in one statement, each with its chat from `chats` (update id
    to chat id); the ids stored now (the rest were here)."""
    if not updates:
        return set()
    chats = chats or {}
    rows = {
        update_id: {
            "bot_id": bot_id,
            "update_id": update_id,
            "received_at": now,
            "payload": payload,
            "chat_id": chats.get(update_id),
        }
        for update_id, payload in updates
    }
    statement = _RECORD["postgresql" if session.bind.dialect.name == "postgresql" else "sqlite"]
    return set((await session.scalars(statement, list(rows.values()))).all())


def _store():
    """The PostgreSQL INSERT of a batch, its rows as three arrays: one SQL text, so one prepared statement,
    whatever the batch's size."""
    rows = (
        func.unnest(
            bindparam("ids", type_=postgresql.ARRAY(BigInteger)),
            bindparam("payloads", type_=postgresql.ARRAY(Text)),
            bindparam("chats", type_=postgresql.ARRAY(BigInteger)),
        )
        .table_valued("update_id", "payload", "chat_id")
        .render_derived("batch")
    )
    values = select(
        bindparam("bot", type_=BigInteger),
        rows.c.update_id,
        bindparam("now", type_=_table.c.received_at.type),
        rows.c.payload,
        rows.c.chat_id,
    )
    return (
        postgresql.insert(_table)
        # attempts: the column's server default (a Python default here would be one more parameter to fill).
        .from_select(["bot_id", "update_id", "received_at", "payload", "chat_id"], values, include_defaults=False)
        .on_conflict_do_nothing(index_elements=["bot_id", "update_id"])
        .returning(_table.c.update_id)
    )


_STORE = Prepared(_store())
_new = _store().cte("new")
# The same, and a NOTIFY committed with it (PostgreSQL sends one of several identical ones in a transaction, and
# none when nothing was new).
_STORE_AND_ANNOUNCE = Prepared(select(_new.c.update_id, func.pg_notify(bindparam("channel"), bindparam("said"))))


async def store_updates(
    driver: asyncpg.Connection,
    bot_id: int,
    updates: Sequence[tuple[int, str]],
    *,
    now: datetime,
    chats: Mapping[int, int | None],
    announce: tuple[str, str] | None = None,
) -> set[int]:
    """`record_updates` on PostgreSQL in one round trip on asyncpg's connection, committed on its own (a receiver
    and a single process store every getUpdates batch: through a session it cost ~5 times the CPU). `announce`:
    (channel, payload) of a NOTIFY sent with it if anything was new."""
    if not updates:
        return set()
    values = {
        "bot": bot_id,
        "now": now,
        "ids": [update_id for update_id, _ in updates],
        "payloads": [payload for _, payload in updates],
        "chats": [chats.get(update_id) for update_id, _ in updates],
    }
    if announce is None:
        rows = await _STORE.fetch(driver, **values)
    else:
        rows = await _STORE_AND_ANNOUNCE.fetch(driver, channel=announce[0], said=announce[1], **values)
    return {row[0] for row in rows}


async def flush_stored(driver: asyncpg.Connection) -> None:
    """Return once everything committed before this call is on disk, however it was committed (a receiver stores
    its batches without waiting for the disk). A transaction that writes to the WAL and commits with
    synchronous_commit on waits for the disk up to its own commit record, and the WAL is written in order. What it
    writes is a logical-decoding message: no table keeps it, and any role may send one."""
    await driver.execute("SELECT pg_logical_emit_message(true, 'luoshi', '')")


# Marking one update done runs inside every handler's commit: a statement built once, on the table rather than
# the ORM class (no session synchronisation), costs a fraction of building and running a new ORM update each time.
# Its parameters' names are its own (mark_...), so that another statement can carry it (done_mark_count).
MARK_ONE_DONE = (
    update(_table)
    .where(
        _table.c.bot_id == bindparam("mark_bot"),
        _table.c.update_id == bindparam("mark_update"),
        _table.c.done_at.is_(None),
    )
    .values(done_at=bindparam("mark_now", type_=_table.c.done_at.type), payload=None)
)


def mark_one_done_params(bot_id: int, update_id: int, now: datetime) -> dict:
    return {"mark_bot": bot_id, "mark_update": update_id, "mark_now": now}


@dataclass
class DoneMark:
    """An update to mark done in the statement a transaction starts with, rather than in one of its own at commit
    (PostgreSQL: one round trip fewer per update, ~0.13 ms of CPU between the bot and the server). The statement
    that carries it sets `marked`: False if the update was done already (by someone else)."""

    bot_id: int
    update_id: int
    now: datetime
    marked: bool | None = None

    def params(self) -> dict:
        return mark_one_done_params(self.bot_id, self.update_id, self.now)


def done_mark_count():
    """MARK_ONE_DONE as a subquery of one row, `marked` (1 or 0), for a statement to carry (with DoneMark.params):
    PostgreSQL runs the UPDATE in its CTE whatever the rest of the statement returns."""
    marked = MARK_ONE_DONE.returning(_table.c.update_id).cte("marked")
    return select(func.count().label("marked")).select_from(marked).subquery("mark")


async def mark_done(session: AsyncSession, bot_id: int, update_ids: Sequence[int], *, now: datetime) -> None:
    """Mark updates handled (the ones whose handlers committed nothing, or were given up)."""
    if update_ids:
        await session.execute(
            update(ProcessedUpdate)
            .where(
                ProcessedUpdate.bot_id == bot_id,
                ProcessedUpdate.update_id.in_(update_ids),
                ProcessedUpdate.done_at.is_(None),
            )
            .values(done_at=now, payload=None)
            .execution_options(synchronize_session=False)
        )


async def take_unfinished(
    session: AsyncSession,
    bot_id: int,
    *,
    now: datetime,
    stale_before: datetime,
    holding: Collection[int] = (),
    limit: int = 100,
) -> tuple[list[tuple[int, str]], list[int]]:
    """Claim updates received before `stale_before` and still not done (nor claimed since then), oldest first:
    (id, JSON) pairs to handle again, and the ids given up after MAX_ATTEMPTS (marked done, so they stop coming
    back). Each claim counts one attempt; on PostgreSQL rows another instance is claiming are skipped, so an
    update is handed to one instance at a time.

    `holding`: ids the caller still has queued or running. Their claims are renewed first, so neither the caller
    nor another instance takes them for orphans while they wait."""
    held = sorted(holding)
    for start in range(0, len(held), 500):
        await session.execute(
            update(ProcessedUpdate)
            .where(
                ProcessedUpdate.bot_id == bot_id,
                ProcessedUpdate.update_id.in_(held[start : start + 500]),
                ProcessedUpdate.done_at.is_(None),
            )
            .values(taken_at=now)
            .execution_options(synchronize_session=False)
        )
    statement = (
        select(ProcessedUpdate.update_id, ProcessedUpdate.payload, ProcessedUpdate.attempts)
        .where(
            ProcessedUpdate.bot_id == bot_id,
            ProcessedUpdate.done_at.is_(None),
            ProcessedUpdate.received_at < stale_before,
            or_(ProcessedUpdate.taken_at.is_(None), ProcessedUpdate.taken_at < stale_before),
        )
        .order_by(ProcessedUpdate.update_id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # dropped on SQLite, where one transaction writes at a time anyway
    )
    rows = (await session.execute(statement)).all()
    again = [(row.update_id, row.payload) for row in rows if row.payload and row.attempts < MAX_ATTEMPTS]
    given_up = [row.update_id for row in rows if not row.payload or row.attempts >= MAX_ATTEMPTS]
    if again:
        await session.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id.in_([i for i, _ in again]))
            .values(attempts=ProcessedUpdate.attempts + 1, taken_at=now)
            .execution_options(synchronize_session=False)
        )
    await mark_done(session, bot_id, given_up, now=now)
    return again, given_up


async def forget_updates_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop updates received before `cutoff`. Telegram keeps an unconfirmed update for at most 24 hours, so older
    ids cannot come back; and a bot hands its own unfinished ones to its handlers when it starts, so an old row
    still not done belongs to another bot (an earlier token) that has not run since."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff))
    return result.rowcount
