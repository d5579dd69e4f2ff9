"""Coverage in, on a schedule: polling due feeds, taking in their articles, and telling followers.

Two repeating sweeps, both reading the database (nothing lives in memory between runs):

- `feed_sweep`: feeds whose next poll has come are fetched (conditional GET with the stored ETag and
  Last-Modified), parsed safely (trackers/coverage/polling.py), and each new item's page fetched through the safe
  fetcher, its main text stored once (trackers/coverage/articles.py) and taken in (trackers/coverage/intake.py:
  extraction, linking, progress points and review cards). Network calls happen outside transactions; each article is one
  transaction, and the feed's validators are stored only after its items are in.
- `coverage_sweep`: progress points not yet announced become one "new coverage" message per chat and commitment.

`poll_feeds` and `ingest_text` take a sessionmaker rather than a Telegram context, so `luoshi ingest` runs the same
intake without Telegram.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.context import Context
from bot.render.cards import assessment_lines
from bot.render.format import amount, esc, percent, shorten
from bot.settings import Settings
from bot.sweeps import repeat
from bot.texts import t
from trackers.coverage.articles import (
    ArticleText,
    EmptyArticle,
    Extracted,
    extract_article,
    store_article,
    text_from_page,
)
from trackers.coverage.feeds import NotAFeed
from trackers.coverage.fetch import FEED_TYPES, HTML_TYPES, FetchPolicy, FetchRefused, fetch
from trackers.coverage.intake import Intake, take_in
from trackers.coverage.polling import (
    Item,
    UnsafeFeed,
    due_feeds,
    parse_items,
    record_failure,
    record_success,
    remember_item,
    unseen,
)
from trackers.extract import ExtractionError
from trackers.notifications.news import CoverageNews, announce_new_coverage
from trackers.runtime.clock import local_date, utcnow

log = logging.getLogger(__name__)

QUOTE_IN_MESSAGE = 120
POINTS_IN_MESSAGE = 5


# -- taking in one article -----------------------------------------------------------------------------------------


async def ingest_text(
    session: AsyncSession,
    article_text: ArticleText,
    extracted: Extracted,
    *,
    settings: Settings,
    now: datetime,
    place_hint: str | None = None,
) -> Intake | None:
    """Store the article and take in its extraction (made beforehand, `extract_article`); None when it was stored
    before (it was taken in then)."""
    article, new = await store_article(session, article_text, now=now)
    if not new:
        return None
    if article.published is None:
        article.published = extracted.published
    return await take_in(
        session, article, extracted.extraction, now=now, thresholds=settings.linking.thresholds(), place_hint=place_hint
    )


# -- polling feeds -------------------------------------------------------------------------------------------------


@dataclass
class PollReport:
    polled: int = 0
    not_modified: int = 0
    failed: int = 0
    articles: int = 0
    progress: int = 0
    cards: int = 0
    errors: list[str] = field(default_factory=list)


async def _item_article(item: Item, policy: FetchPolicy) -> ArticleText:
    page = await fetch(item.url, policy, accept=HTML_TYPES)
    text = await text_from_page(page.body, page.url)
    # The feed's date is the publication date when the page itself shows none.
    return dataclasses.replace(
        text, url=item.url, title=text.title or item.title, published=text.published or item.published
    )


async def poll_feed(
    sessionmaker: async_sessionmaker[AsyncSession],
    feed_id: int,
    url: str,
    validators: tuple[str | None, str | None],
    *,
    settings: Settings,
    now: Callable[[], datetime] = utcnow,
    report: PollReport,
    place: str | None = None,
) -> None:
    """One feed: fetch, parse, take in each new item (about the feed's `place`, when it has one), then store the
    validators and the next poll time."""
    feeds = settings.feeds
    try:
        page = await fetch(
            url,
            settings.fetch.policy(max_bytes=feeds.max_bytes),
            accept=FEED_TYPES | HTML_TYPES,
            validators=validators,
        )
        items = [] if page.status == 304 else parse_items(page.body, max_bytes=feeds.max_bytes)
    except (FetchRefused, NotAFeed) as exc:
        reason = "refused" if isinstance(exc, UnsafeFeed) else ("fetch" if isinstance(exc, FetchRefused) else "feed")
        error = f"{reason}: {exc}"
        async with sessionmaker.begin() as session:
            await record_failure(session, feed_id, error, now=now(), max_minutes=feeds.backoff_max_minutes)
        report.failed += 1
        report.errors.append(error)
        log.warning("feed %s failed: %s", feed_id, error)
        return
    report.polled += 1
    if page.status == 304:
        report.not_modified += 1
    async with sessionmaker.begin() as session:
        fresh = await unseen(session, feed_id, items)
    batch, more = fresh[: feeds.max_items], len(fresh) > feeds.max_items
    policy = settings.fetch.policy()
    for item in batch:
        article_id, error, intake = None, None, None
        try:
            article_text = await _item_article(item, policy)
        except (FetchRefused, EmptyArticle) as exc:
            error = f"{type(exc).__name__}: {exc}"
            article_text = None
        extracted = None
        if article_text is not None:
            try:
                extracted = await extract_article(
                    article_text, today=local_date(now(), settings.bot.timezone), place=place
                )
            except (EmptyArticle, ExtractionError) as exc:
                error = f"{type(exc).__name__}: {exc}"
        async with sessionmaker.begin() as session:
            if extracted is not None:
                intake = await ingest_text(
                    session, article_text, extracted, settings=settings, now=now(), place_hint=place
                )
                if intake is not None:
                    article_id = intake.article.id
                    report.articles += 1
                    report.progress += len(intake.progress)
                    report.cards += len(intake.cards)
            await remember_item(session, feed_id, item, now=now(), article_id=article_id, error=error)
    async with sessionmaker.begin() as session:
        await record_success(
            session, feed_id, now=now(), etag=page.etag, last_modified=page.last_modified, more_waiting=more
        )


async def poll_feeds(
    sessionmaker: async_sessionmaker[AsyncSession], *, settings: Settings, now: Callable[[], datetime] = utcnow
) -> PollReport:
    """Every feed that is due, one after another (feeds are few; their articles are the slow part)."""
    report = PollReport()
    async with sessionmaker.begin() as session:
        due = [(f.id, f.url, (f.etag, f.last_modified), f.place) for f in await due_feeds(session, now=now())]
    for feed_id, url, validators, place in due:
        await poll_feed(
            sessionmaker, feed_id, url, validators, settings=settings, now=now, report=report, place=place
        )
    return report


# -- telling followers ---------------------------------------------------------------------------------------------


def render_coverage(language: str, news: CoverageNews) -> str:
    """The "new coverage" message: the commitment, each new figure with its quote and link, then the arithmetic."""
    goal = news.target
    target = (
        t(language, f"cmp_{goal.comparator or '='}", value=amount(goal.value, goal.unit))
        if goal is not None
        else t(language, "no_target")
    )
    deadline = t(language, "cov_news_deadline", deadline=news.deadline.isoformat()) if news.deadline else ""
    lines = [
        t(language, "cov_news_head", id=news.commitment_id, subject=esc(news.subject), target=target, deadline=deadline)
    ]
    for point in news.points[:POINTS_IN_MESSAGE]:
        growth = t(language, "cov_news_growth", growth=f"{point.growth_percent:g}") if point.growth_percent else ""
        figure = amount(point.value, point.unit) if point.value is not None else "—"
        lines.append(
            t(
                language,
                "cov_news_point",
                figure=figure,
                as_of=point.as_of.isoformat() if point.as_of else "—",
                growth=growth,
                quote=esc(shorten(point.quote, QUOTE_IN_MESSAGE)),
            )
        )
        if point.url:
            lines.append(
                t(
                    language,
                    "cov_news_link",
                    url=esc(point.url).replace('"', "&quot;"),
                    title=esc(shorten(point.title or point.url, 60)),
                )
            )
    if goal is not None and news.assessment is not None:
        if news.assessment.share is not None and goal.unit != "%":
            lines.append(t(language, "cov_news_share", share=percent(news.assessment.share)))
        lines.extend(assessment_lines(language, goal, news.assessment))
    lines.append(t(language, "cov_news_more", id=news.commitment_id))
    return "\n".join(lines)


# -- the jobs ------------------------------------------------------------------------------------------------------


async def feed_sweep(context: Context) -> None:
    """Poll the feeds that are due and take in their new articles."""
    bot_data = context.bot_data
    try:
        report = await poll_feeds(bot_data.sessionmaker, settings=bot_data.settings)
    except Exception:
        log.exception("the feed sweep failed; due feeds are polled again at the next sweep")
        return
    if report.polled or report.failed:
        log.info(
            "feeds: %s polled (%s unchanged), %s failed, %s articles, %s progress points, %s cards",
            report.polled,
            report.not_modified,
            report.failed,
            report.articles,
            report.progress,
            report.cards,
        )


async def coverage_sweep(context: Context) -> None:
    """Tell followers about progress recorded since the last run: one message per chat and commitment."""
    settings = context.bot_data.settings
    try:
        async with context.bot_data.transaction() as session:
            await announce_new_coverage(
                session,
                now=utcnow(),
                render=render_coverage,
                default_language=settings.bot.language,
                default_timezone=settings.bot.timezone,
            )
    except Exception:
        log.exception("the coverage sweep failed; unannounced progress is announced at the next sweep")


def install(application: Application) -> None:
    """Schedule the coverage sweeps (called by build_application)."""
    settings: Settings = application.bot_data.settings
    repeat(application, feed_sweep, every=settings.feeds.sweep_seconds, first=1, name="feeds")
    repeat(application, coverage_sweep, every=settings.feeds.coverage_sweep_seconds, first=0.5, name="coverage")
