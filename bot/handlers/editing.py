"""Admins keep commitments true: /edit, /archive, /setstatus, /progress, and /history from the audit log."""

from __future__ import annotations

import html

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.admin_gate import answer_admin_command
from bot.handlers.admin_render import number, target_text
from bot.handlers.followers import tell_followers_of_revision
from bot.texts import LANGUAGES, t
from trackers.commitments.catalog import get_commitment
from trackers.commitments.editing import (
    EDITABLE_FIELDS,
    AlreadyArchived,
    EvidenceRequired,
    InvalidValue,
    StatusNotSettable,
    UnknownField,
    UnknownParent,
    archive_commitment,
    edit_commitment,
    record_progress,
    revisions_of,
    set_status,
)
from trackers.commitments.targets import DeadlineInPast, UnparseableDate, UnparseableTarget
from trackers.errors import UnknownCommitment
from trackers.models import Status
from trackers.runtime.audit import commitment_target, entries_for
from trackers.runtime.clock import local_time, utcnow


def _status_named(word: str) -> Status | None:
    """achieved, 已兑现, Achieved: the status vocabulary in either language."""
    word = word.strip().lower()
    for status in Status:
        if word == status.value or word in {t(language, f"status_{status.value}").lower() for language in LANGUAGES}:
            return status
    return None


def _commitment_id(arg: str) -> int | None:
    arg = arg.lstrip("#")
    return int(arg) if arg.isdigit() else None


def _error_text(language: str, exc: Exception) -> str:
    """A domain error in the admin's words."""
    if isinstance(exc, UnknownCommitment):
        return t(language, "adm_unknown_commitment", id=html.escape(str(exc.ref)))
    if isinstance(exc, UnknownField):
        return t(language, "adm_unknown_field", field=html.escape(exc.name), fields=", ".join(EDITABLE_FIELDS))
    if isinstance(exc, UnknownParent):
        return t(language, "adm_unknown_parent", parent=html.escape(exc.ref))
    if isinstance(exc, DeadlineInPast):
        return t(language, "adm_deadline_past", deadline=exc.deadline.isoformat())
    if isinstance(exc, UnparseableDate):
        return t(language, "adm_bad_deadline", text=html.escape(str(exc)))
    if isinstance(exc, UnparseableTarget):
        return t(language, "adm_bad_target", text=html.escape(str(exc)))
    if isinstance(exc, EvidenceRequired):
        return t(language, "adm_evidence_required")
    if isinstance(exc, StatusNotSettable):
        return t(language, "adm_status_automatic")
    if isinstance(exc, AlreadyArchived):
        return t(language, "adm_already_archived")
    return t(language, "adm_bad_value")


DOMAIN_ERRORS = (
    UnknownCommitment,
    UnknownField,
    UnknownParent,
    DeadlineInPast,
    UnparseableDate,
    UnparseableTarget,
    EvidenceRequired,
    StatusNotSettable,
    AlreadyArchived,
    InvalidValue,
)


async def edit(update: Update, context: Context) -> None:
    """/edit ID field value: change one field; a new target is kept as a revision and followers are told."""
    await answer_admin_command(update, context, "edit", _edit)


async def _edit(session: AsyncSession, update: Update, context: Context, language: str) -> str:
    args = context.args or []
    cid = _commitment_id(args[0]) if args else None
    if cid is None or len(args) < 3:
        return t(language, "adm_edit_usage", fields=", ".join(EDITABLE_FIELDS))
    try:
        edited = await edit_commitment(
            session,
            cid,
            args[1].lower(),
            " ".join(args[2:]),
            actor_id=update.effective_user.id,
            now=utcnow(),
            timezone=context.bot_data.settings.bot.timezone,
        )
    except DOMAIN_ERRORS as exc:
        return _error_text(language, exc)
    text = t(language, "adm_edited", id=cid, field=html.escape(args[1].lower()))
    if edited.revision is not None:
        told = await tell_followers_of_revision(
            session,
            edited.commitment,
            edited.revision,
            now=utcnow(),
            default_language=context.bot_data.settings.bot.language,
        )
        text += "\n" + t(language, "adm_revision_kept", followers=told)
    return text


async def archive(update: Update, context: Context) -> None:
    """/archive ID: take a commitment out of every list; its history stays."""
    await answer_admin_command(update, context, "archive", _archive)


async def _archive(session: AsyncSession, update: Update, context: Context, language: str) -> str:
    cid = _commitment_id(context.args[0]) if context.args else None
    if cid is None:
        return t(language, "adm_archive_usage")
    try:
        await archive_commitment(session, cid, actor_id=update.effective_user.id, now=utcnow())
    except DOMAIN_ERRORS as exc:
        return _error_text(language, exc)
    return t(language, "adm_archived", id=cid)


async def setstatus(update: Update, context: Context) -> None:
    """/setstatus ID status [evidence URL or quote]: the tracker's verdict; verdicts need evidence."""
    await answer_admin_command(update, context, "set_status", _setstatus)


async def _setstatus(session: AsyncSession, update: Update, context: Context, language: str) -> str:
    args = context.args or []
    cid = _commitment_id(args[0]) if args else None
    status = _status_named(args[1]) if len(args) > 1 else None
    if cid is None or status is None:
        names = ", ".join(s.value for s in Status if s != Status.OVERDUE)
        return t(language, "adm_setstatus_usage", statuses=names)
    try:
        await set_status(session, cid, status, " ".join(args[2:]), actor_id=update.effective_user.id, now=utcnow())
    except DOMAIN_ERRORS as exc:
        return _error_text(language, exc)
    return t(language, "adm_status_set", id=cid, status=t(language, f"status_{status.value}"))


async def progress(update: Update, context: Context) -> None:
    """/progress ID value as_of [source]: a progress point by hand."""
    await answer_admin_command(update, context, "progress", _progress)


async def _progress(session: AsyncSession, update: Update, context: Context, language: str) -> str:
    args = context.args or []
    cid = _commitment_id(args[0]) if args else None
    if cid is None or len(args) < 3:
        return t(language, "adm_progress_usage")
    try:
        point = await record_progress(
            session, cid, args[1], args[2], " ".join(args[3:]), actor_id=update.effective_user.id, now=utcnow()
        )
    except DOMAIN_ERRORS as exc:
        return _error_text(language, exc)
    return t(
        language,
        "adm_progress_recorded",
        id=cid,
        value=html.escape(f"{number(point.value)}{point.unit or ''}"),
        as_of=point.as_of.isoformat(),
    )


async def history(update: Update, context: Context) -> None:
    """/history ID: every change to a commitment, from the audit log, with its target revisions."""
    await answer_admin_command(update, context, "history", _history)


async def _history(session: AsyncSession, update: Update, context: Context, language: str) -> str:
    cid = _commitment_id(context.args[0]) if context.args else None
    if cid is None:
        return t(language, "adm_history_usage")
    try:
        commitment = await get_commitment(session, cid, allow_archived=True)
    except UnknownCommitment as exc:
        return _error_text(language, exc)
    entries = await entries_for(session, commitment_target(cid))
    revisions = await revisions_of(session, cid)
    lines = [t(language, "adm_history_head", id=cid, subject=html.escape(commitment.subject))]
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


def _local(moment, zone: str) -> str:
    return local_time(moment, zone).strftime("%Y-%m-%d %H:%M")


HANDLERS = [
    CommandHandler("edit", edit),
    CommandHandler("archive", archive),
    CommandHandler("setstatus", setstatus),
    CommandHandler("progress", progress),
    CommandHandler("history", history),
]
