"""What admins type for targets and deadlines, read by the extraction rules and dateparser."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from trackers.commitments.targets import (
    UnparseableDate,
    UnparseableTarget,
    parse_date,
    parse_target,
)

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
ZONE = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit", "normalized"),
    [
        ("突破500亿元", ">", 500, "亿元", 50_000_000_000),
        (">500亿元", ">", 500, "亿元", 50_000_000_000),
        ("≥ 2.4万亿元", ">=", 2.4, "万亿元", 2_400_000_000_000),
        ("1301个", "=", 1301, "个", 1301),
        ("5.5%左右", "~", 5.5, "%", 5.5),
    ],
)
def test_targets_are_read_like_the_same_words_in_an_article(text, comparator, value, unit, normalized):
    target = parse_target(text)
    assert (target.comparator, target.value, target.unit, target.value_normalized) == (
        comparator,
        value,
        unit,
        normalized,
    )


def test_a_pledge_without_a_figure_and_a_figure_without_a_unit():
    assert parse_target("-") is None
    with pytest.raises(UnparseableTarget):
        parse_target("500")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027年底", date(2027, 12, 31)),
        ("到2027年底", date(2027, 12, 31)),
        ("明年6月", date(2027, 6, 30)),
        ("2027-12-31", date(2027, 12, 31)),
        ("in 18 months", date(2028, 5, 28)),
    ],
)
def test_deadlines_in_chinese_iso_and_english(text, expected):
    assert parse_date(text, now=NOW, timezone=ZONE) == expected


def test_a_past_deadline_is_a_date_and_nonsense_is_refused():
    # Last year's targets are recorded too (they wait for their verdict).
    assert parse_date("2025年底", now=NOW, timezone=ZONE) == date(2025, 12, 31)
    with pytest.raises(UnparseableDate):
        parse_date("总有一天", now=NOW, timezone=ZONE)
