"""A fan-out under Telegram's flood limits, enforced by the sandbox, and /health for admins."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from tests.e2e.delivery_support import add_chats, enqueue, wait_until_drained
from trackers.models import Commitment, Subscription, SubscriptionKind
from trackers.runtime.clock import local_date
from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.migrate import upgrade

OWNER = 4242


async def _fan_out(
    start_bot, client, settings, chats: list[int], *, per_second: int, drain_seconds: float, readers: int = 0
) -> dict:
    """Chats follow everything; a commitment's one-day alert fell due in the last day; the bot starts and fans it out
    in its first sweep, as after downtime."""
    for start in range(0, len(chats), 200):
        await asyncio.gather(*(client.set_chat(chat, "private") for chat in chats[start : start + 200]))
    await client.set_limits(enabled=True, global_per_second=per_second)
    now = datetime.now(UTC)
    # The deadline whose one-day alert (09:00 Shanghai the day before) lies in the last day. Not the day's own
    # alert: from midnight to 09:00 Shanghai that one lay on yesterday, whose deadline is overdue by now.
    deadline = local_date(now - timedelta(hours=9), "Asia/Shanghai") + timedelta(days=1)
    await asyncio.to_thread(upgrade, settings.database.url)
    engine = create_engine(settings.database.url)
    sessions = create_sessionmaker(engine)
    await add_chats(sessions, chats)
    async with sessions.begin() as session:
        session.add(
            Commitment(
                timezone="Asia/Shanghai",
                subject="全市新建5G基站1万个",
                deadline=deadline,
                created_at=now,
                updated_at=now,
            )
        )
        follows = [{"chat_id": c, "kind": SubscriptionKind.ALL, "target": "", "created_at": now} for c in chats]
        await session.execute(insert(Subscription.__table__), follows)
    await engine.dispose()
    async with start_bot(delivery={"global_per_second": per_second, "sweep_seconds": 0.5}) as app:
        # People write to the bot during the fan-out: their answers come out of the same flood budget.
        users = range(90_001, 90_001 + readers)
        for user in users:
            await client.send_text(user, "/start", first_name="Reader")
        counts = await wait_until_drained(app.bot_data.sessionmaker, timeout=drain_seconds, rows=len(chats))
        answered = [len(await client.wait_for_messages(user, 1, timeout=10)) for user in users]
    return {"counts": counts, "stats": await client.stats(), "answered": answered}


async def test_a_fan_out_under_enforced_limits_gets_no_429(start_bot, client, settings):
    """Faster limits than Telegram's, set alike in the sandbox and the bot, keep this test short."""
    chats = list(range(40_001, 40_601))
    result = await _fan_out(start_bot, client, settings, chats, per_second=100, drain_seconds=60, readers=20)
    assert result["counts"] == {"sent": len(chats)}
    assert result["answered"] == [1] * 20
    assert result["stats"]["messages_sent"] == len(chats) + 20
    assert result["stats"]["too_many_requests"] == 0


@pytest.mark.slow
async def test_a_2000_chat_fan_out_at_telegrams_own_limits_gets_no_429(start_bot, client, settings):
    chats = list(range(50_001, 52_001))
    result = await _fan_out(start_bot, client, settings, chats, per_second=30, drain_seconds=150)
    assert result["counts"] == {"sent": len(chats)}
    assert result["stats"]["too_many_requests"] == 0


async def test_a_group_gets_at_most_20_messages_a_minute_and_the_rest_later(start_bot, client):
    group = -777
    await client.set_chat(group, "group", title="编辑部")
    # A faster per-chat rate than Telegram's (alike in the sandbox and the bot) keeps this short; the group cap
    # of 20 a minute is Telegram's own.
    await client.set_limits(enabled=True, per_chat_per_second=10, burst=1)
    async with start_bot(delivery={"sweep_seconds": 0.25, "private_per_second": 10}) as app:
        sessions = app.bot_data.sessionmaker
        await add_chats(sessions, [group], chat_type="group")
        for n in range(22):
            await enqueue(sessions, [group], milestone=f"m{n}")
        await client.wait_for_messages(group, count=20, timeout=20)
        await asyncio.sleep(2)
        messages = await client.messages(group)
        waiting = await wait_until_drained(sessions, timeout=0)
    stats = await client.stats()
    # The 20-a-minute cap holds the last two back, in the outbox, without a single 429.
    assert len(messages) == 20
    assert waiting["pending"] + waiting.get("sending", 0) == 2
    assert stats["too_many_requests"] == 0


async def test_health_shows_admins_the_queue_and_refuses_others_politely(start_bot, client):
    await client.set_chat(5, "private")
    async with start_bot(bot={"owner_ids": [OWNER]}, delivery={"sweep_seconds": 0.25}) as app:
        sessions = app.bot_data.sessionmaker
        await add_chats(sessions, [5])
        await enqueue(sessions, [5])
        await wait_until_drained(sessions)
        await client.send_text(OWNER, "/health", first_name="Owner", language_code="en")
        [report] = await client.wait_for_messages(OWNER, count=1, timeout=10)
        await client.send_text(9, "/health", first_name="Stranger")
        [refusal] = await client.wait_for_messages(9, count=1, timeout=10)
    assert "Pending: 0" in report["text"]
    assert "sent 1" in report["text"]
    assert "dispatch: last run" in report["text"] and "alerts: last run" in report["text"]
    assert refusal["text"] == "抱歉，/health 只对管理员开放。"
