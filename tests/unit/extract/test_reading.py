"""Commitment or fact from frame and words together, several items in one clause, and what is not an item."""

from trackers.extract import extract


def items(text: str, published: str):
    return extract(text, published)


# -- commitment or fact -------------------------------------------------------------------------------------------


def test_in_a_review_funds_won_and_targets_reached_are_results():
    result = items("过去一年,全市争取中央预算内投资85亿元,粮食产量突破200亿斤。", "2025-01-20")
    assert [(f.value, f.as_of) for f in result.facts] == [(85, "2024-12-31"), (200, "2024-12-31")]
    assert result.commitments == []


def test_yuji_in_a_review_is_a_preliminary_result():
    result = items("2024年,预计全市地区生产总值增长5.3%左右,一般公共预算收入增长3%。", "2025-01-10")
    assert [(f.value, f.as_of, f.preliminary) for f in result.facts] == [
        (5.3, "2024-12-31", True),
        (3, "2024-12-31", True),
    ]


def test_a_target_named_after_the_fact_is_no_new_commitment():
    result = items("过去一年,城镇新增就业62万人,超额完成省下达的55万人年度任务。", "2025-01-20")
    assert [f.value for f in result.facts] == [62]
    assert result.commitments == []


def test_a_list_of_targets_gives_commitments_qualitative_ones_too_but_not_its_hedges():
    text = (
        "今年全市经济社会发展主要预期目标是:地区生产总值增长6%左右,在实际工作中努力争取更好结果;"
        "居民收入增长和经济增长基本同步;生态环境质量持续改善;能耗强度目标在规划期内统筹考核。"
    )
    result = items(text, "2025-01-12")
    assert [(c.value, c.deadline) for c in result.commitments] == [
        (6, "2025-12-31"),
        (None, "2025-12-31"),
        (None, "2025-12-31"),
    ]


def test_a_dated_outcome_is_a_commitment_but_a_task_or_a_relative_level_is_not():
    text = "到2030年,全市科技实力大幅跃升,人均地区生产总值接近发达经济体水平,保持社会和谐稳定。"
    result = items(text, "2026-01-20")
    assert [(c.quote, c.deadline) for c in result.commitments] == [("全市科技实力大幅跃升", "2030-12-31")]


def test_a_generic_completion_is_no_commitment():
    assert items("确保完成“十五五”规划目标任务。", "2026-01-20").commitments == []


# -- several items in one clause ----------------------------------------------------------------------------------


def test_fenbie_names_each_group_of_chengxiang():
    result = items("过去一年,城乡居民人均可支配收入分别增长4.9%、6.3%。", "2025-01-20")
    assert [(f.subject, f.value, f.growth_percent) for f in result.facts] == [
        ("城镇居民人均可支配收入增长率", 4.9, 4.9),
        ("农村居民人均可支配收入增长率", 6.3, 6.3),
    ]


def test_fenbie_of_members_that_name_their_own_measure_and_a_shared_fall():
    result = items("2024年,全市交通事故起数和死亡人数分别下降5.1%和2.2%。", "2025-01-20")
    assert [(f.subject, f.value) for f in result.facts] == [("交通事故起数增长率", -5.1), ("死亡人数增长率", -2.2)]


def test_a_level_with_its_growth_is_one_fact_and_a_fall_is_negative():
    result = items("2024年,全市实现地区生产总值8200亿元,增长5.1%;PM2.5年均浓度为30微克/立方米、下降6%。", "2025-01-20")
    assert [(f.value, f.growth_percent) for f in result.facts] == [(8200, 5.1), (30, -6)]


def test_growths_listed_after_levels_go_to_each_level_in_turn():
    result = items("2024年,全市接待游客1.2亿人次、实现旅游收入1500亿元,分别增长8%、9.5%。", "2025-01-20")
    assert [(f.value, f.growth_percent) for f in result.facts] == [(1.2, 8), (1500, 9.5)]


def test_a_range_with_the_unit_at_both_ends_is_one_floor_with_a_ceiling():
    result = items("今年全省生产总值增长5%—5.5%。", "2026-01-20")
    assert [(c.comparator, c.value, c.value_max) for c in result.commitments] == [(">=", 5, 5.5)]


def test_from_a_to_b_gives_the_result_and_its_base():
    result = items("五年来,全市一般公共预算收入从610亿元提高到780亿元。", "2026-01-20")
    assert [(f.value, f.as_of) for f in result.facts] == [(610, "2020-12-31"), (780, "2025-12-31")]


def test_from_a_to_b_in_a_target_is_the_target_only():
    result = items("到2027年,数字经济核心产业增加值占比从9%提高到12%。", "2025-03-01")
    assert [(c.value, c.deadline) for c in result.commitments] == [(12, "2027-12-31")]
    assert result.facts == []


def test_milestones_passed_give_the_highest():
    result = items("五年来,全市经济总量连续跨越6000亿、7000亿、8000亿三个台阶。", "2026-01-20")
    assert [(f.value_normalized, f.comparator, f.unit_normalized) for f in result.facts] == [(8e11, ">", "CNY")]


def test_the_plans_count_restated_in_a_report_of_its_progress_is_the_plan():
    text = "全市扎实推进2025年150个市重点项目建设。\n今年1至5月,150个市重点项目完成投资620亿元,年度投资完成率41%。"
    result = items(text, "2025-06-10")
    assert [c.value for c in result.commitments] == [150]
    assert [f.value for f in result.facts] == [620, 41]


# -- what is not an item ------------------------------------------------------------------------------------------


def test_names_ranks_descriptors_and_gaps_are_not_figures():
    text = (
        "过去一年,出台稳增长“15条”政策,跻身全国城市前十位,举办青年50人论坛,完成1%人口抽样调查,"
        "纳入全省30项重大工程的120个项目全部开工,地区生产总值增长5.2%、高于全省0.3个百分点。"
    )
    result = items(text, "2025-01-20")
    assert [f.value for f in result.facts] == [120, 5.2]


def test_what_a_document_consists_of_is_not_a_target():
    text = "《方案》明确了6个方面的主要目标,提出18项重点任务,力争新增高新技术企业500家。"
    result = items(text, "2025-03-01")
    assert [c.value for c in result.commitments] == [500]


# -- subjects and places ------------------------------------------------------------------------------------------


def test_the_same_indicator_gets_the_same_subject_however_it_is_written():
    first = items("今年全省生产总值增长6%左右,规上工业增加值增长7%。", "2025-01-15")
    second = items("2025年,全省GDP增长6.2%,规模以上工业增加值增长7.4%。", "2026-01-15")
    assert (
        [c.subject for c in first.commitments]
        == [f.subject for f in second.facts]
        == ["地区生产总值增长率", "规模以上工业增加值增长率"]
    )


def test_every_item_carries_its_place_and_a_citys_figure_in_a_provincial_report_is_the_citys():
    text = "过去一年,全省地区生产总值增长5.5%。其中,杭州地区生产总值增长6.1%。"
    result = extract(text, "2026-01-20", place="浙江省")
    assert [f.place for f in result.facts] == ["浙江", "杭州"]


def test_a_river_named_after_a_city_is_not_the_city():
    result = extract("过去一年,新建苏州河滨水驿站30座。", "2026-01-20", place="上海市")
    assert [f.place for f in result.facts] == ["上海"]


def test_a_forecast_by_the_press_or_the_market_is_neither_target_nor_result():
    text = (
        "今年全市新能源汽车产量力争达到30万辆。业内人士预计,全年产量将突破35万辆。全年销量翻番已成定局,有望达到40万辆。"
    )
    result = items(text, "2025-06-01")
    assert [c.value for c in result.commitments] == [30]
    assert result.facts == []


def test_a_result_reached_is_that_much_and_one_passed_is_more():
    result = items("2024年,全市生产总值达到5670亿元,出口规模突破4000亿元,新增企业3000家以上。", "2025-01-20")
    assert [f.comparator for f in result.facts] == ["=", ">", ">="]
