"""The review queue's cards: what extraction found in an article, with Confirm / Edit / Reject and, for a fact, a
button to link it to each other commitment it may report on."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup

from bot.render.buttons import ID, ButtonKind
from bot.render.records import number, tags_text, target_text
from bot.texts import t
from bot.texts.keys import REVIEW_KIND, STATUS
from trackers.models import ReviewItem, ReviewState

CONFIRM = ButtonKind("rv:ok", (ID,))
EDIT = ButtonKind("rv:ed", (ID,))
REJECT = ButtonKind("rv:no", (ID,))
LINK = ButtonKind("rv:ln", (ID, ID))  # the card, and the commitment the fact is linked to instead
# A commitment already tracked: its source becomes evidence on that one.
MERGE = ButtonKind("rv:mg", (ID,))
NEXT_PAGE = ButtonKind("rv:pg", (ID,))  # /review's next page: the cards after this one


def review_keyboard(language: str, item: ReviewItem) -> InlineKeyboardMarkup | None:
    if item.state != ReviewState.PENDING:
        return None
    rows = [
        [
            CONFIRM.button(t(language, "adm_btn_confirm"), item.id),
            EDIT.button(t(language, "adm_btn_edit"), item.id),
            REJECT.button(t(language, "adm_btn_reject"), item.id),
        ]
    ]
    duplicate_of = item.data.get("duplicate_of")
    if duplicate_of:
        # Already tracked: merging is the usual answer; "keep both" is Confirm under another name.
        rows = [
            [
                MERGE.button(t(language, "adm_btn_merge", id=duplicate_of), item.id),
                CONFIRM.button(t(language, "adm_btn_keep_both"), item.id),
            ],
            [EDIT.button(t(language, "adm_btn_edit"), item.id), REJECT.button(t(language, "adm_btn_reject"), item.id)],
        ]
    if item.kind == "fact":
        others = [cid for cid in item.data.get("candidates", []) if cid != item.suggested_commitment_id]
        links = [LINK.button(t(language, "adm_btn_link", id=cid), item.id, cid) for cid in others]
        if links:
            rows.append(links)
    return InlineKeyboardMarkup(rows)


def review_card(language: str, item: ReviewItem, *, linked: dict[int, str], article_title: str | None) -> str:
    """One card of the review queue: what was found, the quote, and (for a fact) what it would count towards."""
    data = item.data
    head = t(language, REVIEW_KIND.key(item.kind), id=item.id)
    lines = [head, t(language, "adm_card_subject", subject=html.escape(data.get("subject") or "—"))]
    if item.kind != "plan" or data.get("value") is not None:
        lines.append(
            t(
                language,
                "adm_card_figure" if item.kind in ("fact", "verdict") else "adm_card_target",
                target=target_text(language, data.get("comparator"), data.get("value"), data.get("unit")),
            )
        )
    if item.kind in ("fact", "verdict"):
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
                status=t(language, STATUS.key(data.get("status"))),
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
    if data.get("after_deadline"):
        lines.append(t(language, "adm_card_after_deadline"))
    if item.kind == "fact" and item.suggested_commitment_id in linked:
        lines.append(
            t(
                language,
                "adm_card_links_to",
                id=item.suggested_commitment_id,
                subject=html.escape(linked[item.suggested_commitment_id]),
            )
        )
    if data.get("duplicate_of") in linked:
        duplicate_of = data["duplicate_of"]
        lines.append(t(language, "adm_card_duplicate", id=duplicate_of, subject=html.escape(linked[duplicate_of])))
    lines.append(t(language, "adm_card_quote", quote=html.escape(data.get("quote") or "")))
    if article_title:
        lines.append(t(language, "adm_card_article", title=html.escape(article_title)))
    return "\n".join(lines)
