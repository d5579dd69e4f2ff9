"""Input extraction must survive: empty, binary, HTML, very large, very long sentences, traditional characters."""

import time

import pytest

from trackers.extract import ExtractionError, extract

# Generous bounds that only catch hangs and quadratic blow-ups, never a slow machine.
HANG_SECONDS = 60


def test_empty_text_gives_an_empty_result():
    result = extract("", "2023-03-05")
    assert (result.commitments, result.facts) == ([], [])


def test_whitespace_only_gives_an_empty_result():
    assert extract(" \n\u3000\n", "2023-03-05").to_schema_dict()["commitments"] == []


def test_utf8_bytes_are_decoded():
    result = extract("到2025年,全市产值突破500亿元。".encode(), "2023-03-05")
    assert result.commitments[0].value == 500


def test_undecodable_bytes_are_an_extraction_error():
    with pytest.raises(ExtractionError, match="UTF-8"):
        extract(b"\xff\xfe\x00\x81binary\x00", "2023-03-05")


def test_binary_looking_text_is_an_extraction_error():
    with pytest.raises(ExtractionError, match="binary"):
        extract("\x00\x01\x02\x03" * 100, "2023-03-05")


def test_non_text_input_is_an_extraction_error():
    with pytest.raises(ExtractionError):
        extract(12345, "2023-03-05")  # type: ignore[arg-type]


def test_bad_publication_date_is_an_extraction_error():
    with pytest.raises(ExtractionError):
        extract("到2025年,全市产值突破500亿元。", "next tuesday")


def test_html_is_stripped_and_quotes_come_from_the_stripped_text():
    page = (
        "<html><head><title>新闻</title><script>var x = 500;</script></head><body>"
        "<p>到2025年,全市软件产业规模突破800亿元。</p><p>2022年实现收入120亿元。</p></body></html>"
    )
    result = extract(page, "2023-03-05")
    assert "<" not in result.text
    assert [c.value for c in result.commitments] == [800]
    assert [f.value for f in result.facts] == [120]
    for item in result.commitments + result.facts:
        assert item.quote in result.text


def test_html_entities_are_decoded():
    result = extract("<p>到2025年&#xff0c;全市产值突破500亿元</p>", "2023-03-05")
    assert result.commitments[0].quote in result.text


def test_traditional_characters_are_read_and_quoted_as_written():
    text = "到2025年,全市積體電路產業規模突破500億元,城鎮新增就業3萬人以上。"
    result = extract(text, "2023-03-05")
    assert [c.value_normalized for c in result.commitments] == [50_000_000_000, 30_000]
    assert result.commitments[0].quote in text


def test_quotes_are_exact_substrings_of_the_input():
    text = "今年,全市GDP增长６％左右；到２０２５年，新能源汽车产量达到５０万辆。"
    result = extract(text, "2023-03-05")
    assert result.commitments
    for c in result.commitments:
        assert c.quote in text


def test_hundred_thousand_character_sentence_without_punctuation_finishes():
    sentence = ("全市集成电路产业规模突破500亿元并且新增就业3万人" * 4000)[:100_000]
    start = time.perf_counter()
    result = extract(sentence, "2023-03-05")
    assert time.perf_counter() - start < HANG_SECONDS
    assert result.commitments or result.facts
    assert all(len(c.quote) <= 200 for c in result.commitments + result.facts)


def test_long_run_of_characters_without_figures_finishes():
    start = time.perf_counter()
    assert extract("发展" * 50_000, "2023-03-05").facts == []
    assert time.perf_counter() - start < HANG_SECONDS


def test_open_bracket_never_closed_does_not_swallow_the_text():
    text = "(说明" + "内容," * 200 + "全市新增就业3万人。"
    assert extract(text, "2023-03-05").facts


@pytest.mark.slow
def test_ten_megabytes_of_text_finish_in_linear_time():
    # About the density of real coverage: one sentence in three or four carries figures.
    # Each paragraph's target has its own value: a statement repeated word for word is one item.
    paragraph = (
        "2022年,全市地区生产总值达到1.2万亿元,同比增长5.2%。会议强调,要以更大力度优化营商环境,"
        "激发各类市场主体活力,推动各项决策部署落地见效。到2025年,软件产业规模突破{n}亿元。"
        "记者在现场看到,施工机械往来穿梭,建设者们正加紧推进各项工程,确保项目早日建成投用。"
        "负责人介绍,下一步将完善政策支持体系,强化要素保障,持续做好服务企业工作。\n"
    )
    size = len(paragraph.encode())
    text = "".join(paragraph.format(n=800 + i) for i in range(10_000_000 // size + 1))
    assert len(text.encode()) >= 10_000_000
    start = time.perf_counter()
    result = extract(text, "2023-03-05")
    assert time.perf_counter() - start < HANG_SECONDS
    assert len(result.commitments) == text.count("到2025年")
