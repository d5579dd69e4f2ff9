"""A deployment's receiver (PostgreSQL) acknowledges a getUpdates batch only once it is on disk: until its flush
has vouched for it, the next poll's offset stays below it, Telegram keeps it and sends it again, and the receiver
hands PTB's Updater only the updates it had not had."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.app import build_application
from bot.running import settings_for_local_api, throwaway_token
from bot.settings import load_settings
from trackers.runtime.db import create_engine

pytestmark = pytest.mark.postgres


async def test_an_update_stays_with_telegram_until_it_is_on_disk(sandbox, client, migrated_postgres_url):
    settings = settings_for_local_api(
        load_settings(environ={}), sandbox.bot_api_base, sandbox.bot_file_base, migrated_postgres_url
    )
    application = build_application(settings, token=throwaway_token(), role="receiver")
    bot, log = application.bot, application.bot.update_log
    await application.initialize()
    await application.post_init(application)
    try:
        first = await client.send_text(501, "/start")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first["update_id"]]

        # The disk is slow: the batch's flush has not come back before the next poll.
        async def slow_disk(driver) -> None:
            await driver.execute("SELECT pg_sleep(1.5)")

        busy = asyncio.create_task(log._durable.run(slow_disk))
        await asyncio.sleep(0.2)
        second = await client.send_text(502, "/start")
        assert [u.update_id for u in await bot.get_updates(offset=first["update_id"] + 1, timeout=0)] == [
            second["update_id"]
        ]
        third = await client.send_text(503, "/start")
        # Still unsure of the second: Telegram still has it (sent again, not handed to PTB twice).
        handed = await bot.get_updates(offset=second["update_id"] + 1, timeout=0)
        assert [u.update_id for u in handed] == [third["update_id"]]
        pending = [update["update_id"] for update in (await client.pending_updates())["pending"]]
        assert second["update_id"] in pending

        await busy
        await asyncio.wait_for(log._flushing, 10)
        assert await bot.get_updates(offset=third["update_id"] + 1, timeout=0) == ()
        assert (await client.pending_updates())["pending"] == []

        # Each was stored once, for the workers.
        engine = create_engine(migrated_postgres_url)
        try:
            async with engine.connect() as connection:
                stored = (await connection.scalars(text("SELECT update_id FROM processed_update ORDER BY 1"))).all()
        finally:
            await engine.dispose()
        assert stored == [first["update_id"], second["update_id"], third["update_id"]]
    finally:
        await application.post_shutdown(application)
        await application.shutdown()
