"""The subject phrase: what a figure measures."""

from trackers.extract import extract


def subjects(text: str, published: str = "2023-03-05") -> list[str]:
    result = extract(text, published)
    items = sorted(result.commitments + result.facts, key=lambda x: x.start)
    return [x.subject for x in items]


def test_scope_word_and_linking_verb_are_dropped():
    assert subjects("到2025年,全市软件产业规模突破800亿元。") == ["软件产业规模"]


def test_growth_rate_is_named_as_a_rate():
    assert subjects("今年全省地区生产总值增长5%以上。") == ["地区生产总值增长率"]


def test_price_rise_is_named_as_a_rise():
    assert subjects("居民消费价格上涨2%。") == ["居民消费价格涨幅"]


def test_counted_noun_after_the_counter_with_shu():
    assert subjects("2022年,新区引进了45个产业类项目。") == ["新区引进产业类项目数"]


def test_counted_noun_before_the_number_with_shu():
    assert subjects("三年来,新区累计引进产业类项目300个。") == ["新区累计引进产业类项目数"]


def test_people_are_counted_as_renshu():
    assert subjects("城镇新增就业90万人以上。") == ["城镇新增就业人数"]


def test_bare_investment_belongs_to_the_projects_just_counted():
    assert subjects("上个月,园区集中开工12个重点项目,总投资96.5亿元。") == [
        "园区集中开工重点项目数",
        "园区集中开工重点项目总投资",
    ]


def test_clause_without_an_actor_borrows_the_sentence_topic():
    assert subjects("高新区在2012年成立了孵化器,如今已集聚600多家科技企业。") == ["高新区集聚科技企业数"]


def test_noun_after_a_money_figure_with_the_actor_before_the_verb():
    assert subjects("示范项目投产一年就贡献了25亿元产值。") == ["示范项目产值"]


def test_enumerated_members_are_left_out_of_a_count():
    assert subjects("园区初步形成了智能制造、生物医药、新材料三条产业链。") == ["园区形成产业链数"]


def test_plan_named_in_title_prefixes_its_figures():
    (s,) = subjects("《新区三年行动计划(2023—2025年)》明确了首批重点项目520个。")
    assert s.startswith("三年行动计划")


def test_area_figure_is_named_as_an_area():
    assert subjects("在东部片区规划了3000亩的数字产业园。") == ["东部片区数字产业园面积"]


def test_qualitative_pledge_subject_is_the_head_noun():
    text = "到2025年,打造在全国具有影响力的数字经济创新高地。"
    assert subjects(text) == ["数字经济创新高地"]


def test_traditional_characters_give_a_simplified_subject():
    assert subjects("該市今年力爭新增就業崗位3萬個。", "2024-01-20") == ["新增就业岗位数"]


def test_a_measure_in_an_earlier_clause_is_not_borrowed_as_the_actor():
    text = "到2026年,全省数字产业增加值占比提高到12%,培育10家以上龙头企业。"
    assert subjects(text, "2024-04-01") == ["数字产业增加值占比", "培育龙头企业数"]


def test_bare_attribute_after_a_money_figure_does_not_borrow_it():
    text = "项目达产后可实现年产值300亿元、税收15亿元。"
    assert subjects(text, "2024-03-01")[1] == "税收"


def test_pronoun_actor_is_dropped():
    assert subjects("过去一年,我们新建农村公路1.2万公里。", "2024-01-25") == ["新建农村公路里程"]


def test_fenbie_gives_each_member_of_a_pair_its_own_subject():
    text = "2022年,城乡居民人均可支配收入分别增长6.1%和7.8%。"
    assert subjects(text, "2023-01-15") == ["城镇居民人均可支配收入增长率", "农村居民人均可支配收入增长率"]


def test_figure_without_words_of_its_own_borrows_the_leading_noun_phrase():
    text = "过去五年,全市经济总量连续迈上新台阶,2022年达到1.2万亿元,年均增长6.5%。"
    # 经济总量 is GDP (indicators.toml), and an average over the five years is a rate of its own.
    assert subjects(text, "2023-01-15") == ["地区生产总值", "地区生产总值年均增长率"]


def test_the_preposition_before_a_deadline_leaves_with_it():
    assert subjects("力争到2027年底,全省光伏装机容量达到800万千瓦。", "2024-02-01") == ["光伏装机容量"]
    assert subjects("争取至2026年,市级公园数达到120个。", "2024-02-01") == ["市级公园数"]


def test_neng_that_ends_a_noun_stays_and_neng_that_means_can_goes():
    # 产能 (capacity) and 储能 (storage) are what is measured; in 产量能达到 the 能 is "can", a link like 达到.
    assert subjects("到2025年,全省粮食产能稳定在1100亿斤以上。") == ["粮食产能"]
    assert subjects("到2027年,全市新型储能装机规模达到300万千瓦,新型储能超过500万千瓦。")[1] == "新型储能"
    assert subjects("到2025年,全市蔬菜产量能达到1200万吨。") == ["蔬菜产量"]


def test_from_a_to_b_with_dated_figures_names_both_after_the_indicator():
    # 提高到2025年的14万元: the verb of the level reached is no subject; both figures measure the same thing.
    text = "过去五年,全省人均地区生产总值从2020年的10.5万元提高到2025年的14万元左右。"
    assert subjects(text, "2026-01-20") == ["人均地区生产总值", "人均地区生产总值"]
    text = "城镇调查失业率从2020年的6%下降到2025年的5%。"
    assert subjects(text, "2026-01-20") == ["城镇调查失业率", "城镇调查失业率"]


def test_investment_completed_is_an_indicator_and_keeps_its_verb():
    assert subjects("今年前三季度,全市186个重点项目完成投资742.5亿元。") == ["重点项目数", "重点项目完成投资"]
    # Elsewhere 完成 and 实现 only join the actor to the figure.
    assert subjects("2025年,园区企业实现营业收入310亿元。") == ["园区企业营业收入"]


def test_money_handed_out_is_named_as_the_amount_of_what_was_handed_out():
    assert subjects("2025年,全省统筹安排市县补助资金312亿元。", "2026-01-20") == ["市县补助资金安排额"]
    assert subjects("全年累计发放文旅消费券4.6亿元。", "2026-01-20") == ["文旅消费券发放额"]
    assert subjects("下达2026年中央车辆购置税资金18亿元。", "2026-01-20") == ["中央车辆购置税资金下达额"]
    # A clause after the verb is not a thing handed out; an amount already named keeps its name.
    assert subjects("安排资金支持项目建设500亿元。", "2026-01-20") == ["资金支持项目建设"]
    assert subjects("新增贷款额1.2万亿元。", "2026-01-20") == ["新增贷款额"]


def test_society_wide_stays_in_an_official_indicator_name_and_a_share_reads_as_one():
    assert subjects("2027年全社会用电量达到1500亿千瓦时。", "2026-01-20")[0] == "全社会用电量"
    text = "到2028年,全社会研发经费支出相当于全市生产总值的比例达到3.8%左右。"
    assert subjects(text, "2026-01-20") == ["全社会研发经费支出占地区生产总值比例"]


def test_a_subject_has_its_quote_marks_in_pairs_and_no_abbreviation_in_brackets():
    assert subjects("全年“东数西算”工程投资超过80亿元。", "2026-01-20") == ["“东数西算”工程投资"]
    text = "重点抓好以下工作:力争全年引进“链主”企业项目30个,其中“链主”配套项目中的“专精特新”企业项目12个。"
    assert all(s.count("“") == s.count("”") for s in subjects(text, "2026-01-20"))
    assert subjects("全年研究与试验发展(R&D)经费投入增长8%。", "2026-01-20") == ["研发经费投入增长率"]


def test_milestones_counted_after_the_figures_name_nothing_and_a_bare_cumulative_borrows_its_subject():
    text = "五年来,全市经济总量连续跨越2万亿、3万亿两个台阶。"
    assert set(subjects(text, "2026-01-20")) == {"地区生产总值"}
    text = "全年新建城市绿道86公里、累计达到1320公里。"
    assert subjects(text, "2026-01-20") == ["新建城市绿道里程", "新建城市绿道里程"]


def test_incomes_growing_in_step_with_the_economy_has_one_name_however_it_is_worded():
    for wording in ("居民人均可支配收入增长和经济增长基本同步", "居民收入增长与经济增长保持基本同步"):
        text = f"今年主要预期目标是:地区生产总值增长5%左右;{wording}。"
        assert subjects(text, "2026-01-20") == ["地区生产总值增长率", "居民收入增长与经济增长同步"]
    # Urban incomes alone are another indicator: not renamed.
    text = "今年主要预期目标是:地区生产总值增长5%左右;城镇居民人均可支配收入增长和经济增长同步。"
    assert "居民收入增长与经济增长同步" not in subjects(text, "2026-01-20")


def test_the_place_a_subject_starts_with_goes_where_the_words_say_it_is_only_the_place():
    assert subjects("2025年,济南市集成电路产业链群规模达到486亿元。", "2026-01-20") == ["集成电路产业链群规模"]
    assert subjects("2025年,泸州经济总量突破3000亿元。", "2026-01-20") == ["地区生产总值"]
    # A bare name before anything else may be part of a proper name.
    text = "2025年,北京证券交易所上市公司达到300家,杭州萧山国际机场旅客吞吐量超过4800万人次。"
    assert subjects(text, "2026-01-20") == ["北京证券交易所上市公司数", "杭州萧山国际机场旅客吞吐量人次"]
