"""A document in one message: what it holds, grouped as a reader of a government work report thinks of it.

A yearly report reviews last year, sets this year's main targets, lists this year's tasks and often the goals of
the next five years. Its cards are grouped the same way, so an admin can confirm a group in one press:

    m2026-2026  2026's main targets (the 主要预期目标 list)       t2026-2026  2026's other targets (tasks)
    g2026-2030  goals over several years (十五五, 到2030年)        n           targets without a deadline
    r2025-2025  results of 2025 (facts)                            r2021-2025  results of several years

A key is kind + first year + "-" + last year; renderers name it in the reader's language.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import ReviewItem, ReviewState

MAIN, TASKS, GOALS, UNDATED, RESULTS = "m", "t", "g", "n", "r"
# The heading or opening that announces a year's main targets (今年经济社会发展的主要预期目标是:…).
_MAIN_TARGETS = re.compile(r"主要(?:预期)?目标|预期目标|主要指标")
# Commitment-like cards, and the cards that answer a tracked commitment.
TARGET_KINDS = ("plan", "commitment")
ANSWER_KINDS = ("verdict", "fact")


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def announced_in(text: str, item_start: int) -> bool:
    """Whether an item stands in the paragraph that announces the year's main targets, after the announcement
    (今年经济社会发展主要预期目标为：…). The list ends with that paragraph, though the year's plan runs on over the
    tasks after it."""
    paragraph_start = text.rfind("\n", 0, max(item_start, 0)) + 1
    return bool(_MAIN_TARGETS.search(text, paragraph_start, max(item_start, paragraph_start)))


def target_group(data: dict, *, main: bool) -> str:
    """The group of a commitment card: by its period, and whether it is one of the year's main targets."""
    end = _year(data.get("deadline"))
    if end is None:
        return UNDATED
    begin = _year(data.get("period_start")) or end
    if begin < end:
        return f"{GOALS}{begin}-{end}"
    return f"{MAIN if main else TASKS}{end}-{end}"


def result_group(data: dict) -> str:
    """The group of a fact: the years it reports on."""
    end = _year(data.get("as_of"))
    if end is None:
        return UNDATED
    begin = _year(data.get("period_start")) or end
    return f"{RESULTS}{min(begin, end)}-{end}"


def parse_group(key: str) -> tuple[str, int | None, int | None]:
    """(kind, first year, last year) of a group key; years are None for the undated group."""
    match = re.fullmatch(r"([mtgr])(\d{4})-(\d{4})", key)
    if match is None:
        return UNDATED, None, None
    return match.group(1), int(match.group(2)), int(match.group(3))


# Main targets first, then tasks, goals over years, the undated, and the results last.
_ORDER = {MAIN: 0, TASKS: 1, GOALS: 2, UNDATED: 3, RESULTS: 4}


def _order(key: str) -> tuple:
    kind, begin, end = parse_group(key)
    # This year's groups before next years'; the most recent results first.
    return (_ORDER[kind], -(end or 0) if kind == RESULTS else (begin or 0), end or 0)


@dataclass
class Group:
    key: str
    total: int = 0  # cards (or kept facts) in the group
    pending: int = 0  # still waiting for an admin
    confirmed: int = 0
    duplicates: int = 0  # pending cards of commitments already tracked


@dataclass
class Summary:
    article_id: int
    groups: list[Group] = field(default_factory=list)
    answers: int = 0  # pending cards that answer a tracked commitment (verdicts and progress)
    verdicts: int = 0  # of which suggested verdicts
    answered: list[int] = field(default_factory=list)  # the commitments they answer

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)


def summarize(items: list[ReviewItem]) -> Summary:
    """The summary of one article's cards (all of them, decided or not)."""
    summary = Summary(article_id=items[0].article_id if items else 0)
    groups: dict[str, Group] = {}
    answered: Counter[int] = Counter()
    for item in items:
        key = item.data.get("group")
        if key is not None and item.kind in (*TARGET_KINDS, *ANSWER_KINDS):
            group = groups.setdefault(key, Group(key))
            group.total += 1
            if item.state == ReviewState.PENDING:
                group.pending += 1
                if item.data.get("duplicate_of"):
                    group.duplicates += 1
            elif item.state == ReviewState.CONFIRMED:
                group.confirmed += 1
        if item.kind in ANSWER_KINDS and item.state == ReviewState.PENDING and item.suggested_commitment_id:
            summary.answers += 1
            summary.verdicts += item.kind == "verdict"
            answered[item.suggested_commitment_id] += 1
    summary.groups = sorted(groups.values(), key=lambda g: _order(g.key))
    summary.answered = sorted(answered)
    return summary


async def document_summary(session: AsyncSession, article_id: int) -> Summary:
    rows = await session.scalars(select(ReviewItem).where(ReviewItem.article_id == article_id).order_by(ReviewItem.id))
    summary = summarize(list(rows.all()))
    summary.article_id = article_id
    return summary
