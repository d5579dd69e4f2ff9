"""/feeds add|list|remove|test: the admin face of the feeds the coverage poller reads."""

from __future__ import annotations

import asyncio
import html
import re

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.ids import looks_like_id, parse_id
from bot.handlers.turn import Turn, admit
from bot.render.errors import error_text
from bot.render.feeds import feed_added_text, feed_test_text, feeds_text
from bot.texts import t
from trackers.coverage.articles import canonical_url, known_urls
from trackers.coverage.feeds import (
    DEFAULT_INTERVAL_MINUTES,
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    BadInterval,
    FeedExists,
    NotAFeed,
    UnknownFeed,
    add_feed,
    list_feeds,
    parse_items,
    remove_feed,
)
from trackers.coverage.fetch import FEED_TYPES, HTML_TYPES, RULE_REFUSALS, FetchPolicy, FetchRefused, check_url, fetch
from trackers.extract import places
from trackers.runtime.clock import utcnow

PREVIEW_ENTRIES = 10
# Anything with a scheme is meant as a link (file:///etc/passwd is refused as "http(s) only", not met with the usage).
_LINK = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


async def feeds(update: Update, context: Context) -> None:
    """/feeds add URL [name] [interval minutes] [@place] · list · remove ID · test URL."""
    args = context.args or []
    action = args[0].lower() if args else "list"
    testing = action == "test" and len(args) == 2
    refusal = None
    if action == "add" and len(args) >= 2 and _LINK.match(args[1]):
        # Checked before the transaction opens: resolving the name is a network call.
        refusal = await _refusal(args[1], context.bot_data.settings.fetch.policy())
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "feeds") and not testing:
            answer = await _change(turn, action, args, refusal)
    if turn.refused:
        return
    if testing:
        await _test(update, context, args[1], turn.language)
    else:
        await update.effective_message.reply_text(answer)


async def _change(turn: Turn, action: str, args: list[str], refusal: FetchRefused | None) -> str:
    """List, add or remove a feed (or say how): the answer to send; `refusal` is why the link to add is refused."""
    language = turn.language
    if action == "list":
        return feeds_text(language, await list_feeds(turn.session))
    if action == "add" and len(args) >= 2 and _LINK.match(args[1]):
        if refusal is not None:
            return error_text(language, refusal)
        interval = DEFAULT_INTERVAL_MINUTES
        # @place: where the feed's coverage is about (extraction takes it as each article's place).
        place = next((word[1:] for word in args[2:] if word.startswith("@") and len(word) > 1), None)
        words = [word for word in args[2:] if not word.startswith("@")]
        if place is not None and places.parse_place(place) is None:
            return t(language, "adm_feed_bad_place", place=html.escape(place))
        if words and re.fullmatch(r"[+-]?[0-9]+", words[-1]):
            interval, words = int(words[-1]), words[:-1]
        try:
            feed = await add_feed(
                turn.session,
                args[1],
                name=" ".join(words) or None,
                interval_minutes=interval,
                actor_id=turn.user_id,
                now=utcnow(),
                place=place,
            )
        except FeedExists as error:
            return error_text(language, error)
        except BadInterval as error:
            minutes = html.escape(str(error.minutes)[:30])
            return t(
                language, "adm_feed_bad_interval", low=MIN_INTERVAL_MINUTES, high=MAX_INTERVAL_MINUTES, minutes=minutes
            )
        return feed_added_text(language, feed)
    if action == "remove" and len(args) == 2 and looks_like_id(args[1]):
        try:
            feed_id = parse_id(args[1])
            if feed_id is None:  # no feed has an id that large
                raise UnknownFeed(args[1])
            await remove_feed(turn.session, feed_id, actor_id=turn.user_id, now=utcnow())
        except UnknownFeed as error:
            return error_text(language, error, id=html.escape(args[1]))
        return t(language, "adm_feed_removed", id=feed_id)
    return t(language, "adm_feeds_usage")


async def _test(update: Update, context: Context, url: str, language: str) -> None:
    """What the next poll would ingest: the feed read as the poller reads it (trackers/coverage/feeds.py), less the
    articles stored already."""
    limits = context.bot_data.settings.feeds
    try:
        page = await fetch(url, context.bot_data.settings.fetch.policy(), accept=FEED_TYPES | HTML_TYPES)
        items = parse_items(page.body, max_bytes=limits.max_bytes)
    except (FetchRefused, NotAFeed) as error:
        await update.effective_message.reply_text(error_text(language, error))
        return
    async with context.bot_data.transaction() as session:
        known = await known_urls(session, [canonical_url(item.url) for item in items])
    policy = context.bot_data.settings.fetch.policy()
    allowed = await asyncio.gather(*(_fetchable(item.url, policy) for item in items))
    items = [item for item, ok in zip(items, allowed, strict=True) if ok]
    fresh = [item for item in items if canonical_url(item.url) not in known]
    text = feed_test_text(language, items, fresh, shown=min(PREVIEW_ENTRIES, limits.max_items))
    await update.effective_message.reply_text(text)


async def _refusal(url: str, policy: FetchPolicy) -> FetchRefused | None:
    """Why the poller would never fetch `url` (the fetcher's own rule), else None; a site that is merely down or a
    name that does not resolve yet is let through: the poller retries it and /feeds list shows why it fails."""
    try:
        await check_url(url, policy)
    except FetchRefused as error:
        if error.reason in RULE_REFUSALS:
            return error
    return None


async def _fetchable(url: str, policy: FetchPolicy) -> bool:
    """Whether the poller's fetcher would go to this item's page at all."""
    return await _refusal(url, policy) is None


HANDLERS = [CommandHandler("feeds", feeds)]
