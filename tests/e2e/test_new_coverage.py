"""New coverage in a feed reaches the followers of the commitment it reports on: once, with the arithmetic."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.feed_server import HTML, IC_PROGRESS, RSS, UNRELATED, FeedServer, article_page, rss
from trackers.models import Commitment, Comparator, Evidence, Feed, FeedItem, SubscriptionKind
from trackers.people.follows import follow

ADA = 1001
NOW = datetime.now(UTC)


@pytest.fixture
async def server():
    async with FeedServer() as running:
        yield running


async def wait_until(condition) -> None:
    # The bot works in its own jobs; the database is what we can watch.
    for _ in range(100):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out waiting")


async def track_ic_commitment(database) -> int:
    async with database.begin() as session:
        commitment = Commitment(
            timezone="Asia/Shanghai",
            subject="集成电路产业规模",
            comparator=Comparator.GT,
            value=600,
            unit="亿元",
            value_normalized=6e10,
            unit_normalized="CNY",
            deadline=date(2025, 12, 31),
            place="济南",
            quote="到2025年,全市集成电路产业规模突破600亿元",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(commitment)
        await session.flush()
        return commitment.id


async def test_a_follower_hears_once_about_a_progress_article_and_not_about_an_unrelated_one(
    start_bot, client, server, bot_sessions
):
    server.put("/garden.html", HTML, article_page("园林部门开展绿化养护", UNRELATED))
    server.put("/ic.html", HTML, article_page("集成电路产业保持较快增长", IC_PROGRESS))
    server.put("/rss.xml", RSS, rss([("garden", server.url("/garden.html"), "绿化养护")]))

    async with start_bot(
        fetch={"allow_hosts": [server.host]}, feeds={"sweep_seconds": 0.2, "coverage_sweep_seconds": 0.2}
    ):
        ic = await track_ic_commitment(bot_sessions)
        await client.send_text(ADA, "/start", first_name="Ada")
        started = await client.wait_for_messages(ADA, 1)
        async with bot_sessions.begin() as session:
            await follow(session, ADA, SubscriptionKind.COMMITMENT, ic, now=NOW)
            session.add(Feed(name="市政新闻", url=server.url("/rss.xml"), interval_minutes=60, created_at=NOW))

        async def items_seen(n: int):
            async def check():
                async with bot_sessions() as session:
                    return await session.scalar(select(func.count()).select_from(FeedItem)) >= n

            return check

        # The unrelated article is taken in, and nobody hears of it.
        await wait_until(await items_seen(1))
        await asyncio.sleep(0.6)
        assert await client.messages(ADA, after=started[-1]["message_id"]) == []

        # The feed publishes a progress article; the feed is due again.
        server.put(
            "/rss.xml",
            RSS,
            rss([("ic", server.url("/ic.html"), "产业增长"), ("garden", server.url("/garden.html"), "绿化养护")]),
        )
        async with bot_sessions.begin() as session:
            feed = await session.scalar(select(Feed))
            feed.next_poll_at = datetime.now(UTC)
        news = await client.wait_for_messages(ADA, 1, timeout=10, after=started[-1]["message_id"])
        assert len(news) == 1
        text = news[0]["text"]
        assert "新报道" in text and f"#{ic}" in text and "集成电路产业规模" in text
        assert "268亿元" in text and "超过600亿元" in text  # the figure and the target
        assert "2024年,全市集成电路产业规模达到268亿元" in text  # the quote
        assert "45%" in text  # share of the target
        assert "31%" in text  # the reported growth
        # The 2025 deadline has passed and the newest figure is from before it: no yearly rate, no forecast.
        assert "期限已过" in text and "每年需增长" not in text and "到期约达" not in text
        assert server.url("/ic.html") in str(news[0])  # the link

        # Later sweeps add nothing: one message per chat and commitment.
        await asyncio.sleep(0.8)
        assert len(await client.messages(ADA, after=started[-1]["message_id"])) == 1
        async with bot_sessions() as session:
            points = (await session.scalars(select(Evidence).where(Evidence.commitment_id == ic))).all()
        assert [(p.value, p.as_of, p.announced_at is not None) for p in points] == [(268, date(2024, 12, 31), True)]


async def test_admins_hear_once_when_a_feed_starts_failing_and_once_when_it_works_again(
    start_bot, client, server, bot_sessions
):
    owner = 4040
    server.put("/rss.xml", RSS, "", status=500)
    async with start_bot(
        bot={"owner_ids": [owner]},
        fetch={"allow_hosts": [server.host]},
        feeds={"sweep_seconds": 0.2, "coverage_sweep_seconds": 0.2},
    ):
        await client.send_text(owner, "/lang en", first_name="Owner", language_code="en")
        [started] = await client.wait_for_messages(owner, 1)

        async def poll_now() -> None:
            async with bot_sessions.begin() as session:
                feed = await session.scalar(select(Feed))
                feed.next_poll_at = datetime.now(UTC)
            before = server.hits.get("/rss.xml", 0)
            await wait_until(lambda: _hit(server, before))
            await asyncio.sleep(0.6)  # the sweep records the poll and owes its messages

        async with bot_sessions.begin() as session:
            session.add(Feed(name="市政新闻", url=server.url("/rss.xml"), interval_minutes=60, created_at=NOW))
        await wait_until(lambda: _hit(server, 0))
        await asyncio.sleep(0.6)
        await poll_now()  # failing a second time: nothing new to say
        server.put("/rss.xml", RSS, rss([]))
        await poll_now()
        # Two messages, not three: the second failure in a row is not news.
        told = await client.wait_for_messages(owner, 3, timeout=3, after=started["message_id"])
    texts = [m["text"] for m in told]
    assert len(texts) == 2, texts
    assert "“市政新闻” failed" in texts[0] and "works again" in texts[1]


async def _hit(server, before: int) -> bool:
    return server.hits.get("/rss.xml", 0) > before


async def test_health_names_the_feeds_that_fail_and_forgets_them_once_they_work(
    start_bot, client, server, bot_sessions
):
    """A feed sweep that runs while a feed fails succeeds as a sweep; /health still says which feed fails and why."""
    owner = 4041
    server.put("/rss.xml", RSS, "", status=500)
    async with start_bot(
        bot={"owner_ids": [owner]},
        fetch={"allow_hosts": [server.host]},
        feeds={"sweep_seconds": 0.2, "coverage_sweep_seconds": 0.2},
    ):
        async with bot_sessions.begin() as session:
            session.add(Feed(name="市政<新闻>", url=server.url("/rss.xml"), interval_minutes=60, created_at=NOW))
            session.add(Feed(name="区县动态", url=server.url("/ok.xml"), interval_minutes=60, created_at=NOW))
        server.put("/ok.xml", RSS, rss([]))
        await wait_until(lambda: _hit(server, 0))
        await asyncio.sleep(0.6)

        async def health(language: str) -> str:
            sent = await client.send_text(owner, "/health", first_name="Owner", language_code=language)
            [answer] = await client.wait_for_messages(owner, 1, after=sent["message_id"])
            return answer["text"]

        english, chinese = await health("en"), await health("zh")
        async with bot_sessions.begin() as session:
            feed = await session.scalar(select(Feed).where(Feed.url == server.url("/rss.xml")))
            feed.next_poll_at = datetime.now(UTC)
            server.put("/rss.xml", RSS, rss([]))
        before = server.hits.get("/rss.xml", 0)
        await wait_until(lambda: _hit(server, before))
        await asyncio.sleep(0.6)
        recovered = await health("en")
    assert "📡 Feeds failing: 1" in english
    assert "#1 市政<新闻> (failing for " in english and "polls failed in a row: 1): " in english
    assert "(HTTP 500)" in english
    assert "区县动态" not in english
    assert "📡 抓取失败的信息源：1 个" in chinese
    assert "#1 市政<新闻>（已连续失败 1 次" in chinese and "HTTP 500" in chinese
    assert "Feeds failing" not in recovered
