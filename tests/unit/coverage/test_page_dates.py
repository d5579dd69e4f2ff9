"""A fetched page's date and title are the ones the page states: in its metadata (article:published_time, the
PubDate and ArticleTitle of Chinese government sites, JSON-LD) or printed under its headline. Never a year guessed
from the copyright line, which made a page's 今年 targets the copyright year's; the feed's date only where the
page states none. Pages and feeds come from a local web server, through the real poller."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.settings import load_settings
from tests.feed_server import HTML, RSS, FeedServer
from trackers.coverage.articles import text_from_html
from trackers.coverage.feeds import parse_items
from trackers.coverage.polling import poll_feeds
from trackers.models import Article, Feed, ReviewItem

NOW = datetime(2025, 1, 20, 2, 0, tzinfo=UTC)
BODY = (
    "<p>青河市政府近日印发《集成电路产业高质量发展行动方案》，提出做强设计、制造、封测全链条，加快引进一批重点项目。</p>"
    "<p>方案明确，今年全市集成电路产业规模突破600亿元，培育一批具有核心竞争力的骨干企业，完善产业配套。</p>"
    "<p>市工信局有关负责人表示，将围绕车规级芯片和功率半导体两个方向，推动产业链上下游协同发展。</p>"
)
FOOTER = "<footer>Copyright © 2021 青河市人民政府 版权所有 主办：青河市人民政府办公室</footer>"


def page(head: str = "", under_headline: str = "", title: str = "集成电路行动方案印发_青河市人民政府") -> str:
    """A government site's article page: the site's name in <title>, the date (if any) in a line under the headline
    outside the article's text, and a copyright year in the footer."""
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
        '<nav>首页 | 政务公开 | 新闻中心</nav><div class="title"><h1>青河市集成电路产业发展行动方案印发</h1></div>'
        f'<div class="info">{under_headline}</div><div class="content"><article>{BODY}</article></div>'
        f"{FOOTER}</body></html>"
    )


PAGES = {
    "printed under the headline": page(under_headline="发布时间：2023年03月10日 来源：青河日报"),
    "PubDate in Chinese": page(head='<meta name="PubDate" content="2023年03月10日 09:30">'),
    "PubDate": page(head='<meta name="PubDate" content="2023-03-10 09:30">'),
    "article:published_time": page(head='<meta property="article:published_time" content="2023-03-10T09:30:00+08:00">'),
    "JSON-LD": page(
        head='<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
        '"NewsArticle", "headline": "青河市集成电路产业发展行动方案印发", '
        '"datePublished": "2023-03-10T09:30:00+08:00"}]}</script>'
    ),
}


@pytest.mark.parametrize("where", list(PAGES))
def test_a_page_that_states_its_date_is_dated_so_and_not_by_its_copyright_year(where):
    article = text_from_html(PAGES[where].encode("utf-8"), "http://news.example.cn/a/1.html")
    assert article.published == date(2023, 3, 10)
    assert "今年全市集成电路产业规模突破600亿元" in article.text


def test_a_page_that_states_no_date_has_none_rather_than_a_guess():
    assert text_from_html(page().encode("utf-8"), "http://news.example.cn/a/1.html").published is None


def test_the_title_is_the_pages_own_rather_than_the_sites_window_title():
    titled = page(head='<meta name="ArticleTitle" content="青河市印发集成电路产业发展行动方案">')
    assert text_from_html(titled.encode("utf-8")).title == "青河市印发集成电路产业发展行动方案"
    og = page(head='<meta property="og:title" content="集成电路行动方案印发">')
    assert text_from_html(og.encode("utf-8")).title == "集成电路行动方案印发"


def rss(items: list[tuple[str, str | None]]) -> str:
    """RSS with (link, pubDate or None) items."""
    entries = "".join(
        f"<item><guid>{link}</guid><link>{link}</link><title>行动方案</title>"
        + (f"<pubDate>{when}</pubDate>" if when else "")
        + "</item>"
        for link, when in items
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>青河新闻</title>'
    return f"{head}{entries}</channel></rss>"


@pytest.fixture
async def server():
    async with FeedServer() as running:
        yield running


async def poll(server, sessions, migrated_url) -> list[Article]:
    settings = load_settings(environ={}).with_changes(
        fetch={"allow_hosts": [server.host]}, database={"url": migrated_url}
    )
    async with sessions.begin() as session:
        session.add(Feed(name="青河新闻", url=server.url("/rss.xml"), interval_minutes=30, active=True, created_at=NOW))
    await poll_feeds(sessions, policy=settings.polling(), now=lambda: NOW)
    async with sessions() as session:
        return list((await session.scalars(select(Article).order_by(Article.id))).all())


async def test_a_feed_item_whose_page_prints_its_date_is_stored_with_it_and_its_targets_are_that_years(
    server, sessions, migrated_url
):
    server.put("/a/1.html", HTML, PAGES["printed under the headline"])
    # The feed lists the page with no date of its own, as many government feeds do.
    server.put("/rss.xml", RSS, rss([(server.url("/a/1.html"), None)]))
    [article] = await poll(server, sessions, migrated_url)
    assert article.published == date(2023, 3, 10)
    async with sessions() as session:
        cards = (await session.scalars(select(ReviewItem).where(ReviewItem.article_id == article.id))).all()
    target = next(card for card in cards if "600亿元" in str(card.data))
    assert target.data["deadline"] == "2023-12-31"  # 今年, in the year the page was published


async def test_the_pages_own_date_wins_over_the_feeds_and_the_feeds_fills_in_where_the_page_states_none(
    server, sessions, migrated_url
):
    server.put("/a/1.html", HTML, PAGES["PubDate in Chinese"])
    server.put("/a/2.html", HTML, page().replace("行动方案", "实施方案"))
    server.put(
        "/rss.xml",
        RSS,
        rss(
            [
                (server.url("/a/1.html"), "Mon, 20 Jan 2025 08:00:00 +0800"),  # the day the feed listed it again
                (server.url("/a/2.html"), "Fri, 10 Mar 2023 08:00:00 +0800"),
            ]
        ),
    )
    first, second = await poll(server, sessions, migrated_url)
    assert (first.published, second.published) == (date(2023, 3, 10), date(2023, 3, 10))


def test_a_feed_date_is_the_day_it_was_where_it_was_written():
    # 00:30 in Beijing on New Year's Day is still 2024 in UTC: the item is dated as its publisher dated it.
    body = rss([("https://news.example.cn/1", "Wed, 01 Jan 2025 00:30:00 +0800")])
    [item] = parse_items(body.encode("utf-8"), max_bytes=2_000_000)
    assert item.published == date(2025, 1, 1)
    atom = (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id>'
        '<entry><id>urn:1</id><link href="https://news.example.cn/2"/><title>a</title>'
        "<published>2025-01-01T00:30:00+08:00</published><updated>2025-01-02T10:00:00+08:00</updated></entry></feed>"
    )
    [item] = parse_items(atom.encode("utf-8"), max_bytes=2_000_000)
    assert item.published == date(2025, 1, 1)
