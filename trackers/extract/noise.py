"""Figures that are not items of their own (LABELLING.md, "What is a fact" and "Not labelled").

A number with a unit is not always something to track. These rules say which are not, each from the words right
around the figure:

- a name in quotes: 稳增长“21条”, “千项万亿” — the title of a policy, not a count;
- what a document or a meeting consists of: 8个方面的主要目标, 29项主要指标, 13项任务举措, 863名代表;
- a figure that describes the subject of another statement: 纳入国家102项重大工程的285个项目, 惠及3400万人的工程启动
  建设 — the statement is about the project, the figure only says which one;
- a gap to another entity or to a schedule: 高于全国0.4个百分点, 超时序进度1.4个百分点, 跌幅比首10月扩大1.3个百分点;
- a target named after the fact: 超额完成国家下达的110万人年度任务 — the 110万 is the old target, not a result;
- someone else's forecast (业内人士预计…, …已成定局): neither a government's target nor a result.
"""

from __future__ import annotations

import re

from trackers.extract.numbers import COUNTERS, Quantity

_OPEN_QUOTES = '“"‘「『'
_NAME_MAX = 6  # a quoted name around a figure is short: “千项万亿”, “3个100”
_OPENED_BEFORE = re.compile(r"[“‘「『\"][^“”‘’「」『』\",;:。]{0,6}$")
_CLOSED_AFTER = re.compile(r"[^“”‘’「」『』\",;:。]{0,6}[”’」』\"]")
_CLOSE_QUOTES = '”"’」』'
# What a document or a meeting is made of, counted: 十个方面的工作, 6个维度, 17项工作重点, 863名代表.
_DOCUMENT_PARTS = re.compile(
    r"(?:个|项|大)?(?:方面|维度|主要指标|项指标|任务举措|重点任务|工作重点|重点工作|方面工作|部分|章|名代表|位代表|"
    r"代表|委员|条意见|条建议|件议案)"
)
_DOCUMENT_NOUN = re.compile(r"[^,;:。]{0,8}?(?:方面|维度|主要指标|任务举措|工作重点|重点工作)")
# A gap: 高于全国…, 比首10月扩大…, 超时序进度…, 快于…, 领先….
_GAP = re.compile(
    r"高于|低于|快于|慢于|领先|落后|超出|超过全|超时序|比[^,;:。]{0,10}(?:扩大|缩小|提高|下降|多|少|高|低)"
)
# After the figure: (的)(年度)任务 / 目标任务 / 的目标 — a target that is being reported as met.
_TARGET_AFTER = re.compile(r"(?:的)?(?:全年|年度)?(?:目标)?任务|(?:的)?(?:年度|全年)?目标(?!的)")
_DONE_BEFORE = re.compile(r"完成|超额完成|实现|达到|突破")
# A verb that makes the noun after 的 the subject of its own statement: …的引大济岷工程启动建设.
_PREDICATE = re.compile(
    r"启动|开工|建成|投用|投运|投产|竣工|落地|获批|开通|通车|实施|推进|完成|实现|签约|落户|入选|成功|全部|加快|开展|"
    r"建设|运行|上线|发布|揭牌|挂牌"
)


# Between a figure and the next one: only a noun and 的 (重大工程的), no verb, time or number.
_NOUN_THEN_DE = re.compile(r"[^\d,;:、。到至为从提增降达]{0,12}的")


def in_quotes(view: str, fig: Quantity) -> bool:
    """稳增长“21条”, “3个100”, “八站两场”: a figure inside a short quoted name is part of the name."""
    if not _OPENED_BEFORE.search(view, max(0, fig.cmp_start - _NAME_MAX), fig.cmp_start):
        return False
    return bool(_CLOSED_AFTER.match(view, fig.end))


def describes_document(view: str, fig: Quantity, clause_end: int) -> bool:
    """8个方面的主要目标, 重点做好以下10个方面工作, 设置了29项主要指标, 具体部署了13项任务举措."""
    if fig.unit_normalized not in ("count", "person"):
        return False
    end = min(clause_end, fig.end + 10)
    if _DOCUMENT_PARTS.match(view, fig.end, end) or (
        fig.unit_normalized == "count" and _DOCUMENT_NOUN.match(view, fig.end, end)
    ):
        return True
    # The counter itself may be the part: 十方面 (no counter) is not a figure at all; 10个方面 is caught above.
    return False


def is_gap(view: str, fig: Quantity, left_start: int) -> bool:
    """A difference in percentage points against another entity or a schedule (not the figure's own level)."""
    if fig.unit_normalized != "pp":
        return False
    return bool(_GAP.search(view, left_start, fig.cmp_start))


def target_named_after_the_fact(view: str, fig: Quantity, left_start: int, clause_end: int) -> bool:
    """超额完成国家下达的110万人年度任务: the figure is the target that was met, not a new result or target."""
    if not _TARGET_AFTER.match(view, fig.end, min(clause_end, fig.end + 8)):
        return False
    return bool(_DONE_BEFORE.search(view, left_start, fig.cmp_start))


def describes_another_subject(view: str, fig: Quantity, clause_end: int, next_figure: Quantity | None) -> bool:
    """纳入国家102项重大工程的285个计划新开工项目, 惠及3400万人的引大济岷工程启动建设.

    A figure followed by 的 and a noun that is itself counted, or that is the subject of its own predicate, only
    says which thing is meant. A share (89.4%的公园) and a size (规划了5200亩的产业园) stay figures.
    """
    if fig.unit_normalized in ("percent", "pp"):
        return False
    if (
        next_figure is not None
        and next_figure.start < clause_end
        and _NOUN_THEN_DE.fullmatch(view, fig.end, next_figure.cmp_start)
    ):
        return True  # 102项重大工程的285个项目
    if view[fig.end : fig.end + 1] != "的":
        return False
    rest = view[fig.end + 1 : clause_end]
    m = _PREDICATE.search(rest)
    return m is not None and 2 <= m.start() <= 14 and fig.unit not in COUNTERS.split()


def not_an_item(view: str, fig: Quantity, left_start: int, clause_end: int, next_figure: Quantity | None) -> bool:
    """Any of the rules above."""
    return (
        in_quotes(view, fig)
        or describes_document(view, fig, clause_end)
        or is_gap(view, fig, left_start)
        or target_named_after_the_fact(view, fig, left_start, clause_end)
        or describes_another_subject(view, fig, clause_end, next_figure)
    )


# A forecast by the press or the market, not a pledge: 记者预计…, 业内人士预测…, …已成定局.
_FORECAST = re.compile(
    r"(?:记者|笔者|业内人士|业内|分析人士|分析师|专家|机构|市场人士|业界|券商|研究院|智库)(?:普遍)?(?:预计|预测|估计|预期|认为)"
    r"|已成定局|板上钉钉|毫无悬念|不出意外"
)


def is_forecast(view: str, start: int, end: int) -> bool:
    """The sentence view[start:end] reports someone's forecast: its figures are no one's target or result."""
    return _FORECAST.search(view, start, end) is not None
