"""/feeds add|list|remove|test: the admin face of the feeds the coverage poller reads."""

from __future__ import annotations

import html

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.admin_gate import admit, refuse
from bot.handlers.common import current_chat, language_for
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
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        allowed = await admit(session, update, context, "feeds")
        if allowed and not testing:
            answer = await _change(session, update, language, action, args)
    if not allowed:
        await refuse(update, language)
    elif testing:
        await _test(update, context, args[1], language)
    else:
        await update.effective_message.reply_text(answer)


async def _change(session: AsyncSession, update: Update, language: str, action: str, args: list[str]) -> str:
    """List, add or remove a feed (or say how): the answer to send."""
    if action == "list":
        rows = await list_feeds(session)
        if not rows:
            return t(language, "adm_feeds_empty")
        lines = [t(language, "adm_feeds_head")]
        for feed in rows:
            error = t(language, "adm_feed_error", error=html.escape(feed.last_error[:200])) if feed.last_error else ""
            lines.append(
                t(
                    language,
                    "adm_feed_line",
                    id=feed.id,
                    name=html.escape(feed.name),
                    url=html.escape(feed.url),
                    interval=feed.interval_minutes,
                )
                + (t(language, "adm_feed_place", place=html.escape(feed.place)) if feed.place else "")
                + error
            )
        return "\n".join(lines)
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
                session,
                args[1],
                name=" ".join(words) or None,
                interval_minutes=interval,
                actor_id=update.effective_user.id,
                now=utcnow(),
                place=place,
            )
        except FeedExists as exc:
            return t(language, "adm_feed_exists", id=exc.feed.id)
        answer = t(language, "adm_feed_added", id=feed.id, name=html.escape(feed.name), interval=feed.interval_minutes)
        if feed.place:
            answer += t(language, "adm_feed_place", place=html.escape(feed.place))
        return answer
    if action == "remove" and len(args) == 2 and args[1].isdigit():
        try:
            await remove_feed(session, int(args[1]), actor_id=update.effective_user.id, now=utcnow())
        except UnknownFeed:
            return t(language, "adm_feed_unknown", id=args[1])
        return t(language, "adm_feed_removed", id=args[1])
    return t(language, "adm_feeds_usage")


async def _test(update: Update, context: Context, url: str, language: str) -> None:
    """What the next poll would ingest: the feed read as the poller reads it (trackers/coverage/feeds.py), less the
    articles stored already."""
    limits = context.bot_data.settings.feeds
    try:
        page = await fetch(url, context.bot_data.settings.fetch.policy(), accept=FEED_TYPES | HTML_TYPES)
        items = parse_items(page.body, max_bytes=limits.max_bytes)
    except FetchRefused as exc:
        await update.effective_message.reply_text(
            t(language, f"adm_fetch_{exc.reason}", detail=html.escape(exc.detail))
        )
        return
    except NotAFeed:
        await update.effective_message.reply_text(t(language, "adm_not_a_feed"))
        return
    async with context.bot_data.transaction() as session:
        known = await known_urls(session, [canonical_url(item.url) for item in items])
    fresh = [item for item in items if canonical_url(item.url) not in known]
    lines = [t(language, "adm_feed_test_head", total=len(items), fresh=len(fresh))]
    for item in fresh[: min(PREVIEW_ENTRIES, limits.max_items)]:
        lines.append(f"• {html.escape(item.title)} — {html.escape(item.url)}")
    await update.effective_message.reply_text("\n".join(lines))


HANDLERS = [CommandHandler("feeds", feeds)]
