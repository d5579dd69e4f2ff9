"""Feeds: the sources the coverage poller reads. Admins add, list and remove them; reading a feed (safely) and
polling live in trackers/coverage/polling.py, which `/feeds test` uses too, so it shows what the poller would take in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import Feed
from trackers.runtime.audit import record

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
