"""Figures and dates an admin types that no commitment can have: a negative amount, a figure in another kind of
unit, an absurd size, a date past the horizon or progress from the future."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from trackers.commitments.targets import (
    DateTooFar,
    FutureProgress,
    NegativeAmount,
    UnitMismatch,
    UnparseableTarget,
    ValueTooLarge,
    parse_amount,
    parse_date,
    parse_progress_date,
    parse_target,
)

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
ZONE = "Asia/Shanghai"


@pytest.mark.parametrize("text", ["-2%", "−2%", "负2%"])
def test_a_rate_keeps_its_sign(text):
    target = parse_target(text)
    assert (target.value, target.unit_normalized) == (-2, "percent")


@pytest.mark.parametrize("text", ["-5亿元", "−5亿元", "-3个", "负5亿元"])
def test_a_negative_count_or_amount_is_refused_not_made_positive(text):
    with pytest.raises(NegativeAmount):
        parse_target(text)


def test_a_bare_number_takes_the_targets_unit_and_its_rules():
    in_yuan, in_percent = parse_target("500亿元"), parse_target("5.5%")
    with pytest.raises(NegativeAmount):
        parse_amount("-5", like=in_yuan)
    assert parse_amount("-1.5", like=in_percent).value == -1.5
    with pytest.raises(ValueTooLarge):
        parse_amount("1e29", like=in_yuan)
    with pytest.raises(ValueTooLarge):
        parse_amount("inf", like=in_yuan)


def test_a_figure_in_another_kind_of_unit_names_the_targets_unit():
    with pytest.raises(UnitMismatch) as caught:
        parse_amount("600万人", like=parse_target("500亿元"))
    assert caught.value.unit == "亿元"
    assert parse_amount("3000万元", like=parse_target("500亿元")).value_normalized == 30_000_000


def test_huge_figures_are_refused_and_never_misread():
    with pytest.raises(ValueTooLarge):
        parse_target("100000000000亿亿元")
    with pytest.raises(UnparseableTarget):  # not 29亿元
        parse_target("1e29亿元")


def test_dates_past_the_horizon_and_progress_from_the_future_are_refused():
    with pytest.raises(DateTooFar):
        parse_date("到9999年", now=NOW, timezone=ZONE)
    with pytest.raises(DateTooFar):
        parse_date("2101-01-01", now=NOW, timezone=ZONE)
    assert parse_date("2100-12-31", now=NOW, timezone=ZONE).year == 2100
    with pytest.raises(FutureProgress):
        parse_progress_date("2027-01-01", now=NOW, timezone=ZONE)
    assert parse_progress_date("2026-11-28", now=NOW, timezone=ZONE).day == 28
