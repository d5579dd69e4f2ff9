"""A long paste Telegram split into messages is one document again: parts joined where they were cut, kept in the
database until the sender is quiet."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from trackers.coverage.pastes import (
    TELEGRAM_LIMIT,
    add_part,
    join_parts,
    quiet_chats,
    split_like_telegram,
    take_paste,
)

NOW = datetime(2026, 2, 3, 2, 0, tzinfo=UTC)
# Written for these tests: a report's shape, headings and paragraphs, long enough to be cut several times.
PARAGRAPH = "过去一年，全市地区生产总值增长5.2%，一般公共预算收入增长3.1%，城镇新增就业12.6万人，各项工作取得新进展。"
REPORT = "\n".join(
    ["2026年某市政府工作报告", "一、2025年工作回顾", *[PARAGRAPH * 3] * 60, "二、2026年工作安排", *[PARAGRAPH] * 80]
)


def _paragraphs(text: str) -> list[str]:
    return [line for line in re.split(r"\n+", text) if line.strip()]


def test_a_report_cut_at_line_breaks_joins_back_paragraph_for_paragraph():
    parts = split_like_telegram(REPORT)
    assert len(parts) > 2 and all(len(part) <= TELEGRAM_LIMIT for part in parts)
    assert _paragraphs(join_parts(parts)) == _paragraphs(REPORT)


def test_one_long_line_of_chinese_cut_at_the_limit_joins_without_a_break():
    line = PARAGRAPH * 120
    parts = split_like_telegram(line)
    assert [len(part) for part in parts[:-1]] == [TELEGRAM_LIMIT] * (len(parts) - 1)
    assert join_parts(parts) == line


def test_latin_words_cut_at_the_limit_keep_their_space():
    assert join_parts(["x" * (TELEGRAM_LIMIT - 2) + "ab", "cd efg"]) == "x" * (TELEGRAM_LIMIT - 2) + "ab cd efg"


async def test_parts_wait_in_the_database_and_are_taken_once_in_message_order(sessions):
    async with sessions.begin() as session:
        for message_id, text in [(12, "第二段。"), (11, "第一段。"), (12, "第二段。")]:  # 12 delivered twice
            await add_part(session, chat_id=7, user_id=1001, message_id=message_id, text=text, source=None, now=NOW)
        await add_part(session, chat_id=8, user_id=1002, message_id=1, text="别人的。", source=None, now=NOW)
    async with sessions.begin() as session:
        assert await quiet_chats(session, now=NOW + timedelta(seconds=1), quiet=timedelta(seconds=3)) == []
        assert sorted(await quiet_chats(session, now=NOW + timedelta(seconds=5), quiet=timedelta(seconds=3))) == [7, 8]
        paste = await take_paste(session, 7)
    assert (paste.text, paste.parts, paste.user_id) == ("第一段。\n第二段。", 2, 1001)
    async with sessions.begin() as session:
        assert await take_paste(session, 7) is None
        assert (await take_paste(session, 8)).text == "别人的。"
