"""What a subject measures, for comparing a reported figure's subject with a commitment's: places, metric words
(规模, 收入, 增加值 …) and modifiers (累计, 全年 …) taken out, the names of one indicator folded into one."""

from __future__ import annotations

import re

from trackers.extract import indicators, places
from trackers.extract.text import dice

# Words that qualify a figure without changing what it measures.
_MODIFIERS = re.compile(
    r"[（(][^）)]*[）)]|累计|全年|年末|年底|年初|平均|年均|同比|首次|实现|达到|预计|初步|主要|相关|全部|总体|整体|的|"
    r"全社会"
)
# Metric words at the end of a subject: 集成电路产业链群规模 and 集成电路相关企业收入 measure the same industry.
_METRIC_SUFFIX = re.compile(
    r"(?:规模|总量|总额|收入|营业收入|营收|增加值|增长率|增长|增速|增幅|涨幅|上涨|上升|下降|降低|减少|"
    r"数量|总数|人数|个数|数|水平|指标|目标|情况)+$"
)
_REPEAT = re.compile(r"(..+?)\1+")
# Subjects that differ in a narrowing word (rural income, residents' income) are scored down this much.
_QUALIFIER_FACTOR = 0.6


def normalise_subject(subject: str) -> str:
    """The part of a subject that names what is measured: no places, no metric words, synonyms folded."""
    text = "".join((subject or "").split())
    text = _MODIFIERS.sub("", text)
    for word in places.place_words():
        text = text.replace(word, "")
    # The names of one indicator (地方一般公共预算收入, 财政收入; 国有建设用地, 建设用地) are one name here: the table
    # is data, in trackers/extract/indicators.toml.
    text = indicators.family_key(indicators.canonical(text))
    previous = None
    while previous != text:
        previous, text = text, _METRIC_SUFFIX.sub("", text)
    text = _REPEAT.sub(r"\1", text)  # 产业产业 → 产业
    return text


def subject_similarity(a: str, b: str) -> float:
    """Dice over the normalised subjects; one wholly inside the other (新增就业 in 城镇新增就业) counts nearly as much
    as the share of the longer it covers. The raw subjects' Dice is a floor, for subjects normalising to nothing."""
    x, y = normalise_subject(a), normalise_subject(b)
    score = dice(x, y)
    short, long_ = sorted((x, y), key=len)
    if len(short) >= 3 and short in long_:
        score = max(score, 0.5 + 0.5 * len(short) / len(long_))
    if not x or not y:
        score = max(score, 0.8 * dice("".join(a.split()), "".join(b.split())))
    if indicators.qualifiers_in(x) != indicators.qualifiers_in(y):
        score *= _QUALIFIER_FACTOR
    return score
