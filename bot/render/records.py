"""How admin-side records read in a message: targets as typed, drafts, one-line commitments, their history.
Everything from users or articles is escaped here."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from bot.render.format import amount
from bot.texts import t
from bot.texts.keys import COMPARATOR, FIELD, STATUS
from trackers.commitments.editing import InvalidValue, parse_tags
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


def _aware(moment: datetime) -> datetime:
    """Audit entries and revisions come back naive from SQLite; both are UTC, so they sort together."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _who(language: str, actor_id: int | None) -> str:
    return t(language, "adm_history_user", id=actor_id) if actor_id else t(language, "adm_history_bot")


def _status(language: str, value: object) -> str:
    try:
        return t(language, STATUS.key(value))
    except KeyError:
        return html.escape(str(value))


def _plain(field: str, value: object) -> str:
    """An old or new field value as an admin would type it: tags as #tags, a parent as #id, nothing as —."""
    if value in (None, "", []):
        return "—"
    if field == "tags":
        if isinstance(value, str):
            try:
                value = parse_tags(value)
            except InvalidValue:
                return html.escape(value)
        return tags_text(list(value))
    if field == "parent" and isinstance(value, int):
        return f"#{value}"
    return html.escape(str(value))


def _change(language: str, field: str, old: str, new: str) -> str | None:
    """'目标：超过500亿元 → 超过600亿元'; None when nothing changed."""
    if old == new:
        return None
    return t(language, "adm_history_change", field=t(language, FIELD.key(field)), old=old, new=new)


def _entry_text(language: str, entry: AuditEntry) -> str | None:
    """One audited action as a phrase; None for what another line tells (target and deadline edits: their
    revisions) or for an edit that changed nothing."""
    detail = entry.detail or {}
    action = entry.action
    if action in ("create", "confirm"):
        target = target_text(language, detail.get("comparator"), detail.get("value"), detail.get("unit"))
        key = "adm_history_created" if action == "create" else "adm_history_confirmed"
        return t(language, key, target=target, deadline=detail.get("deadline") or "—")
    if action in ("edit_target", "edit_deadline"):
        return None
    if action.startswith("edit_") and action[5:] in FIELD.values:
        field = action[5:]
        return _change(language, field, _plain(field, detail.get("old")), _plain(field, detail.get("new")))
    if action == "archive":
        return t(language, "adm_history_archived")
    if action in ("set_status", "status_overdue"):
        old = detail.get("old", detail.get("from"))
        new = detail.get("new", "overdue")
        return _change(language, "status", _status(language, old), _status(language, new))
    if action in ("progress", "confirm_progress"):
        value = html.escape(f"{number(detail.get('value'))}{detail.get('unit') or ''}")
        return t(language, "adm_history_progress", value=value, as_of=detail.get("as_of") or "—")
    return t(language, "adm_history_other", action=html.escape(action))


def _revision_texts(language: str, revision: CommitmentRevision) -> list[str]:
    """A revision's target and deadline changes, each a phrase."""
    old, new = revision.old, revision.new
    changes = [
        _change(
            language,
            "target",
            target_text(language, old.get("comparator"), old.get("value"), old.get("unit")),
            target_text(language, new.get("comparator"), new.get("value"), new.get("unit")),
        ),
        _change(language, "deadline", old.get("deadline") or "—", new.get("deadline") or "—"),
    ]
    return [change for change in changes if change is not None]


def history_text(
    language: str, commitment: Commitment, entries: list[AuditEntry], revisions: list[CommitmentRevision]
) -> str:
    """/history: who changed what and when, oldest first, in the commitment's own zone; edits that changed
    nothing are left out."""
    zone = commitment.timezone
    events: list[tuple[datetime, int | None, str]] = []
    for entry in entries:
        text = _entry_text(language, entry)
        if text is not None:
            events.append((_aware(entry.at), entry.actor_id, text))
    for revision in revisions:
        events += [
            (_aware(revision.changed_at), revision.changed_by, text) for text in _revision_texts(language, revision)
        ]
    events.sort(key=lambda event: event[0])  # stable: an action's entry stays ahead of what it revised
    lines = [t(language, "adm_history_head", id=commitment.id, subject=html.escape(commitment.subject))]
    for at, actor_id, text in events:
        lines.append(t(language, "adm_history_line", at=_local(at, zone), who=_who(language, actor_id), what=text))
    return "\n".join(lines)
