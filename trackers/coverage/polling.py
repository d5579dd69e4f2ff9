"""Polling feeds: which feeds are due, reading an RSS or Atom document safely, and what a poll leaves behind.

Safety first: a feed is XML from a stranger. Before feedparser sees a byte:

- the document is refused above a size cap (the fetcher stops reading there too, so a 50 MB feed never fills
  memory);
- expat reads the prolog up to the root element, with parameter entities off: a DOCTYPE with an internal subset
  (where entities are declared: billion laughs, quadratic blowup, external entities) is refused outright; a bare
  DOCTYPE naming an external DTD (old RSS 0.91 feeds) is cut out, so nothing ever loads it;
- a document in an encoding expat does not know (GB2312 and GBK are common in Chinese feeds) is converted to
  UTF-8 first, with its declaration rewritten.

feedparser then gets the bytes as a stream (never a string, which it could take for a URL or a file name).

A failing feed waits twice as long after each error (its interval, then 2x, 4x … up to a cap), and its last error
is kept on the row where /feeds list shows it. A poll reads at most `max_items` new items; the rest wait for the
next poll, which then comes soon and unconditionally.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.parsers import expat

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.coverage.articles import canonical_url
from trackers.coverage.feeds import NotAFeed
from trackers.models import Feed, FeedItem

# When a poll left items for later, the next one comes this soon.
CATCH_UP = timedelta(minutes=1)
_XML_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_DECLARATION_TEXT = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>", re.I)


class UnsafeFeed(NotAFeed):
    """The document was refused before parsing: too large, or it declares entities."""


@dataclass(frozen=True)
class Item:
    key: str  # sha256 of the guid, or of the canonical link
    url: str
    title: str
    published: date | None


class _RootReached(Exception):
    pass


def _to_utf8(body: bytes) -> bytes:
    """The same document in UTF-8 when its declared encoding is one expat cannot read."""
    m = _XML_DECLARATION.match(body)
    if not m or m.group(2).decode("ascii").lower() in _EXPAT_ENCODINGS:
        return body
    name = m.group(2).decode("ascii")
    encoding = "gb18030" if name.lower() in ("gb2312", "gbk", "gb18030") else name
    try:
        text = body.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise NotAFeed(f"cannot decode the declared encoding {name}") from exc
    text = _DECLARATION_TEXT.sub("", text, count=1)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + text.encode("utf-8")


def check_safe(body: bytes, max_bytes: int) -> bytes:
    """The document, ready for feedparser, or UnsafeFeed / NotAFeed. Reads only up to the root element."""
    if len(body) > max_bytes:
        raise UnsafeFeed(f"too large: {len(body)} bytes (limit {max_bytes})")
    body = _to_utf8(body)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    external = []

    def doctype(name, system_id, public_id, has_internal_subset):
        if has_internal_subset:
            raise UnsafeFeed("DOCTYPE with an internal subset (entity declarations are refused)")
        external.append(system_id or public_id)

    def entity(*_args):
        raise UnsafeFeed("entity declaration")

    def root(*_args):
        raise _RootReached

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = entity
    parser.StartElementHandler = root
    try:
        parser.Parse(body, True)
    except _RootReached:
        pass
    except expat.ExpatError as exc:
        raise NotAFeed(f"not well-formed XML: {exc}") from exc
    else:
        raise NotAFeed("no root element")
    if external:
        # Only the prolog can hold a DOCTYPE; the first match is it.
        body = _DOCTYPE.sub(b"", body, count=1)
    return body


def parse_items(body: bytes, *, max_bytes: int) -> list[Item]:
    """The items of an RSS or Atom document, in the feed's order, after `check_safe`."""
    import feedparser  # imported here: only the poller needs it

    safe = check_safe(body, max_bytes)
    parsed = feedparser.parse(io.BytesIO(safe), resolve_relative_uris=False, sanitize_html=True)
    if parsed.bozo and not parsed.entries:
        raise NotAFeed(str(parsed.get("bozo_exception") or "unreadable feed"))
    if not parsed.entries and not parsed.get("version"):
        raise NotAFeed("neither RSS nor Atom")
    items = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link.startswith(("http://", "https://")):
            continue
        guid = (entry.get("id") or "").strip() or canonical_url(link)
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(
            Item(
                key=hashlib.sha256(guid.encode("utf-8")).hexdigest(),
                url=link,
                title=(entry.get("title") or link).strip()[:500],
                published=date(when.tm_year, when.tm_mon, when.tm_mday) if when else None,
            )
        )
    return items


# -- the database side --------------------------------------------------------------------------------------------


async def due_feeds(session: AsyncSession, *, now: datetime, limit: int = 20) -> list[Feed]:
    """Active feeds whose next poll has come (a new feed is due at once), longest waiting first."""
    rows = await session.scalars(
        select(Feed)
        .where(Feed.active.is_(True), or_(Feed.next_poll_at.is_(None), Feed.next_poll_at <= now))
        .order_by(Feed.next_poll_at.is_not(None), Feed.next_poll_at, Feed.id)
        .limit(limit)
    )
    return list(rows.all())


async def unseen(session: AsyncSession, feed_id: int, items: list[Item]) -> list[Item]:
    """The items this feed has not listed before, in the feed's order, each once."""
    if not items:
        return []
    keys = [item.key for item in items]
    seen = set(
        (
            await session.scalars(
                select(FeedItem.item_key).where(FeedItem.feed_id == feed_id, FeedItem.item_key.in_(keys))
            )
        ).all()
    )
    out, taken = [], set()
    for item in items:
        if item.key not in seen and item.key not in taken:
            taken.add(item.key)
            out.append(item)
    return out


async def remember_item(
    session: AsyncSession, feed_id: int, item: Item, *, now: datetime, article_id: int | None, error: str | None
) -> None:
    """The item was read (or could not be): the next poll skips it."""
    exists = await session.scalar(select(FeedItem.id).where(FeedItem.feed_id == feed_id, FeedItem.item_key == item.key))
    if exists is None:
        session.add(
            FeedItem(
                feed_id=feed_id,
                item_key=item.key,
                url=item.url,
                seen_at=now,
                article_id=article_id,
                error=(error or None) and error[:500],
            )
        )
        await session.flush()


def backoff(interval_minutes: int, errors: int, max_minutes: int) -> timedelta:
    """The wait after `errors` failed polls in a row: the interval doubled for each, capped."""
    return timedelta(minutes=min(interval_minutes * (2 ** max(errors, 0)), max(max_minutes, interval_minutes)))


async def record_success(
    session: AsyncSession,
    feed_id: int,
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    more_waiting: bool,
) -> Feed | None:
    """A poll worked: clear the error, keep the validators (unless items were left for later), schedule the next."""
    feed = await session.get(Feed, feed_id)
    if feed is None:  # removed while we polled
        return None
    feed.last_polled_at = now
    feed.last_error = None
    feed.error_count = 0
    if more_waiting:
        # The next poll must see the whole document again to read what was left: no validators.
        feed.etag = feed.last_modified = None
        feed.next_poll_at = now + CATCH_UP
    else:
        feed.etag, feed.last_modified = (etag or feed.etag), (last_modified or feed.last_modified)
        feed.next_poll_at = now + timedelta(minutes=feed.interval_minutes)
    return feed


async def record_failure(
    session: AsyncSession, feed_id: int, error: str, *, now: datetime, max_minutes: int
) -> Feed | None:
    """A poll failed: keep the error where admins see it, and wait longer before the next try."""
    feed = await session.get(Feed, feed_id)
    if feed is None:
        return None
    feed.last_polled_at = now
    feed.last_error = error[:500]
    feed.last_error_at = now
    feed.error_count = (feed.error_count or 0) + 1
    feed.next_poll_at = now + backoff(feed.interval_minutes, feed.error_count, max_minutes)
    return feed
