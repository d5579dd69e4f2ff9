"""Killing the bot mid-delivery, and two bots on one PostgreSQL database: every notification arrives, and a copy
exists only of what was in flight when the sender died."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.sandbox.client import SandboxClient
from bot.sandbox.process import SandboxProcess
from tests.reliability.processes import (
    create_sandbox_chats,
    new_token,
    seed_outbox,
    start_bot_process,
    stop,
    wait_for_drain,
)
from trackers.models import DeliveryState, Notification
from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.migrate import upgrade

# Bot processes killed mid-delivery, and ten thousand notifications: make test-slow, not the default suite.
pytestmark = pytest.mark.slow

FAST = {"delivery_sweep_seconds": "0.25", "delivery_global_per_second": "1000", "alerts_sweep_seconds": "3600"}


async def sent_per_chat(client: SandboxClient) -> Counter:
    calls = await client.calls("sendMessage")
    return Counter(call["chat_id"] for call in calls if call["status"] == 200)


async def test_a_bot_killed_mid_delivery_finishes_after_restart_and_copies_only_what_was_in_flight(
    tmp_path, sqlite_url
):
    chats = list(range(20_001, 21_001))
    await asyncio.to_thread(upgrade, sqlite_url)
    engine = create_engine(sqlite_url)
    sessions = create_sessionmaker(engine)
    token = new_token()
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        await create_sandbox_chats(client, chats)
        await seed_outbox(sessions, chats, datetime.now(UTC))

        first = start_bot_process(sandbox, sqlite_url, tmp_path / "bot.log", token, **FAST)
        try:
            await client.wait_for_calls("sendMessage", count=300, timeout=60)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        finally:
            stop(first)
        sent_before_restart = sum((await sent_per_chat(client)).values())
        assert sent_before_restart < len(chats), "the bot finished before it was killed; nothing was tested"

        second = start_bot_process(sandbox, sqlite_url, tmp_path / "bot.log", token, **FAST)
        try:
            await wait_for_drain(sessions, second, timeout=90)
        finally:
            stop(second)
        delivered = await sent_per_chat(client)
        async with sessions() as session:
            rows = list((await session.execute(select(Notification))).scalars())
    await engine.dispose()

    assert {row.state for row in rows} == {DeliveryState.SENT}
    assert all(delivered[chat] >= 1 for chat in chats), "a notification was lost"
    copies = {chat for chat in chats if delivered[chat] > 1}
    in_flight = {row.chat_id for row in rows if row.last_error and "lease expired" in row.last_error}
    # Copies only of rows the killed sender had claimed, and no more than one batch of them.
    assert copies <= in_flight
    assert len(in_flight) <= 100
    assert max(delivered.values()) <= 2


@pytest.mark.postgres
async def test_two_bots_on_one_postgresql_database_send_each_of_10000_notifications_once(tmp_path, postgres_url):
    chats = list(range(30_001, 40_001))
    await asyncio.to_thread(upgrade, postgres_url)
    engine = create_engine(postgres_url)
    sessions = create_sessionmaker(engine)
    token = new_token()
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        await create_sandbox_chats(client, chats)
        bots = [start_bot_process(sandbox, postgres_url, tmp_path / f"bot{n}.log", token, **FAST) for n in (1, 2)]
        try:
            await asyncio.sleep(3)  # both running and competing before the rows appear
            await seed_outbox(sessions, chats, datetime.now(UTC))
            await wait_for_drain(sessions, bots[0], timeout=300)
        finally:
            for bot in bots:
                stop(bot)
        delivered = await sent_per_chat(client)
        async with sessions() as session:
            rows = list((await session.execute(select(Notification))).scalars())
    await engine.dispose()

    assert {row.state for row in rows} == {DeliveryState.SENT}
    assert len(rows) == len(chats)
    assert [chat for chat in chats if delivered[chat] != 1] == []
