"""One timeline of sends for all the processes of a deployment, kept in PostgreSQL (the send_pace table).

Telegram lets a bot send about 30 messages a second in all, counted together whichever process sends them. A
process's own flood limiter cannot see the others', so in a deployment (a receiver sending alerts, workers
sending replies) each send also takes a moment on this timeline: moments are `interval` apart, handed out in
order, so no window of a second holds more than the budget however many processes send. The clock is the
server's (clock_timestamp()), one for all processes, and a caller is told how long to wait rather than when.

    wait = await reserve_sends(connection, bot_id, count=3, interval=0.035)
    # the 3 sends may leave after wait, wait + 0.035 and wait + 0.07 seconds

A 429 for the bot as a whole pushes the timeline back for every process (`hold_sends`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func
from sqlalchemy.dialects.postgresql import INTERVAL, insert

from trackers.models import SendPace
from trackers.runtime.prepared import Prepared

if TYPE_CHECKING:  # asyncpg is loaded only by processes on PostgreSQL
    import asyncpg

_t = SendPace.__table__
_NOW = func.clock_timestamp()  # not now(): the transaction's start, the same for every statement in it
_span = bindparam("span", type_=INTERVAL)

# Upsert: the first moment free (the row's, or now if it has passed) is the batch's; the row moves past the batch.
_insert = insert(_t).values(bot_id=bindparam("bot"), next_at=_NOW + _span)
_RESERVE = Prepared(
    _insert.on_conflict_do_update(
        index_elements=[_t.c.bot_id], set_={"next_at": func.greatest(_t.c.next_at, _NOW) + _span}
    ).returning(func.extract("epoch", _t.c.next_at - _span - _NOW))
)

_resume = _NOW + bindparam("pause", type_=INTERVAL)
_HOLD = Prepared(
    insert(_t)
    .values(bot_id=bindparam("bot"), next_at=_resume)
    .on_conflict_do_update(index_elements=[_t.c.bot_id], set_={"next_at": func.greatest(_t.c.next_at, _resume)})
)


async def reserve_sends(driver: asyncpg.Connection, bot_id: int, *, count: int, interval: float) -> float:
    """Take the next `count` moments, `interval` seconds apart, of bot `bot_id`'s timeline: the seconds until the
    first (never negative); the others follow it `interval` apart. One statement, committed on its own (asyncpg's
    connection outside a transaction)."""
    wait = await _RESERVE.fetchval(driver, bot=bot_id, span=timedelta(seconds=count * interval))
    return max(0.0, float(wait))


async def hold_sends(driver: asyncpg.Connection, bot_id: int, seconds: float) -> None:
    """No moment of bot `bot_id`'s timeline is handed out for the next `seconds` (Telegram asked it to wait)."""
    await _HOLD.fetchval(driver, bot=bot_id, pause=timedelta(seconds=seconds))
