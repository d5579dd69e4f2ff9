"""Progress arithmetic on its own: share of target, growth needed and seen, projection, the suggested mark."""

from __future__ import annotations

from datetime import date

import pytest

from trackers.commitments.progress import (
    Goal,
    GrowthSource,
    Point,
    Reason,
    assess,
    compound_growth,
    in_target_unit,
    meets,
    observed_growth,
)
from trackers.models import Comparator, Status

IC_TARGET = Goal(500, date(2025, 12, 31), Comparator.GT)


def test_the_jinan_ic_target_needs_about_61_percent_a_year_and_36_percent_reaches_about_302():
    result = assess(IC_TARGET, [Point(date(2022, 12, 31), 120.3, growth_percent=36)])
    assert result.share == pytest.approx(0.2406, abs=1e-4)
    assert result.needed_growth == pytest.approx(0.608, abs=0.001)
    assert result.growth == 0.36 and result.growth_source is GrowthSource.REPORTED
    assert result.projected == pytest.approx(302.6, abs=0.2)
    assert result.suggestion is Status.AT_RISK and result.reason is Reason.BEHIND_PACE


def test_growth_fast_enough_is_on_track():
    result = assess(IC_TARGET, [Point(date(2022, 12, 31), 120.3, growth_percent=65)])
    assert result.projected > 500
    assert result.suggestion is Status.ON_TRACK and result.reason is Reason.ON_PACE


def test_growth_is_observed_between_points_when_none_is_reported():
    points = [Point(date(2021, 12, 31), 100.0), Point(date(2022, 12, 31), 120.0)]
    result = assess(IC_TARGET, points)
    assert result.growth == pytest.approx(0.2, abs=0.001)
    assert result.growth_source is GrowthSource.OBSERVED
    assert result.latest == points[-1]


def test_a_baseline_counts_as_an_earlier_point():
    assert observed_growth([Point(date(2024, 1, 1), 121.0)], Point(date(2022, 1, 1), 100.0)) == pytest.approx(
        0.1, abs=0.001
    )


def test_points_too_close_together_give_no_observed_growth():
    assert observed_growth([Point(date(2024, 1, 1), 100.0), Point(date(2024, 1, 20), 130.0)]) is None


def test_one_point_without_a_growth_rate_cannot_be_projected():
    result = assess(IC_TARGET, [Point(date(2022, 12, 31), 120.3)])
    assert result.needed_growth == pytest.approx(0.608, abs=0.001)
    assert result.projected is None and result.suggestion is None and result.reason is Reason.NO_GROWTH


def test_no_progress_no_judgement():
    result = assess(IC_TARGET, [])
    assert result.latest is None and result.share is None and result.reason is Reason.NO_PROGRESS


def test_a_target_already_reached_before_the_deadline_is_on_track():
    result = assess(IC_TARGET, [Point(date(2024, 12, 31), 520.0)])
    assert result.reason is Reason.REACHED and result.suggestion is Status.ON_TRACK
    assert result.share == pytest.approx(1.04)


def test_a_figure_at_the_deadline_is_the_result():
    met = assess(Goal(1200, date(2024, 12, 31), Comparator.GE), [Point(date(2024, 12, 31), 1256)])
    assert met.suggestion is Status.ACHIEVED and met.reason is Reason.FINAL_MET
    missed = assess(Goal(1200, date(2024, 12, 31), Comparator.GE), [Point(date(2024, 12, 31), 1100)])
    assert missed.suggestion is Status.MISSED and missed.reason is Reason.FINAL_MISSED


def test_an_about_target_is_met_close_below_it():
    about_five = Goal(5, date(2024, 12, 31), Comparator.APPROX, is_rate=True)
    assert assess(about_five, [Point(date(2024, 12, 31), 4.9)]).suggestion is Status.ACHIEVED
    assert assess(about_five, [Point(date(2024, 12, 31), 4.5)]).suggestion is Status.MISSED


def test_a_rate_target_is_compared_not_compounded():
    growth_rate = Goal(5, date(2026, 12, 31), Comparator.GE, is_rate=True)
    result = assess(growth_rate, [Point(date(2026, 6, 30), 4.2)])
    assert result.needed_growth is None and result.projected is None
    assert result.suggestion is Status.AT_RISK and result.reason is Reason.BEHIND_PACE


def test_a_ceiling_is_on_track_while_the_projection_stays_under_it():
    ceiling = Goal(100, date(2026, 12, 31), Comparator.LE)
    falling = assess(ceiling, [Point(date(2024, 12, 31), 110.0, growth_percent=-8)])
    assert falling.suggestion is Status.ON_TRACK and falling.projected < 100
    rising = assess(ceiling, [Point(date(2024, 12, 31), 110.0, growth_percent=2)])
    assert rising.suggestion is Status.AT_RISK


def test_without_a_deadline_there_is_no_growth_needed():
    result = assess(Goal(26, None, Comparator.EQ), [Point(date(2023, 3, 5), 10)])
    assert result.reason is Reason.NO_DEADLINE and result.needed_growth is None


def test_comparators():
    assert meets(500, Goal(500, None, Comparator.GE)) and not meets(500, Goal(500, None, Comparator.GT))
    assert meets(99, Goal(100, None, Comparator.LT)) and not meets(101, Goal(100, None, Comparator.LE))


def test_compound_growth_is_undefined_for_zero_or_negative_values_and_no_time():
    assert compound_growth(0, 10, 2) is None and compound_growth(10, 20, 0) is None
    assert compound_growth(100, 121, 2) == pytest.approx(0.1)


def test_figures_are_brought_into_the_targets_unit():
    target = {"target_value": 500, "target_unit": "亿元", "target_value_normalized": 5e10}
    assert in_target_unit(120.3, "亿元", 1.203e10, **target) == 120.3
    assert in_target_unit(1_203_000, "万元", 1.203e10, **target) == pytest.approx(120.3)
    assert in_target_unit(12, "个", 12, **target) is None
    assert in_target_unit(None, "亿元", None, **target) is None
