"""Polling feeds: which feeds are due, each new item's page fetched and taken in, and what a poll leaves behind.

A poll fetches the feed (a conditional GET with the stored ETag and Last-Modified), reads it safely
(trackers/coverage/feeds.py), and fetches each new item's page through the safe fetcher; its main text is stored
once (trackers/coverage/articles.py) and taken in (trackers/coverage/intake.py: extraction, linking, progress points
and review cards). Network calls and extraction happen outside transactions; each article is one transaction, and
the feed's validators are stored only after its items are in.

A failing feed waits twice as long after each error (its interval, then 2x, 4x … up to a cap), and its last error
is kept on the row where /feeds list shows it. Whatever goes wrong with one feed is recorded on that feed; the sweep
goes on with the others. Stored intervals are clamped to the range /feeds add allows, so a row written before that
check (say 99999999999999 minutes) cannot overflow the schedule. A poll reads at most `max_items` new items; the rest
wait for the next poll, which then comes soon and unconditionally.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trackers.coverage.articles import ArticleText, EmptyArticle, extract_article, text_from_page
from trackers.coverage.feeds import MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, Item, NotAFeed, UnsafeFeed, parse_items
from trackers.coverage.fetch import FEED_TYPES, HTML_TYPES, FetchPolicy, FetchRefused, fetch
from trackers.coverage.intake import take_in_article
from trackers.coverage.linking import Thresholds
from trackers.extract import ExtractionError
from trackers.models import Feed, FeedItem
from trackers.runtime.clock import local_date

log = logging.getLogger(__name__)

# When a poll left items for later, the next one comes this soon.
CATCH_UP = timedelta(minutes=1)


@dataclass(frozen=True)
class PollPolicy:
    """How feeds are polled; built from settings (`Settings.polling`)."""

    feed_fetch: FetchPolicy  # for the feed document (its own size cap)
    page_fetch: FetchPolicy  # for each item's page
    max_items: int
    backoff_max_minutes: int
    thresholds: Thresholds
    timezone: str  # where "today" is, for an article that shows no date


@dataclass
class PollReport:
    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    articles: int = 0
    progress: int = 0
    cards: int = 0
    errors: list[str] = field(default_factory=list)
    # Feeds that failed now after working (id, name, error), and feeds that work again after failing (id, name):
    # what admins are told, once each time (bot/jobs.py).
    started_failing: list[tuple[int, str, str]] = field(default_factory=list)
    recovered: list[tuple[int, str]] = field(default_factory=list)


async def poll_feeds(
    sessionmaker: async_sessionmaker[AsyncSession], *, policy: PollPolicy, now: Callable[[], datetime]
) -> PollReport:
    """Every feed that is due, one after another (feeds are few; their articles are the slow part)."""
    report = PollReport()
    async with sessionmaker.begin() as session:
        due = [(f.id, f.url, (f.etag, f.last_modified), f.place) for f in await due_feeds(session, now=now())]
    for feed_id, url, validators, place in due:
        try:
            await poll_feed(sessionmaker, feed_id, url, validators, policy=policy, now=now, report=report, place=place)
        except Exception as exc:  # one broken feed must not stop the others
            log.exception("feed %s failed unexpectedly", feed_id)
            await _fail(
                sessionmaker, feed_id, f"error: {type(exc).__name__}: {exc}", policy=policy, now=now, report=report
            )
    return report


async def _fail(
    sessionmaker: async_sessionmaker[AsyncSession],
    feed_id: int,
    error: str,
    *,
    policy: PollPolicy,
    now: Callable[[], datetime],
    report: PollReport,
) -> None:
    """Keep the error on the feed and push its next try back; count it in the report."""
    report.failed += 1
    report.errors.append(error)
    log.warning("feed %s failed: %s", feed_id, error)
    async with sessionmaker.begin() as session:
        feed = await record_failure(session, feed_id, error, now=now(), max_minutes=policy.backoff_max_minutes)
        if feed is not None and feed.error_count == 1:
            report.started_failing.append((feed.id, feed.name, error))


async def poll_feed(
    sessionmaker: async_sessionmaker[AsyncSession],
    feed_id: int,
    url: str,
    validators: tuple[str | None, str | None],
    *,
    policy: PollPolicy,
    now: Callable[[], datetime],
    report: PollReport,
    place: str | None = None,
) -> None:
    """One feed: fetch, parse, take in each new item (about the feed's `place`, when it has one), then store the
    validators and the next poll time."""
    max_bytes = policy.feed_fetch.max_bytes
    try:
        page = await fetch(url, policy.feed_fetch, accept=FEED_TYPES | HTML_TYPES, validators=validators)
        items = [] if page.status == 304 else parse_items(page.body, max_bytes=max_bytes)
    except (FetchRefused, NotAFeed) as exc:
        reason = "refused" if isinstance(exc, UnsafeFeed) else ("fetch" if isinstance(exc, FetchRefused) else "feed")
        await _fail(sessionmaker, feed_id, f"{reason}: {exc}", policy=policy, now=now, report=report)
        return
    report.polled += 1
    if page.status == 304:
        report.not_modified += 1
    async with sessionmaker.begin() as session:
        fresh = await unseen(session, feed_id, items)
    batch, more = fresh[: policy.max_items], len(fresh) > policy.max_items
    for item in batch:
        await _take_in_item(sessionmaker, feed_id, item, policy=policy, now=now, report=report, place=place)
    async with sessionmaker.begin() as session:
        failing = await session.get(Feed, feed_id)
        was_failing = failing is not None and (failing.error_count or 0) > 0
        feed = await record_success(
            session, feed_id, now=now(), etag=page.etag, last_modified=page.last_modified, more_waiting=more
        )
        if feed is not None and was_failing:
            report.recovered.append((feed.id, feed.name))


async def _take_in_item(
    sessionmaker: async_sessionmaker[AsyncSession],
    feed_id: int,
    item: Item,
    *,
    policy: PollPolicy,
    now: Callable[[], datetime],
    report: PollReport,
    place: str | None,
) -> None:
    """One item: its page fetched and read, then stored and taken in; remembered either way (with the error, if
    any), so the next poll does not read it again."""
    article_id, error, extracted = None, None, None
    try:
        article_text = await _item_article(item, policy.page_fetch)
    except (FetchRefused, EmptyArticle) as exc:
        error, article_text = f"{type(exc).__name__}: {exc}", None
    if article_text is not None:
        try:
            extracted = await extract_article(article_text, today=local_date(now(), policy.timezone), place=place)
        except (EmptyArticle, ExtractionError) as exc:
            error = f"{type(exc).__name__}: {exc}"
    async with sessionmaker.begin() as session:
        if extracted is not None:
            intake = await take_in_article(
                session, article_text, extracted, thresholds=policy.thresholds, now=now(), place_hint=place
            )
            if intake is not None:
                article_id = intake.article.id
                report.articles += 1
                report.progress += len(intake.progress)
                report.cards += len(intake.cards)
        await remember_item(session, feed_id, item, now=now(), article_id=article_id, error=error)


async def _item_article(item: Item, policy: FetchPolicy) -> ArticleText:
    page = await fetch(item.url, policy, accept=HTML_TYPES)
    text = await text_from_page(page.body, page.url)
    # The feed's date is the publication date when the page itself shows none.
    return dataclasses.replace(
        text, url=item.url, title=text.title or item.title, published=text.published or item.published
    )


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


def interval(minutes: int | None) -> int:
    """A stored interval within the range /feeds add allows (rows may predate that check)."""
    return min(max(minutes or MIN_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES), MAX_INTERVAL_MINUTES)


def backoff(interval_minutes: int, errors: int, max_minutes: int) -> timedelta:
    """The wait after `errors` failed polls in a row: the interval doubled for each, capped (never past what a
    timedelta holds, however many errors or minutes are stored)."""
    minutes = interval(interval_minutes)
    cap = max(min(max_minutes, MAX_INTERVAL_MINUTES), minutes)
    doublings = min(max(errors, 0), cap.bit_length())
    return timedelta(minutes=min(minutes * 2**doublings, cap))


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
        feed.next_poll_at = now + timedelta(minutes=interval(feed.interval_minutes))
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
