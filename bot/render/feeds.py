"""/feeds as an admin reads them: the list, a feed just added, and what a test read found."""

from __future__ import annotations

import html

from bot.texts import t
from bot.texts.keys import FETCH_REFUSAL
from trackers.coverage.feeds import Item
from trackers.models import Feed


def _place(language: str, feed: Feed) -> str:
    return t(language, "adm_feed_place", place=html.escape(feed.place)) if feed.place else ""


def feed_error_text(language: str, error: str) -> str:
    """A feed's stored last error (trackers/coverage/polling.py writes "kind: reason: detail") in words."""
    kind, _, rest = error.partition(": ")
    if kind == "fetch":
        reason, _, detail = rest.partition(": ")
        if reason in FETCH_REFUSAL.values:
            return t(language, FETCH_REFUSAL.key(reason), detail=html.escape(detail[:200]))
    if kind == "refused":
        return t(language, "adm_feed_unsafe")
    if kind == "feed":
        return t(language, "adm_not_a_feed")
    if kind == "error":
        return t(language, "adm_feed_unexpected", detail=html.escape(rest.partition(":")[0][:100]))
    return html.escape(error[:200])  # written by an older version: shown as it is


def feeds_text(language: str, feeds: list[Feed]) -> str:
    if not feeds:
        return t(language, "adm_feeds_empty")
    lines = [t(language, "adm_feeds_head")]
    for feed in feeds:
        error = (
            t(language, "adm_feed_error", error=feed_error_text(language, feed.last_error)) if feed.last_error else ""
        )
        line = t(
            language,
            "adm_feed_line",
            id=feed.id,
            name=html.escape(feed.name),
            url=html.escape(feed.url),
            interval=feed.interval_minutes,
        )
        lines.append(line + _place(language, feed) + error)
    return "\n".join(lines)


def feed_added_text(language: str, feed: Feed) -> str:
    added = t(language, "adm_feed_added", id=feed.id, name=html.escape(feed.name), interval=feed.interval_minutes)
    return added + _place(language, feed)


def feed_test_text(language: str, items: list[Item], fresh: list[Item], shown: int) -> str:
    """What the next poll would ingest: how many entries the feed has, how many are new, the first new ones."""
    lines = [t(language, "adm_feed_test_head", total=len(items), fresh=len(fresh))]
    for item in fresh[:shown]:
        lines.append(f"• {html.escape(item.title)} — {html.escape(item.url)}")
    return "\n".join(lines)


def feed_failing_text(language: str, name: str, error: str) -> str:
    """To the admins, once, when a feed that worked fails: which one, and why, in words."""
    return t(language, "adm_feed_failing", name=html.escape(name), error=feed_error_text(language, error))


def feed_recovered_text(language: str, name: str) -> str:
    return t(language, "adm_feed_recovered", name=html.escape(name))
