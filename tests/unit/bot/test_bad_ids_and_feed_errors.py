"""Ids typed by users read one way everywhere; a feed's stored error reads in words; a failing feed sweep shows in
/health."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.context import BotData
from bot.handlers.ids import ROW_ID_MAX, ROW_ID_PATTERN, USER_ID_MAX, looks_like_id, parse_id
from bot.jobs import FEEDS_SWEEP, feed_sweep
from bot.render.buttons import ID, ButtonKind
from bot.render.feeds import feed_error_text
from bot.render.health import health_text
from bot.settings import load_settings
from trackers.models import Feed
from trackers.notifications.outbox import OutboxHealth
from trackers.runtime.sweep_state import all_sweeps


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("#12", 12), ("１２", 12), (" 7 ", 7), ("0", None), ("-5", None), ("²", None), ("1e3", None)],
)
def test_row_ids(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize("number", [0, 1, 9, 10, 999_999_999, 1_000_000_000, 2_099_999_999, ROW_ID_MAX - 1, ROW_ID_MAX])
def test_button_ids_are_the_numbers_a_row_id_can_be(number):
    assert re.fullmatch(ROW_ID_PATTERN, str(number))


@pytest.mark.parametrize(
    "text", [str(ROW_ID_MAX + 1), "2147483650", "2200000000", "9999999999", "9" * 20, "-1", "07", ""]
)
def test_button_ids_no_row_can_have_match_no_button(text):
    assert not re.fullmatch(ROW_ID_PATTERN, text)
    # A forged button with such an id is answered by the fallback, never handed to the database (it overflowed it).
    assert not re.match(ButtonKind("s", (ID,)).pattern, f"s:{text}")


def test_ids_beyond_what_a_column_holds_are_no_id_but_still_look_like_one():
    assert parse_id("2147483647") == 2**31 - 1
    assert parse_id("2147483648") is None
    assert parse_id("9223372036854775807", limit=USER_ID_MAX) == USER_ID_MAX
    assert parse_id("99999999999999999999", limit=USER_ID_MAX) is None
    assert looks_like_id("99999999999999999999") and not looks_like_id("abc")


@pytest.mark.parametrize(
    ("stored", "zh", "en"),
    [
        ("fetch: address: 127.0.0.1", "内部或保留地址（127.0.0.1）", "internal or reserved address (127.0.0.1)"),
        ("fetch: status: 500", "HTTP 500", "HTTP 500"),
        ("feed: neither RSS nor Atom", "不是 RSS 或 Atom", "not an RSS or Atom feed"),
        ("refused: entity declaration", "不安全", "unsafe"),
        ("error: OverflowError: date value out of range", "意外错误（OverflowError）", "unexpected error"),
    ],
)
def test_a_feeds_last_error_reads_in_words(stored, zh, en):
    assert zh in feed_error_text("zh", stored) and "fetch:" not in feed_error_text("zh", stored)
    assert en in feed_error_text("en", stored)


async def test_a_failing_feed_sweep_shows_in_health(sessions):
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        session.add(
            Feed(name="坏的", url="http://127.0.0.1:9/rss.xml", interval_minutes=30, active=True, created_at=now)
        )
    bot_data = BotData(settings=load_settings(environ={}), sessionmaker=sessions)
    await feed_sweep(SimpleNamespace(bot_data=bot_data))
    async with sessions() as session:
        sweeps = await all_sweeps(session)
    (sweep,) = [s for s in sweeps if s.name == FEEDS_SWEEP]
    assert sweep.last_finished_at is not None and "127.0.0.1" in sweep.last_error
    text = health_text(
        "zh", OutboxHealth(pending=0, sending=0, held=0, oldest_pending_due=None, last_day={}), sweeps, now
    )
    assert "feeds" in text and "127.0.0.1" in text
