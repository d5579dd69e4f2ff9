"""How admin-side records read in a message. Everything from users or articles is escaped here."""

from __future__ import annotations

import html

from bot.render.format import amount
from bot.texts import t
from trackers.commitments.editing import Draft
from trackers.models import Commitment, ReviewItem

COMPARATORS = frozenset({">", ">=", "<", "<=", "~", "="})


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def target_text(language: str, comparator: str | None, value: float | None, unit: str | None) -> str:
    """'超过500亿元' / 'over 500亿元', in the words every card uses (cmp_*); a pledge without a figure says so."""
    if value is None:
        return t(language, "adm_no_figure")
    key = f"cmp_{comparator}" if comparator in COMPARATORS else "cmp_="
    return t(language, key, value=amount(value, unit))


def tags_text(tags: list[str]) -> str:
    return " ".join(f"#{html.escape(tag)}" for tag in tags)


def draft_card(language: str, draft: Draft, *, parent_subject: str | None = None) -> str:
    lines = [
        t(language, "adm_card_subject", subject=html.escape(draft.subject)),
        t(
            language,
            "adm_card_target",
            target=target_text(
                language,
                draft.target.comparator if draft.target else None,
                draft.target.value if draft.target else None,
                draft.target.unit if draft.target else None,
            ),
        ),
        t(language, "adm_card_deadline", deadline=draft.deadline.isoformat() if draft.deadline else "—"),
    ]
    if draft.place:
        lines.append(t(language, "adm_card_place", place=html.escape(draft.place)))
    if draft.tags:
        lines.append(t(language, "adm_card_tags", tags=tags_text(draft.tags)))
    if parent_subject:
        lines.append(t(language, "adm_card_parent", parent=html.escape(parent_subject)))
    if draft.source_url:
        lines.append(t(language, "adm_card_source", source=html.escape(draft.source_url)))
    return "\n".join(lines)


def commitment_line(language: str, commitment: Commitment) -> str:
    """'#12 集成电路产业链群规模: 超过500亿元, 2025-12-31'."""
    target = target_text(
        language, str(commitment.comparator) if commitment.comparator else None, commitment.value, commitment.unit
    )
    deadline = commitment.deadline.isoformat() if commitment.deadline else "—"
    return t(
        language,
        "adm_commitment_line",
        id=commitment.id,
        subject=html.escape(commitment.subject),
        target=target,
        deadline=deadline,
    )


def review_card(language: str, item: ReviewItem, *, linked: dict[int, str], article_title: str | None) -> str:
    """One card of the review queue: what was found, the quote, and (for a fact) what it would count towards."""
    data = item.data
    head = t(language, f"adm_review_kind_{item.kind}", id=item.id)
    lines = [head, t(language, "adm_card_subject", subject=html.escape(data.get("subject") or "—"))]
    if item.kind != "plan" or data.get("value") is not None:
        lines.append(
            t(
                language,
                "adm_card_target" if item.kind != "fact" else "adm_card_figure",
                target=target_text(language, data.get("comparator"), data.get("value"), data.get("unit")),
            )
        )
    if item.kind == "fact":
        lines.append(t(language, "adm_card_as_of", as_of=data.get("as_of") or "—"))
        if data.get("growth_percent") is not None:
            lines.append(t(language, "adm_card_growth", growth=number(data["growth_percent"])))
    else:
        deadline = data.get("deadline") or "—"
        if data.get("period_start"):
            deadline = f"{data['period_start']} — {deadline}"
        lines.append(t(language, "adm_card_deadline", deadline=deadline))
    if data.get("place"):
        lines.append(t(language, "adm_card_place", place=html.escape(data["place"])))
    if data.get("tags"):
        lines.append(t(language, "adm_card_tags", tags=tags_text(data["tags"])))
    if data.get("parent_plan"):
        lines.append(t(language, "adm_card_parent", parent=html.escape(data["parent_plan"])))
    if item.kind == "verdict":
        lines.append(
            t(
                language,
                "cov_card_verdict",
                status=t(language, f"status_{data.get('status')}"),
                reported=target_text(language, "=", data.get("reported"), data.get("target_unit")),
                target=target_text(
                    language, data.get("target_comparator"), data.get("target"), data.get("target_unit")
                ),
                commitment=item.suggested_commitment_id,
            )
        )
    if item.kind == "shift":
        lines.append(
            t(
                language,
                "cov_card_shift",
                commitment=item.suggested_commitment_id,
                old=target_text(language, data.get("old_comparator"), data.get("old_value"), data.get("old_unit")),
                old_deadline=data.get("old_deadline") or "—",
                new=target_text(language, data.get("comparator"), data.get("value"), data.get("unit")),
                new_deadline=data.get("deadline") or "—",
            )
        )
    if item.kind == "fact" and item.suggested_commitment_id in linked:
        lines.append(
            t(
                language,
                "adm_card_links_to",
                id=item.suggested_commitment_id,
                subject=html.escape(linked[item.suggested_commitment_id]),
            )
        )
    lines.append(t(language, "adm_card_quote", quote=html.escape(data.get("quote") or "")))
    if article_title:
        lines.append(t(language, "adm_card_article", title=html.escape(article_title)))
    return "\n".join(lines)
