"""Feeds: the sources the coverage poller reads. Admins add, list and remove them; `parse_items` reads one, for the
poller (trackers/coverage/polling.py) and for `/feeds test` alike, so a test shows what the poller would take in.

Safety first: a feed is XML from a stranger. Before feedparser sees a byte:

- the document is refused above a size cap (the fetcher stops reading there too, so a 50 MB feed never fills
  memory);
- expat reads the prolog up to the root element, with parameter entities off: a DOCTYPE with an internal subset
  (where entities are declared: billion laughs, quadratic blowup, external entities) is refused outright; a bare
  DOCTYPE naming an external DTD (old RSS 0.91 feeds) is cut out, so nothing ever loads it;
- a document in an encoding expat does not know (GB2312 and GBK are common in Chinese feeds) is converted to
  UTF-8 first, with its declaration rewritten.

feedparser then gets the bytes as a stream (never a string, which it could take for a URL or a file name).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_tz
from xml.parsers import expat

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.coverage.articles import canonical_url
from trackers.coverage.pages import date_in
from trackers.models import Feed
from trackers.runtime.audit import record

DEFAULT_INTERVAL_MINUTES = 60
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60  # a week: a feed read less often is not being followed
_XML_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_DECLARATION_TEXT = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>", re.I)


class UnknownFeed(LookupError):
    pass


class FeedExists(ValueError):
    def __init__(self, feed: Feed) -> None:
        super().__init__(feed.url)
        self.feed = feed


class NotAFeed(ValueError):
    """The document is not RSS or Atom."""


class BadInterval(ValueError):
    """A polling interval outside MIN_INTERVAL_MINUTES..MAX_INTERVAL_MINUTES."""

    def __init__(self, minutes: int) -> None:
        super().__init__(str(minutes))
        self.minutes = minutes


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
    if not MIN_INTERVAL_MINUTES <= interval_minutes <= MAX_INTERVAL_MINUTES:
        raise BadInterval(interval_minutes)
    existing = await session.scalar(select(Feed).where(Feed.url == url))
    if existing is not None:
        raise FeedExists(existing)
    feed = Feed(
        name=(name or url)[:200],
        url=url,
        interval_minutes=interval_minutes,
        place=place,
        active=True,
        created_at=now,
        created_by=actor_id,
    )
    session.add(feed)
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action="feed_add",
        target=f"feed:{feed.id}",
        now=now,
        detail={"url": url, "place": place},
    )
    return feed


async def list_feeds(session: AsyncSession) -> list[Feed]:
    return list((await session.scalars(select(Feed).order_by(Feed.id))).all())


async def failing_feeds(session: AsyncSession, *, limit: int) -> tuple[list[Feed], int]:
    """Active feeds whose last poll failed, the longest failing first (at most `limit`), and how many there are."""
    failing = (Feed.active.is_(True), Feed.error_count > 0)
    total = await session.scalar(select(func.count()).select_from(Feed).where(*failing))
    rows = await session.scalars(select(Feed).where(*failing).order_by(Feed.error_count.desc(), Feed.id).limit(limit))
    return list(rows.all()), total or 0


async def remove_feed(session: AsyncSession, feed_id: int, *, actor_id: int, now: datetime) -> Feed:
    feed = await session.get(Feed, feed_id)
    if feed is None:
        raise UnknownFeed(feed_id)
    await session.delete(feed)
    await record(
        session, actor_id=actor_id, action="feed_remove", target=f"feed:{feed_id}", now=now, detail={"url": feed.url}
    )
    return feed


# -- reading a feed safely -------------------------------------------------------------------------------------


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
        items.append(
            Item(
                key=hashlib.sha256(guid.encode("utf-8")).hexdigest(),
                url=link,
                title=(entry.get("title") or link).strip()[:500],
                published=_item_date(entry),
            )
        )
    return items


def _item_date(entry) -> date | None:
    """The day the item was published, as its publisher wrote it. feedparser's parsed times are in UTC, which dates an
    item of 00:30 on New Year's Day in Beijing (+0800) to the 31st of December, and it reads 2025年01月01日 as a day
    in November; so the written date is read first."""
    for key in ("published", "updated"):
        written = (entry.get(key) or "").strip()
        found = date_in(written)
        if found is None and (parts := parsedate_tz(written)) is not None:
            try:
                found = date(*parts[:3])
            except ValueError:
                found = None
        if found is None and (parsed := entry.get(f"{key}_parsed")) is not None:
            found = date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        if found is not None:
            return found
    return None
