"""How worker processes share the update log on PostgreSQL: which chats wait, whose turn a chat is, the next update.

A chat's updates are handled by one worker at a time and in order. The turn is a session advisory lock per chat,
held on a connection the worker keeps for it: PostgreSQL releases it when that connection dies, so a worker
killed mid-update frees its chats at once, and its uncommitted update (not marked done) is the next one taken.
Updates without a chat go to any worker, claimed row by row (SKIP LOCKED) for a lease.

Every take counts an attempt, committed before the update is handled, so an update that kills its worker is given
up after MAX_ATTEMPTS (trackers.runtime.updates) instead of bringing every worker down in turn.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import (
    BigInteger,
    Integer,
    all_,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from trackers.models import ProcessedUpdate
from trackers.runtime.prepared import Prepared

if TYPE_CHECKING:  # asyncpg is loaded only by processes on PostgreSQL
    import asyncpg

_t = ProcessedUpdate.__table__


class Taken(NamedTuple):
    update_id: int
    payload: str | None
    attempts: int


def channel(bot_id: int) -> str:
    """The NOTIFY channel on which a receiver says that bot `bot_id` has new updates."""
    return f"luoshi_updates_{bot_id}"


# A notification names the slots whose chats have new updates, and says CHATLESS when some updates have no chat:
# a worker wakes only when it is named (each would otherwise run a round for every batch, mostly for nothing), and
# looks for updates without a chat only when told (and now and then, for leases that ran out), not in every round.
# An empty payload wakes every worker.
CHATLESS = "chatless"


def wake_payload(chats: Iterable[int | None], workers: int) -> str:
    """The payload announcing updates of these chats (None: no chat) to `workers` workers: "chatless 0 2"."""
    slots = sorted({chat % workers for chat in chats if chat is not None})  # Python's %, as slot_of and the SQL
    chatless = any(chat is None for chat in chats)
    return " ".join([CHATLESS] * chatless + [str(slot) for slot in slots])


def woken(payload: str, slot: int) -> tuple[bool, bool]:
    """What a notification means to the worker of `slot`: whether to look for work, and for updates without a
    chat."""
    said = payload.split()
    chatless = CHATLESS in said
    return not said or chatless or str(slot) in said, chatless


def _waiting():
    """Chats with undone updates, the oldest waiting first: those of worker :slot of :slots, and any other whose
    oldest update was received before :stale_before (its worker is dead or far behind)."""
    slot, slots = bindparam("slot", type_=BigInteger), bindparam("slots", type_=BigInteger)
    # Python's modulo (never negative) for negative group ids too.
    mine = ((_t.c.chat_id % slots) + slots) % slots == slot
    return (
        select(_t.c.chat_id)
        .where(_t.c.bot_id == bindparam("bot"), _t.c.done_at.is_(None), _t.c.chat_id.is_not(None))
        .group_by(_t.c.chat_id)
        .having(or_(mine, func.min(_t.c.received_at) < bindparam("stale_before")))
        .order_by(func.min(_t.c.update_id))
    )


def _folded_key(chat_id):
    """chat_lock_key's second key, computed by PostgreSQL: the chat id's two halves XORed, as a signed int4."""
    # Constants written into the SQL: as bound parameters they would be bigint, and PostgreSQL has no bigint >>
    # bigint.
    folded = chat_id.op("#")(chat_id.op(">>")(literal_column("32"))).op("&")(literal_column("4294967295"))
    return cast(
        case((folded >= literal_column("2147483648"), folded - literal_column("4294967296")), else_=folded), Integer
    )


# The statements a worker runs in every round are built and compiled once, with their values as parameters
# (arrays, not an expanding IN: one SQL text whatever the count), and run on asyncpg's connection
# (trackers.runtime.prepared).
_lock_space = bindparam("lock_space", type_=Integer)
_CHATS_WAITING = Prepared(_waiting().limit(bindparam("limit")))
_candidates = (
    _waiting()
    .where(_t.c.chat_id != all_(bindparam("holding", type_=ARRAY(BigInteger))))
    .limit(bindparam("limit"))
    .cte("candidates")
    .prefix_with("MATERIALIZED")
)
_releasing = (
    func.unnest(bindparam("release", type_=ARRAY(BigInteger))).table_valued("chat_id").render_derived("releasing")
)
_released = (
    select(func.count(func.pg_advisory_unlock(_lock_space, _folded_key(_releasing.c.chat_id))))
    .select_from(_releasing)
    .scalar_subquery()
)
_locked = (
    select(_candidates.c.chat_id)
    .where(func.pg_try_advisory_lock(_lock_space, _folded_key(_candidates.c.chat_id)))
    .cte("locked")
    .prefix_with("MATERIALIZED")
)
# Each locked chat's oldest undone updates, looked up chat by chat in the undone index (LATERAL), and the rows to take
# named by an array computed once: a round reads each waiting row about twice (here and in choosing the chats),
# whatever the planner believes of the queue. Its statistics say few updates wait (nearly every row is done) until
# a burst has waited long enough for an ANALYZE, and the join it was left to order read every waiting row once for
# each row taken: with 4,000 waiting, one round took 20-39 s, and a deployment that fell behind never caught up.
_next = (
    select(_t.c.update_id, func.row_number().over(order_by=_t.c.update_id).label("rank"))
    .where(_t.c.bot_id == bindparam("bot"), _t.c.chat_id == _locked.c.chat_id, _t.c.done_at.is_(None))
    .order_by(_t.c.update_id)
    .limit(bindparam("per_chat"))
    .lateral("next")
)
_queued = select(_next.c.update_id, _next.c.rank).select_from(_locked.join(_next, true())).cte("queued")
# Arrays, cast so that ANY compares with their elements (ANY of a subquery would compare with its rows).
_ids = ARRAY(BigInteger)
_queued_ids = cast(select(func.array_agg(_queued.c.update_id)).scalar_subquery(), _ids)
_firsts = cast(select(func.array_agg(_queued.c.update_id)).where(_queued.c.rank == 1).scalar_subquery(), _ids)
_taken = (
    update(_t)
    .where(
        _t.c.bot_id == bindparam("bot"),
        _t.c.update_id == any_(_queued_ids),
        # Checked again on the row as it is now: see take_turns.
        _t.c.done_at.is_(None),
    )
    .values(attempts=_t.c.attempts + case((_t.c.update_id == any_(_firsts), 1), else_=0), taken_at=bindparam("now"))
    .returning(_t.c.chat_id, _t.c.update_id, _t.c.payload, _t.c.attempts)
    .cte("taken")
)
_TAKE_TURNS = Prepared(
    union_all(
        select(_taken.c.chat_id, _taken.c.update_id, _taken.c.payload, _taken.c.attempts),
        # The chats locked, updates or not (their locks must be known to be let go of).
        select(_locked.c.chat_id, null(), null(), null()),
        # One row whatever else there is, so the release runs even when nothing is locked.
        select(null(), null(), null(), _released),
    )
)
_UNLOCK = Prepared(select(_released))


async def chats_waiting(
    driver: asyncpg.Connection, bot_id: int, *, slot: int, slots: int, stale_before: datetime, limit: int
) -> list[int]:
    """The chats `take_turns` would try, without locking them."""
    rows = await _CHATS_WAITING.fetch(
        driver, bot=bot_id, slot=slot, slots=slots, stale_before=stale_before, limit=limit
    )
    return [row[0] for row in rows]


async def take_turns(
    driver: asyncpg.Connection,
    bot_id: int,
    *,
    slot: int,
    slots: int,
    stale_before: datetime,
    limit: int,
    per_chat: int,
    now: datetime,
    holding: Collection[int] = (),
    release: Collection[int] = (),
) -> dict[int, list[Taken]]:
    """A worker's round in one round trip: give up the turn of the chats in `release`, take the turn of up to
    `limit` waiting chats (as `chats_waiting` orders them, leaving out the ones in `holding`), and take up to
    `per_chat` of each one's oldest undone updates, in order. Returns the chats whose lock this connection got,
    each with its updates (a chat may have none left).

    The candidates are fixed first (a MATERIALIZED CTE with the LIMIT), and the lock is tried once for each: a
    lock function in a WHERE beside a LIMIT may run for rows the LIMIT then drops, and those locks would be held
    with nobody knowing. A chat released and locked again is held once, whichever runs first.

    The statement's snapshot is older than the locks it takes: another worker may have marked some of a chat's
    updates done (and let go of the chat) in between. Such a row no longer matches `done_at IS NULL` when the
    UPDATE reaches it (PostgreSQL checks an UPDATE's condition again on a row changed since the snapshot, in READ
    COMMITTED), so it is not taken twice; updates stored after the snapshot wait for the next round.

    Only each chat's first counts an attempt: the chat's updates are handled one after another, so a worker that
    dies does so on the first one not yet done, which is the first taken next time; the ones behind it were not
    tried and must not be given up for it. (If that first one was done elsewhere in the moment described above,
    this round counts no attempt for the chat.)"""
    rows = await _TAKE_TURNS.fetch(
        driver,
        bot=bot_id,
        slot=slot,
        slots=slots,
        stale_before=stale_before,
        limit=limit,
        per_chat=per_chat,
        now=now,
        holding=list(holding),
        release=list(release),
        lock_space=_space(bot_id),
    )
    turns: dict[int, list[Taken]] = {}
    for chat_id, update_id, payload, attempts in sorted(rows, key=_by_id):
        if chat_id is None:
            continue  # the release's row
        updates = turns.setdefault(chat_id, [])
        if update_id is not None:
            updates.append(Taken(update_id, payload, attempts))
    return turns


def _by_id(row) -> int:
    return -1 if row[1] is None else row[1]


async def unlock_chats(driver: asyncpg.Connection, bot_id: int, chat_ids: Collection[int]) -> None:
    """Let go of several chats' turns in one round trip."""
    if chat_ids:
        await _UNLOCK.fetchval(driver, release=list(chat_ids), lock_space=_space(bot_id))


def _space(bot_id: int) -> int:
    return chat_lock_key(bot_id, 0)[0]


def chat_lock_key(bot_id: int, chat_id: int) -> tuple[int, int]:
    """The two 32-bit keys of a chat's advisory lock. The two-key space is not the one-key space the delivery
    leadership uses; two chats folding to one key only share turns."""
    folded = (chat_id ^ (chat_id >> 32)) & 0xFFFFFFFF
    return _signed(zlib.crc32(f"luoshi:chat:{bot_id}".encode())), _signed(folded)


def _signed(value: int) -> int:
    return value - 2**32 if value >= 2**31 else value


def _take_chatless():
    oldest = (
        select(_t.c.update_id)
        .where(
            _t.c.bot_id == bindparam("bot"),
            _t.c.chat_id.is_(None),
            _t.c.done_at.is_(None),
            or_(_t.c.taken_at.is_(None), _t.c.taken_at < bindparam("lease_before")),
        )
        .order_by(_t.c.update_id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return (
        update(_t)
        .where(_t.c.bot_id == bindparam("bot"), _t.c.update_id == oldest)
        .values(attempts=_t.c.attempts + 1, taken_at=bindparam("now"))
        .returning(_t.c.update_id, _t.c.payload, _t.c.attempts)
    )


_TAKE_CHATLESS = Prepared(_take_chatless())


async def take_chatless(
    driver: asyncpg.Connection, bot_id: int, *, lease_before: datetime, now: datetime
) -> Taken | None:
    """The oldest undone update without a chat that no worker took after `lease_before`, with its attempt counted;
    the take is its lease."""
    rows = await _TAKE_CHATLESS.fetch(driver, bot=bot_id, lease_before=lease_before, now=now)
    return Taken(*rows[0]) if rows else None
