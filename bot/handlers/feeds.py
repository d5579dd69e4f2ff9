"""/feeds add|list|remove|test: the admin face of the feeds the coverage poller reads."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.turn import Turn, admit
from bot.render.errors import error_text
from bot.render.feeds import feed_added_text, feed_test_text, feeds_text
from bot.texts import t
from trackers.coverage.articles import canonical_url, known_urls
from trackers.coverage.feeds import (
    DEFAULT_INTERVAL_MINUTES,
    FeedExists,
    NotAFeed,
    UnknownFeed,
    add_feed,
    list_feeds,
    parse_items,
    remove_feed,
)
from trackers.coverage.fetch import FEED_TYPES, HTML_TYPES, FetchRefused, fetch
from trackers.extract import places
from trackers.runtime.clock import utcnow

PREVIEW_ENTRIES = 10


async def feeds(update: Update, context: Context) -> None:
    """/feeds add URL [name] [interval minutes] [@place] · list · remove ID · test URL."""
    args = context.args or []
    action = args[0].lower() if args else "list"
    testing = action == "test" and len(args) == 2
    async with Turn.begin(update, context) as turn:
        if await admit(turn, "feeds") and not testing:
            answer = await _change(turn, action, args)
    if turn.refused:
        return
    if testing:
        await _test(update, context, args[1], turn.language)
    else:
        await update.effective_message.reply_text(answer)


async def _change(turn: Turn, action: str, args: list[str]) -> str:
    """List, add or remove a feed (or say how): the answer to send."""
    language = turn.language
    if action == "list":
        return feeds_text(language, await list_feeds(turn.session))
    if action == "add" and len(args) >= 2 and args[1].startswith(("http://", "https://")):
        interval = DEFAULT_INTERVAL_MINUTES
        # @place: where the feed's coverage is about (extraction takes it as each article's place).
        place = next((word[1:] for word in args[2:] if word.startswith("@") and len(word) > 1), None)
        words = [word for word in args[2:] if not word.startswith("@")]
        if place is not None and places.parse_place(place) is None:
            return t(language, "adm_feed_bad_place", place=html.escape(place))
        if words and words[-1].isdigit():
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
        return feed_added_text(language, feed)
    if action == "remove" and len(args) == 2 and args[1].isdigit():
        try:
            await remove_feed(turn.session, int(args[1]), actor_id=turn.user_id, now=utcnow())
        except UnknownFeed as error:
            return error_text(language, error, id=args[1])
        return t(language, "adm_feed_removed", id=args[1])
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
    fresh = [item for item in items if canonical_url(item.url) not in known]
    text = feed_test_text(language, items, fresh, shown=min(PREVIEW_ENTRIES, limits.max_items))
    await update.effective_message.reply_text(text)


HANDLERS = [CommandHandler("feeds", feeds)]
