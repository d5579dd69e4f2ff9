"""Commitment or fact: ordered rules on time first, then wording.

The time a figure is about decides most cases: a figure about a year that has ended is a fact whatever the verb
(财政赤字率控制在2.8% in a review of last year), and one about a later deadline is a target. When the text names no
time, the wording decides: plan words (力争, 预计, 计划, 目标 …) make a target, past markers (了, 已, 累计, 同比 …) a
fact, and words that only sound like targets (达到, 突破, 以上) count only inside a list of targets.
"""

from __future__ import annotations

import re

from trackers.extract.dates import Published, When

# Words that announce a plan or a pledge. 规划 is left out: 规划了5200亩 is a zoning fact as often as a plan.
# 目标的 / 计划的 report a share of a target already reached (完成全年目标的82%, 占年度计划的87%), not a new one.
STRONG_CUE = re.compile(
    r"力争|争取|确保|预计|预期|计划(?!(?:任务)?的)|目标(?!(?:任务)?的)|(?<!即)将(?!近|军|领|其|之)|拟|努力|谋划|力求|有望|届时|打造|部署|"
    # A ceiling or a floor is a norm, rarely a report: 控制在5.5%以内, 不低于90%.
    r"以内|控制在|不超过|不高于|不低于|不少于"
)
# Past and present-perfect markers. 了 is not a marker in 为了, 除了, 了解.
PAST_MARKER = re.compile(
    r"(?<![为除])了(?![解望])|已经|已|累计|同比|比上年|较上年|比去年|较去年|上年同期|历史新高|创新高(?!地)|先后|相继"
)
# A list of targets starts with a line or clause like 主要预期目标是: / 主要目标 / 发展目标如下.
TARGET_LIST_START = re.compile(r"(?:目标|指标)(?:任务)?(?:是|为|如下)?\s*:|目标是|目标为")
TARGET_HEADING = re.compile(r"目标|指标")
# A paragraph that names a year and one of these words frames what follows (明年的“路线图”, 今年的重点工作).
PLANNING_WORD = re.compile(r"目标|任务|计划|路线图|部署|重点工作|怎样干|怎么干|安排|规划")


def is_past(when: When | None, pub: Published) -> bool:
    return when is not None and when.end is not None and when.end < pub.start


def classify(
    when: When | None,
    pub: Published,
    *,
    strong: bool,
    weak: bool,
    past_marker: bool,
    target_list: bool,
) -> str:
    """'commitment' or 'fact' for one figure."""
    if when is not None:
        if when.kind in ("present", "asof"):
            return "fact"
        if is_past(when, pub):
            return "fact"
        if when.kind == "future":
            return "commitment" if not past_marker else "fact"
        # The time covers the publication date or lies after it.
        if target_list or strong:
            return "commitment"
        if past_marker:
            return "fact"
        if when.kind in ("deadline", "range") or (when.end is not None and when.end.year > pub.year):
            return "commitment"
        # The current year: a plain statement (新区有企业300家) is a fact, a floor or a ceiling a target.
        return "commitment" if weak else "fact"
    if target_list and not past_marker:
        return "commitment"
    if strong and not past_marker:
        return "commitment"
    return "fact"
