"""Linking a later article's figures to the commitments of earlier ones: pairs written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from trackers.coverage.goalposts import ShiftKind, restatement, same_commitment
from trackers.coverage.linking import (
    Decision,
    Measure,
    Pledge,
    ReportedFigure,
    Thresholds,
    best_links,
    from_extraction,
    score,
)
from trackers.coverage.subjects import normalise_subject, subject_similarity
from trackers.extract import extract, places
from trackers.models import Status

JINAN = places.parse_place("济南")
ZIBO = places.parse_place("淄博")
SHANDONG = places.parse_place("山东")
NATIONAL = places.NATIONAL
THRESHOLDS = Thresholds()

# A city's plan, published in spring 2023, and the national annual targets of 2024, as our own short texts.
PLAN = (
    "2023-03-10 来源:泉城日报\n济南市印发集成电路产业发展行动方案。"
    "到2025年,全市集成电路产业规模突破600亿元,培育重点企业50家。"
)
ANNUAL = "国务院发布2024年发展主要预期目标:国内生产总值增长5%左右;城镇新增就业1200万人以上;居民消费价格涨幅3%左右。"


def pledge(
    subject="集成电路产业规模",
    value=600,
    unit="亿元",
    norm=6e10,
    unit_norm="CNY",
    comparator=">",
    deadline=date(2025, 12, 31),
    start=None,
    announced=date(2023, 3, 10),
    place=JINAN,
    quote=None,
) -> Pledge:
    return Pledge(
        ref="c",
        subject=subject,
        quote=quote or f"{subject}{value}{unit}",
        comparator=comparator,
        value=value,
        unit=unit,
        value_normalized=norm,
        unit_normalized=unit_norm,
        deadline=deadline,
        period_start=start,
        announced=announced,
        place=place,
    )


def figure(
    subject="集成电路相关企业营业收入",
    value=210.5,
    unit="亿元",
    norm=2.105e10,
    unit_norm="CNY",
    as_of=date(2024, 12, 31),
    growth=28.0,
    place=JINAN,
    quote=None,
    period_start=None,
) -> ReportedFigure:
    return ReportedFigure(
        ref="f",
        subject=subject,
        quote=quote or f"{subject}{value}{unit}",
        value=value,
        unit=unit,
        value_normalized=norm,
        unit_normalized=unit_norm,
        as_of=as_of,
        growth_percent=growth,
        comparator="=",
        place=place,
        published=date(2025, 2, 1),
        period_start=period_start,
    )


def test_a_later_figure_on_the_same_industry_is_confident_progress_not_a_verdict():
    link = score(figure(), pledge())
    assert link is not None and link.decision(THRESHOLDS) is Decision.PROGRESS
    assert link.reported == pytest.approx(210.5)
    assert not link.closes_period and link.verdict is None


def test_chinese_subjects_match_without_spaces_through_metric_words_and_synonyms():
    assert normalise_subject("集成电路产业链群规模") == normalise_subject("集成电路相关企业收入")
    assert subject_similarity("地区生产总值增长率", "GDP增速") == 1.0
    assert subject_similarity("居民消费价格涨幅", "居民消费价格上涨") == 1.0
    assert subject_similarity("集成电路产业规模", "新能源汽车产业规模") < 0.5
    # 全社会 names the indicator officially; coverage that leaves it out reports the same one.
    assert subject_similarity("全社会研发投入强度", "研发投入强度") == 1.0


def test_the_same_figure_in_another_city_is_not_progress():
    assert score(figure(place=ZIBO), pledge()) is None


def test_a_figure_for_a_place_within_the_commitments_place_is_not_its_progress():
    zone = places.parse_place("济南起步区")
    assert score(figure(place=zone), pledge()) is None
    assert score(figure(subject="地区生产总值", place=JINAN), pledge(subject="地区生产总值", place=SHANDONG)) is None


def test_hierarchy_makes_different_spellings_of_a_place_the_same():
    assert places.parse_place("山东省济南市") == places.parse_place("济南市") == JINAN
    assert places.parse_place("中国（全国）") == places.parse_place("全国") == NATIONAL


def test_another_industry_is_not_progress():
    link = score(figure(subject="新能源汽车产业营业收入"), pledge())
    assert link is None or link.decision(THRESHOLDS) is Decision.NONE


def test_an_incompatible_unit_is_not_progress():
    assert (
        score(figure(subject="集成电路企业数", value=85, unit="家", norm=85, unit_norm="count", growth=None), pledge())
        is None
    )


def test_a_figure_dated_after_the_deadline_is_not_progress():
    assert score(figure(as_of=date(2026, 12, 31)), pledge()) is None


def test_a_figure_from_before_the_commitment_is_its_baseline_not_progress():
    assert score(figure(as_of=date(2022, 12, 31)), pledge()) is None


def test_a_level_is_not_progress_on_a_growth_target():
    target = pledge(
        subject="地区生产总值增长率",
        value=5.5,
        unit="%",
        norm=5.5,
        unit_norm="percent",
        comparator="~",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
    )
    level = figure(subject="地区生产总值", value=1.4, unit="万亿元", norm=1.4e12, growth=None)
    assert score(level, target) is None


def test_a_level_that_carries_its_growth_reports_on_a_growth_target():
    target = pledge(
        subject="地区生产总值增长率",
        value=5.5,
        unit="%",
        norm=5.5,
        unit_norm="percent",
        comparator="~",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
    )
    level = figure(subject="地区生产总值", value=1.4, unit="万亿元", norm=1.4e12, growth=6.1)
    link = score(level, target)
    assert link is not None and link.measure is Measure.GROWTH and link.reported == 6.1
    assert link.verdict is not None and link.verdict.status is Status.ACHIEVED


def test_growth_against_a_named_base_year_is_not_a_yearly_rate():
    target = pledge(
        subject="固定资产投资增长率",
        value=6,
        unit="%",
        norm=6,
        unit_norm="percent",
        comparator=">=",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
    )
    since = figure(
        subject="固定资产投资增长率",
        value=40,
        unit="%",
        norm=40,
        unit_norm="percent",
        growth=40,
        quote="固定资产投资较2020年增长40%",
    )
    assert score(since, target) is None


def test_a_ratio_is_not_a_growth_rate():
    target = pledge(
        subject="城镇调查失业率",
        value=5.5,
        unit="%",
        norm=5.5,
        unit_norm="percent",
        comparator="<=",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
        place=NATIONAL,
    )
    growth = figure(
        subject="城镇居民收入增长", value=5.1, unit="%", norm=5.1, unit_norm="percent", growth=5.1, place=NATIONAL
    )
    assert score(growth, target) is None


def test_percentage_points_do_not_meet_percent():
    target = pledge(subject="研发投入强度", value=2.5, unit="%", norm=2.5, unit_norm="percent", comparator=">=")
    points = figure(subject="研发投入强度提高", value=0.2, unit="个百分点", norm=0.2, unit_norm="pp", growth=None)
    assert score(points, target) is None


def test_the_result_for_the_period_suggests_a_verdict_that_respects_the_comparator():
    growth = pledge(
        subject="国内生产总值增长率",
        value=5,
        unit="%",
        norm=5,
        unit_norm="percent",
        comparator="~",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
        place=NATIONAL,
    )
    result = figure(
        subject="国内生产总值增长率", value=4.6, unit="%", norm=4.6, unit_norm="percent", growth=4.6, place=NATIONAL
    )
    link = score(result, growth)
    assert link.closes_period and link.verdict.status is Status.MISSED  # 4.6 is not "about 5" (5% tolerance)
    close = score(
        figure(
            subject="国内生产总值增长率", value=4.9, unit="%", norm=4.9, unit_norm="percent", growth=4.9, place=NATIONAL
        ),
        growth,
    )
    assert close.verdict.status is Status.ACHIEVED
    prices = pledge(
        subject="居民消费价格涨幅",
        value=3,
        unit="%",
        norm=3,
        unit_norm="percent",
        comparator="~",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
        place=NATIONAL,
    )
    low_inflation = figure(
        subject="居民消费价格上涨", value=0.2, unit="%", norm=0.2, unit_norm="percent", growth=0.2, place=NATIONAL
    )
    assert score(low_inflation, prices).verdict.status is Status.ACHIEVED  # 左右 on prices is a ceiling
    ceiling = pledge(
        subject="城镇调查失业率",
        value=5.5,
        unit="%",
        norm=5.5,
        unit_norm="percent",
        comparator="<=",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
        place=NATIONAL,
    )
    over = figure(
        subject="城镇调查失业率", value=5.7, unit="%", norm=5.7, unit_norm="percent", growth=None, place=NATIONAL
    )
    assert score(over, ceiling).verdict.status is Status.MISSED


def test_an_interim_figure_is_progress_not_a_verdict():
    annual = pledge(
        subject="国内生产总值增长率",
        value=5,
        unit="%",
        norm=5,
        unit_norm="percent",
        comparator="~",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
        place=NATIONAL,
    )
    three_quarters = figure(
        subject="国内生产总值增长率",
        value=4.8,
        unit="%",
        norm=4.8,
        unit_norm="percent",
        growth=4.8,
        as_of=date(2024, 9, 30),
        place=NATIONAL,
    )
    link = score(three_quarters, annual)
    assert link.decision(THRESHOLDS) is Decision.PROGRESS and link.verdict is None


def test_a_figure_for_another_year_than_an_annual_target_is_not_progress_on_it():
    annual = pledge(
        subject="城镇新增就业人数",
        value=1200,
        unit="万人",
        norm=1.2e7,
        unit_norm="person",
        comparator=">=",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
        place=NATIONAL,
    )
    last_year = figure(
        subject="城镇新增就业人数",
        value=1244,
        unit="万人",
        norm=1.244e7,
        unit_norm="person",
        growth=None,
        as_of=date(2023, 12, 31),
        place=NATIONAL,
    )
    assert score(last_year, annual) is None


def test_a_restated_target_with_a_lower_value_or_later_deadline_is_a_possible_goalpost_shift():
    old = pledge()
    lower = pledge(value=450, norm=4.5e10, announced=date(2024, 6, 1))
    later = pledge(deadline=date(2027, 12, 31), announced=date(2024, 6, 1))
    assert restatement(lower, old).kinds == (ShiftKind.LOWER,)
    assert restatement(later, old).kinds == (ShiftKind.LATER,)
    assert restatement(pledge(announced=date(2024, 6, 1)), old) is None  # the same target said again


def test_next_years_target_is_not_a_goalpost_shift():
    y2023 = pledge(
        subject="地区生产总值增长率",
        value=5,
        unit="%",
        norm=5,
        unit_norm="percent",
        comparator=">=",
        deadline=date(2023, 12, 31),
        start=date(2023, 1, 1),
    )
    y2024 = pledge(
        subject="地区生产总值增长率",
        value=5.5,
        unit="%",
        norm=5.5,
        unit_norm="percent",
        comparator=">=",
        deadline=date(2024, 12, 31),
        start=date(2024, 1, 1),
        announced=date(2024, 1, 20),
    )
    assert restatement(y2024, y2023) is None


def test_extracted_articles_link_end_to_end():
    plan = extract(PLAN, "2023-03-10")
    follow_up_text = "济南市工信局2025年1月20日通报,2024年全市集成电路产业规模达到268亿元,同比增长31%。"
    follow_up = extract(follow_up_text, "2025-01-20")
    pledges, _ = from_extraction(plan, document_place=places.document_place(plan.text), published=date(2023, 3, 10))
    _, figures = from_extraction(
        follow_up, document_place=places.document_place(follow_up.text), published=date(2025, 1, 20)
    )
    links = [
        link for link in best_links(figures, pledges, THRESHOLDS) if link.decision(THRESHOLDS) is Decision.PROGRESS
    ]
    assert [(link.figure.value, link.pledge.value) for link in links] == [(268, 600)]

    annual = extract(ANNUAL, "2024-03-05")
    pledges, _ = from_extraction(annual, document_place=places.document_place(annual.text), published=date(2024, 3, 5))
    assert all(p.place == NATIONAL for p in pledges)
    # A city's figures never report on national targets.
    city = extract("2024年,济南市城镇新增就业15.3万人,居民消费价格上涨0.4%。", "2025-01-15")
    _, figures = from_extraction(city, document_place=JINAN, published=date(2025, 1, 15))
    assert best_links(figures, pledges, THRESHOLDS) == []


# The 2025 plan of a province, and what its 2026 report says of the last year and of the five before it.
YEAR_GOAL = dict(start=date(2025, 1, 1), deadline=date(2025, 12, 31), announced=date(2025, 2, 1), place=SHANDONG)


def test_a_five_year_figure_says_nothing_of_one_years_target():
    jobs = pledge("城镇新增就业人数", 110, "万人", 1.1e6, "person", "=", **YEAR_GOAL)
    five_years = figure(
        "城镇新增就业人数", 560, "万人", 5.6e6, "person", date(2025, 12, 31), None, SHANDONG, None, date(2021, 1, 1)
    )
    last_year = figure("城镇新增就业人数", 118, "万人", 1.18e6, "person", date(2025, 12, 31), None, SHANDONG)
    assert score(five_years, jobs) is None
    link = score(last_year, jobs)
    assert link is not None and link.closes_period and link.verdict.status is Status.ACHIEVED


def test_a_share_of_growth_is_not_a_growth_rate():
    growth = pledge("地区生产总值增长率", 5.5, "%", 5.5, "percent", ">=", **YEAR_GOAL)
    share = figure("对地区生产总值增长贡献率", 60, "%", 60, "percent", date(2025, 12, 31), None, SHANDONG)
    rate = figure("地区生产总值增长率", 5.2, "%", 5.2, "percent", date(2025, 12, 31), None, SHANDONG)
    assert score(share, growth) is None
    link = score(rate, growth)
    assert link is not None and link.verdict.status is Status.MISSED


def test_a_commitment_already_tracked_is_the_same_place_indicator_and_period():
    tracked = pledge("集成电路产业规模", 600, "亿元", 6e10, "CNY", ">", date(2025, 12, 31))
    restated = pledge("全市集成电路产业规模", 600, "亿元", 6e10, "CNY", ">", date(2025, 12, 31))
    raised = pledge("集成电路产业规模", 700, "亿元", 7e10, "CNY", ">", date(2025, 12, 31))
    assert same_commitment(restated, tracked) and same_commitment(raised, tracked)  # another value: still the same
    assert not same_commitment(pledge(deadline=date(2026, 12, 31)), tracked)  # another period
    assert not same_commitment(pledge(place=ZIBO), tracked)  # another place
    assert not same_commitment(pledge("新能源汽车产业规模"), tracked)  # another indicator
