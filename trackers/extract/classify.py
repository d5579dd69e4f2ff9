"""Commitment or fact: from the time a figure is about, the frame it sits in, and its wording, in that order.

The time decides most cases: a figure about a period that has ended is a fact whatever the verb (财政赤字率控制在
2.8% in a review of last year), one about a later deadline a target. A figure whose sentence names no time takes its
frame's (frames.py): under a review it reports a result (达到, 突破 and even 争取 say what was done), under a plan it
sets a target (疏解提质一般制造业企业80家 in the 2026 tasks). Only where neither says, the wording does: plan words
(力争, 预计, 计划, 目标 …) make a target, past markers (了, 已, 累计, 同比 …) a fact.
"""

from __future__ import annotations

import re

from trackers.extract.dates import Published, When
from trackers.extract.frames import Frame, Mood

# Words that announce a plan or a pledge. 规划 is left out: 规划了5200亩 is a zoning fact as often as a plan.
# 目标的 / 计划的 report a share of a target already reached (完成全年目标的82%, 占年度计划的87%), not a new one.
STRONG_CUE = re.compile(
    r"力争|争取|确保|预计|预期|计划(?!(?:任务)?的)|目标(?!(?:任务)?的)|(?<!即)将(?!近|军|领|其|之)|拟|努力|谋划|力求|有望|届时|打造|部署|"
    # A ceiling or a floor is a norm, rarely a report: 控制在5.5%以内, 不低于90%.
    r"以内|控制在|不超过|不高于|不低于|不少于"
)
# Tasks: with a time of this year or later they are plans (扎实推进2025年320个重点项目建设), otherwise narration.
TASK_CUE = re.compile(r"推进|实施(?!方案)|开工|新建|培育")
# Past and present-perfect markers. 了 is not a marker in 为了, 除了, 了解.
PAST_MARKER = re.compile(
    r"(?<![为除])了(?![解望])|已经|已|累计|同比|比上年|较上年|比去年|较去年|上年同期|历史新高|创新高(?!地)|先后|相继"
)
# Figures that exist now, whatever frame they sit in: 目前已建成…, 现有企业600家.
PRESENT_MARKER = re.compile(
    r"已经|已(?!于)|目前|现有|如今|至今|截至目前|当前|拥有|共有|(?<![没具所拥共现])有(?![效序力关望机所助利])"
)
# A preliminary figure in a review: 预计全年增长5.2%左右.
PRELIMINARY = re.compile(r"预计|初步核算|预估|估计")


def is_past(when: When | None, pub: Published) -> bool:
    return when is not None and when.end is not None and when.end < pub.start


class Cues:
    """The words around one figure that the rules may look at, each read only when a rule asks (most figures are
    decided by their time or their frame alone)."""

    __slots__ = ("_end", "_left_start", "_plan", "_right_end", "_sentence_start", "_start", "_view", "weak")

    def __init__(
        self,
        view: str,
        *,
        sentence_start: int,
        left_start: int,
        cmp_start: int,
        end: int,
        right_end: int,
        weak: bool,
        plan: bool,
    ):
        self._view, self._sentence_start, self._left_start = view, sentence_start, left_start
        self._start, self._end, self._right_end = cmp_start, end, right_end
        self.weak, self._plan = weak, plan  # weak: a floor or a ceiling (以上, 以内); plan: a plan named before it

    def strong(self) -> bool:
        v = self._view
        return bool(
            self._plan
            or STRONG_CUE.search(v, self._sentence_start, self._start)
            or STRONG_CUE.search(v, self._start, self._end)
        )

    def past(self) -> bool:
        v = self._view
        return bool(
            PAST_MARKER.search(v, self._left_start, self._start) or PAST_MARKER.match(v, self._end, self._right_end)
        )

    def present(self) -> bool:
        return bool(PRESENT_MARKER.search(self._view, self._left_start, self._start))

    def task(self) -> bool:
        return bool(TASK_CUE.search(self._view, self._left_start, self._start))


def classify(when: When | None, frame: Frame | None, pub: Published, cues: Cues, *, target_list: bool) -> str:
    """'commitment' or 'fact' for one figure; `when` is the time its own sentence names (None if none)."""
    if when is not None:
        if when.kind in ("present", "asof"):
            return "fact"
        if is_past(when, pub):
            return "fact"
        if when.kind == "future":
            return "commitment" if not cues.past() else "fact"
        # The time covers the publication date or lies after it.
        if target_list or cues.strong():
            return "commitment"
        if frame is not None and frame.mood is Mood.PLAN and not cues.present():
            return "commitment"
        if cues.past():
            return "fact"
        if when.kind in ("deadline", "range") or (when.end is not None and when.end.year > pub.year):
            return "commitment"
        # The current year: a plain statement (新区有企业300家) is a fact, a floor, a ceiling or a task a target.
        return "commitment" if cues.weak or cues.task() else "fact"
    if target_list and not cues.past():
        return "commitment"
    if frame is not None and frame.mood is Mood.REVIEW:
        return "fact"
    if frame is not None and frame.mood is Mood.PLAN:
        return "fact" if cues.present() else "commitment"
    if cues.strong() and not cues.past():
        return "commitment"
    return "fact"
