"""A receiver stores getUpdates batches as Telegram sent them, each update under its chat, and wakes the workers
of those chats, saying when an update without a chat came (bot.update_log on PostgreSQL). A batch is with the
workers at once, and acknowledged (the next getUpdates offset passes it) only once it is on disk."""

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
        await _end_every_connection(engine)
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


async def _end_every_connection(engine) -> None:
    """Every other connection to the test's database ends, as in a server restart."""
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )


@pytest.fixture
async def receiver(migrated_postgres_url):
    """A receiver's update log on PostgreSQL, its connections open, and its engine."""
    engine = create_engine(migrated_postgres_url)
    log = UpdateLog(role="receiver")
    log.open(create_sessionmaker(engine), BOT)
    await log.connect()
    yield engine, log
    await log.close()
    await engine.dispose()


async def _rows(engine) -> list[int]:
    async with engine.connect() as connection:
        return list(
            (
                await connection.scalars(
                    select(ProcessedUpdate.update_id)
                    .where(ProcessedUpdate.bot_id == BOT)
                    .order_by(ProcessedUpdate.update_id)
                )
            ).all()
        )


async def _busy(log: UpdateLog, seconds: float) -> asyncio.Task:
    """The receiver's durable connection kept busy for `seconds` (a flush waiting on a slow disk, as seen from the
    receiver): the batch's flush queues behind it."""

    async def sleep(driver) -> None:
        await driver.execute(f"SELECT pg_sleep({seconds})")

    busy = asyncio.create_task(log._durable.run(sleep))
    await asyncio.sleep(0.2)  # the sleep has started
    return busy


async def test_a_batch_is_acknowledged_only_once_it_is_on_disk(receiver):
    engine, log = receiver
    bot = Bot("123:abc")
    busy = await _busy(log, 1.5)
    await log.receive_raw([{"update_id": 5, **SAMPLES["message"]}, {"update_id": 6, **SAMPLES["message"]}], bot)
    # The workers can take them already; Telegram is not told yet: PTB's next poll (offset 7) asks from 5.
    assert await _rows(engine) == [5, 6]
    assert log.offset_to_send(7) == 5
    assert log.offset_to_send(None) is None  # the very first poll acknowledges nothing anyway
    await busy
    await asyncio.wait_for(log._flushing, 10)
    assert log.offset_to_send(7) == 7

    # Without a slow disk the flush is over long before the next poll.
    await log.receive_raw([{"update_id": 7, **SAMPLES["message"]}], bot)
    await asyncio.wait_for(log._flushing, 10)
    assert log.offset_to_send(8) == 8


async def test_a_poll_that_could_bring_only_updates_sent_again_waits_for_their_flush(receiver):
    _, log = receiver
    busy = await _busy(log, 0.6)
    await log.receive_raw([{"update_id": i, **SAMPLES["message"]} for i in (30, 31, 32)], Bot("123:abc"))
    # Room for one more in an answer of 4: poll now (the new update comes with the three sent again).
    await log.room_to_poll(4)
    assert log.offset_to_send(33) == 30
    # An answer of 3 could hold only those three: wait for their flush, then acknowledge them.
    await log.room_to_poll(3)
    assert log.offset_to_send(33) == 33
    await busy


async def test_a_batch_stored_before_the_server_restarted_is_acknowledged_only_once_stored_again(receiver):
    engine, log = receiver
    bot = Bot("123:abc")
    batch = [{"update_id": 20, **SAMPLES["message"]}]
    busy = await _busy(log, 5)
    await log.receive_raw(batch, bot)
    # Every connection ends, as in a server restart, before the batch's flush ran: whether its commit reached
    # the disk is unknown, and a flush on a new connection cannot vouch for it.
    await _end_every_connection(engine)
    with pytest.raises(Exception):  # noqa: B017 - asyncpg's error for a connection the server ended
        await busy
    await asyncio.wait_for(log._flushing, 10)
    assert log.offset_to_send(21) == 20  # Telegram sends it again

    # Sent again, it is stored again (here it had survived: nothing new), flushed, and acknowledged.
    await log.receive_raw(batch, bot)
    await asyncio.wait_for(log._flushing, 10)
    assert log.offset_to_send(21) == 21
    assert await _rows(engine) == [20]


async def test_a_receiver_closes_while_the_database_is_out_of_reach(receiver, monkeypatch):
    # Its last flush cannot run: closing gives it up after a while instead of waiting for the database forever,
    # and the updates stay with Telegram (not acknowledged).
    import bot.update_log as update_log

    monkeypatch.setattr(update_log, "CLOSE_WAIT_SECONDS", 0.5)
    engine, log = receiver
    busy = await _busy(log, 5)
    await log.receive_raw([{"update_id": 40, **SAMPLES["message"]}], Bot("123:abc"))
    # From here on every connection the flush opens goes nowhere.
    log._durable._engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    await _end_every_connection(engine)
    await asyncio.gather(busy, return_exceptions=True)
    assert log.offset_to_send(41) == 40
    await asyncio.wait_for(log.close(), 10)
    assert log._flushing.done() and log.offset_to_send(41) == 40
