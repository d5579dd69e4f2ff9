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
    goal_met,
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


def test_a_target_already_reached_is_reached_not_on_track_and_achieved_once_the_deadline_has_passed():
    before = assess(IC_TARGET, [Point(date(2024, 12, 31), 520.0)], today=date(2025, 6, 1))
    assert before.reason is Reason.REACHED and before.suggestion is None
    assert before.share == pytest.approx(1.04)
    after = assess(IC_TARGET, [Point(date(2024, 12, 31), 520.0)], today=date(2026, 3, 1))
    assert after.reason is Reason.REACHED and after.suggestion is Status.ACHIEVED


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


# -- under a year to go, and after the deadline -------------------------------------------------------------------

BLOCKS = Goal(120, date(2026, 12, 6), Comparator.GE, unit="个")


def test_under_a_year_before_the_deadline_there_is_no_yearly_rate_but_what_is_left():
    result = assess(BLOCKS, [Point(date(2026, 11, 1), 96)], today=date(2026, 12, 1))
    assert result.needed_growth is None and result.remaining == 24
    assert result.share == pytest.approx(0.8)
    assert result.projected is None and result.suggestion is None and result.reason is Reason.NO_GROWTH


def test_under_a_year_a_reported_growth_still_projects_to_the_deadline():
    result = assess(BLOCKS, [Point(date(2026, 6, 6), 100, growth_percent=50)], today=date(2026, 7, 1))
    assert result.needed_growth is None and result.remaining == 20
    assert result.projected == pytest.approx(100 * 1.5**0.5, rel=0.01)
    assert result.suggestion is Status.ON_TRACK and result.reason is Reason.ON_PACE


def test_a_year_or_more_before_the_deadline_the_yearly_rate_stays():
    result = assess(IC_TARGET, [Point(date(2024, 12, 31), 400)], today=date(2025, 1, 15))
    assert result.remaining is None and result.needed_growth == pytest.approx(0.25, abs=0.001)


def test_after_the_deadline_a_figure_from_before_it_is_no_result_and_no_forecast():
    result = assess(IC_TARGET, [Point(date(2022, 12, 31), 120.3, growth_percent=36)], today=date(2026, 11, 28))
    assert result.reason is Reason.NO_FINAL and result.suggestion is None
    assert result.needed_growth is None and result.growth is None and result.projected is None
    assert result.latest == Point(date(2022, 12, 31), 120.3, growth_percent=36)


def test_on_the_deadline_day_it_has_not_passed_yet():
    result = assess(IC_TARGET, [Point(date(2025, 6, 30), 450, growth_percent=30)], today=date(2025, 12, 31))
    assert result.reason is Reason.ON_PACE and result.projected is not None


def test_without_today_the_deadline_has_passed_only_for_a_figure_dated_so():
    result = assess(IC_TARGET, [Point(date(2022, 12, 31), 120.3, growth_percent=36)])
    assert result.reason is Reason.BEHIND_PACE


def test_after_the_deadline_the_figure_for_it_is_set_against_the_target():
    jobs = Goal(1200, date(2024, 12, 31), Comparator.GE)
    met = assess(jobs, [Point(date(2024, 6, 30), 700), Point(date(2024, 12, 31), 1256)], today=date(2025, 3, 1))
    assert met.reason is Reason.FINAL_MET and met.suggestion is Status.ACHIEVED and met.projected is None
    late = assess(jobs, [Point(date(2025, 1, 20), 1100)], today=date(2025, 3, 1))
    assert late.reason is Reason.FINAL_MISSED and late.suggestion is Status.MISSED


def test_a_ceiling_or_a_rate_met_before_the_deadline_is_not_a_result():
    ceiling = Goal(100, date(2025, 12, 31), Comparator.LE)
    assert assess(ceiling, [Point(date(2025, 6, 30), 90)], today=date(2026, 2, 1)).reason is Reason.NO_FINAL
    growth_rate = Goal(5, date(2024, 12, 31), Comparator.APPROX, is_rate=True, unit="%")
    result = assess(growth_rate, [Point(date(2024, 9, 30), 5.2)], today=date(2025, 1, 5))
    assert result.reason is Reason.NO_FINAL and result.suggestion is None


def test_a_ceiling_under_a_year_away_is_read_not_annualised():
    ceiling = Goal(100, date(2026, 12, 31), Comparator.LE)
    result = assess(ceiling, [Point(date(2026, 6, 30), 110, growth_percent=-8)], today=date(2026, 7, 1))
    assert result.needed_growth is None and result.remaining is None and result.projected is None
    assert result.suggestion is Status.AT_RISK


def test_an_about_target_on_a_lower_is_better_subject_is_a_ceiling_with_the_tolerance_above_it():
    unemployment = Goal(5.5, date(2024, 12, 31), Comparator.APPROX, is_rate=True, unit="%", subject="城镇调查失业率")
    assert unemployment.is_cap
    assert assess(unemployment, [Point(date(2024, 12, 31), 5.7)]).suggestion is Status.ACHIEVED
    assert assess(unemployment, [Point(date(2024, 12, 31), 5.9)]).suggestion is Status.MISSED
    assert assess(unemployment, [Point(date(2024, 12, 31), 4.0)]).suggestion is Status.ACHIEVED


def test_goal_met_agrees_with_the_coverage_linker():
    from trackers.coverage.linking import target_met

    cases = [
        (Goal(5.5, None, Comparator.APPROX, subject="城镇调查失业率"), [5.0, 5.7, 5.8]),
        (Goal(5, None, Comparator.APPROX, subject="国内生产总值增长"), [4.7, 4.8, 6.0]),
        (Goal(100, None, Comparator.LE, subject="能源消费总量"), [99, 100, 101]),
        (Goal(500, None, Comparator.GT, subject="集成电路产业规模"), [500, 501]),
        (Goal(26, None, None, subject="重点项目"), [25, 26]),
    ]
    for goal, values in cases:
        for value in values:
            assert goal_met(value, goal) is target_met(value, goal.value, goal.comparator, goal.subject)


def test_a_projection_needs_two_points_or_a_reported_growth():
    one = assess(IC_TARGET, [Point(date(2023, 12, 31), 200)], today=date(2024, 1, 10))
    assert one.projected is None and one.growth is None
    two = assess(IC_TARGET, [Point(date(2022, 12, 31), 150), Point(date(2023, 12, 31), 200)], today=date(2024, 1, 10))
    assert two.projected is not None and two.growth_source is GrowthSource.OBSERVED
    too_close = [Point(date(2023, 12, 1), 190), Point(date(2023, 12, 31), 200)]
    assert assess(IC_TARGET, too_close, today=date(2024, 1, 10)).projected is None
