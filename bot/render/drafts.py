"""A commitment being added: its draft card and the preview's Save / Edit / Cancel buttons."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup

from bot.render.buttons import ButtonKind
from bot.render.records import tags_text, target_text
from bot.texts import t
from trackers.commitments.editing import Draft

SAVE = ButtonKind("add:save")
EDIT = ButtonKind("add:edit")
CANCEL = ButtonKind("add:cancel")


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


def preview_keyboard(language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                SAVE.button(t(language, "adm_btn_save")),
                EDIT.button(t(language, "adm_btn_edit")),
                CANCEL.button(t(language, "adm_btn_cancel")),
            ]
        ]
    )
