"""Feeds: the sources the coverage poller reads. Admins add, list, remove and test them; polling lives elsewhere.

Feed XML is parsed with entity expansion, DTD loading and network access switched off, so a hostile feed cannot
read local files, call out or blow up in memory (billion laughs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.audit import record
from trackers.models import Feed

DEFAULT_INTERVAL_MINUTES = 60
MIN_INTERVAL_MINUTES = 5


class UnknownFeed(LookupError):
    pass


class FeedExists(ValueError):
    def __init__(self, feed: Feed) -> None:
        super().__init__(feed.url)
        self.feed = feed


class NotAFeed(ValueError):
    """The document is not RSS or Atom."""


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str
    published: str | None


async def add_feed(
    session: AsyncSession,
    url: str,
    *,
    name: str | None,
    interval_minutes: int,
    actor_id: int,
    now: datetime,
    place: str | None = None,
) -> Feed:
    existing = await session.scalar(select(Feed).where(Feed.url == url))
    if existing is not None:
        raise FeedExists(existing)
    feed = Feed(
        name=(name or url)[:200],
        url=url,
        interval_minutes=max(MIN_INTERVAL_MINUTES, interval_minutes),
        place=place,
        active=True,
        created_at=now,
        created_by=actor_id,
    )
    session.add(feed)
    await session.flush()
    await record(
        session, actor_id=actor_id, action="feed_add", target=f"feed:{feed.id}", now=now,
        detail={"url": url, "place": place},
    )
    return feed


async def list_feeds(session: AsyncSession) -> list[Feed]:
    return list((await session.scalars(select(Feed).order_by(Feed.id))).all())


async def remove_feed(session: AsyncSession, feed_id: int, *, actor_id: int, now: datetime) -> Feed:
    feed = await session.get(Feed, feed_id)
    if feed is None:
        raise UnknownFeed(feed_id)
    await session.delete(feed)
    await record(
        session, actor_id=actor_id, action="feed_remove", target=f"feed:{feed_id}", now=now, detail={"url": feed.url}
    )
    return feed


def parse_feed(body: bytes) -> list[FeedEntry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom document, newest first as the feed lists them."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False, dtd_validation=False
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise NotAFeed(str(exc)) from exc
    entries = []
    for node in root.iter():
        tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if tag not in ("item", "entry"):
            continue
        title = url = published = None
        for child in node:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "title":
                title = (child.text or "").strip()
            elif name == "link":
                url = (child.get("href") or child.text or "").strip() or url
            elif name in ("pubDate", "published", "updated", "date") and not published:
                published = (child.text or "").strip()
        if url:
            entries.append(FeedEntry(title=title or url, url=url, published=published))
    if not entries and etree.QName(root).localname not in ("rss", "feed", "RDF"):
        raise NotAFeed(etree.QName(root).localname)
    return entries
