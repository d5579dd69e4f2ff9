"""The pieces of delivery on their own: splitting long HTML, quiet hours, follows, claims and the elected sender."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.render.split import split_html, visible_length
from bot.sandbox.html import parse_html
from trackers.models import Chat, Commitment, DeliveryState, Notification, Tag
from trackers.notifications.outbox import Owed, claim, owe, reap_leases
from trackers.people.follows import (
    AlreadyFollowing,
    NotFollowing,
    UnknownCommitment,
    UnknownTag,
    follow,
    followers_of,
    follows_of,
    unfollow,
)
from trackers.people.preferences import after_quiet_hours
from trackers.runtime.db import create_engine
from trackers.runtime.leadership import Leadership

NOW = datetime(2025, 5, 1, 2, 0, tzinfo=UTC)


# -- splitting ---------------------------------------------------------------------------------------------------


def test_a_short_message_is_left_whole():
    assert split_html("<b>你好</b> &amp; 再见") == ["<b>你好</b> &amp; 再见"]


def test_a_long_message_is_cut_at_paragraphs_with_every_part_valid_and_within_the_limit():
    text = "<b>标题</b>\n\n" + "\n\n".join(f'<a href="https://e.cn/{n}">第{n}段</a> ' + "字" * 900 for n in range(12))
    parts = split_html(text)
    assert len(parts) >= 3
    for part in parts:
        parsed = parse_html(part)  # raises on unbalanced or broken markup
        assert len(parsed.text) <= 4096
    assert "".join(parse_html(p).text for p in parts).count("字") == 900 * 12


def test_a_cut_inside_formatting_closes_and_reopens_the_tags():
    text = "<i>" + "很长的一句话，" * 1000 + "</i>"
    parts = split_html(text, limit=1000)
    assert all(p.startswith("<i>") and p.endswith("</i>") for p in parts)
    assert all(visible_length(p) <= 1000 for p in parts)


def test_a_cut_never_splits_an_entity_or_an_emoji():
    text = "&amp;😀" * 3000
    parts = split_html(text, limit=100)
    assert all(visible_length(p) <= 100 for p in parts)
    assert "".join(parts) == text


def test_text_without_any_break_is_still_cut_within_the_limit():
    parts = split_html("x" * 10_000)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


# -- quiet hours --------------------------------------------------------------------------------------------------


def test_quiet_hours_across_midnight_delay_to_their_end_in_local_time():
    night = datetime(2025, 5, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    delayed = after_quiet_hours(night, "Asia/Shanghai", 22 * 60, 7 * 60)
    assert delayed == datetime(2025, 5, 1, 23, 0, tzinfo=UTC)  # 07:00 on the 2nd in Shanghai
    morning = datetime(2025, 5, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert after_quiet_hours(morning, "Asia/Shanghai", 22 * 60, 7 * 60) == morning


# -- follows and claims on both databases ---------------------------------------------------------------------


async def test_follows_have_clear_errors_and_the_fan_out_finds_each_chat_once(sessions):
    async with sessions.begin() as session:
        for chat_id in (1, 2, 3, 4):
            session.add(Chat(id=chat_id, type="private", created_at=NOW, updated_at=NOW))
        plan = Commitment(timezone="Asia/Shanghai", subject="三年行动计划", created_at=NOW, updated_at=NOW)
        session.add(plan)
        await session.flush()
        project = Commitment(
            timezone="Asia/Shanghai", subject="项目", parent_id=plan.id, place="济南", created_at=NOW, updated_at=NOW
        )
        project.tags = [Tag(name="集成电路")]
        session.add(project)
        await session.flush()
        await follow(session, 1, "plan", plan.id, now=NOW)
        await follow(session, 1, "all", now=NOW)
        await follow(session, 2, "tag", "集成电路", now=NOW)
        await follow(session, 3, "place", "济南", now=NOW)
        with pytest.raises(AlreadyFollowing):
            await follow(session, 3, "place", "济南", now=NOW)
        with pytest.raises(UnknownCommitment):
            await follow(session, 4, "commitment", 999, now=NOW)
        with pytest.raises(UnknownTag):
            await follow(session, 4, "tag", "不存在", now=NOW)
        with pytest.raises(NotFollowing):
            await unfollow(session, 4, "all")
        found = [f for batch in [b async for b in followers_of(session, project)] for f in batch]
        assert sorted((f.chat_id, f.direct) for f in found) == [(1, True), (2, False), (3, False)]
        assert [s.kind for s in await follows_of(session, 1)] == ["plan", "all"]


async def test_concurrent_claims_never_take_the_same_row_and_a_dead_senders_rows_come_back(sessions):
    async with sessions.begin() as session:
        for chat_id in range(1, 201):
            session.add(Chat(id=chat_id, type="private", created_at=NOW, updated_at=NOW))
        await session.flush()
        hi = Owed(kind="t", milestone="m", text=lambda _language: "hi", due_at=NOW)
        assert await owe(session, hi, range(1, 201), now=NOW, default_language="zh") == 200
        assert await owe(session, hi, [1], now=NOW, default_language="zh") == 0

    async def claimer(name: str) -> list[int]:
        taken = []
        for _ in range(10):
            async with sessions.begin() as session:
                rows = await claim(session, now=NOW, limit=15, lease=timedelta(seconds=30), instance=name)
            taken += [row.id for row in rows]
        return taken

    first, second = await asyncio.gather(claimer("a"), claimer("b"))
    assert not set(first) & set(second)
    assert len(first) + len(second) == 200
    async with sessions.begin() as session:
        assert await reap_leases(session, now=NOW + timedelta(seconds=10)) == 0  # leases still valid
        assert await reap_leases(session, now=NOW + timedelta(seconds=31)) == 200
        states = set((await session.execute(select(Notification.state))).scalars())
    assert states == {DeliveryState.PENDING}


async def test_one_process_leads_and_another_takes_over_when_it_goes(migrated_url):
    engines = [create_engine(migrated_url), create_engine(migrated_url)]
    first, second = Leadership(engines[0]), Leadership(engines[1])
    try:
        assert await first.ensure() is True
        assert await second.ensure() is False
        await first.release()  # as when its process dies: the lock goes with the connection or the file
        assert await second.ensure() is True
        assert await first.ensure() is False
    finally:
        await first.release()
        await second.release()
        for engine in engines:
            await engine.dispose()


def test_quiet_hours_in_the_daytime_keep_the_same_day():
    moment = datetime(2025, 5, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    delayed = after_quiet_hours(moment, "Asia/Shanghai", 8 * 60, 12 * 60)
    assert delayed.astimezone(UTC) == datetime(2025, 5, 1, 4, 0, tzinfo=UTC)
    assert delayed.astimezone(ZoneInfo("Asia/Shanghai")).time() == time(12)


def test_a_long_reply_is_cut_at_line_ends_and_leaves_no_empty_tags():
    lines = [f"<b>{i}</b> " + "字" * 90 for i in range(100)]
    parts = split_html("\n".join(lines))
    assert len(parts) == 3 and all(visible_length(part) <= 4096 for part in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert all(part.count("<b>") == part.count("</b>") and "<b></b>" not in part for part in parts)
