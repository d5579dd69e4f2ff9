"""From a figure in its context to the items it makes, and pledges without a figure.

One figure usually makes one commitment or fact. Some clauses hold more (LABELLING.md, "Figures"):

- a level with its growth is one fact: 实现地区生产总值67665亿元,增长5.5% (the rate goes to growth_percent);
- from A to B is two facts: 一般公共预算收入从7248亿元提高到8865亿元 — B at the end of the period, A at its base;
- a 分别 list is one item per member: 城乡居民人均可支配收入分别增长4.4%、5.6% → 城镇…, 农村…;
- a statement repeated (a headline restating the lead) is one item, and so is a plan's count restated in a report of
  its progress (320个重点项目完成投资… after 推进2025年320个重点项目建设).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from trackers.extract import noise, places
from trackers.extract.classify import PAST_MARKER, PRELIMINARY, Cues, classify
from trackers.extract.comparators import comparator_in
from trackers.extract.dates import Published
from trackers.extract.frames import Frame
from trackers.extract.indicators import canonical, split_members
from trackers.extract.models import ExtractedCommitment, ExtractedFact, Extraction
from trackers.extract.numbers import Quantity
from trackers.extract.parent import plan_in, points_back
from trackers.extract.periods import as_of_date, deadline_of
from trackers.extract.repeats import once, restates_a_plan
from trackers.extract.subject import (
    clean_left,
    figure_subject,
    is_change_only,
    is_dated_goal,
    is_decline,
    is_goal_clause,
    is_growth_only,
    is_hedge,
    qualitative_subject,
    tidy_subject,
    topic_of,
)
from trackers.extract.text import Span, trim

# How far the rules look around a figure (characters). Clauses are rarely longer; a longer one is cut.
LEFT_WINDOW = 60
RIGHT_WINDOW = 24
SENTENCE_WINDOW = 200
MAX_QUOTE = 160
PLEDGE_MAX = 80
# 从A提高到B / 由A增至B / 分别从A1、A2增加到B1、B2: the figures between 从 and the 到 after them are bases.
_FROM_WORD = re.compile(r"从|由(?=[\d〇零一二三四五六七八九十两]|\d{4}年)")
_TO_WORD = re.compile(r"(?:提高|提升|增加|增长|跃升|拓展|扩大|上升|下降|减少|降低|缩小|增)?(?:到|至)")
# 提高到2025年的14万元: a level reached, not a change by that much (增产74亿斤).
_TO_LEVEL = re.compile(r"(?:到|至)(?:[^,;:、]{0,10}?的)?$")
# A clause can state an outcome only if it has a completion verb or ends like one (a quick look before the rules).
_MAY_STATE_AN_OUTCOME = re.compile(
    r"建|成|实现|完成|形成|打造|构建|培育|跻身|迈|进入|呈现|达|取得|同步|平衡|提质|[善降低高升强化衡稳转大小少加标好跃均美全固速先长定]\W*$"
)


@dataclass(slots=True)
class _Item:
    """What a later figure of the same sentence may refer to."""

    kind: str
    index: int
    base: str
    start: int
    subject: str
    end: int  # where its figure ends
    percent: bool


class ItemMaker:
    def __init__(self, text: str, view: str, pub: Published, section: Callable[[], int], times: list):
        self.text, self.view, self.pub, self._section = text, view, pub, section
        self._times, self._time_starts = times, [t.start for t in times]
        self.commitments: list[ExtractedCommitment] = []
        self.facts: list[ExtractedFact] = []
        self._sentence = -1
        self._items: list[_Item] = []
        self._topics: dict[int, str] = {}
        self._respective: dict[int, tuple[str, str, list[str] | None, bool, bool]] = {}
        self._growth_taken: set[int] = set()  # rates already given to the levels they belong to
        # id(item) → (sentence start, sentence end, clause start, figure start), for its place
        self._where: dict[int, tuple[int, int, int, int]] = {}
        self.in_headline = False  # the walk is reading a headline (the engine sets it)
        self.in_heading = False  # ...or a heading, which names a section and pledges nothing
        self._headline_starts: set[int] = set()

    # -- one figure -----------------------------------------------------------------------------------------

    def figure(
        self,
        fig: Quantity,
        sent: Span,
        clause: Span,
        k: int,
        sent_clauses: list[Span],
        state,
        frame: Frame | None,
        clause_figs: list[Quantity],
    ) -> None:
        view, pub = self.view, self.pub
        if sent.start != self._sentence:
            self._sentence, self._items, self._topics = sent.start, [], {}
        items = self._items
        at = clause_figs.index(fig)
        next_fig = clause_figs[at + 1] if at + 1 < len(clause_figs) else None
        left_start = max(clause.start, fig.cmp_start - LEFT_WINDOW)
        previous = items[-1] if items else None
        same_clause = previous is not None and previous.end > clause.start
        if same_clause:
            # 增长6.1%和7.8%: the words before this figure start after the one before it.
            left_start = max(left_start, previous.end)
        if noise.not_an_item(view, fig, left_start, clause.end, next_fig):
            return
        left = view[left_start : fig.cmp_start]
        right_end = min(clause.end, fig.end + RIGHT_WINDOW)
        right = view[fig.end : right_end]
        sentence_from = max(sent.start, fig.cmp_start - SENTENCE_WINDOW)
        plan = plan_in(view[sentence_from : fig.cmp_start]) if "》" in view[sentence_from : fig.cmp_start] else None
        # A plan named in the sentence (《…行动方案》明确了…) makes its figures targets, even after 了.
        cues = Cues(
            view,
            sentence_start=sentence_from,
            left_start=left_start,
            cmp_start=fig.cmp_start,
            end=fig.end,
            right_end=right_end,
            weak=fig.comparator is not None and not fig.approx_more,
            plan=plan is not None,
        )
        when = state.when if state.own else None
        kind = classify(when, frame, pub, cues, target_list=state.target)

        cleaned = clean_left(self._without_times(left_start, fig.cmp_start, left), times_removed=True)
        if fig.start in self._growth_taken:
            return
        respective = "分别" in left or (len(clause_figs) > 1 and view.find("分别", clause.start, fig.start) >= 0)
        if kind == "fact" and respective and self._growths_of_levels(fig, clause, clause_figs, cleaned):
            return
        if kind == "fact" and previous is not None and previous.kind == "fact":
            if fig.unit_normalized == "percent" and is_growth_only(cleaned) and not previous.percent:
                prev = self.facts[previous.index]
                if prev.growth_percent is None:
                    prev.growth_percent = -fig.value if is_decline(cleaned) else fig.value
                    end = trim(view, clause.start, clause.end)[1]
                    if end > prev.start:
                        prev.quote = self.text[prev.start : end]
                    return
            if is_change_only(cleaned) and not _TO_LEVEL.search(left):
                return

        if is_change_only(cleaned) and _TO_LEVEL.search(left):
            # 从10.5万元提高到2025年的14万元: with its time taken out, 提高到…的 is only the verb of a level reached;
            # it names nothing, so the figure takes the subject before it (or the sentence's topic).
            cleaned = ""
        from_at = self._from_position(clause, fig) if ("从" in left or "由" in left) else None
        if from_at is not None and kind == "commitment":
            return  # 从A提高到B in a target: A is the baseline, B the target
        plan_short = plan[3] if plan else ""
        subject, base, growth = figure_subject(
            left,
            right,
            fig.unit_normalized,
            previous_base=previous.base if previous else "",
            topic=lambda: self._topic(sent_clauses, k),
            plan=plan_short,
            cleaned=cleaned,
            lenient_topic=lambda: self._topic(sent_clauses, k, strict=False),
            same_clause_subject=previous.subject if same_clause else "",
            previous_subject=previous.subject if previous else "",
        )
        decline = growth and is_decline(cleaned)
        if respective:
            subject, growth, decline = self._respective_subject(fig, clause, clause_figs, subject, growth, decline)
        if fig.unit_normalized == "percent" and view[fig.end : fig.end + 1] == "的" and not cleaned:
            # 89.4%的公园实现24小时开放: the share of the parks that do.
            subject = view[fig.end + 1 : clause.end].strip()[:30] + "占比"
        qs, qe = trim(view, clause.start, clause.end)
        if qe - qs > MAX_QUOTE:
            qs, qe = trim(view, max(clause.start, fig.cmp_start - LEFT_WINDOW), min(clause.end, fig.end + RIGHT_WINDOW))
        tc = state.time_clause
        if tc is not None and k > 0 and sent_clauses[k - 1].start == tc[0]:
            qs = trim(view, tc[0], tc[1])[0]
        quote = self.text[qs:qe]
        if self.in_headline:
            self._headline_starts.add(qs)
        parent_index = parent_quote = None
        if points_back(view[clause.start : clause.start + 6]) and previous is not None and previous.kind == kind:
            parent_index = previous.index
            parent_quote = (self.commitments if kind == "commitment" else self.facts)[parent_index].quote

        if kind == "commitment":
            comparator = fig.comparator or comparator_in(left) or "="
            deadline, period_start = deadline_of(when, frame, self.pub)
            if decline and subject.endswith("增长率"):
                subject = subject[: -len("增长率")] + "降幅"
            self.commitments.append(
                ExtractedCommitment(
                    quote=quote,
                    subject=subject,
                    comparator=comparator,
                    value=fig.value,
                    unit=fig.unit,
                    value_normalized=fig.value_normalized,
                    unit_normalized=fig.unit_normalized,
                    deadline=deadline,
                    period_start=period_start,
                    value_max=fig.value_max,
                    parent_plan=self.text[plan[0] + 1 : plan[1] - 1].strip() if plan else None,
                    parent_quote=parent_quote,
                    parent_index=parent_index,
                    start=qs,
                    section=self._section(),
                )
            )
            self._where[id(self.commitments[-1])] = (sent.start, sent.end, clause.start, fig.start)
            items.append(
                _Item(
                    "commitment",
                    len(self.commitments) - 1,
                    base,
                    qs,
                    subject,
                    fig.end,
                    fig.unit_normalized == "percent",
                )
            )
            return
        as_of, period_start = as_of_date(when, frame, self.pub)
        if from_at is not None:
            # 从A提高到B: A is where the period began, unless the text dates it (从2020年的10.5万元).
            if when is None or not state.own or state.when_at < from_at:
                base_date = frame.base_date() if frame is not None else None
                if base_date is not None:
                    as_of, period_start = base_date.isoformat(), None
        value, value_normalized = fig.value, fig.value_normalized
        if decline:
            value, value_normalized = -value, -value_normalized
        self.facts.append(
            ExtractedFact(
                quote=quote,
                subject=subject,
                value=value,
                unit=fig.unit,
                value_normalized=value_normalized,
                unit_normalized=fig.unit_normalized,
                as_of=as_of,
                growth_percent=value if growth else None,
                comparator=_reported_comparator(view, fig),
                value_max=fig.value_max,
                parent_quote=parent_quote,
                parent_index=parent_index,
                start=qs,
                period_start=period_start,
                preliminary=bool(PRELIMINARY.search(view, sent.start, fig.cmp_start)),
                section=self._section(),
            )
        )
        self._where[id(self.facts[-1])] = (sent.start, sent.end, clause.start, fig.start)
        items.append(_Item("fact", len(self.facts) - 1, base, qs, subject, fig.end, fig.unit_normalized == "percent"))

    def _without_times(self, start: int, end: int, text: str) -> str:
        """view[start:end] (that is `text`) with its times cut out, each with the preposition before it (到2025年):
        the walk found them already, so no second search is needed."""
        i = bisect_left(self._time_starts, start)
        if i == len(self._time_starts) or self._time_starts[i] >= end:
            return text
        out, at = [], start
        while i < len(self._time_starts) and self._time_starts[i] < end:
            tm = self._times[i]
            cut = tm.start
            if cut - 2 >= at and self.view[cut - 2 : cut] in ("截至", "截止"):
                cut -= 2
            elif cut - 1 >= at and self.view[cut - 1] in "到至":
                cut -= 1
            if tm.role != "base":  # 较2020年: the comparison's base goes with its phrase (clean_left)
                out.append(self.view[at:cut])
                at = min(tm.end, end)
            i += 1
        out.append(self.view[at:end])
        return "".join(out)

    def _growths_of_levels(self, fig: Quantity, clause: Span, clause_figs: list[Quantity], cleaned: str) -> bool:
        """分别增长8.3%、7.9% after two levels: each level's growth, in order."""
        p = self.view.find("分别", clause.start, fig.start)
        if p < 0 or fig.unit_normalized != "percent" or not is_growth_only(cleaned):
            return False
        rates = [f for f in clause_figs if f.start > p and f.unit_normalized == "percent"]
        levels = self._items[-len(rates) :] if len(rates) >= 2 else []
        if (
            len(levels) != len(rates)
            or rates[0] is not fig
            or any(x.kind != "fact" or x.percent or x.start >= clause.start for x in levels)
        ):
            return False
        sign = -1 if is_decline(cleaned) else 1
        for item, rate in zip(levels, rates, strict=True):
            fact = self.facts[item.index]
            if fact.growth_percent is None:
                fact.growth_percent = sign * rate.value
            self._growth_taken.add(rate.start)
        last = self.facts[levels[-1].index]
        end = trim(self.view, clause.start, clause.end)[1]
        if end > last.start:
            last.quote = self.text[last.start : end]
        return True

    def _from_position(self, clause: Span, fig: Quantity) -> int | None:
        """Where 从 stands when the figure is a starting point (从A提高到B), else None."""
        view = self.view
        found = None
        for m in _FROM_WORD.finditer(view, max(clause.start, fig.start - LEFT_WINDOW), fig.start):
            found = m
        if found is None:
            return None
        to = _TO_WORD.search(view, fig.end, clause.end)
        if to is None or _FROM_WORD.search(view, found.end(), fig.start) is not None:
            return None
        return found.start()

    def _topic(self, sent_clauses: list[Span], k: int, strict: bool = True) -> str:
        """The topic from the clauses before the figure's own (its own clause names its subject itself)."""
        key = k * 2 + strict
        if key not in self._topics:
            found = ""
            for clause in sent_clauses[:k][:3]:
                found = topic_of(self.view[clause.start : min(clause.end, clause.start + LEFT_WINDOW)], strict)
                if found:
                    break
            self._topics[key] = found
        return self._topics[key]

    def _respective_subject(
        self, fig: Quantity, clause: Span, clause_figs: list[Quantity], subject: str, growth: bool, decline: bool
    ) -> tuple[str, bool, bool]:
        """城乡居民人均可支配收入分别增长4.4%、5.6%: each value gets its member's name, and the first one's verb
        (分别下降3.6%和1.3%: both fell)."""
        p = self.view.find("分别", clause.start, fig.start)
        if p < 0:
            return subject, growth, decline
        after = [f for f in clause_figs if f.start > p]
        if len(after) < 2 or fig not in after:
            return subject, growth, decline
        i = after.index(fig)
        if clause.start not in self._respective:
            phrase = clean_left(self.view[max(clause.start, p - LEFT_WINDOW) : p])
            members = None
            for count in (len(after), len(after) // 2):  # 分别从A1、A2增加到B1、B2: two figures a member
                if count >= 2 and len(after) % count == 0:
                    members = members or split_members(phrase, count)
            self._respective[clause.start] = (phrase, subject, members, growth, decline)
        phrase, shared, members, growth, decline = self._respective[clause.start]
        if members is None or not phrase:
            return shared, growth, decline
        member = members[i % len(members)]
        if phrase in shared:
            return shared.replace(phrase, member), growth, decline
        # The shared subject named only the last member (高新技术产业增加值增长率): keep what follows it.
        last = phrase.replace("和", "、").split("、")[-1]
        suffix = shared[len(last) :] if shared.startswith(last) else ""
        return (member if member.endswith(suffix) else member + suffix), growth, decline

    # -- pledges without a figure ---------------------------------------------------------------------------

    def pledge(self, clause: Span, state, frame: Frame | None) -> None:
        """A pledge without a figure: an item in a list of targets (生态环境质量持续改善), or an outcome dated by its
        own sentence (到2030年,…大幅跃升; 确保实现“十五五”良好开局)."""
        dated = state.future if state.future is not None and state.own else None
        if (dated is None and not state.target) or self.in_heading or clause.end - clause.start > PLEDGE_MAX:
            return
        body = self.view[clause.start : clause.end]
        if not _MAY_STATE_AN_OUTCOME.search(body) or PAST_MARKER.search(body):
            return
        if state.target:
            if is_hedge(body) or not is_goal_clause(body):
                return
            when = state.when if state.own else None
            if when is not None and (when.kind in ("present", "asof") or (when.end and when.end < self.pub.start)):
                return
        elif dated is not None and is_dated_goal(body):
            when = dated
        else:
            return
        deadline, period_start = deadline_of(when, frame, self.pub)
        qs, qe = trim(self.view, clause.start, clause.end)
        self.commitments.append(
            ExtractedCommitment(
                quote=self.text[qs:qe],
                subject=qualitative_subject(body),
                comparator=None,
                value=None,
                unit=None,
                value_normalized=None,
                unit_normalized=None,
                deadline=deadline,
                period_start=period_start,
                start=qs,
                section=self._section(),
            )
        )

    # -- the whole document ---------------------------------------------------------------------------------

    def finish(self, extraction: Extraction, place_hint: str | None) -> None:
        """Drop repeated statements, name indicators alike, and give every item its place."""
        headline = self._headline_starts
        extraction.commitments = once(extraction.commitments, "deadline", headline)
        facts = once(extraction.facts, "as_of", headline)
        by_value: dict[tuple, list[ExtractedCommitment]] = {}
        for c in extraction.commitments:
            by_value.setdefault((c.value_normalized, c.unit_normalized), []).append(c)
        extraction.facts = [
            f for f in facts if not restates_a_plan(f, by_value.get((f.value_normalized, f.unit_normalized), ()))
        ]
        # The place goes after the spelling is made one (遂宁经济总量 → 遂宁地区生产总值 → 地区生产总值).
        for c in extraction.commitments:
            c.subject = tidy_subject(c.subject)
            if c.value is not None:
                c.subject = canonical(c.subject)
            c.subject = places.without_leading_place(c.subject)
        for f in extraction.facts:
            f.subject = places.without_leading_place(canonical(tidy_subject(f.subject)))
        places.place_items(extraction, self._where, place_hint)


def _reported_comparator(view: str, fig: Quantity) -> str:
    """A result reached (达到5.67万亿元) is that much: 达到 is a floor only in a target. 突破, 超过 and 以上 still say
    "more than", 约 and 左右 "about"."""
    if fig.comparator == ">=" and fig.value_max is None and view[fig.end - 2 : fig.end] != "以上":
        return "="
    return fig.comparator or "="
