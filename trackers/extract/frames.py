"""Time frames: the period and the mood a reader carries from a heading or a lead phrase to the figures below it.

A government work report reviews one year (一、2025年工作回顾), looks back on a five-year plan (“十四五”时期…), sets
five-year goals (二、“十五五”时期的主要目标任务) and this year's targets (三、2026年重点工作). A figure under such
a heading belongs to its period even when its own sentence names no time, and the heading's mood says what the
figure is: a result (a fact) under a review, a target (a commitment) under a plan. A reader keeps that frame:

- a numbered heading (一、 / (一) / 1.) holds until the next heading of the same or a higher rank;
- a paragraph that opens with a period (过去一年, / 五年来, / 2026年是… / “十五五”时期…) or announces the targets
  of one (今年…主要预期目标是: / 明确了今后五年的发展目标:) frames the paragraphs after it, until a heading of the
  rank it was written under;
- a time inside a sentence is the sentence's own (see engine.py): it never re-dates the paragraphs that follow.

Pure functions on the folded view of the text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from trackers.extract.dates import Published, TimeMatch, When, resolve


class Mood(enum.StrEnum):
    REVIEW = "review"  # a period that has ended: its figures are results (facts)
    PLAN = "plan"  # a period to come: its figures are targets and tasks (commitments)
    NEWS = "news"  # a period named without saying which: the wording decides


@dataclass(frozen=True, slots=True)
class Frame:
    mood: Mood
    begin: date | None
    end: date | None
    title: str  # the words that set it: a heading, or the opening of a paragraph
    start: int  # where those words are in the text
    rank: float  # 0 the document's title, 1 一、, 2 (一), 3 1., 4 (1), 5 an unnumbered heading; +0.5 a paragraph's

    @property
    def years(self) -> int:
        if self.begin is None or self.end is None:
            return 0
        return self.end.year - self.begin.year + 1

    def base_date(self) -> date | None:
        """The end of the period before this one: where a figure 从A提高到B starts (A)."""
        return self.begin - timedelta(days=1) if self.begin is not None else None


# Numbered headings and their rank. The view is folded, so （一） is (一) and 1． is 1.
_NUMBERED = (
    (1.0, re.compile(r"\s*[一二三四五六七八九十]{1,3}、")),
    (2.0, re.compile(r"\s*\([一二三四五六七八九十]{1,3}\)")),
    (3.0, re.compile(r"\s*\d{1,2}[.、](?!\d)")),
    (4.0, re.compile(r"\s*(?:\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
)
UNNUMBERED = 5.0
TITLE = 0.0
HEADING_MAX = 48
_TERMINAL = re.compile(r"[。!?…]")
_OPEN_END = re.compile(r"[,、;:—\-]\s*$")
_BULLET = re.compile(r"\s*[●•·▪■◆○◇□★☆\-*]")

# Words that say a period is being planned, not reported: 2026年重点工作, 今年的主要预期目标, 明年的“路线图”.
PLAN_WORDS = re.compile(
    r"目标|任务|计划|规划|安排|部署|重点工作|工作重点|考虑|展望|路线图|怎样干|怎么干|这样干|蓝图|举措|打算"
)
# ...unless what is said of them is that they were done: 较好完成全年主要目标任务.
DONE_WORDS = re.compile(r"完成|实现|落实了|兑现|收官")
# A list of targets starts here: 主要预期目标是: / 发展目标: / 主要指标,包括: / 预期目标如下.
TARGET_LIST = re.compile(r"(?:目标|指标)(?:任务)?(?:是|为|如下|有)?\s*:|(?:目标|指标),?包括:?|目标是|目标为")
TARGET_HEADING = re.compile(r"目标|指标")
# Openings skipped before a paragraph's leading time: 各位代表!, ——, 此外,
_OPENING = re.compile(r"(?:\s|各位代表[!:,]?|——|[●•·▪■◆○\-*“\"‘]|其中,?|此外,?|同时,?|另外,?)*")
# A time that leads a paragraph may come after these words: 在过去一年里, 截至2025年底, 到2030年.
_LEAD_PREPOSITION = re.compile(r"(?:在|到|至|截至|截止|回顾|纵观)?")


def heading_rank(view: str, start: int, end: int, first_sentence_end: int) -> tuple[float, int] | None:
    """(rank, end of the heading's words) when the paragraph view[start:end] is or opens with a heading."""
    for rank, pattern in _NUMBERED:
        m = pattern.match(view, start, end)
        if m:
            # (三)千方百计扩大内需,高质量发展内生动力持续增强。大力提振消费。…: the first sentence is the heading.
            return rank, min(first_sentence_end, end)
    body = view[start:end].strip()
    if not body or len(body) > HEADING_MAX or _TERMINAL.search(body) or _OPEN_END.search(body):
        return None
    if _BULLET.match(body):
        return None
    return UNNUMBERED, end


def is_bullet(view: str, start: int) -> bool:
    return bool(_BULLET.match(view, start))


# Words that report what has happened in a period still running: 今年以来已…, 上半年实现….
_REPORTED = re.compile(r"(?<![为除])了(?![解望])|已经|已|以来|同比")


def mood_of(when: When, pub: Published, words: str) -> Mood:
    """What a period says about the figures in it: one that ended before publication is reviewed; one still
    running or to come (this year, the next five) is planned, unless the words report on it (今年以来已…: news,
    the wording of each figure decides)."""
    if when.end is not None and when.end < pub.start:
        return Mood.REVIEW
    if when.kind == "present":
        return Mood.REVIEW
    if _REPORTED.search(words):
        return Mood.NEWS
    return Mood.PLAN


def frame_from_times(
    times: list[TimeMatch], words: str, pub: Published, context_year: int, *, title: str, start: int, rank: float
) -> Frame | None:
    """The frame a heading sets: its periods, when they agree on a mood (一、2025年工作回顾和“十四五”发展成就 is a
    review of 2025); a heading that looks back and forward at once (“十四五”成就和“十五五”目标) sets none."""
    frames = []
    for tm in times:
        if tm.role == "base":
            continue
        when = resolve(tm, context_year, pub)
        if when is None or when.end is None or when.begin is None or when.begin == when.end:
            continue  # a day (2025-03-10) dates the page; 近日, 目前 frame nothing
        if when.kind in ("present", "asof", "future"):
            continue
        frames.append((when, mood_of(when, pub, words)))
    if not frames:
        return None
    moods = {m for _, m in frames}
    if Mood.REVIEW in moods and Mood.PLAN in moods:
        return None
    when, mood = frames[0]
    if mood is Mood.REVIEW and PLAN_WORDS.search(words) and not DONE_WORDS.search(words) and len(frames) > 1:
        return None
    return Frame(mood, when.begin, when.end, title, start, rank)


def lead_frame(
    view: str,
    clause_start: int,
    clause_end: int,
    times: list[TimeMatch],
    sentence: str,
    pub: Published,
    context_year: int,
    rank: float,
    resolver: Callable[[TimeMatch, int], When | None] | None = None,
) -> Frame | None:
    """A paragraph that opens with a period (过去一年, / “十四五”时期是… / 2026年是…之年) frames what follows it.

    Only a period frames: a single day (2021年4月25日,国务院批复…) dates an event, not the figures after it.
    """
    at = _OPENING.match(view, clause_start, clause_end).end()
    at = _LEAD_PREPOSITION.match(view, at, clause_end).end()
    lead = next((tm for tm in times if tm.start == at and tm.role != "base"), None)
    if lead is None:
        return None
    read = resolver or (lambda tm, year: resolve(tm, year, pub))
    when = read(lead, context_year)
    refined = next((tm for tm in times if tm.start == lead.end), None)
    if refined is not None and when is not None and when.end is not None:
        # 今年1至4月: the second time narrows the first.
        when = read(refined, when.end.year) or when
        lead = refined
    if when is None or when.end is None or when.kind == "future":
        return None
    if when.begin is None or when.begin == when.end:
        return None
    mood = mood_of(when, pub, sentence)
    return Frame(mood, when.begin, when.end, view[clause_start:clause_end].strip(), clause_start, rank)


# 今年…主要预期目标是 / 2023年“路线图” / 今后五年的发展目标 / 2025年工作安排: a period named as the subject of a plan.
_ANNOUNCED = re.compile(r".{0,14}?(?:目标|任务|计划|规划|路线图|重点工作|工作安排|部署安排|怎样干|这样干)")


def announced_frame(
    view: str,
    times: list[TimeMatch],
    sentence_start: int,
    sentence_end: int,
    pub: Published,
    context_year: int,
    rank: float,
) -> Frame | None:
    """A sentence that announces the plan or the targets of a period frames the paragraphs after it."""
    for tm in times:
        if tm.role == "base" or not (sentence_start <= tm.start < sentence_end):
            continue
        m = _ANNOUNCED.match(view, tm.end, sentence_end)
        if m is None or _TERMINAL.search(m.group()) or "," in m.group():
            continue
        before = view[max(sentence_start, tm.start - 8) : tm.start]
        if DONE_WORDS.search(before) or DONE_WORDS.search(m.group()):
            continue
        when = resolve(tm, context_year, pub)
        if when is None or when.end is None or when.end < pub.start or when.kind in ("present", "future"):
            continue
        if when.begin is None:
            continue
        return Frame(Mood.PLAN, when.begin, when.end, view[tm.start : m.end()], tm.start, rank)
    return None


@dataclass(slots=True)
class Outline:
    """The frames in force at a point of the document: a stack by rank."""

    frames: list[Frame]
    # The rank of the innermost numbered heading seen. A passage cut from a report starts inside a main part, so
    # until a heading says otherwise a paragraph's frame is taken to belong to one (rank 1): a later 一、 ends it,
    # a later (一) does not.
    heading_rank: float = 1.0

    def heading(self, rank: float, frame: Frame | None) -> None:
        """A numbered heading of `rank` ends every frame of its rank or below, and may set its own. An unnumbered
        one (a subhead in news) only replaces frames of its own kind, when it names a period itself."""
        if rank <= TITLE:
            self.frames = [frame] if frame is not None else []
            return
        if rank >= UNNUMBERED:
            if frame is not None:
                self.frames = [f for f in self.frames if f.rank < UNNUMBERED]
                self.frames.append(frame)
            return
        self.frames = [f for f in self.frames if f.rank < rank]
        if frame is not None:
            self.frames.append(frame)
        self.heading_rank = rank

    def lead(self, frame: Frame) -> None:
        """A paragraph's frame replaces the previous paragraph's under the same heading. Naming the same period
        again without saying more (今年要重点做好以下工作 after 今年…主要预期目标) keeps what was known of it."""
        rank = self.heading_rank + 0.5
        current = self.current()
        mood = frame.mood
        if (
            mood is Mood.NEWS
            and current is not None
            and current.mood is not Mood.NEWS
            and (current.begin, current.end) == (frame.begin, frame.end)
        ):
            mood = current.mood
        self.frames = [f for f in self.frames if f.rank < rank]
        self.frames.append(Frame(mood, frame.begin, frame.end, frame.title, frame.start, rank))

    def current(self) -> Frame | None:
        return self.frames[-1] if self.frames else None
