"""The extraction pass: one walk over paragraphs, sentences and clauses, reading each figure in its time frame.

Figures and time expressions are found once over the whole text (each a single regular-expression scan). The walk
keeps the outline of frames (frames.py) as headings and paragraph openings set them, and within a sentence the time
being talked about. Every look at the words around a figure is bounded to a short window, so a very long sentence
without punctuation costs time in proportion to its length, not its square.

Which time a figure belongs to, innermost first:

1. a time in its own sentence before it (2025年…; 到2030年…; “十五五”良好开局 is the plan's first year);
2. the time that opened an earlier sentence of the same paragraph (2021年,GDP达到…。财政收入突破…);
3. the frame: a heading's, or an earlier paragraph's opening (过去一年, / 今年…主要预期目标是:).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from trackers.extract import noise
from trackers.extract.dates import Published, TimeMatch, When, find_times, in_report_season, parse_published, resolve
from trackers.extract.frames import (
    TARGET_HEADING,
    TARGET_LIST,
    TITLE,
    UNNUMBERED,
    Frame,
    Mood,
    Outline,
    announced_frame,
    frame_from_times,
    heading_rank,
    is_bullet,
    lead_frame,
)
from trackers.extract.items import ItemMaker
from trackers.extract.models import Extraction, Section
from trackers.extract.numbers import Quantity, find_figures
from trackers.extract.text import Segments, Span, clauses, fold, prepare, segment

# A clause this short that holds the time (2022年, / 到2025年,) joins the quote of the figure after it.
TIME_CLAUSE_MAX = 14
# A paragraph longer than this ends a list of targets under a heading (the bullets are short).
TARGET_ITEM_MAX = 100
_LEAD_REACH = 16
# A time that opens a clause: at its start, after at most a preposition (到2025年, / 截至去年底,).
_OPENS = re.compile(r"\s*(?:到|在|至|截至|截止|于|从|自)?")
# In a report's season, results "of the whole year" place an undated passage in the year just ended.
_WHOLE_YEAR_RESULT = re.compile(r"全年(?:共|累计|实现|新增)|一年来|过去一年|去年全年")


def extract(text: str | bytes, published, place: str | None = None) -> Extraction:
    """Every commitment and fact in one article; `published` is YYYY, YYYY-MM, YYYY-MM-DD or a date, `place` the
    place the article is about when the caller knows it (a feed's, an admin's)."""
    pub = parse_published(published)
    text = prepare(text)
    view = fold(text)
    walk = _Walk(text, view, pub, segment(view), find_figures(view), find_times(view))
    walk.run()
    extraction = Extraction(str(pub), text, walk.items.commitments, walk.items.facts, walk.sections)
    walk.items.finish(extraction, place)
    return extraction


@dataclass(slots=True)
class _Sentence:
    """What the walk knows inside one sentence."""

    when: When | None  # the time being talked about: this sentence's own, or the one that opened an earlier one
    own: bool  # `when` was named in this sentence (or opened an earlier one of the paragraph)
    target: bool  # the clauses being read list targets
    future: When | None = None  # a deadline this sentence named, for pledges without a figure
    time_clause: tuple[int, int] | None = None  # the short clause that named the time last
    when_at: int = -1  # where `when` was named in this sentence
    period: When | None = None  # a span of years the sentence named (2024—2026年), which a deadline may close


class _Walk:
    def __init__(
        self, text: str, view: str, pub: Published, segs: Segments, figures: list[Quantity], times: list[TimeMatch]
    ):
        self.text, self.view, self.pub, self.segs = text, view, pub, segs
        self.figures, self.times = figures, times
        self.fig_starts = [f.start for f in figures]
        self.time_starts = [t.start for t in times]
        self.target_lists = list(TARGET_LIST.finditer(view))  # 主要预期目标是: — few in a document
        self.target_starts = [m.start() for m in self.target_lists]
        self._resolved: dict[tuple, When | None] = {}
        # Where any figure, time or list of targets starts: a sentence with none of them is skipped at once.
        self.anything = sorted([*self.fig_starts, *self.time_starts, *self.target_starts])
        self._clauses_of: tuple[int, list[Span]] = (-1, [])
        self.outline = Outline([])
        self.target_block = False  # inside the bullets under a heading of targets (建议全年…预期目标)
        self.sections: list[Section] = []
        self.part = ""  # the main heading (一、…) being read
        self.items = ItemMaker(text, view, pub, self._section, times)
        default = self._document_frame()
        if default is not None:
            self.outline.frames.append(default)

    # -- helpers ---------------------------------------------------------------------------------------------

    def _figures_in(self, start: int, end: int) -> list[Quantity]:
        i = bisect_left(self.fig_starts, start)
        j = bisect_left(self.fig_starts, end, i)
        return self.figures[i:j]

    def _times_in(self, start: int, end: int) -> list[TimeMatch]:
        i = bisect_left(self.time_starts, start)
        j = bisect_left(self.time_starts, end, i)
        return self.times[i:j]

    def _resolve(self, tm: TimeMatch, context_year: int) -> When | None:
        """resolve(), once per wording and year: 今年, 2025年, 到2030年 recur through a document."""
        key = (self.view[tm.start : tm.end], tm.role, tm.year_of, context_year)
        found = self._resolved.get(key, self)
        if found is self:
            found = self._resolved[key] = resolve(tm, context_year, self.pub)
        return found

    def _clauses(self, sent: Span) -> list[Span]:
        """The clauses of a sentence, split once (a paragraph's first sentence is also read for its opening)."""
        if self._clauses_of[0] != sent.start:
            self._clauses_of = (sent.start, clauses(self.view, sent))
        return self._clauses_of[1]

    def _target_list_in(self, sent: Span) -> re.Match | None:
        i = bisect_left(self.target_starts, sent.start)
        if i < len(self.target_starts) and self.target_starts[i] < sent.end:
            return self.target_lists[i]
        return None

    def _context_year(self, when: When | None) -> int:
        for w in (when, self.outline.current()):
            if w is not None and w.end is not None:
                return w.end.year
        return self.pub.year

    def _document_frame(self) -> Frame | None:
        """A passage from a report with no heading or opening of its own: results "of the whole year", read in the
        report season, are the year just reviewed (全年共招引…, published in January)."""
        if not in_report_season(self.pub) or not _WHOLE_YEAR_RESULT.search(self.view):
            return None
        from datetime import date

        from trackers.extract.dates import reviewed_year

        year = reviewed_year(self.pub)
        return Frame(Mood.REVIEW, date(year, 1, 1), date(year, 12, 31), "", 0, -1.0)

    def _section(self) -> int:
        """The index of the section being read (a new one whenever the frame in force changes)."""
        frame = self.outline.current()
        key = (frame.start, frame.rank, self.part) if frame is not None else (None, None, self.part)
        if not self.sections or self.sections[-1].key != key:
            if frame is None:
                self.sections.append(
                    Section(title="", mood=None, begin=None, end=None, start=0, part=self.part, key=key)
                )
            else:
                self.sections.append(
                    Section(
                        title=self.text[frame.start : frame.start + len(frame.title)].strip()[:60] or frame.title[:60],
                        mood=str(frame.mood),
                        begin=frame.begin.isoformat() if frame.begin else None,
                        end=frame.end.isoformat() if frame.end else None,
                        start=frame.start,
                        part=self.part,
                        key=key,
                    )
                )
        return len(self.sections) - 1

    # -- the walk --------------------------------------------------------------------------------------------

    def run(self) -> None:
        segs = self.segs
        si = 0
        for pi, para in enumerate(segs.paragraphs):
            while si < len(segs.sentences) and segs.sentences[si].parent < pi:
                si += 1
            first = si
            while si < len(segs.sentences) and segs.sentences[si].parent == pi:
                si += 1
            sentences = segs.sentences[first:si]
            self._paragraph(pi, para, sentences)

    def _paragraph(self, index: int, para: Span, sentences: list[Span]) -> None:
        view = self.view
        headline = False
        first_end = sentences[0].end if sentences else para.end
        found = heading_rank(view, para.start, para.end, first_end)
        if found is not None:
            rank, heading_end = found
            if index == 0 and rank == UNNUMBERED:
                rank = TITLE
            if self._figures_in(para.start, heading_end):
                # A headline that reports figures (1至4月…完成投资1530.9亿元) is read as a sentence; a numbered one
                # still ends the frames below its rank.
                if rank < UNNUMBERED and rank > TITLE:
                    self.outline.heading(rank, None)
                else:
                    headline = True
                found = None
            else:
                words = view[para.start : heading_end]
                frame = frame_from_times(
                    self._times_in(para.start, heading_end),
                    words,
                    self.pub,
                    self._context_year(None),
                    title=words.strip(),
                    start=para.start,
                    rank=rank,
                )
                if rank >= UNNUMBERED and frame is not None and frame.mood is Mood.NEWS:
                    frame = None  # a subhead naming a year without saying plan or review changes nothing
                self.outline.heading(rank, frame)
                if rank <= 1.0:
                    self.part = self.text[para.start : heading_end].strip()[:60]
                if TARGET_HEADING.search(words):
                    self.target_block = True
                elif not is_bullet(view, para.start):
                    self.target_block = False
        if found is None:
            if self.target_block and not is_bullet(view, para.start) and para.end - para.start > TARGET_ITEM_MAX:
                self.target_block = False
            if sentences:
                lead = self._lead(sentences[0])
                if lead is not None:
                    self.outline.lead(lead)
        carried: When | None = None
        self.items.in_headline = headline
        heading_end = found[1] if found is not None else -1
        for sent in sentences:
            self.items.in_heading = sent.start < heading_end
            carried = self._sentence(sent, carried)

    def _lead(self, sent: Span) -> Frame | None:
        # A leading time stands in the first few characters (after 各位代表! or ——): most paragraphs have none.
        if not self._times_in(sent.start, sent.start + _LEAD_REACH):
            return None
        parts = self._clauses(sent)
        if not parts:
            return None
        first = parts[0]
        times = self._times_in(first.start, first.end)
        if not times:
            return None
        return lead_frame(
            self.view,
            first.start,
            first.end,
            times,
            self.view[sent.start : sent.end],
            self.pub,
            self._context_year(None),
            0,
            resolver=self._resolve,
        )

    def _sentence(self, sent: Span, carried: When | None) -> When | None:
        """Read one sentence; returns the time that carries to the next sentence of the paragraph."""
        view = self.view
        if not self.target_block:
            i = bisect_left(self.anything, sent.start)
            if i == len(self.anything) or self.anything[i] >= sent.end:
                return carried  # most sentences of an article: nothing to find, nothing to carry
        sent_figs = self._figures_in(sent.start, sent.end)
        sent_times = self._times_in(sent.start, sent.end)
        target_at = self._target_list_in(sent)
        if sent_figs and noise.is_forecast(view, sent.start, sent.end):
            return carried  # 业内人士预计…已成定局: no one's target, no result
        state = _Sentence(when=carried, own=carried is not None, target=self.target_block)
        sent_clauses = self._clauses(sent)
        opened: When | None = None  # a time that opens this sentence carries to the next ones
        # Each clause's figures and times, in the order they stand.
        n = len(sent_clauses)
        figs_of: list[list[Quantity]] = [[] for _ in range(n)]
        times_of: list[list[TimeMatch]] = [[] for _ in range(n)]
        starts = [c.start for c in sent_clauses]
        for f in sent_figs:
            k = bisect_right(starts, f.start) - 1
            if k >= 0 and f.start < sent_clauses[k].end:
                figs_of[k].append(f)
        for tm in sent_times:
            k = bisect_right(starts, tm.start) - 1
            if k >= 0 and tm.start < sent_clauses[k].end:
                times_of[k].append(tm)
        seen_figure = False
        items, outline = self.items, self.outline
        for k, clause in enumerate(sent_clauses):
            figs, tms = figs_of[k], times_of[k]
            if tms:
                events = sorted([(f.start, 1, f) for f in figs] + [(t.start, 0, t) for t in tms])
                for _, is_fig, ev in events:
                    if not is_fig:
                        w = self._time(ev, clause, figs, state)
                        if (
                            w is not None
                            and not seen_figure
                            and k <= 1
                            and _OPENS.fullmatch(view, clause.start, ev.start)
                        ):
                            opened = w
                        continue
                    seen_figure = True
                    items.figure(ev, sent, clause, k, sent_clauses, state, outline.current(), figs)
            elif figs:
                seen_figure = True
                frame = outline.current()
                for f in figs:
                    items.figure(f, sent, clause, k, sent_clauses, state, frame, figs)
            if not figs:
                items.pledge(clause, state, outline.current())
            if target_at is not None and not state.target and target_at.start() < clause.end:
                state.target = True
        if sent_times and not self.items.in_heading:  # a heading has set its frame already
            announced = announced_frame(view, sent_times, sent.start, sent.end, self.pub, self._context_year(None), 0)
            if announced is not None:
                self.outline.lead(announced)
        return opened if opened is not None else carried

    def _time(self, tm: TimeMatch, clause: Span, figs: list[Quantity], state: _Sentence) -> When | None:
        if tm.role == "base":
            return None
        w = self._resolve(tm, self._context_year(state.when))
        if w is None:
            return None
        if w.kind == "deadline" and state.period is not None and state.period.end == w.end:
            # 《…三年行动计划(2024—2026年)》提出,到2026年…: the deadline closes the period the sentence named.
            w = When("range", state.period.begin, w.end)
        elif w.kind == "range" and w.begin is not None:
            state.period = w
        state.when, state.own, state.when_at = w, True, tm.start
        if not figs and clause.end - clause.start <= TIME_CLAUSE_MAX:
            state.time_clause = (clause.start, clause.end)
        else:
            state.time_clause = None
        if (
            w.end is not None
            and w.end >= self.pub.start
            and w.kind != "present"
            and (w.kind in ("deadline", "range") or w.end.year >= self.pub.year)
        ):
            state.future = w
        return w
