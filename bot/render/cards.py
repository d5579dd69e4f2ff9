"""The commitment card and the one-line form used in lists."""

from __future__ import annotations

from datetime import datetime

from bot.render.format import (
    amount,
    day,
    deadline,
    esc,
    percent,
    shorten,
    status_label,
    target,
)
from bot.texts import t
from trackers.commitments.catalog import Card, days_left
from trackers.commitments.progress import Assessment, Goal, GrowthSource, Reason, assessment_for, progress_goal
from trackers.models import Commitment, Evidence
from trackers.runtime.clock import local_date

SUBJECT_IN_LIST = 24
QUOTE_IN_CARD = 160
EVIDENCE_IN_CARD = 5
CHILDREN_IN_CARD = 6


def list_line(language: str, commitment: Commitment, now: datetime) -> str:
    """⏰ <b>#3</b> 集成电路产业链群规模 · 超过500亿元 · 2025-12-31 · -332: one scannable line."""
    left = days_left(commitment, now)
    parts = [
        f"{status_label(language, commitment.status).split(' ')[0]} <b>#{commitment.id}</b> "
        f"{esc(shorten(commitment.subject, SUBJECT_IN_LIST))}",
        target(language, commitment),
        deadline(language, commitment, now) if left is not None else t(language, "deadline_none"),
    ]
    return " · ".join(parts)


def button_label(commitment: Commitment) -> str:
    # Button labels are plain text (no HTML), so no escaping here.
    return f"#{commitment.id} {shorten(commitment.subject, 20)}"


def assessment_lines(language: str, goal: Goal, assessment: Assessment) -> list[str]:
    """The arithmetic in one line, then the suggested mark: the card's and the "new coverage" message's."""
    unit = goal.unit
    latest = assessment.latest
    values = {"target": amount(goal.value, unit)}
    if latest is not None:
        values |= {"latest": amount(latest.value, unit), "year0": latest.as_of.year, "date": day(latest.as_of)}
    if goal.deadline is not None:
        values["year1"] = goal.deadline.year
    values["share"] = percent(assessment.share) if assessment.share is not None else "—"
    values["needed"] = percent(assessment.needed_growth) if assessment.needed_growth is not None else "—"
    if assessment.remaining is not None:
        values["remaining"] = amount(assessment.remaining, unit)
    if assessment.growth is not None:
        source = "growth_reported" if assessment.growth_source == GrowthSource.REPORTED else "growth_observed"
        values |= {"growth": percent(assessment.growth), "source": t(language, source)}
    if assessment.projected is not None:
        values["projected"] = amount(assessment.projected, unit)
    match assessment.reason:
        case Reason.NO_PROGRESS:
            # no figure yet: nothing to compute
            line = t(language, "reason_no_progress")
        case Reason.REACHED:
            # the latest figure meets the target (`goal_met`), the deadline not yet past or a level reached before it
            line = t(language, "reason_reached", **values)
        case Reason.FINAL_MET:
            # the figure dated at or after the deadline against the target: met
            line = t(language, "reason_final_met", **values)
        case Reason.FINAL_MISSED:
            # the figure dated at or after the deadline against the target: missed
            line = t(language, "reason_final_missed", **values)
        case Reason.NO_FINAL:
            # the deadline has passed and the latest figure predates it: that figure and its date, no forecast
            line = t(language, "reason_no_final", **values)
        case Reason.NO_DEADLINE:
            # no deadline: no growth needed can be computed
            line = t(language, "reason_no_deadline")
        case Reason.NO_GROWTH if assessment.remaining is not None:
            # under a year to go: share of the target reached (latest / target) and what is left (target - latest)
            line = t(language, "reason_short", **values)
        case Reason.NO_GROWTH:
            # the yearly growth needed: (target / latest) ^ (1 / years from the latest figure to the deadline) - 1
            line = t(language, "reason_no_growth", **values)
        case _ if assessment.growth is None:
            # a rate, or a ceiling under a year away: the latest reading against the target, nothing compounded
            line = t(language, "reason_rate", **values)
        case _ if assessment.remaining is not None:
            # under a year to go: share reached, what is left, and latest × (1 + growth) ^ years left at the deadline
            line = t(language, "reason_short_pace", **values)
        case _:
            # the yearly growth needed against the growth reported or observed, and latest × (1 + growth) ^ years left
            line = t(language, "reason_pace", **values)
    lines = [line]
    if assessment.suggestion is not None:
        lines.append(t(language, "card_suggestion", status=status_label(language, assessment.suggestion)))
    return lines


def _evidence_line(language: str, card: Card, item: Evidence) -> str:
    source = card.sources.get(item.article_id) if card.sources and item.article_id else None
    head = [day(item.as_of), t(language, f"evidence_{item.kind.value}")]
    if source is not None:
        # Where the figure comes from: the outlet and the title, and who pasted it when it has no address.
        if source.source:
            head.append(esc(source.source))
        if source.title:
            head.append(t(language, "evidence_title", title=esc(shorten(source.title, 24))))
        if not source.canonical_url and source.pasted_by is not None:
            head.append(t(language, "source_pasted", admin=source.pasted_by))
    if item.value is not None:
        head.append(amount(item.value, item.unit))
    if item.status is not None:
        head.append(status_label(language, item.status))
    line = "• " + " · ".join(head)
    if item.quote:
        line += f"\n  “{esc(shorten(item.quote, QUOTE_IN_CARD))}”"
    url = item.source_url or (source.canonical_url if source is not None else None)
    if url and url.startswith(("http://", "https://")):
        line += f' <a href="{esc(url).replace(chr(34), "&quot;")}">{t(language, "evidence_link")}</a>'
    return line


def card_text(language: str, card: Card, now: datetime) -> str:
    """Everything about one commitment that fits a message; the evidence trail is cut to the newest entries."""
    c = card.commitment
    lines = []
    if c.is_demo:
        lines.append(t(language, "card_demo"))
    lines.append(f"<b>#{c.id} {esc(c.subject)}</b>")
    lines.append(t(language, "card_target", target=target(language, c)))
    lines.append(t(language, "card_deadline", deadline=deadline(language, c, now)))
    if c.period_start is not None:
        lines.append(t(language, "card_period", start=day(c.period_start), end=day(c.deadline)))
    if c.place:
        lines.append(t(language, "card_place", place=esc(c.place)))
    if c.issuer:
        lines.append(t(language, "card_issuer", issuer=esc(c.issuer)))
    if card.parent is not None:
        lines.append(t(language, "card_parent", plan=f"#{card.parent.id} {esc(card.parent.subject)}"))
    if card.children:
        shown = [f"#{child.id} {esc(shorten(child.subject, 18))}" for child in card.children[:CHILDREN_IN_CARD]]
        if len(card.children) > CHILDREN_IN_CARD:
            shown.append(t(language, "card_children_more", count=len(card.children) - CHILDREN_IN_CARD))
        lines.append(t(language, "card_children", count=len(card.children), items="、".join(shown)))
    if card.tags:
        lines.append(t(language, "card_tags", tags=" · ".join(esc(tag) for tag in card.tags)))
    lines.append(t(language, "card_status", status=status_label(language, c.status)))

    # Worked out again as of the commitment's own today: whether its deadline has passed decides what can be said.
    assessment = assessment_for(c, card.points, today=local_date(now, c.timezone))
    if assessment is not None and assessment.latest is not None:
        latest = assessment.latest
        value = amount(latest.value, c.unit)
        if assessment.share is not None:
            # share of the target reached by the latest point: latest / target
            lines.append(
                t(language, "card_latest", value=value, date=day(latest.as_of), share=percent(assessment.share))
            )
        else:
            lines.append(t(language, "card_latest_noshare", value=value, date=day(latest.as_of)))
    else:
        lines.append(t(language, "card_no_progress"))
    goal = progress_goal(c)
    if assessment is not None and goal is not None:
        lines.extend(assessment_lines(language, goal, assessment))
    if c.quote:
        lines.append(t(language, "card_quote", quote=esc(shorten(c.quote, QUOTE_IN_CARD))))

    lines.append("")
    lines.append(t(language, "card_evidence_header"))
    if not card.evidence:
        lines.append(t(language, "card_evidence_none"))
    for item in card.evidence[:EVIDENCE_IN_CARD]:
        lines.append(_evidence_line(language, card, item))
    if len(card.evidence) > EVIDENCE_IN_CARD:
        lines.append(t(language, "card_evidence_more", count=len(card.evidence) - EVIDENCE_IN_CARD))
    return "\n".join(lines)
