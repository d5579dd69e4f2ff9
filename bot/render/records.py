"""How admin-side records read in a message: targets as typed, drafts, one-line commitments, their history.
Everything from users or articles is escaped here."""

from __future__ import annotations

import html
from datetime import datetime

from bot.render.format import amount
from bot.texts import t
from bot.texts.keys import COMPARATOR
from trackers.models import AuditEntry, Commitment, CommitmentRevision
from trackers.runtime.clock import local_time


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def target_text(language: str, comparator: str | None, value: float | None, unit: str | None) -> str:
    """'超过500亿元' / 'over 500亿元', in the words every card uses (cmp_*); a pledge without a figure says so."""
    if value is None:
        return t(language, "adm_no_figure")
    return t(
        language, COMPARATOR.key(comparator if comparator in COMPARATOR.values else "="), value=amount(value, unit)
    )


def tags_text(tags: list[str]) -> str:
    return " ".join(f"#{html.escape(tag)}" for tag in tags)


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


def _local(moment: datetime, zone: str) -> str:
    return local_time(moment, zone).strftime("%Y-%m-%d %H:%M")


def history_text(
    language: str, commitment: Commitment, entries: list[AuditEntry], revisions: list[CommitmentRevision]
) -> str:
    """/history: every audited change to a commitment, then its target revisions, in the commitment's own zone."""
    lines = [t(language, "adm_history_head", id=commitment.id, subject=html.escape(commitment.subject))]
    zone = commitment.timezone
    for entry in entries:
        detail = entry.detail or {}
        what = ", ".join(
            f"{html.escape(str(k))}={html.escape(str(v))}" for k, v in detail.items() if v not in (None, "", [])
        )
        lines.append(
            t(
                language,
                "adm_history_line",
                at=_local(entry.at, zone),
                actor=entry.actor_id or "—",
                action=html.escape(entry.action),
                what=what[:300],
            )
        )
    for revision in revisions:
        old, new = revision.old, revision.new
        lines.append(
            t(
                language,
                "adm_history_revision",
                at=_local(revision.changed_at, zone),
                old=target_text(language, old.get("comparator"), old.get("value"), old.get("unit")),
                old_deadline=old.get("deadline") or "—",
                new=target_text(language, new.get("comparator"), new.get("value"), new.get("unit")),
                new_deadline=new.get("deadline") or "—",
            )
        )
    return "\n".join(lines)
