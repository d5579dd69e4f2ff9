"""Time expressions resolved against the publication date."""

from datetime import date, datetime

import pytest

from trackers.extract import ExtractionError, parse_admin_date, parse_published
from trackers.extract.dates import find_times, resolve
from trackers.extract.text import fold

PUB = parse_published("2023-03-05")


def when(text: str, pub=PUB, context_year: int | None = None):
    (tm,) = [t for t in find_times(fold(text))]
    return resolve(tm, context_year or pub.year, pub)


def test_daoniannian_deadline_is_the_last_day_of_that_year():
    w = when("到2025年")
    assert (w.kind, w.end) == ("deadline", date(2025, 12, 31))


def test_year_end_deadline():
    assert when("到2025年底").end == date(2025, 12, 31)


def test_year_span_is_a_period_with_a_start():
    w = when("2023—2025年")
    assert (w.kind, w.begin, w.end) == ("range", date(2023, 1, 1), date(2025, 12, 31))


def test_jinnian_is_the_publication_year_as_a_whole():
    w = when("今年")
    assert (w.begin, w.end, w.whole_year) == (date(2023, 1, 1), date(2023, 12, 31), True)


def test_mingnian_is_the_year_after_publication():
    assert when("明年").end == date(2024, 12, 31)


def test_shang_ge_yue_is_the_month_before_publication():
    assert when("上个月").end == date(2023, 2, 28)


def test_shang_ge_yue_reads_a_month_only_publication_date():
    assert when("上个月", pub=parse_published("2023-01")).end == date(2022, 12, 31)


def test_first_half_ends_on_30_june():
    assert when("上半年").end == date(2023, 6, 30)


def test_first_quarter_ends_on_31_march():
    assert when("一季度").end == date(2023, 3, 31)


def test_first_three_quarters_end_on_30_september():
    assert when("前三季度").end == date(2023, 9, 30)


def test_fourteenth_five_year_plan_ends_in_2025():
    w = when("“十四五”期间")
    assert (w.begin, w.end) == (date(2021, 1, 1), date(2025, 12, 31))


def test_nian_nei_is_the_end_of_the_year_in_context():
    assert when("年内", context_year=2024).end == date(2024, 12, 31)


def test_year_written_in_chinese_numerals():
    assert when("二〇二五年").end == date(2025, 12, 31)


def test_bare_month_day_takes_the_year_in_context():
    assert when("3月3日").end == date(2023, 3, 3)


def test_base_year_of_a_comparison_is_marked():
    (tm,) = find_times(fold("较2020年增长101%"))
    assert tm.role == "base"


def test_jiezhi_makes_an_as_of_date():
    w = when("截至去年底")
    assert (w.kind, w.end) == ("asof", date(2022, 12, 31))


def test_san_nian_lai_is_the_present():
    assert when("三年来").kind == "present"


def test_guoqu_yi_nian_is_last_year():
    assert when("过去一年").end == date(2022, 12, 31)


def test_year_followed_by_zhongguo_is_not_mid_year():
    (tm,) = find_times(fold("2022年中国经济"))
    assert resolve(tm, 2022, PUB).end == date(2022, 12, 31)


def test_publication_date_may_be_only_a_year():
    pub = parse_published("2022")
    assert (pub.start, pub.end, str(pub)) == (date(2022, 1, 1), date(2022, 12, 31), "2022")


def test_publication_date_accepts_a_date_object():
    assert str(parse_published(date(2023, 3, 5))) == "2023-03-05"


@pytest.mark.parametrize("bad", ["2023-13-01", "yesterday", "", "2023/03/05", "2023-02-30"])
def test_bad_publication_date_is_an_extraction_error(bad):
    with pytest.raises(ExtractionError):
        parse_published(bad)


def test_admin_date_uses_the_project_grammar_for_chinese():
    assert parse_admin_date("明年6月底", datetime(2023, 3, 5)) == date(2024, 6, 30)


def test_admin_date_uses_dateparser_for_iso_dates():
    assert parse_admin_date("2025-12-31", datetime(2023, 3, 5)) == date(2025, 12, 31)


def test_admin_date_uses_dateparser_for_english_relative_dates():
    assert parse_admin_date("in 3 months", datetime(2023, 3, 5)) == date(2023, 6, 5)


def test_chinese_relative_periods_an_admin_types_are_read():
    now = datetime(2024, 3, 1)
    assert parse_admin_date("三个月后", now) == date(2024, 6, 1)
    assert parse_admin_date("18个月以后", now) == date(2025, 9, 1)
    assert parse_admin_date("两年后", now) == date(2026, 3, 1)
