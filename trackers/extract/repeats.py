"""Statements made twice: a headline and its lead, a summary and its section, a plan's count restated in a report
of its progress. Each is one item."""

from __future__ import annotations

from trackers.extract.models import ExtractedCommitment, ExtractedFact
from trackers.extract.text import dice

# Subjects at least this alike (Dice over bigrams) name one indicator.
_DEDUPE_DICE = 0.5
# A repeat is looked for among the latest few items with its figure, within this many characters.
_REPEAT_REACH = 8
_REPEAT_DISTANCE = 5000  # characters: a headline and its lead, a summary and its section


def once(items: list, date_field: str, headline: set[int]) -> list:
    """A statement made twice (a headline and its lead) is one item: same figure, date and indicator. The body's
    wording is kept over a headline's."""
    kept: list = []
    by_figure: dict[tuple, list[int]] = {}  # (value, unit, date) → indexes in kept
    for item in items:
        if item.value_normalized is None:
            kept.append(item)
            continue
        key = (item.value_normalized, item.unit_normalized, getattr(item, date_field))
        candidates = by_figure.setdefault(key, [])
        # A repeat stands near what it repeats (a headline, its lead, a summary): the latest few are enough, which
        # keeps a long document's many 增长5% from being compared with one another.
        same = next(
            (
                i
                for i in reversed(candidates[-_REPEAT_REACH:])
                if kept[i].start != item.start
                and abs(item.start - kept[i].start) <= _REPEAT_DISTANCE
                and same_indicator(kept[i].subject, item.subject)
            ),
            None,
        )
        if same is None:
            candidates.append(len(kept))
            kept.append(item)
        elif kept[same].start in headline and item.start not in headline:
            kept[same] = item
    return kept


def restates_a_plan(fact: ExtractedFact, commitments: list[ExtractedCommitment]) -> bool:
    """A count of the plan's projects repeated in a report of their progress is the plan, not a new result."""
    return any(
        c.value_normalized is not None
        and c.value_normalized == fact.value_normalized
        and c.unit_normalized == fact.unit_normalized
        and c.deadline is not None
        and (c.period_start or "") <= fact.as_of <= c.deadline
        and same_indicator(c.subject, fact.subject, 0.4)
        for c in commitments
    )


def same_indicator(a: str, b: str, least: float = _DEDUPE_DICE) -> bool:
    """Two subjects for one indicator: similar, or one is the other with more words (重点项目投资 and
    川渝共建…重点项目投资)."""
    short, long_ = sorted((a, b), key=len)
    return dice(a, b) >= least or (len(short) >= 4 and short in long_) or dice(short, long_[-len(short) - 2 :]) >= 0.8
