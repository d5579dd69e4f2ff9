"""Gaps left by the "nothing typed breaks it" work, checked as a user sees them (the messages the sandbox got, or the
rows stored): an absurd stored feed interval does not stop the sweep; the apology and the admins' error report in
each chat's chosen language; /edit to a past deadline; "1 day left" and "due tomorrow" in English; no empty quote in
a coverage notice; ≥ and whole numbers in the CSV; no "0 items to review:" after an article with nothing in it."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from telegram.ext import CommandHandler

from tests.e2e.admin_helpers import ARTICLE, OWNER, reply_to, rows, say
from tests.e2e.reader_helpers import Reader
from tests.feed_server import RSS, FeedServer, rss
from trackers.models import Commitment, Feed, Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAST = {"sweep_seconds": 0.25}
READER = 5301  # a follower who reads Chinese
ENGLISH_READER = 5302  # reads English


async def _eventually(condition, seconds: float = 8.0) -> bool:
    """Whether `condition()` became true within `seconds` (the bot works in its own jobs)."""
    for _ in range(int(seconds / 0.1)):
        if await condition():
            return True
        await asyncio.sleep(0.1)
    return False


async def _last_id(client, chat: int) -> int:
    messages = await client.messages(chat)
    return messages[-1]["message_id"] if messages else 0


# 1. An absurd stored feed interval ----------------------------------------------------------------------------------


@pytest.fixture
async def feed_server():
    async with FeedServer() as running:
        yield running


async def test_a_feed_with_an_absurd_stored_interval_does_not_stop_the_sweep_and_health_lists_it(
    start_bot, client, feed_server, bot_sessions
):
    feed_server.put("/absurd.xml", RSS, rss([]))
    feed_server.put("/rss.xml", RSS, rss([]))
    now = datetime.now(UTC)
    async with start_bot(
        bot={"owner_ids": [OWNER]},
        fetch={"allow_hosts": [feed_server.host]},
        feeds={"sweep_seconds": 0.2, "coverage_sweep_seconds": 0.2},
    ):
        # Past any date on SQLite; PostgreSQL's column holds at most 2**31 - 1 (some 4,000 years).
        absurd = 2**31 - 1 if bot_sessions.kw["bind"].dialect.name == "postgresql" else 99999999999999
        async with bot_sessions.begin() as session:
            # Written before /feeds add checked intervals: polled first (the lower id), it must not stop the rest.
            session.add(
                Feed(name="旧数据", url=feed_server.url("/absurd.xml"), interval_minutes=absurd, created_at=now)
            )
            session.add(Feed(name="市政新闻", url=feed_server.url("/rss.xml"), interval_minutes=60, created_at=now))
        polled = await _eventually(lambda: _served(feed_server, "/rss.xml"))
        await asyncio.sleep(0.6)  # the sweep records its run
        health = await reply_to(client, "/health")
    # Both at once, so a failure shows the hits and /health together.
    assert (polled, "🔁 feeds：上次" in health) == (True, True), (feed_server.hits, health)


async def _served(server: FeedServer, path: str) -> bool:
    return server.hits.get(path, 0) > 0


# 2. The apology and the error report in the language each chat chose -------------------------------------------------


async def test_the_apology_and_each_admins_error_report_follow_the_language_chosen_with_lang(start_bot, client):
    english_owner, chinese_owner, user = 4251, 4252, 4253

    async def broken(update, context):
        raise RuntimeError("boom")

    async with start_bot(bot={"owner_ids": [english_owner, chinese_owner]}) as application:
        # Telegram says Chinese for all three; the English owner and the user chose English.
        await say(client, "/lang en", user=english_owner)
        await say(client, "/start", user=chinese_owner)
        await say(client, "/lang en", user=user)
        application.add_handler(CommandHandler("broken", broken), group=-10)  # ahead of every other handler
        since = {chat: await _last_id(client, chat) for chat in (english_owner, chinese_owner)}
        apology = await reply_to(client, "/broken", user=user)
        reports = {
            chat: await client.wait_for_messages(chat, count=1, timeout=10, after=since[chat])
            for chat in (english_owner, chinese_owner)
        }
    [english] = [m["text"] for m in reports[english_owner]]
    [chinese] = [m["text"] for m in reports[chinese_owner]]
    # All three at once, so a failure shows every answer.
    assert (
        apology.startswith("Sorry, something went wrong"),
        "Error while handling an update" in english and "RuntimeError" in english,
        "处理更新时出错" in chinese and "RuntimeError" in chinese,
    ) == (True, True, True), (apology, english, chinese)


# 3. /edit to a past deadline -----------------------------------------------------------------------------------------


@pytest.fixture
async def admin_bot(start_bot):
    async with start_bot(bot={"owner_ids": [OWNER]}, delivery=FAST, feeds={"coverage_sweep_seconds": 0.2}) as app:
        yield app


async def test_edit_moves_a_deadline_into_the_past_and_the_commitment_waits_for_its_verdict(
    admin_bot, client, settings
):
    assert "已保存为承诺 #1" in await reply_to(client, "/add 全市新建充电桩 2万个 到2030年底 @济南")
    answer = await reply_to(client, "/edit 1 deadline 2024年底")
    assert "已修改" in answer, answer
    [commitment] = await rows(settings, Commitment)
    assert commitment.deadline == date(2024, 12, 31) and commitment.status == Status.OVERDUE
    card = await reply_to(client, "/show 1")
    assert "2024-12-31" in card and "逾期待定" in card


# 4. One day in English -----------------------------------------------------------------------------------------------


async def test_an_english_card_says_one_day_left(start_bot, client):
    # Noon in Shanghai, the clock held near it: "tomorrow" cannot turn into "today" while the test runs.
    base = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
    with time_machine.travel(base, tick=True):
        async with start_bot() as app:
            async with app.bot_data.sessionmaker.begin() as session:
                metro = Commitment(
                    timezone="Asia/Shanghai",
                    subject="地铁四号线通车",
                    deadline=date(2025, 6, 2),
                    created_at=base,
                    updated_at=base,
                )
                session.add(metro)
                await session.flush()
            card = await Reader(app, client, ENGLISH_READER, language="en").text(f"/show {metro.id}")
    assert "2025-06-02 (1 day left)" in card, card
    assert "1 days" not in card


# 5. A coverage notice for progress with a link and no quote ----------------------------------------------------------


async def test_a_progress_notice_with_a_link_and_no_quote_has_no_empty_quote_line(admin_bot, client):
    assert "已保存为承诺 #1" in await reply_to(client, "/add 全市新建充电桩 2万个 到2030年底 @济南")
    chinese = Reader(admin_bot, client, READER)
    english = Reader(admin_bot, client, ENGLISH_READER, language="en")
    for reader in (chinese, english):
        await reader.say("/follow 1")
    since = {reader.chat: (await reader.latest())["message_id"] for reader in (chinese, english)}
    answer = await reply_to(client, "/progress 1 5000个 2025年底 https://news.example.cn/p/1")
    assert "已记录" in answer, answer
    notices = {
        reader.chat: [m["text"] for m in await client.wait_for_messages(reader.chat, after=since[reader.chat])]
        for reader in (chinese, english)
    }
    [zh] = notices[READER]
    [en] = notices[ENGLISH_READER]
    assert "新报道" in zh and "5000个" in zh, zh
    assert "New coverage" in en and "5000个" in en, en
    assert "「」" not in zh and "“”" not in en
    assert all(line.strip() not in ("「」", "“”") for line in zh.splitlines() + en.splitlines())


# 6. The CSV export ---------------------------------------------------------------------------------------------------


async def test_the_csv_shows_at_least_as_a_sign_and_whole_numbers_without_a_decimal(admin_bot, client):
    assert "已保存为承诺 #1" in await reply_to(client, "/add 全市新建充电桩 不低于50个 到2030年底 @济南")
    assert "已记录" in await reply_to(client, "/progress 1 20个 2025年底")
    reader = Reader(admin_bot, client, READER)
    await reader.say("/follow 1")
    message = (await reader.say("/export"))[-1]
    data = await client.file_bytes(message["file"]["file_id"])
    text = data.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert data.startswith(codecs.BOM_UTF8)
    assert row["比较"] == "≥", row
    assert row["目标"] == "50" and row["最新进展"] == "20", row
    assert "'=" not in text and ">=" not in text and "50.0" not in text


# 7. Nothing to review ------------------------------------------------------------------------------------------------

# Written for this test: an article with no target and no figure in it.
NOTHING = """泉城日报 2024-05-10 08:30
东湖区举办春季文化活动

记者从南昌市东湖区文化馆获悉，东湖区近日举办春季文化活动，市民踊跃参加，现场气氛热烈。
活动包括书法展览、戏曲演出和非遗手工体验，吸引了许多家庭前来参观，大家纷纷表示收获很大。
"""


async def test_an_article_with_nothing_to_review_says_so_without_a_trailing_colon(admin_bot, client):
    assert await reply_to(client, "/review") == "没有待审核的内容。"
    stored = await reply_to(client, NOTHING)
    assert "已保存" in stored, stored
    assert "找到 0 项" not in stored and not stored.rstrip().endswith("："), stored


async def test_an_article_sent_again_after_its_cards_were_decided_says_nothing_waits(admin_bot, client):
    messages = await say(client, ARTICLE, count=3)
    cards = [m for m in messages if m.get("reply_markup")]
    assert cards, [m["text"] for m in messages]
    for number, card in enumerate(cards, 1):
        reject = card["reply_markup"]["inline_keyboard"][0][2]["callback_data"]
        await client.press(OWNER, OWNER, card["message_id"], reject)
        await client.wait_for_calls("editMessageText", count=number)
    assert await reply_to(client, "/review") == "没有待审核的内容。"
    again = await reply_to(client, ARTICLE.replace("\n", "\n\n"))
    assert "之前已经保存过" in again, again
    assert "0 项" not in again and not again.rstrip().endswith("："), again
