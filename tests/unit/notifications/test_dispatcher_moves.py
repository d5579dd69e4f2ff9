"""A group the outbox finds upgraded (a send refused with the supergroup's id) while the supergroup's first update
moves it too: whichever commits second loses the race, and the outbox's loss must not cost the outcomes of the
batch it records in the same transaction (they say which alerts went out: lost, the alerts would go out again)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.delivery.dispatcher import Dispatcher, _Effects
from bot.settings import load_settings
from trackers.models import AuditEntry, Subscription
from trackers.people.chats import get_or_create_chat, move_chat
from trackers.people.follows import follow
from trackers.runtime.audit import record
from trackers.runtime.db import create_engine, create_sessionmaker

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
GROUP, SUPERGROUP = -7001, -1007001


@pytest.mark.postgres
async def test_the_outbox_losing_a_move_to_the_supergroups_update_keeps_its_batch(migrated_postgres_url):
    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    settings = load_settings(environ={})
    dispatcher = Dispatcher(None, sessions, settings.delivery, instance="test", clock=lambda: NOW)
    try:
        async with sessions.begin() as session:
            await get_or_create_chat(session, GROUP, type="group", title="编辑部", now=NOW)
            await follow(session, GROUP, "all", None, now=NOW)
        # The supergroup's first update: its turn has written the new chat and moved the group, not committed yet.
        handler = sessions()
        await handler.begin()
        await get_or_create_chat(handler, SUPERGROUP, type="supergroup", title="编辑部", now=NOW)
        await move_chat(handler, GROUP, SUPERGROUP, now=NOW)

        async def outbox() -> None:
            async with sessions.begin() as session:
                await dispatcher._apply_effects(session, _Effects(migrated={GROUP: SUPERGROUP}), NOW)
                # Stands for the batch's outcomes, recorded in the same transaction.
                await record(session, actor_id=None, action="outcomes", allowed=True, now=NOW, detail={})

        recording = asyncio.create_task(outbox())
        await asyncio.sleep(0.5)  # the outbox's move waits for the turn's new chat row
        assert not recording.done()
        await handler.commit()
        await handler.close()
        await asyncio.wait_for(recording, 10)  # its own move lost; the transaction went on and committed
        async with sessions() as session:
            assert [entry.action for entry in await session.scalars(select(AuditEntry))] == ["outcomes"]
            follows = (await session.scalars(select(Subscription.chat_id))).all()
        assert follows == [SUPERGROUP]
    finally:
        await engine.dispose()
