"""A deployment's processes take their sends' moments from one timeline in PostgreSQL (trackers.runtime.pace).

Each wait is checked against the time that went by since the timeline was set, so a slow machine cannot fail
them: the server's answer must lie between "what is left of it now" and "all of it"."""

from __future__ import annotations

import asyncio
import itertools
import math
import time

import pytest

from bot.delivery.limits import FloodLimiter
from bot.delivery.pace import DeploymentPace
from trackers.runtime.db import create_engine
from trackers.runtime.pace import hold_sends, reserve_sends
from trackers.runtime.prepared import driver_of

pytestmark = pytest.mark.postgres
BOT = 9
SLACK = 0.02  # the server's clock against ours, and the moments between a statement's clock readings


@pytest.fixture
async def engine(migrated_postgres_url):
    engine = create_engine(migrated_postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    yield engine
    await engine.dispose()


async def reserve(engine, count: int, interval: float, bot: int = BOT) -> float:
    async with engine.connect() as connection:
        return await reserve_sends(await driver_of(connection), bot, count=count, interval=interval)


async def hold(engine, seconds: float, bot: int = BOT) -> None:
    async with engine.connect() as connection:
        await hold_sends(await driver_of(connection), bot, seconds)


def about(wait: float, expected: float, since: float) -> bool:
    """`wait` is what remains of `expected` seconds counted from the moment `since` (monotonic)."""
    return expected - (time.monotonic() - since) - SLACK <= wait <= expected + SLACK


async def test_moments_follow_one_another_interval_apart(engine):
    started = time.monotonic()
    assert await reserve(engine, 1, 0.5) == pytest.approx(0, abs=SLACK)  # nothing sent yet: now
    # The next batch starts where the first ends; the one after, where the second ends.
    assert about(await reserve(engine, 4, 0.5), 0.5, started)
    assert about(await reserve(engine, 1, 0.5), 2.5, started)
    # Another bot has its own timeline.
    assert await reserve(engine, 1, 0.5, bot=BOT + 1) == pytest.approx(0, abs=SLACK)


async def test_processes_reserving_at_once_get_moments_that_do_not_overlap(engine):
    # Four processes, each asking for 25 moments at the same time, 10 ms apart: 100 moments, a second in all.
    started = time.monotonic()
    waits = sorted(await asyncio.gather(*(reserve(engine, 25, 0.01) for _ in range(4))))
    spent = time.monotonic() - started
    # Each batch starts where another ended: 0.25 s apart, less the time that went by between the statements.
    for earlier, later in itertools.pairwise(waits):
        assert 0.25 - spent - SLACK <= later - earlier <= 0.25 + SLACK
    assert about(await reserve(engine, 1, 0.01), 1.0, started)


async def test_a_hold_keeps_every_process_waiting(engine):
    started = time.monotonic()
    await reserve(engine, 1, 0.1)
    await hold(engine, 2.0)
    assert about(await reserve(engine, 1, 0.1), 2.0, started)
    # A hold shorter than the timeline's own wait changes nothing.
    await hold(engine, 0.5)
    assert about(await reserve(engine, 1, 0.1), 2.1, started)


async def test_a_timeline_left_idle_does_not_save_moments_up(engine):
    await hold(engine, 0.2)
    await asyncio.sleep(0.4)
    # The moments that went by are not owed: a burst after a quiet spell is still spaced out.
    started = time.monotonic()
    assert await reserve(engine, 3, 0.1) == pytest.approx(0, abs=SLACK)
    assert about(await reserve(engine, 1, 0.1), 0.3, started)


# -- a process's flood limiter on the shared timeline (bot.delivery.pace) -----------------------------------------


def limiter_on(engine, per_second: float) -> FloodLimiter:
    limiter = FloodLimiter(global_per_second=per_second, private_per_second=1000, group_per_minute=1000)
    limiter.pace = DeploymentPace(engine, BOT, per_second=per_second)
    return limiter


async def close(limiters: list[FloodLimiter], engines: list) -> None:
    for limiter in limiters:
        await limiter.pace.close()
    for engine in engines:
        await engine.dispose()


async def test_two_processes_limiters_take_turns_on_one_timeline(migrated_postgres_url):
    # Two processes' limiters at 10 a second each: together, not 20 a second but 10 (11 moments per 1.1 s).
    engines = [create_engine(migrated_postgres_url) for _ in range(2)]
    limiters = [limiter_on(engine, 10) for engine in engines]
    try:
        started = time.monotonic()
        sent: list[float] = []

        async def send(limiter: FloodLimiter, chat: int) -> None:
            assert await limiter.acquire(chat, math.inf, per_chat=False)
            sent.append(time.monotonic() - started)
            limiter.release(chat, per_chat=False)

        await asyncio.gather(*(send(limiters[n % 2], 100 + n) for n in range(12)))
    finally:
        await close(limiters, engines)
    sent.sort()
    # 12 sends 0.11 s apart: the last leaves about 1.2 s after the first, where alone each would have taken 0.6 s.
    assert sent[-1] - sent[0] >= 11 * 0.11 - 0.06, sent


async def test_a_moment_past_the_deadline_is_refused_and_its_slots_given_back(migrated_postgres_url):
    engines = [create_engine(migrated_postgres_url) for _ in range(2)]
    # One send a second. Another process has just sent: the next moment is 1.1 s away.
    other, limiter = limiter_on(engines[0], 1), limiter_on(engines[1], 1)
    try:
        assert await other.acquire(5, math.inf)
        other.release(5)
        # A send that must go within 0.3 s does not wait for it.
        assert not await limiter.acquire(6, time.monotonic() + 0.3)
        # Cancelled while it waits for its moment.
        waiting = asyncio.create_task(limiter.acquire(7, math.inf))
        await asyncio.sleep(0.2)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # Both gave their slot back: this process's own overall window has one, and a slot kept would hold every
        # later send back for ever. The next send gets it, at its moment on the timeline.
        assert await asyncio.wait_for(limiter.acquire(8, math.inf), 10)
    finally:
        await close([other, limiter], engines)


async def test_with_the_database_out_of_reach_a_send_goes_on_its_own_limits(caplog):
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    limiter = limiter_on(engine, 30)
    try:
        assert await asyncio.wait_for(limiter.acquire(8, math.inf), 10)
    finally:
        await close([limiter], [engine])
    assert "shared send pace is out of reach" in caplog.text


async def test_the_pace_connects_at_start_and_still_sends_when_the_database_was_out_of_reach(engine):
    def backends(connection) -> int:
        return connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    pace = DeploymentPace(engine, BOT, per_second=30)
    async with engine.connect() as observer:
        driver = await driver_of(observer)
        before = await backends(driver)
        await pace.connect()
        assert await backends(driver) == before + 1  # open before the first send asks for a moment
        asked = time.monotonic()
        assert asked <= await pace.turn() <= time.monotonic() + pace.interval  # now, or the next moment free
        assert await backends(driver) == before + 1  # the same connection, not a new one
    await pace.close()

    # Started while the database was down: the pace says so at the first send (sent on this process's limits
    # alone), and does not stop the start.
    nowhere = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    pace = DeploymentPace(nowhere, BOT, per_second=30)
    await pace.connect()
    asked = time.monotonic()
    assert asked <= await pace.turn() <= time.monotonic()  # at once
    await pace.close()
    await nowhere.dispose()
