"""The extraction pass: one walk over paragraphs, sentences and clauses, carrying the time being talked about.

Figures and time expressions are found once over the whole text (each a single regular-expression scan), then the
walk visits them in order. Every look at the words around a figure is bounded to a short window, so a very long
sentence without punctuation costs time in proportion to its length, not its square.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from trackers.extract import classify as rules
from trackers.extract.comparators import comparator_in
from trackers.extract.dates import Published, TimeMatch, When, find_times, parse_published, resolve
from trackers.extract.models import Commitment, Extraction, Fact
from trackers.extract.numbers import Figure, find_figures
from trackers.extract.parent import plan_in, points_back
from trackers.extract.subject import (
    clean_left,
    figure_subject,
    is_change_only,
    is_goal_clause,
    is_growth_only,
    qualitative_subject,
    starts_with_completion,
    topic_of,
)
from trackers.extract.text import Segments, Span, clauses, fold, prepare, segment, trim

# How far the rules look around a figure (characters). Clauses are rarely longer; a longer one is cut.
LEFT_WINDOW = 60
RIGHT_WINDOW = 24
SENTENCE_WINDOW = 200
MAX_QUOTE = 160
# A clause this short that holds the time (2022年, / 到2025年,) joins the quote of the figure after it.
TIME_CLAUSE_MAX = 14
HEADING_MAX = 60
FRAME_PARAGRAPH_MAX = 400
_BULLET = re.compile(
    r"^\s*(?:[●•·▪■◆○\-*]|\d{1,2}[.、)]|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)"
)
_TERMINAL = re.compile(r"[。!?…]\s*$")


def extract(text: str | bytes, published) -> Extraction:
    """Every commitment and fact in one article; `published` is YYYY, YYYY-MM, YYYY-MM-DD or a date."""
    pub = parse_published(published)
    text = prepare(text)
    view = fold(text)
    walk = _Walk(text, view, pub, segment(view), find_figures(view), find_times(view))
    walk.run()
    return Extraction(str(pub), text, walk.commitments, walk.facts)


@dataclass(slots=True)
class _Item:
    kind: str
    index: int
    base: str
    start: int
    subject: str = ""
    end: int = -1  # where its figure ends


class _Walk:
    def __init__(self, text: str, view: str, pub: Published, segs: Segments, figures: list[Figure],
                 times: list[TimeMatch]):
        self.text, self.view, self.pub, self.segs = text, view, pub, segs
        self.figures, self.times = figures, times
        self.fig_starts = [f.start for f in figures]
        self.time_starts = [t.start for t in times]
        self.commitments: list[Commitment] = []
        self.facts: list[Fact] = []
        self.frame: When | None = None
        self.target_frame = False

    # -- helpers ---------------------------------------------------------------------------------------------

    def _figures_in(self, start: int, end: int) -> list[Figure]:
        i = bisect_left(self.fig_starts, start)
        j = bisect_left(self.fig_starts, end, i)
        return self.figures[i:j]

    def _times_in(self, start: int, end: int) -> list[TimeMatch]:
        i = bisect_left(self.time_starts, start)
        j = bisect_left(self.time_starts, end, i)
        return self.times[i:j]

    def _context_year(self, when: When | None) -> int:
        for w in (when, self.frame):
            if w is not None and w.year is not None:
                return w.year
        return self.pub.year

    def _quote(self, start: int, end: int) -> tuple[int, int]:
        start, end = trim(self.view, start, end)
        return start, end

    # -- the walk --------------------------------------------------------------------------------------------

    def run(self) -> None:
        segs = self.segs
        si = 0
        for pi, para in enumerate(segs.paragraphs):
            self._update_frame(para)
            para_time = self.frame
            while si < len(segs.sentences) and segs.sentences[si].parent < pi:
                si += 1
            while si < len(segs.sentences) and segs.sentences[si].parent == pi:
                para_time = self._sentence(segs.sentences[si], para_time)
                si += 1

    def _update_frame(self, para: Span) -> None:
        """Headings and lead paragraphs set the year and whether a list of targets follows."""
        if para.end - para.start > FRAME_PARAGRAPH_MAX:
            if not _BULLET.match(self.view, para.start):
                self.target_frame = False
            return
        body = self.view[para.start : para.end]
        has_figures = bool(self._figures_in(para.start, para.end))
        heading = not _TERMINAL.search(body) and len(body.strip()) <= HEADING_MAX
        bullet = bool(_BULLET.match(body))
        if has_figures:
            return
        year_when = None
        for tm in self._times_in(para.start, para.end):
            if tm.role == "base":
                continue
            w = resolve(tm, self._context_year(None), self.pub)
            if w is not None and (w.whole_year or w.kind == "range"):
                year_when = w
                break
        if year_when is not None and rules.PLANNING_WORD.search(body):
            self.frame = year_when
            # Only a heading opens a list of targets; a sentence that mentions 目标任务 does not.
            self.target_frame = heading and bool(rules.TARGET_HEADING.search(body))
        elif heading:
            if rules.TARGET_HEADING.search(body):
                self.target_frame = True
            elif not bullet:
                self.target_frame = False
        elif not bullet and len(body) > 100:
            self.target_frame = False

    def _sentence(self, sent: Span, carried: When | None) -> When | None:
        view = self.view
        when = carried
        target = self.target_frame
        sent_figs = self._figures_in(sent.start, sent.end)
        sent_times = self._times_in(sent.start, sent.end)
        target_at = rules.TARGET_LIST_START.search(view, sent.start, sent.end)
        if not sent_figs and not sent_times and not target and target_at is None:
            # Most sentences of an article: nothing to find, nothing to carry.
            return when
        sent_clauses = clauses(view, sent)
        future_when: When | None = None  # a deadline named in this sentence, for pledges without a figure
        items: list[_Item] = []
        topics: dict[int, str] = {}
        time_clause: tuple[int, int] | None = None  # the short clause that named the time last
        fi = ti = 0
        for k, clause in enumerate(sent_clauses):
            # Figures and times of this clause, taken in order from the sentence's lists.
            while fi < len(sent_figs) and sent_figs[fi].start < clause.start:
                fi += 1
            while ti < len(sent_times) and sent_times[ti].start < clause.start:
                ti += 1
            f0, t0 = fi, ti
            while fi < len(sent_figs) and sent_figs[fi].start < clause.end:
                fi += 1
            while ti < len(sent_times) and sent_times[ti].start < clause.end:
                ti += 1
            figs, tms = sent_figs[f0:fi], sent_times[t0:ti]
            if tms and figs:
                events = sorted([(f.start, 1, f) for f in figs] + [(t.start, 0, t) for t in tms], key=lambda e: e[:2])
            else:
                events = [(t.start, 0, t) for t in tms] or [(f.start, 1, f) for f in figs]
            for _, is_fig, ev in events:
                if not is_fig:
                    if ev.role == "base":
                        continue
                    w = resolve(ev, self._context_year(when), self.pub)
                    if w is None:
                        continue
                    when = w
                    if not figs and clause.end - clause.start <= TIME_CLAUSE_MAX:
                        time_clause = (clause.start, clause.end)
                    else:
                        time_clause = None
                    if w.end is not None and w.end >= self.pub.start and (
                        w.kind in ("deadline", "range") or w.end.year > self.pub.year
                    ):
                        # An explicit deadline or a later year; 今年 / 全年 alone do not turn 确保完成… into a pledge.
                        future_when = w
                    continue
                if k not in topics:
                    topics[k] = self._topic(sent_clauses[:k])
                self._figure(ev, sent, clause, when, target, items, topics[k], time_clause, k, sent_clauses)
            if not figs and (target or future_when is not None):
                self._pledge(clause, when, future_when, target)
            if target_at is not None and not target and target_at.start() < clause.end:
                target = True
        return when

    def _topic(self, before: list[Span], strict: bool = True) -> str:
        """The topic from the clauses before the figure's own (its own clause names its subject itself)."""
        for clause in before[:3]:
            t = topic_of(self.view[clause.start : min(clause.end, clause.start + LEFT_WINDOW)], strict)
            if t:
                return t
        return ""

    def _figure(self, fig: Figure, sent: Span, clause: Span, when: When | None, target: bool, items: list[_Item],
                topic: str, time_clause: tuple[int, int] | None, k: int, sent_clauses: list[Span]) -> None:
        view, pub = self.view, self.pub
        left_start = max(clause.start, fig.cmp_start - LEFT_WINDOW)
        previous = items[-1] if items else None
        same_clause = previous is not None and previous.end > clause.start
        if same_clause:
            # 增长6.1%和7.8%: the words before this figure start after the one before it.
            left_start = max(left_start, previous.end)
        left = view[left_start : fig.cmp_start]
        right = view[fig.end : min(clause.end, fig.end + RIGHT_WINDOW)]
        sentence_left = view[max(sent.start, fig.cmp_start - SENTENCE_WINDOW) : fig.cmp_start]
        plan = plan_in(sentence_left)
        # A plan named in the sentence (《…行动方案》明确了…) makes its figures targets, even after 了.
        strong = bool(plan or rules.STRONG_CUE.search(sentence_left)
                      or rules.STRONG_CUE.search(view, fig.cmp_start, fig.end))
        past = bool(rules.PAST_MARKER.search(left)) or bool(rules.PAST_MARKER.match(right))
        weak = fig.comparator is not None and not fig.approx_more
        kind = rules.classify(when, pub, strong=strong, weak=weak, past_marker=past, target_list=target)

        cleaned = clean_left(left)
        if kind == "fact" and previous is not None and previous.kind == "fact":
            if fig.unit_normalized == "percent" and is_growth_only(cleaned):
                prev = self.facts[previous.index]
                if prev.growth_percent is None:
                    prev.growth_percent = fig.value
                    end = self._quote(clause.start, clause.end)[1]
                    if end > prev.start:
                        prev.quote = self.text[prev.start : end]
                    return
            if is_change_only(cleaned):
                return

        plan_short = plan[3] if plan else ""
        previous_base = previous.base if previous else ""
        subject, base, growth = figure_subject(left, right, fig.unit_normalized, previous_base=previous_base,
                                               topic=topic, plan=plan_short, cleaned=cleaned,
                                               lenient_topic=lambda: self._topic(sent_clauses[:k], strict=False),
                                               same_clause_subject=previous.subject if same_clause else "")
        qs, qe = self._quote(clause.start, clause.end)
        if qe - qs > MAX_QUOTE:
            qs, qe = self._quote(max(clause.start, fig.cmp_start - LEFT_WINDOW),
                                 min(clause.end, fig.end + RIGHT_WINDOW))
        if time_clause is not None and k > 0 and sent_clauses[k - 1].start == time_clause[0]:
            qs = self._quote(time_clause[0], time_clause[1])[0]
        quote = self.text[qs:qe]
        parent_index = parent_quote = None
        if points_back(view[clause.start : clause.start + 6]) and previous is not None and previous.kind == kind:
            parent_index = previous.index
            parent_quote = (self.commitments if kind == "commitment" else self.facts)[parent_index].quote

        comparator = fig.comparator
        if kind == "commitment":
            if comparator is None:
                comparator = comparator_in(left) or "="
            deadline = period_start = None
            if when is not None and when.kind not in ("present", "asof", "future") and when.end is not None:
                deadline = when.end.isoformat()
                if when.kind == "range" or when.whole_year:
                    period_start = when.begin.isoformat() if when.begin else None
            self.commitments.append(Commitment(
                quote=quote, subject=subject, comparator=comparator, value=fig.value, unit=fig.unit,
                value_normalized=fig.value_normalized, unit_normalized=fig.unit_normalized, deadline=deadline,
                period_start=period_start, value_max=fig.value_max,
                parent_plan=self.text[plan[0] + 1 : plan[1] - 1].strip() if plan else None,
                parent_quote=parent_quote, parent_index=parent_index, start=qs,
            ))
            items.append(_Item("commitment", len(self.commitments) - 1, base, qs, subject, fig.end))
        else:
            as_of = self._as_of(when)
            self.facts.append(Fact(
                quote=quote, subject=subject, value=fig.value, unit=fig.unit,
                value_normalized=fig.value_normalized, unit_normalized=fig.unit_normalized, as_of=as_of,
                growth_percent=fig.value if growth else None, comparator=comparator or "=",
                value_max=fig.value_max, parent_quote=parent_quote, parent_index=parent_index, start=qs,
            ))
            items.append(_Item("fact", len(self.facts) - 1, base, qs, subject, fig.end))

    def _as_of(self, when: When | None) -> str:
        """The end of the period a fact describes; the publication date when the text names none."""
        if when is None or when.end is None or when.kind == "present" or when.end > self.pub.end:
            return self.pub.end.isoformat()
        return when.end.isoformat()

    def _pledge(self, clause: Span, when: When | None, future_when: When | None, target: bool) -> None:
        """A pledge without a figure: 到2025年…打造…高地, or an item in a list of targets (生态环境质量持续改善)."""
        body = self.view[clause.start : clause.end]
        if len(body) > 80 or rules.PAST_MARKER.search(body):
            return
        deadline_when = None
        if future_when is not None and starts_with_completion(body):
            deadline_when = future_when
        elif target and is_goal_clause(body):
            if rules.is_past(when, self.pub) or (when is not None and when.kind in ("present", "asof")):
                return
            deadline_when = when
        else:
            return
        qs, qe = self._quote(clause.start, clause.end)
        deadline = period_start = None
        if deadline_when is not None and deadline_when.end is not None and deadline_when.kind != "future":
            deadline = deadline_when.end.isoformat()
            if deadline_when.kind == "range" or deadline_when.whole_year:
                period_start = deadline_when.begin.isoformat() if deadline_when.begin else None
        self.commitments.append(Commitment(
            quote=self.text[qs:qe], subject=qualitative_subject(body), comparator=None, value=None, unit=None,
            value_normalized=None, unit_normalized=None, deadline=deadline, period_start=period_start, start=qs,
        ))
