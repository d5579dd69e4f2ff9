"""Figures: numbers with Chinese magnitudes and units."""

from trackers.extract.numbers import find_figures, read_chinese_numeral
from trackers.extract.text import fold


def figures(text: str):
    return find_figures(fold(text))


def test_wanyi_yuan_is_normalized_to_yuan():
    (fig,) = figures("总投资超过3.6万亿元")
    assert (fig.value, fig.unit, fig.value_normalized, fig.unit_normalized) == (3.6, "万亿元", 3_600_000_000_000, "CNY")


def test_yi_yuan_keeps_the_written_value_and_unit():
    (fig,) = figures("规模突破500亿元")
    assert (fig.value, fig.unit, fig.value_normalized) == (500, "亿元", 50_000_000_000)


def test_wan_ren_counts_people():
    (fig,) = figures("城镇新增就业110万人以上")
    assert (fig.value_normalized, fig.unit_normalized, fig.comparator) == (1_100_000, "person", ">=")


def test_counters_count_things():
    assert [f.unit_normalized for f in figures("新建学校12所,开通公交线路8条,引进企业30家")] == ["count"] * 3


def test_percent_and_percentage_points_are_different_units():
    pct, pp = figures("增长6.5%,高于全省1.2个百分点")
    assert (pct.unit_normalized, pct.value) == ("percent", 6.5)
    assert (pp.unit_normalized, pp.value, pp.unit) == ("pp", 1.2, "个百分点")


def test_physical_units_normalize_to_their_own_names():
    units = [f.unit_normalized for f in figures("修建道路35公里,治理农田2000亩,绿地12万平方米,产粮80万吨,装机50万千瓦")]
    assert units == ["km", "mu", "m2", "ton", "kW"]


def test_qianwa_is_a_unit_not_a_thousand():
    (fig,) = figures("新增装机300千瓦")
    assert (fig.value, fig.unit, fig.unit_normalized) == (300, "千瓦", "kW")


def test_full_width_digits_are_read():
    (fig,) = figures("完成投资１２３．５亿元")
    assert fig.value == 123.5


def test_chinese_numeral_with_counter_is_a_figure():
    (fig,) = figures("实施城市更新项目一千三百零一个")
    assert fig.value == 1301


def test_chinese_numeral_year_is_read_digit_by_digit():
    assert read_chinese_numeral("二〇二五") == 2025


def test_duo_and_yu_mark_more_than():
    (fig,) = figures("集聚企业650多家")
    assert (fig.value, fig.comparator) == (650, ">")


def test_range_keeps_both_ends():
    (fig,) = figures("计划投资50—60亿元")
    assert (fig.value, fig.value_max, fig.unit, fig.value_normalized) == (50, 60, "亿元", 5_000_000_000)


def test_range_with_magnitude_on_both_ends():
    (fig,) = figures("投资50亿~60亿元")
    assert (fig.value, fig.value_max) == (50, 60)


def test_thousands_separator_is_part_of_the_number():
    (fig,) = figures("新增就业12,500人")
    assert fig.value == 12500


def test_years_dates_and_ordinals_are_not_figures():
    assert figures("2023年3月5日,第一批项目在第3季度开工,“6+4+2”产业体系") == []


def test_indefinite_yi_ge_is_not_a_figure():
    assert figures("这是一个重要的节点,推出一批政策") == []


def test_enumerated_abstractions_are_not_figures():
    assert figures("聚焦两个主攻方向,抓好十个方面工作") == []


def test_slogan_in_quotes_is_not_a_figure():
    assert figures("坚持“三个优先”建设路径") == []


def test_size_class_before_a_noun_is_not_a_figure():
    assert figures("引进10亿元以上关键配套项目和百亿级企业") == []


def test_durations_are_not_counts():
    assert figures("用3个月时间完成整改") == []


def test_comparator_words_before_and_after():
    got = [f.comparator for f in figures("不低于90%,控制在5.5%以内,约260亿元,3%左右,超过400亿元,不超过20个")]
    assert got == [">=", "<=", "~", "~", ">", "<="]
