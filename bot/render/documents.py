"""A document in one message: its groups with their counts, what in it answers tracked commitments, and the buttons
to confirm a group in one press, review a group card by card, and see the suggested verdicts."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup

from bot.render.buttons import ID, ButtonKind
from bot.texts import t
from trackers.coverage.summary import GOALS, MAIN, RESULTS, TASKS, Group, Summary, parse_group
from trackers.models import Article

GROUP = r"[mtgrn](?:\d{4}-\d{4})?"
CONFIRM_GROUP = ButtonKind("dc:ok", (ID, GROUP))  # the document, the group
REVIEW_GROUP = ButtonKind("dc:rv", (ID, GROUP, ID))  # the document, the group, the page
ANSWERS = ButtonKind("dc:an", (ID, ID))  # the document, the page
CONFIRM_ANSWERS = ButtonKind("dc:aa", (ID,))
SUMMARY = ButtonKind("dc:sm", (ID,))

# Cards a page shows when a group is reviewed one by one.
PAGE_SIZE = 5
_PLAN_NUMBERS = {13: "十三五", 14: "十四五", 15: "十五五", 16: "十六五"}
_ORDINALS = {13: "13th", 14: "14th", 15: "15th", 16: "16th"}


def _five_year_plan(language: str, begin: int, end: int) -> str | None:
    """The five-year plan a span is (2021–2025: 十四五), if it is one."""
    if end - begin != 4 or (begin - 1) % 5:
        return None
    number = (begin - 1981) // 5 + 6
    names = _PLAN_NUMBERS if language == "zh" else _ORDINALS
    return names.get(number)


def group_label(language: str, key: str) -> str:
    kind, begin, end = parse_group(key)
    if begin is None:
        return t(language, "doc_group_n")
    if kind == MAIN:
        return t(language, "doc_group_m", year=end)
    if kind == TASKS:
        return t(language, "doc_group_t", year=end)
    plan = _five_year_plan(language, begin, end)
    if kind == GOALS:
        return t(language, "doc_group_g_plan", plan=plan) if plan else t(language, "doc_group_g", begin=begin, end=end)
    if begin == end:
        return t(language, "doc_group_r", year=end)
    return t(language, "doc_group_r_plan", plan=plan) if plan else t(language, "doc_group_r_span", begin=begin, end=end)


def _count(language: str, group: Group) -> str:
    label = group_label(language, group.key)
    if group.confirmed:
        return t(language, "doc_group_count_confirmed", label=label, count=group.total, confirmed=group.confirmed)
    return t(language, "doc_group_count", label=label, count=group.total)


def id_list(ids: list[int], limit: int = 12) -> str:
    """#1 #2 … the first `limit` of them, and "…" for the rest: a count of 85 is read, not its ids."""
    shown = " ".join(f"#{i}" for i in ids[:limit])
    return shown + (" …" if len(ids) > limit else "")


def document_title(language: str, article: Article) -> str:
    """Its own title, else its first line when that reads like one (a pasted report starts with its name)."""
    if article.title:
        return article.title
    first = next((line.strip() for line in article.text.splitlines() if line.strip()), "")
    return first if 0 < len(first) <= 40 else t(language, "doc_untitled")


def summary_text(language: str, article: Article, summary: Summary, *, place: str | None) -> str:
    """A few lines that fit one screen however long the document is."""
    lines = [
        t(
            language,
            "doc_head",
            title=html.escape(document_title(language, article)),
            published=article.published.isoformat() if article.published else "—",
            place=html.escape(place) if place else t(language, "doc_no_place"),
            id=article.id,
        )
    ]
    if not summary.groups:
        lines.append(t(language, "doc_nothing"))
        return "\n".join(lines)
    lines.append(" · ".join(_count(language, group) for group in summary.groups))
    if summary.answers:
        lines.append(
            t(
                language,
                "doc_answers",
                answers=summary.answers,
                verdicts=summary.verdicts,
                ids=id_list(summary.answered),
            )
        )
    else:
        lines.append(t(language, "doc_no_answers"))
    duplicates = sum(group.duplicates for group in summary.groups)
    if duplicates:
        lines.append(t(language, "doc_duplicates", count=duplicates))
    return "\n".join(lines)


def summary_keyboard(language: str, summary: Summary) -> InlineKeyboardMarkup | None:
    """For each group of targets still waiting: confirm it whole (less the duplicates), or one by one; then the
    suggested verdicts."""
    rows = []
    for group in summary.groups:
        if parse_group(group.key)[0] == RESULTS or not group.pending:
            continue
        label = group_label(language, group.key)
        row = []
        confirmable = group.pending - group.duplicates
        if confirmable:
            row.append(
                CONFIRM_GROUP.button(
                    t(language, "doc_btn_confirm", label=label, count=confirmable), summary.article_id, group.key
                )
            )
        row.append(REVIEW_GROUP.button(t(language, "doc_btn_review"), summary.article_id, group.key, 0))
        rows.append(row)
    if summary.answers:
        rows.append([ANSWERS.button(t(language, "doc_btn_answers", count=summary.answers), summary.article_id, 0)])
    return InlineKeyboardMarkup(rows) if rows else None


def page_keyboard(language: str, next_button, article_id: int) -> InlineKeyboardMarkup:
    """Under a page of cards: the next page, if any, and the way back to the summary."""
    row = [next_button] if next_button is not None else []
    row.append(SUMMARY.button(t(language, "doc_btn_summary"), article_id))
    return InlineKeyboardMarkup([row])
