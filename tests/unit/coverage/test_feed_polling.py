"""Polling feeds from a local web server: the real feedparser, the real safe fetcher, a real SQLite database."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.settings import load_settings
from tests.feed_server import ATOM, HTML, IC_PLAN, IC_PROGRESS, RSS, UNRELATED, FeedServer, article_page, atom, rss
from trackers.coverage.articles import ArticleText, canonical_url, store_article
from trackers.coverage.feeds import UnsafeFeed, check_safe, parse_items
from trackers.coverage.polling import backoff, poll_feeds
from trackers.models import Article, Feed, FeedItem, ReviewItem

NOW = datetime(2025, 1, 20, 2, 0, tzinfo=UTC)

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>&xxe;</title></channel></rss>'
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def server():
    async with FeedServer() as running:
        yield running


@pytest.fixture
def settings(server, migrated_url):
    base = load_settings(environ={})
    return base.with_changes(fetch={"allow_hosts": [server.host]}, database={"url": migrated_url})


async def add_feed(sessions, url: str, interval: int = 30) -> int:
    async with sessions.begin() as session:
        feed = Feed(name="市政新闻", url=url, interval_minutes=interval, active=True, created_at=NOW)
        session.add(feed)
        await session.flush()
        return feed.id


async def count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def get_feed(sessions, feed_id: int) -> Feed:
    async with sessions() as session:
        return await session.get(Feed, feed_id)


async def test_a_poll_stores_each_new_article_once_and_a_second_poll_ingests_nothing(server, settings, sessions):
    server.put("/a1.html", HTML, article_page("集成电路产业发展行动方案印发", IC_PLAN, "2023-03-10"))
    server.put("/a2.html", HTML, article_page("园林部门开展绿化养护", UNRELATED))
    # The same article listed twice, once with tracking parameters: one article.
    server.put(
        "/rss.xml",
        RSS,
        rss(
            [
                ("g1", server.url("/a1.html"), "行动方案"),
                ("g2", server.url("/a2.html"), "绿化养护"),
                ("g1", server.url("/a1.html?utm_source=feed"), "行动方案"),
            ]
        ),
    )
    feed_id = await add_feed(sessions, server.url("/rss.xml"))
    clock = Clock(NOW)

    report = await poll_feeds(sessions, policy=settings.polling(), now=clock)
    assert (report.polled, report.articles, report.failed) == (1, 2, 0)
    assert await count(sessions, Article) == 2
    feed = await get_feed(sessions, feed_id)
    assert feed.etag and feed.last_error is None
    assert feed.next_poll_at == NOW + timedelta(minutes=30)

    # Not due yet: nothing is fetched.
    assert (await poll_feeds(sessions, policy=settings.polling(), now=clock)).polled == 0
    clock.now = NOW + timedelta(minutes=31)
    report = await poll_feeds(sessions, policy=settings.polling(), now=clock)
    assert (report.polled, report.not_modified, report.articles) == (1, 1, 0)
    assert server.not_modified["/rss.xml"] == 1
    assert server.hits["/a1.html"] == 1  # the article page was not fetched again
    assert await count(sessions, Article) == 2


async def test_an_atom_feed_is_read_too_and_a_changed_article_is_a_new_version(server, settings, sessions):
    server.put("/news/1", HTML, article_page("集成电路产业保持较快增长", IC_PROGRESS))
    server.put("/atom.xml", ATOM, atom([("urn:1:v1", server.url("/news/1"), "产业增长")]))
    await add_feed(sessions, server.url("/atom.xml"))
    clock = Clock(NOW)
    assert (await poll_feeds(sessions, policy=settings.polling(), now=clock)).articles == 1

    # The site corrects the article and lists it again with a new id.
    server.put("/news/1", HTML, article_page("集成电路产业保持较快增长", [*IC_PROGRESS, "(本文有更正)"]))
    server.put("/atom.xml", ATOM, atom([("urn:1:v2", server.url("/news/1"), "产业增长(更正)")]))
    clock.now = NOW + timedelta(hours=2)
    assert (await poll_feeds(sessions, policy=settings.polling(), now=clock)).articles == 1
    async with sessions() as session:
        versions = (await session.execute(select(Article.canonical_url, Article.version).order_by(Article.id))).all()
    assert versions == [(canonical_url(server.url("/news/1")), 1), (canonical_url(server.url("/news/1")), 2)]


async def test_the_same_text_again_is_not_a_second_article(sessions):
    async with sessions.begin() as session:
        first, new = await store_article(
            session, ArticleText("\n".join(IC_PLAN), url="HTTPS://News.Example.cn/a/1/?spm=1.2&from=timeline"), now=NOW
        )
        assert new and first.canonical_url == "https://news.example.cn/a/1/"
        again, new = await store_article(
            session, ArticleText("  ".join(IC_PLAN), url="https://news.example.cn/a/1/"), now=NOW
        )
        assert not new and again.id == first.id


async def test_a_failing_feed_backs_off_and_shows_its_error(server, settings, sessions):
    server.put("/broken.xml", RSS, "", status=500)
    feed_id = await add_feed(sessions, server.url("/broken.xml"), interval=10)
    clock = Clock(NOW)
    report = await poll_feeds(sessions, policy=settings.polling(), now=clock)
    assert report.failed == 1
    # The first failure is news for the admins; the ones after it are not.
    assert [(fid, error[:5]) for fid, _, error in report.started_failing] == [(feed_id, "fetch")]
    feed = await get_feed(sessions, feed_id)
    assert "500" in feed.last_error and feed.error_count == 1
    assert feed.next_poll_at == NOW + timedelta(minutes=20)  # twice the interval after one error
    clock.now = feed.next_poll_at
    report = await poll_feeds(sessions, policy=settings.polling(), now=clock)
    assert report.failed == 1 and report.started_failing == [] and report.recovered == []
    feed = await get_feed(sessions, feed_id)
    assert feed.error_count == 2 and feed.next_poll_at == clock.now + timedelta(minutes=40)
    # It recovers: the error is cleared, and that is news too.
    server.put("/broken.xml", RSS, rss([]))
    clock.now = feed.next_poll_at
    report = await poll_feeds(sessions, policy=settings.polling(), now=clock)
    assert [fid for fid, _ in report.recovered] == [feed_id]
    feed = await get_feed(sessions, feed_id)
    assert feed.last_error is None and feed.error_count == 0
    assert backoff(10, 20, 1440) == timedelta(minutes=1440)


async def test_a_poll_reads_at_most_max_items_and_the_rest_next_time(server, settings, sessions):
    for i in range(3):
        server.put(f"/p{i}.html", HTML, article_page(f"绿化养护第{i}期", [*UNRELATED, f"第{i}期。"]))
    server.put("/rss.xml", RSS, rss([(f"g{i}", server.url(f"/p{i}.html"), f"第{i}期") for i in range(3)]))
    await add_feed(sessions, server.url("/rss.xml"))
    capped = settings.with_changes(feeds={"max_items": 2})
    clock = Clock(NOW)
    assert (await poll_feeds(sessions, policy=capped.polling(), now=clock)).articles == 2
    clock.now = NOW + timedelta(minutes=2)  # the catch-up poll comes soon, and unconditionally
    assert (await poll_feeds(sessions, policy=capped.polling(), now=clock)).articles == 1
    assert await count(sessions, FeedItem) == 3


def test_a_billion_laughs_feed_is_refused_quickly_without_expanding_anything():
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnsafeFeed):
        parse_items(BILLION_LAUGHS, max_bytes=2_000_000)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0 and peak < 5_000_000


def test_external_entities_and_dtds_are_never_loaded():
    with pytest.raises(UnsafeFeed):
        check_safe(EXTERNAL_ENTITY, 2_000_000)
    # An old RSS 0.91 feed naming its DTD is read, with the DOCTYPE cut out.
    old = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>t</title>'
        b"<item><title>a</title><link>https://news.example.cn/a</link></item></channel></rss>"
    )
    assert b"DOCTYPE" not in check_safe(old, 2_000_000)
    assert [item.url for item in parse_items(old, max_bytes=2_000_000)] == ["https://news.example.cn/a"]


def test_a_gb2312_feed_is_read():
    body = rss([("g1", "https://news.example.cn/1", "济南新闻")]).replace('encoding="UTF-8"', 'encoding="gb2312"')
    items = parse_items(body.encode("gb2312"), max_bytes=2_000_000)
    assert [item.title for item in items] == ["济南新闻"]


async def test_a_50_mb_feed_is_refused_within_bounded_time_and_memory(server, settings, sessions):
    server.put("/huge.xml", RSS, b"", stream_bytes=50_000_000)
    feed_id = await add_feed(sessions, server.url("/huge.xml"))
    tracemalloc.start()
    started = time.perf_counter()
    report = await poll_feeds(sessions, policy=settings.polling(), now=Clock(NOW))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.failed == 1 and elapsed < 10
    assert peak < 4 * settings.feeds.max_bytes
    feed = await get_feed(sessions, feed_id)
    assert "too_large" in feed.last_error


async def test_a_feeds_place_is_the_place_of_its_articles_items(server, settings, sessions):
    # An article that names no city: only the feed says whose targets these are.
    plan = ["市政府印发工作方案。", "方案明确,到2026年,全市新建城市公园30座,新增公共停车泊位2万个。"]
    server.put("/p.html", HTML, article_page("城市更新工作方案印发", plan, "2025-01-18"))
    server.put("/rss.xml", RSS, rss([("g1", server.url("/p.html"), "工作方案")]))
    async with sessions.begin() as session:
        session.add(
            Feed(
                name="绍兴新闻",
                url=server.url("/rss.xml"),
                interval_minutes=30,
                active=True,
                created_at=NOW,
                place="绍兴",
            )
        )
    report = await poll_feeds(sessions, policy=settings.polling(), now=Clock(NOW))
    assert report.articles == 1
    async with sessions() as session:
        cards = (await session.scalars(select(ReviewItem).where(ReviewItem.kind == "commitment"))).all()
    assert sorted((card.data["value"], card.data["place"]) for card in cards) == [(2, "绍兴"), (30, "绍兴")]


def test_backoff_never_overflows_whatever_is_stored():
    # A row written before /feeds add checked the interval, and a feed failing for years.
    assert backoff(99999999999999, 3, 1440) == timedelta(days=7)
    assert backoff(10, 10**6, 1440) == timedelta(minutes=1440)
    assert backoff(0, 1, 1440) == timedelta(minutes=10)


async def test_a_feed_with_a_huge_stored_interval_does_not_stop_the_others(server, settings, sessions, monkeypatch):
    server.put("/broken.xml", RSS, "", status=500)
    server.put("/rss.xml", RSS, rss([]))
    huge = await add_feed(sessions, server.url("/broken.xml"), interval=2**31 - 1)  # the most a column holds
    good = await add_feed(sessions, server.url("/rss.xml"))
    clock = Clock(NOW)
    report = await poll_feeds(sessions, policy=settings.polling(), now=clock)
    assert (report.polled, report.failed) == (1, 1)
    feed = await get_feed(sessions, huge)
    assert "500" in feed.last_error and feed.next_poll_at == NOW + timedelta(days=7)
    assert (await get_feed(sessions, good)).last_error is None


async def test_an_unexpected_error_in_one_feed_is_recorded_on_it_and_the_sweep_goes_on(
    server, settings, sessions, monkeypatch
):
    from trackers.coverage import polling

    server.put("/a.xml", RSS, rss([]))
    server.put("/b.xml", RSS, rss([]))
    first = await add_feed(sessions, server.url("/a.xml"))
    second = await add_feed(sessions, server.url("/b.xml"))
    real = polling.parse_items

    def explode_once(body, *, max_bytes):
        monkeypatch.setattr(polling, "parse_items", real)
        raise RuntimeError("boom")

    monkeypatch.setattr(polling, "parse_items", explode_once)
    report = await poll_feeds(sessions, policy=settings.polling(), now=Clock(NOW))
    assert (report.polled, report.failed) == (1, 1)
    feed = await get_feed(sessions, first)
    assert "boom" in feed.last_error and feed.next_poll_at > NOW
    assert (await get_feed(sessions, second)).last_error is None
