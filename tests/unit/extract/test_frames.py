"""Time frames that carry: headings, paragraph openings and announced plans date the figures beneath them."""

from trackers.extract import extract


def facts(text: str, published: str) -> list[tuple[float, str]]:
    return [(f.value, f.as_of) for f in extract(text, published).facts]


def commitments(text: str, published: str) -> list[tuple[object, str | None, str | None]]:
    return [(c.value, c.deadline, c.period_start) for c in extract(text, published).commitments]


def test_a_review_heading_dates_the_results_beneath_it_in_the_year_reviewed():
    text = "一、2024年工作回顾\n全市新增城镇就业12.6万人,建成5G基站8000个。"
    assert facts(text, "2025-02-10") == [(12.6, "2024-12-31"), (8000, "2024-12-31")]


def test_a_plan_heading_makes_the_tasks_beneath_it_targets_of_that_year():
    text = "三、2025年重点工作\n(一)扩大有效投资\n新开工改造城镇老旧小区300个,新建公园20座。"
    assert commitments(text, "2025-02-10") == [(300, "2025-12-31", "2025-01-01"), (20, "2025-12-31", "2025-01-01")]


def test_a_numbered_part_ends_the_frame_of_the_part_before_it():
    text = (
        "一、2024年工作回顾\n(一)稳增长\n全市建成保障性住房1.2万套。\n"
        "二、2025年重点工作\n(一)稳增长\n建设保障性住房1万套。"
    )
    result = extract(text, "2025-02-10")
    assert [(f.value, f.as_of) for f in result.facts] == [(1.2, "2024-12-31")]
    assert [(c.value, c.deadline) for c in result.commitments] == [(1, "2025-12-31")]


def test_a_paragraph_opening_with_the_past_year_frames_the_paragraphs_after_it():
    text = "过去一年,全区上下团结奋斗,经济运行稳中向好。\n一是产业升级。新引进亿元以上项目46个,技改投资增长12%。"
    assert facts(text, "2025-01-20") == [(46, "2024-12-31"), (12, "2024-12-31")]


def test_a_sentence_about_the_five_year_plan_does_not_re_date_this_years_targets():
    text = (
        "2026年是“十五五”开局之年。做好今年工作,要确保实现“十五五”良好开局。\n"
        "今年全县经济社会发展主要预期目标是:地区生产总值增长6%左右,城镇调查失业率控制在5.5%以内。"
    )
    found = commitments(text, "2026-01-18")
    assert (None, "2026-12-31", "2026-01-01") in found  # 良好开局: the plan's first year
    assert (6, "2026-12-31", "2026-01-01") in found
    assert (5.5, "2026-12-31", "2026-01-01") in found


def test_announced_goals_of_the_next_five_years_frame_the_next_paragraph():
    text = (
        "《规划纲要》明确了今后五年的发展目标:产业结构更加优化,城乡差距持续缩小。\n"
        "围绕上述目标,《规划纲要》设置了20项主要指标,包括:研发投入强度达到3%以上,常住人口城镇化率达到70%左右。"
    )
    found = commitments(text, "2026-01-25")
    assert (3, "2030-12-31", "2026-01-01") in found
    assert (70, "2030-12-31", "2026-01-01") in found
    assert 20 not in [value for value, _, _ in found]  # the document's own indicators are not a target


def test_yinianlai_in_a_report_is_the_year_reviewed_and_sannianlai_in_news_is_now():
    assert facts("一年来,全市新增市场主体8.2万户。", "2025-01-15") == [(8.2, "2024-12-31")]
    assert facts("三年来,园区累计引进项目120个。", "2025-06-15") == [(120, "2025-06-15")]


def test_results_of_the_whole_year_place_an_undated_passage_in_the_year_reviewed():
    text = "(二)扩大内需。出台促消费政策12项,社会消费品零售总额增长5%。全年共招引亿元以上项目900个。"
    assert facts(text, "2025-01-20") == [(12, "2024-12-31"), (5, "2024-12-31"), (900, "2024-12-31")]


def test_a_day_at_the_start_of_a_paragraph_dates_an_event_not_the_figures_after_it():
    text = "2021年4月25日,国务院批复同意园区总体方案。\n园区绿地总面积达到120万平方米。"
    assert facts(text, "2024-04-26") == [(120, "2024-04-26")]


def test_a_reporting_period_that_opens_an_article_dates_its_later_paragraphs():
    text = "今年1至5月,全市重点项目完成投资860亿元。\n其中,产业项目完成投资510亿元。\n此外,民生项目完成投资90亿元。"
    assert facts(text, "2025-06-20") == [(860, "2025-05-31"), (510, "2025-05-31"), (90, "2025-05-31")]


def test_future_industries_are_not_a_time():
    text = "过去一年,全市推动未来产业加快发展。新增专精特新企业120家。"
    assert facts(text, "2025-01-20") == [(120, "2024-12-31")]


def test_a_headline_restated_in_the_lead_is_one_item_in_the_leads_words():
    text = "前5月全市外贸进出口总额达到2100亿元\n今年前5个月,全市外贸进出口总额达到2100亿元,同比增长6%。"
    result = extract(text, "2025-06-18")
    assert [(f.quote, f.as_of) for f in result.facts] == [
        ("今年前5个月,全市外贸进出口总额达到2100亿元,同比增长6%", "2025-05-31")
    ]


def test_sections_name_the_frames_the_document_was_read_in():
    text = "一、2024年工作回顾\n新建公园12座。\n二、2025年重点工作\n新建公园15座。"
    result = extract(text, "2025-02-01")
    titles = [
        (result.sections[i.section].title, result.sections[i.section].mood)
        for i in (*result.facts, *result.commitments)
    ]
    assert titles == [("一、2024年工作回顾", "review"), ("二、2025年重点工作", "plan")]


def test_a_plans_title_sets_the_period_its_sentence_closes():
    text = "《数字经济发展三年行动计划(2024—2026年)》提出,到2026年,全市数字经济核心产业增加值突破1000亿元。"
    assert commitments(text, "2024-03-15") == [(1000, "2026-12-31", "2024-01-01")]


def test_a_report_delivered_in_december_sets_next_years_targets_and_reviews_this_year():
    text = "今年以来,全市新增城镇就业14.2万人。明年主要预期目标:地区生产总值增长6%以上。"
    result = extract(text, "2022-12-28")
    assert [(f.value, f.as_of) for f in result.facts] == [(14.2, "2022-12-28")]
    assert [(c.value, c.deadline) for c in result.commitments] == [(6, "2023-12-31")]


def test_mid_year_news_dates_results_at_the_end_of_their_months_and_the_years_target_at_its_end():
    text = "1-8月,全市规上工业增加值同比增长8.2%,社会消费品零售总额达到1865.4亿元。全年目标是地区生产总值增长6%左右。"
    result = extract(text, "2025-09-10")
    assert [(f.value, f.as_of, f.period_start) for f in result.facts] == [
        (8.2, "2025-08-31", "2025-01-01"),
        (1865.4, "2025-08-31", "2025-01-01"),
    ]
    assert [(c.subject, c.deadline) for c in result.commitments] == [("地区生产总值增长率", "2025-12-31")]


def test_since_the_plan_began_in_a_january_report_runs_to_the_end_of_the_year_reviewed():
    result = extract("“十四五”以来,全市累计新增城镇就业45万人。", "2023-01-16")
    assert [(f.as_of, f.period_start) for f in result.facts] == [("2022-12-31", "2021-01-01")]
