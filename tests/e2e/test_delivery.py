"""Delivery through the sandbox: the real Application's dispatcher sends the outbox once, within limits, through
faults, and the bot keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.render.split import visible_length
from tests.e2e.delivery_support import (
    add_chats,
    delivered_per_chat,
    enqueue,
    rows_by_chat,
    wait_until_drained,
)
from trackers.models import Chat, Commitment, DeliveryState
from trackers.people.follows import follow
from trackers.runtime.sweep_state import all_sweeps

ADA = 1001
FAST = {"sweep_seconds": 0.25, "retry_base_seconds": 0.2, "retry_max_seconds": 1.0}


async def say(client, text: str, *, user: int = ADA, language: str = "zh-hans") -> tuple[dict, float]:
    """The user sends `text`; returns the bot's answer and how long it took."""
    before = await client.messages(user)
    started = time.monotonic()
    await client.send_text(user, text, first_name="Ada", language_code=language)
    after = await client.wait_for_messages(user, count=len(before) + 1, timeout=10)
    assert len(after) > len(before), f"no answer to {text!r}"
    return after[-1], time.monotonic() - started


async def test_every_follower_gets_the_notification_once_and_long_texts_arrive_in_valid_parts(start_bot, client):
    chats = list(range(5001, 5041))
    for chat in chats:
        await client.set_chat(chat, "private")
    long_text = "<b>摘要</b>\n\n" + "\n\n".join(f"<i>第{n}条</i>：" + "进展顺利，" * 40 + "😀" for n in range(40))
    async with start_bot(delivery=FAST) as app:
        sessions = app.bot_data.sessionmaker
        await add_chats(sessions, chats)
        await enqueue(sessions, chats)
        await enqueue(sessions, [chats[0]], text=long_text, milestone="long")
        counts = await wait_until_drained(sessions)
    assert counts == {"sent": 41}
    delivered = await delivered_per_chat(client)
    assert {chat: delivered[chat] for chat in chats[1:]} == dict.fromkeys(chats[1:], 1)
    parts = (await client.messages(chats[0]))[1:]
    assert len(parts) == delivered[chats[0]] - 1 >= 2
    assert all(visible_length(part["html"]) <= 4096 for part in parts)
    assert all(part["html"].count("<i>") == part["html"].count("</i>") for part in parts)
    # Each part is valid HTML on its own (the sandbox parsed it) and the italic runs were reopened.
    assert "".join(part["text"] for part in parts).count("😀") == 40


async def test_faults_lose_nothing_send_nothing_twice_and_the_bot_keeps_answering(start_bot, client):
    normal = list(range(6001, 6031))
    blocked, flaky, slow, group, moved = 6101, 6102, 6103, -6200, -1006200
    for chat in [*normal, blocked, flaky, slow]:
        await client.set_chat(chat, "private")
    await client.set_chat(group, "group", title="Old group", migrated_to=moved)
    await client.set_chat(moved, "supergroup", title="New group")
    await client.block(blocked)
    missing = 6999  # the sandbox has never seen it: "chat not found"

    async with start_bot(delivery=FAST, telegram={"read_timeout": 1.0}) as app:
        sessions = app.bot_data.sessionmaker
        everyone = [*normal, blocked, flaky, slow, group, missing]
        await add_chats(sessions, everyone)
        # A 429 storm on every send, 5xx for one chat, an answer that never comes for another.
        await client.inject_fault("sendMessage", kind="429", retry_after=2, times=8)
        await client.inject_fault("sendMessage", chat_id=flaky, kind="5xx", status=502, times=3)
        await client.inject_fault("sendMessage", chat_id=slow, kind="timeout_after_accept", delay=3.0)
        await enqueue(sessions, everyone)

        # Meanwhile a user is answered promptly.
        _, took = await say(client, "/start")
        assert took < 3.0

        counts = await wait_until_drained(sessions, timeout=40)
        # A later message to the chat that blocked the bot is not even tried.
        await enqueue(sessions, [blocked], milestone="later")
        await asyncio.sleep(1.0)
        rows = await rows_by_chat(sessions)
        async with sessions() as session:
            blocked_chat = await session.get(Chat, blocked)
            moved_chat = await session.get(Chat, moved)

    assert counts["sent"] == len(normal) + 2  # the normal chats, the flaky one, the migrated group
    delivered = await delivered_per_chat(client)
    assert all(delivered[chat] == 1 for chat in normal)
    assert delivered[flaky] == 1 and [r.state for r in rows[flaky]] == [DeliveryState.SENT]
    # Accepted, answer lost: recorded as unknown, and not sent again.
    assert delivered[slow] == 1 and [r.state for r in rows[slow]] == [DeliveryState.UNKNOWN]
    # 403: the chat is inactive and gets nothing more.
    assert delivered[blocked] == 0 and not blocked_chat.active
    assert [r.state for r in rows[blocked]] == [DeliveryState.BLOCKED, DeliveryState.BLOCKED]
    # 400 chat not found: failed, not retried.
    assert [r.state for r in rows[missing]] == [DeliveryState.FAILED]
    # migrate_to_chat_id: the row moved to the supergroup and was sent there once.
    assert moved_chat is not None and delivered[moved] == 1 and delivered[group] == 0
    assert [r.state for r in rows[moved]] == [DeliveryState.SENT]
    # No chat got a 429 it was not told to expect: the dispatcher waited out retry_after.
    calls = await client.calls("sendMessage")
    too_soon = [c for c in calls if c["status"] == 429 and "retry after" not in (c["description"] or "").lower()]
    assert too_soon == []


async def test_an_answer_the_library_cannot_read_costs_one_row_not_the_batch(start_bot, client):
    """Telegram (or a proxy before it) accepts one chat's message and answers with something PTB cannot parse: that
    row is recorded as maybe delivered and not resent; the other chats of the same batch are sent once each."""
    chats = list(range(6301, 6311))
    garbled = chats[3]
    for chat in chats:
        await client.set_chat(chat, "private")
    async with start_bot(delivery=FAST) as app:
        sessions = app.bot_data.sessionmaker
        await add_chats(sessions, chats)
        await client.inject_fault("sendMessage", chat_id=garbled, kind="garbled_result")
        await enqueue(sessions, chats)
        counts = await wait_until_drained(sessions, timeout=20)
        await asyncio.sleep(1.0)  # time for a wrong second try, had the row gone back to the queue
        rows = await rows_by_chat(sessions)
    delivered = await delivered_per_chat(client)
    assert counts["sent"] == len(chats) - 1 and counts["unknown"] == 1
    assert all(delivered[chat] == 1 for chat in chats)
    assert [r.state for r in rows[garbled]] == [DeliveryState.UNKNOWN]
    assert "not resent" in rows[garbled][0].last_error


async def test_a_message_put_off_is_not_overtaken_by_one_owed_to_the_same_chat_later(start_bot, client):
    """The first message to a chat fails with a 5xx and is put off; a second one owed meanwhile, already due, waits
    for it: the chat reads them in the order they were owed."""
    chat = 6401
    await client.set_chat(chat, "private")
    async with start_bot(delivery=FAST | {"retry_base_seconds": 1.5, "retry_max_seconds": 1.5}) as app:
        sessions = app.bot_data.sessionmaker
        await add_chats(sessions, [chat])
        await client.inject_fault("sendMessage", chat_id=chat, kind="5xx", status=502, times=1)
        await enqueue(sessions, [chat], text="第一条", milestone="first")
        await client.wait_for_calls("sendMessage", count=1, timeout=10)  # the first try, failed
        await enqueue(sessions, [chat], text="第二条", milestone="second")
        counts = await wait_until_drained(sessions, timeout=20, rows=2)
        received = [message["text"] for message in await client.messages(chat)]
    assert counts["sent"] == 2
    assert received == ["第一条", "第二条"]


async def test_a_retry_after_of_hours_reschedules_in_the_database_without_stalling(start_bot, client):
    chats = [7001, 7002, 7003]
    for chat in chats:
        await client.set_chat(chat, "private")
    async with start_bot(delivery=FAST) as app:
        sessions = app.bot_data.sessionmaker
        await add_chats(sessions, chats)
        await client.inject_fault("sendMessage", chat_id=7001, kind="429", retry_after=10072)
        await enqueue(sessions, chats)
        await asyncio.sleep(2.5)
        rows = await rows_by_chat(sessions)
        _, took = await say(client, "/help")
    delivered = await delivered_per_chat(client)
    assert delivered[7002] == 1 and delivered[7003] == 1
    [row] = rows[7001]
    assert row.state is DeliveryState.PENDING
    assert row.available_at - datetime.now(UTC) > timedelta(hours=2)
    assert took < 3.0


async def test_a_deadline_countdown_reaches_the_chat_at_nine_in_the_morning_its_time(start_bot, client):
    """Time travel: the real sweeps, run by the JobQueue, with the clock moved to each alert's moment."""
    shanghai = ZoneInfo("Asia/Shanghai")
    base = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
    deadline = date(2025, 6, 3)
    await client.set_chat(ADA, "private")
    with time_machine.travel(base, tick=True) as traveller:
        async with start_bot(delivery=FAST, alerts={"sweep_seconds": 0.5}) as app:
            sessions = app.bot_data.sessionmaker
            async with sessions.begin() as session:
                session.add(Chat(id=ADA, type="private", active=True, created_at=base, updated_at=base))
                commitment = Commitment(
                    timezone="Asia/Shanghai",
                    subject="地铁四号线<通车>",
                    deadline=deadline,
                    created_at=base,
                    updated_at=base,
                )
                session.add(commitment)
                await session.flush()
                await follow(session, ADA, "commitment", commitment.id, now=base)
            for days_before, marker in [(1, "明天到期"), (0, "今天到期")]:
                fire = datetime.combine(deadline - timedelta(days=days_before), clock_time(9), shanghai)
                traveller.move_to(fire - timedelta(minutes=2))
                await asyncio.sleep(1.5)
                before = len(await client.messages(ADA))
                traveller.move_to(fire + timedelta(seconds=1))
                [*_, alert] = await client.wait_for_messages(ADA, count=before + 1, timeout=10)
                assert marker in alert["text"] and "地铁四号线<通车>" in alert["text"]
            assert len(await client.messages(ADA)) == 2


@pytest.mark.slow
async def test_the_bot_api_down_for_30_seconds_loses_nothing_and_sends_nothing_twice(start_bot, sandbox, client):
    chats = list(range(8001, 8061))
    for chat in chats:
        await client.set_chat(chat, "private")
    async with start_bot(delivery=FAST) as app:
        sessions = app.bot_data.sessionmaker
        await add_chats(sessions, chats)
        port = sandbox.port
        await sandbox.stop()
        await enqueue(sessions, chats)
        await asyncio.sleep(30)
        # The same server state comes back on the same port.
        sandbox._stopping = asyncio.Event()
        await sandbox.start(port=port)
        counts = await wait_until_drained(sessions, timeout=60)
        _, took = await say(client, "/start")
    assert counts == {"sent": len(chats)}
    delivered = await delivered_per_chat(client)
    assert all(delivered[chat] == 1 for chat in chats)
    assert took < 5.0


async def test_a_blocked_event_loop_delays_the_sweeps_and_skips_none(start_bot, caplog):
    caplog.set_level(logging.WARNING, logger="apscheduler")
    async with start_bot(delivery={"sweep_seconds": 0.2}, alerts={"sweep_seconds": 0.5}) as application:
        await asyncio.sleep(0.5)
        time.sleep(3)  # noqa: ASYNC251 -- the point: the event loop is blocked, every sweep falls due meanwhile
        unblocked = datetime.now(UTC)
        await asyncio.sleep(1.5)
        async with application.bot_data.sessionmaker() as session:
            last_start = {sweep.name: sweep.last_started_at for sweep in await all_sweeps(session)}
    # APScheduler's default would skip a run over 1 s late ("was missed by"); these run late instead.
    assert [r.getMessage() for r in caplog.records if "missed" in r.getMessage()] == []
    assert last_start["dispatch"] > unblocked
    assert last_start["alerts"] > unblocked
