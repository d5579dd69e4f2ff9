"""The arithmetic a reader sees on the card and in the "new coverage" message, in both languages: what is left
rather than a yearly rate close to the deadline, the past tense after it, reached rather than on track."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.render.cards import card_text
from bot.render.news import render_coverage
from trackers.commitments.catalog import Card
from trackers.commitments.progress import Point, assessment_for, progress_goal
from trackers.models import Commitment, Comparator, Status
from trackers.notifications.news import CoverageNews, NewPoint

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _commitment(
    value, unit, deadline, comparator=Comparator.GE, subject="城区老旧小区改造开工", timezone="Asia/Shanghai"
):
    return Commitment(
        id=7,
        subject=subject,
        comparator=comparator,
        value=value,
        unit=unit,
        deadline=deadline,
        timezone=timezone,
        status=Status.IN_PROGRESS,
    )


def _arithmetic(commitment: Commitment, points: list[Point], language: str, now: datetime = NOW) -> list[str]:
    """The card's 🧮 line and its 💡 line, if any."""
    card = Card(commitment, None, [], [], [], points, assessment_for(commitment, points))
    return [line for line in card_text(language, card, now).splitlines() if line.startswith(("🧮", "💡"))]


BLOCKS = _commitment(120, "个", date(2026, 12, 6))


def test_under_a_year_to_go_the_card_shows_the_share_reached_and_what_is_left_not_a_yearly_rate():
    points = [Point(date(2026, 11, 1), 96)]
    assert _arithmetic(BLOCKS, points, "zh") == ["🧮 已完成目标的80%，还差24个。"]
    assert _arithmetic(BLOCKS, points, "en") == ["🧮 80% of the target reached, 24个 to go."]


def test_under_a_year_to_go_a_reported_growth_is_still_projected():
    commitment = _commitment(120, "个", date(2027, 6, 30))
    points = [Point(date(2026, 10, 31), 96, growth_percent=50)]
    # 96 × 1.5 ^ (242 days / a year)
    assert _arithmetic(commitment, points, "zh") == [
        "🧮 已完成目标的80%，还差24个；按报道的增速每年50%，到期约达125.6个。",
        "💡 建议标记：🟢 按计划",
    ]
    assert _arithmetic(commitment, points, "en")[0] == (
        "🧮 80% of the target reached, 24个 to go; at 50% a year (as reported) about 125.6个 by the deadline."
    )


def test_a_year_or_more_to_go_the_yearly_rate_stays():
    commitment = _commitment(500, "亿元", date(2029, 12, 31), Comparator.GT, "集成电路产业链群规模")
    points = [Point(date(2025, 12, 31), 120.3, growth_percent=36)]
    assert _arithmetic(commitment, points, "zh") == [
        "🧮 2025年120.3亿元 → 2029年500亿元，每年需增长约43%；按报道的增速每年36%，到期约达411.6亿元。",
        "💡 建议标记：🟠 有风险",
    ]


IC = _commitment(500, "亿元", date(2025, 12, 31), Comparator.GT, "集成电路产业链群规模")


def test_after_the_deadline_without_a_figure_for_it_the_card_says_so_with_the_last_figure_and_no_forecast():
    points = [Point(date(2022, 12, 31), 120.3, growth_percent=36)]
    assert _arithmetic(IC, points, "zh") == [
        "🧮 期限已过，尚无截至期限的数据；最近一次为120.3亿元（2022-12-31），目标500亿元。"
    ]
    assert _arithmetic(IC, points, "en") == [
        "🧮 The deadline has passed and no figure for it is known yet; the last was 120.3亿元 (2022-12-31), "
        "against a target of 500亿元."
    ]


def test_after_the_deadline_the_figure_for_it_is_compared_with_the_target_in_the_past_tense():
    jobs = _commitment(1200, "万人", date(2024, 12, 31), subject="城镇新增就业")
    met = [Point(date(2024, 6, 30), 700), Point(date(2024, 12, 31), 1256)]
    assert _arithmetic(jobs, met, "zh") == ["🧮 截至期限达到1256万人，目标1200万人：已达成。", "💡 建议标记：✅ 已兑现"]
    assert _arithmetic(jobs, met, "en") == [
        "🧮 By the deadline: 1256万人 against a target of 1200万人: met.",
        "💡 Suggested mark: ✅ achieved",
    ]
    missed = [Point(date(2024, 12, 31), 1100)]
    assert _arithmetic(jobs, missed, "zh") == [
        "🧮 截至期限达到1100万人，目标1200万人：未达成。",
        "💡 建议标记：❌ 未兑现",
    ]
    assert _arithmetic(jobs, missed, "en")[1] == "💡 Suggested mark: ❌ missed"


def test_at_the_target_before_the_deadline_it_is_reached_not_on_track():
    points = [Point(date(2026, 11, 20), 120)]
    assert _arithmetic(BLOCKS, points, "zh") == ["🧮 最新数据120个已达到目标120个。"]
    assert _arithmetic(BLOCKS, points, "en") == ["🧮 The latest figure, 120个, has reached the target of 120个."]


def test_reached_before_a_deadline_that_has_passed_is_achieved():
    commitment = _commitment(50, "个", date(2026, 11, 19), subject="新建口袋公园")
    assert _arithmetic(commitment, [Point(date(2026, 10, 2), 52)], "zh") == [
        "🧮 最新数据52个已达到目标50个。",
        "💡 建议标记：✅ 已兑现",
    ]


def test_below_the_target_after_the_deadline_is_missed_and_the_comparator_counts():
    unemployment = _commitment(5.5, "%", date(2024, 12, 31), Comparator.APPROX, "城镇调查失业率")
    assert _arithmetic(unemployment, [Point(date(2024, 12, 31), 5.7)], "zh")[-1] == "💡 建议标记：✅ 已兑现"
    assert _arithmetic(unemployment, [Point(date(2024, 12, 31), 5.9)], "zh")[-1] == "💡 建议标记：❌ 未兑现"
    growth = _commitment(5, "%", date(2024, 12, 31), Comparator.APPROX, "国内生产总值增长")
    assert _arithmetic(growth, [Point(date(2024, 12, 31), 4.8)], "en")[-1] == "💡 Suggested mark: ✅ achieved"
    assert _arithmetic(growth, [Point(date(2024, 12, 31), 4.7)], "en")[-1] == "💡 Suggested mark: ❌ missed"
    energy = _commitment(100, "万吨标准煤", date(2024, 12, 31), Comparator.LE, "能源消费总量")
    assert _arithmetic(energy, [Point(date(2024, 12, 31), 101)], "zh") == [
        "🧮 截至期限达到101万吨标准煤，目标100万吨标准煤：未达成。",
        "💡 建议标记：❌ 未兑现",
    ]


def test_one_figure_and_no_growth_rate_give_no_projection():
    commitment = _commitment(500, "亿元", date(2029, 12, 31), Comparator.GT, "集成电路产业链群规模")
    [line] = _arithmetic(commitment, [Point(date(2025, 12, 31), 120.3)], "zh")
    assert "到期约达" not in line and line.endswith("尚无增速数据，无法推算。")
    two = [Point(date(2024, 12, 31), 100.0), Point(date(2025, 12, 31), 120.3)]
    assert "到期约达" in _arithmetic(commitment, two, "zh")[0]


def test_the_deadline_passes_on_the_commitments_own_calendar():
    """00:30 on 1 January in Shanghai is still 31 December in New York."""
    now = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    points = [Point(date(2026, 6, 30), 80)]
    shanghai = _commitment(100, "个", date(2026, 12, 31), timezone="Asia/Shanghai")
    new_york = _commitment(100, "个", date(2026, 12, 31), timezone="America/New_York")
    assert _arithmetic(shanghai, points, "zh", now) == [
        "🧮 期限已过，尚无截至期限的数据；最近一次为80个（2026-06-30），目标100个。"
    ]
    assert _arithmetic(new_york, points, "zh", now) == ["🧮 已完成目标的80%，还差20个。"]


def test_the_new_coverage_message_carries_the_same_arithmetic():
    points = [Point(date(2026, 11, 1), 96)]
    news = CoverageNews(
        commitment_id=BLOCKS.id,
        subject=BLOCKS.subject,
        target=progress_goal(BLOCKS),
        deadline=BLOCKS.deadline,
        points=(NewPoint("已开工改造的老旧小区达到96个", 96, "个", date(2026, 11, 1), None, None, None),),
        assessment=assessment_for(BLOCKS, points, today=date(2026, 11, 3)),
    )
    assert "🧮 已完成目标的80%，还差24个。" in render_coverage("zh", news).splitlines()
    assert "🧮 80% of the target reached, 24个 to go." in render_coverage("en", news).splitlines()


def test_a_figure_recorded_with_a_link_and_no_quote_shows_no_empty_quote():
    news = CoverageNews(
        commitment_id=BLOCKS.id,
        subject=BLOCKS.subject,
        target=progress_goal(BLOCKS),
        deadline=BLOCKS.deadline,
        points=(
            NewPoint("", 96, "个", date(2026, 11, 1), None, "https://news.example.cn/a/9", None),
            NewPoint("已开工改造的老旧小区达到90个", 90, "个", date(2026, 10, 1), None, None, None),
        ),
        assessment=None,
    )
    text = render_coverage("zh", news)
    assert "「」" not in text
    assert "  「已开工改造的老旧小区达到90个」" in text.splitlines()
    assert "“”" not in render_coverage("en", news)
