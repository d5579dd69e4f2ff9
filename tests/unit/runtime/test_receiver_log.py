"""A receiver stores getUpdates batches as Telegram sent them, each update under its chat, and wakes the workers
of those chats, saying when an update without a chat came (bot.update_log on PostgreSQL)."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from telegram import Bot
from telegram.error import NetworkError

from bot.update_log import UpdateLog
from tests.update_samples import SAMPLES
from trackers.models import ProcessedUpdate
from trackers.runtime.claims import CHATLESS, channel
from trackers.runtime.db import create_engine, create_sessionmaker

pytestmark = pytest.mark.postgres
BOT = 42


async def test_a_batch_is_stored_whole_with_its_chats_and_the_workers_hear_of_chatless_updates(migrated_postgres_url):
    engine = create_engine(migrated_postgres_url)
    log = UpdateLog(role="receiver")
    log.workers = 3
    log.open(create_sessionmaker(engine), BOT)
    heard: asyncio.Queue[str] = asyncio.Queue()
    listener = await asyncpg.connect(
        make_url(migrated_postgres_url).set(drivername="postgresql").render_as_string(False)
    )
    await listener.add_listener(channel(BOT), lambda *args: heard.put_nowait(args[-1]))
    bot = Bot("123:abc")
    try:
        group, private = SAMPLES["message"]["message"]["chat"]["id"], SAMPLES["edited_message"]["edited_message"]
        assert (group % 3, private["chat"]["id"] % 3) == (2, 0)  # the samples' chats belong to two workers
        messages = [{"update_id": 1, **SAMPLES["message"]}, {"update_id": 2, **SAMPLES["edited_message"]}]
        await log.receive_raw(messages, bot)
        # The workers of those two slots wake up; nothing without a chat.
        assert await asyncio.wait_for(heard.get(), 10) == "0 2"

        inline = {"update_id": 3, **SAMPLES["inline_query"]}
        await log.receive_raw([inline, {"update_id": 4, **SAMPLES["chat_member"]}], bot)
        assert await asyncio.wait_for(heard.get(), 10) == f"{CHATLESS} 2"

        # Telegram sending a batch again (its acknowledgement was lost): nothing new, nobody woken.
        await log.receive_raw(messages, bot)
        await asyncio.sleep(0.3)
        assert heard.empty()

        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(ProcessedUpdate.update_id, ProcessedUpdate.chat_id, ProcessedUpdate.payload)
                    .where(ProcessedUpdate.bot_id == BOT)
                    .order_by(ProcessedUpdate.update_id)
                )
            ).all()
        assert [(row.update_id, row.chat_id) for row in rows] == [
            (1, group),
            (2, private["chat"]["id"]),
            (3, None),
            (4, group),
        ]
        # Stored as it came, Chinese text included, for the worker to read.
        assert json.loads(rows[2].payload) == inline
    finally:
        await log.close()
        await listener.close()
        await engine.dispose()


async def test_a_batch_is_not_acknowledged_when_the_database_is_out_of_reach_and_stored_when_it_is_back(
    migrated_postgres_url, caplog
):
    nowhere = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    log = UpdateLog(role="receiver")
    log.open(create_sessionmaker(nowhere), BOT)
    try:
        with pytest.raises(NetworkError):  # PTB's polling retries it, without acknowledging
            await log.receive_raw([{"update_id": 1, **SAMPLES["message"]}], Bot("123:abc"))
    finally:
        await log.close()
        await nowhere.dispose()
    assert "not acknowledged" in caplog.text

    # The server drops the log's connection between two batches: the next one fails or goes through, and once
    # retried it is stored.
    engine = create_engine(migrated_postgres_url)
    log = UpdateLog(role="receiver")
    log.open(create_sessionmaker(engine), BOT)
    try:
        await log.receive_raw([{"update_id": 10, **SAMPLES["message"]}], Bot("123:abc"))
        async with engine.connect() as connection:
            await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        batch = [{"update_id": 11, **SAMPLES["edited_message"]}]
        try:
            await log.receive_raw(batch, Bot("123:abc"))
        except NetworkError:
            await log.receive_raw(batch, Bot("123:abc"))
        async with engine.connect() as connection:
            stored = (
                await connection.scalars(
                    select(ProcessedUpdate.update_id)
                    .where(ProcessedUpdate.bot_id == BOT)
                    .order_by(ProcessedUpdate.update_id)
                )
            ).all()
        assert stored == [10, 11]
    finally:
        await log.close()
        await engine.dispose()
