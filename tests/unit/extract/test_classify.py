"""Commitment or fact, from time and wording (short sentences in the style of policy coverage)."""

from trackers.extract import extract


def kinds(text: str, published: str = "2023-03-05") -> tuple[int, int]:
    result = extract(text, published)
    return len(result.commitments), len(result.facts)


def test_future_deadline_makes_a_commitment():
    assert kinds("到2026年,全市软件业务收入突破800亿元。") == (1, 0)


def test_past_year_makes_a_fact_whatever_the_verb():
    assert kinds("2022年,全市财政赤字率控制在2.8%。") == (0, 1)


def test_plan_word_without_a_time_makes_a_commitment():
    assert kinds("新区计划新建公园15个。") == (1, 0)


def test_le_without_a_time_makes_a_fact():
    assert kinds("新区建成了公园15个。") == (0, 1)


def test_cumulative_total_is_a_fact():
    assert kinds("全县累计发放补贴3.2亿元。") == (0, 1)


def test_reported_figure_without_cues_is_a_fact():
    assert kinds("全市有各类学校1250所。") == (0, 1)


def test_ceiling_word_makes_a_target():
    assert kinds("城镇调查失业率控制在5.5%以内。") == (1, 0)


def test_last_month_is_past():
    result = extract("上个月,全市新登记市场主体1.2万户。", "2023-05-10")
    assert result.facts[0].as_of == "2023-04-30"


def test_rugin_anchors_a_fact_at_the_publication_date():
    result = extract("园区2015年成立,如今已集聚企业600多家。", "2023-05-10")
    assert result.facts[0].as_of == "2023-05-10"


def test_annual_plan_inside_a_report_of_last_month_is_a_commitment():
    result = extract("上个月,全区开工项目12个,总投资80亿元,年度计划投资30亿元。", "2023-05-10")
    assert [c.value for c in result.commitments] == [30]
    assert result.commitments[0].deadline == "2023-12-31"
    assert [f.value for f in result.facts] == [12, 80]


def test_year_of_a_previous_sentence_carries_within_the_paragraph():
    result = extract("2022年,全市生产总值增长5%。城镇新增就业12万人。", "2023-02-01")
    assert [f.as_of for f in result.facts] == ["2022-12-31", "2022-12-31"]


def test_list_of_targets_after_a_heading():
    text = "今年主要预期目标是:生产总值增长6%左右;城镇新增就业8万人以上;生态环境质量持续改善。"
    result = extract(text, "2023-01-10")
    assert [c.value for c in result.commitments] == [6, 8, None]
    assert {c.deadline for c in result.commitments} == {"2023-12-31"}
    assert {c.period_start for c in result.commitments} == {"2023-01-01"}


def test_heading_paragraph_frames_the_bullets_below():
    text = "2024年发展主要目标\n●地区生产总值增长5.5%左右\n●外贸外资稳中提质\n重点工作\n●加快建设工业强市"
    result = extract(text, "2024-01-20")
    assert [c.subject for c in result.commitments] == ["地区生产总值增长率", "外贸外资"]
    assert result.commitments[0].deadline == "2024-12-31"


def test_roadmap_for_next_year_makes_its_items_targets():
    text = "报告勾画出2024年“路线图”。\n制造业增加值占比达到30%以上。"
    result = extract(text, "2023-12-28")
    assert result.commitments[0].deadline == "2024-12-31"


def test_qualitative_pledge_with_a_deadline_has_no_value():
    result = extract("到2027年,基本建成国际消费中心城市。", "2024-01-20")
    (c,) = result.commitments
    assert (c.value, c.deadline, c.subject) == (None, "2027-12-31", "国际消费中心城市")


def test_narrative_without_figures_gives_nothing():
    assert kinds("会议强调,要以更大力度优化营商环境,激发各类市场主体活力。") == (0, 0)


def test_growth_rate_after_a_level_belongs_to_that_level():
    result = extract("2022年,全市生产总值达到1.2万亿元,同比增长5.2%。", "2023-02-01")
    (fact,) = result.facts
    assert (fact.value, fact.growth_percent) == (1.2, 5.2)
    assert fact.quote == "2022年,全市生产总值达到1.2万亿元,同比增长5.2%"


def test_change_after_a_level_is_not_a_separate_fact():
    result = extract("2022年粮食产量1.3万亿斤,增产70亿斤。", "2023-02-01")
    assert [f.value for f in result.facts] == [1.3]


def test_one_clause_with_two_figures_gives_two_commitments_with_one_quote():
    result = extract("《新区三年行动方案(2023—2025年)》明确了首批重点项目520个、总投资超过3000亿元。", "2023-02-01")
    a, b = result.commitments
    assert a.quote == b.quote
    assert (a.period_start, a.deadline) == ("2023-01-01", "2025-12-31")


def test_comparison_with_a_wider_area_is_not_a_separate_fact():
    result = extract("1至10月,全省工业增加值增长7.3%,比全国平均水平高2.9个百分点。", "2023-11-20")
    assert [f.value for f in result.facts] == [7.3]


def test_change_on_last_year_end_is_not_a_separate_fact():
    result = extract("截至2023年底,全市常住人口达到941万人,比上年末增加7.5万人。", "2024-03-15")
    assert [(f.value, f.as_of) for f in result.facts] == [(941, "2023-12-31")]


def test_count_with_yishang_before_a_noun_is_still_a_count():
    result = extract("到2026年,培育10家以上百亿级数字企业。", "2024-04-01")
    assert [(c.value, c.comparator) for c in result.commitments] == [(10, ">=")]


def test_a_sentence_mentioning_targets_does_not_open_a_list_of_targets():
    text = "今年工作安排\n会议指出,要确保完成全年目标任务。\n新区有企业300家。"
    result = extract(text, "2023-01-15")
    assert result.commitments == []


def test_current_year_alone_does_not_make_a_pledge_of_a_completion_clause():
    assert kinds("今年,要确保完成各项任务。", "2023-01-15") == (0, 0)


def test_a_share_of_a_target_already_reached_is_a_fact():
    result = extract("今年以来,全市新增城镇就业12.3万人,完成全年目标任务的82%。", "2024-11-10")
    assert extract("前三季度完成重点项目投资1856亿元,占年度计划的87.3%。", "2024-10-25").commitments == []
    assert result.commitments == []
    assert [f.value for f in result.facts] == [12.3, 82]
