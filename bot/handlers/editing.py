"""Admins keep commitments true: /edit, /archive, /setstatus, /progress, and /history from the audit log."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.followers import tell_followers_of_archive, tell_followers_of_revision, tell_followers_of_status
from bot.handlers.ids import parse_id
from bot.handlers.turn import Turn, answer_admin_command
from bot.render.errors import EDITING_ERRORS, error_text
from bot.render.records import history_text, number
from bot.texts import LANGUAGES, t
from bot.texts.keys import FIELD, STATUS
from trackers.commitments.catalog import get_commitment
from trackers.commitments.editing import (
    EDITABLE_FIELDS,
    archive_commitment,
    edit_commitment,
    record_progress,
    revisions_of,
    set_status,
)
from trackers.errors import UnknownCommitment
from trackers.models import Commitment, Status
from trackers.runtime.audit import commitment_target, entries_for
from trackers.runtime.clock import utcnow


def _status_named(word: str) -> Status | None:
    """achieved, 已兑现, Achieved: the status vocabulary in either language."""
    word = word.strip().lower()
    for status in Status:
        if word == status.value or word in {t(language, STATUS.key(status)).lower() for language in LANGUAGES}:
            return status
    return None


def _commitment_id(arg: str) -> int | None:
    return parse_id(arg)


async def edit(update: Update, context: Context) -> None:
    """/edit ID field value: change one field; a new target is kept as a revision and followers are told."""
    await answer_admin_command(update, context, "edit", _edit)


async def _edit(turn: Turn) -> str:
    args = turn.context.args or []
    language = turn.language
    cid = _commitment_id(args[0]) if args else None
    if cid is None or len(args) < 3:
        return t(language, "adm_edit_usage", fields=", ".join(EDITABLE_FIELDS))
    try:
        edited = await edit_commitment(
            turn.session,
            cid,
            args[1].lower(),
            " ".join(args[2:]),
            actor_id=turn.user_id,
            now=utcnow(),
            timezone=turn.settings.bot.timezone,
        )
    except EDITING_ERRORS as error:
        return error_text(language, error)
    text = t(language, "adm_edited", id=cid, field=t(language, FIELD.key(args[1].lower())))
    if edited.revision is not None:
        told = await tell_followers_of_revision(
            turn.session,
            edited.commitment,
            edited.revision,
            now=utcnow(),
            default_language=turn.settings.bot.language,
        )
        text += "\n" + t(language, "adm_revision_kept", followers=told)
    return text


async def archive(update: Update, context: Context) -> None:
    """/archive ID: take a commitment out of every list; its history stays."""
    await answer_admin_command(update, context, "archive", _archive)


async def _archive(turn: Turn) -> str:
    args = turn.context.args
    cid = _commitment_id(args[0]) if args else None
    if cid is None:
        return t(turn.language, "adm_archive_usage")
    try:
        commitment = await archive_commitment(turn.session, cid, actor_id=turn.user_id, now=utcnow())
    except EDITING_ERRORS as error:
        return error_text(turn.language, error)
    await tell_followers_of_archive(turn.session, commitment, now=utcnow(), default_language=turn.settings.bot.language)
    return t(turn.language, "adm_archived", id=cid)


async def setstatus(update: Update, context: Context) -> None:
    """/setstatus ID status [evidence URL or quote]: the tracker's verdict; verdicts need evidence."""
    await answer_admin_command(update, context, "set_status", _setstatus)


async def _setstatus(turn: Turn) -> str:
    args = turn.context.args or []
    cid = _commitment_id(args[0]) if args else None
    status = _status_named(args[1]) if len(args) > 1 else None
    if cid is None or status is None:
        names = ", ".join(s.value for s in Status if s != Status.OVERDUE)
        return t(turn.language, "adm_setstatus_usage", statuses=names)
    try:
        evidence = await set_status(turn.session, cid, status, " ".join(args[2:]), actor_id=turn.user_id, now=utcnow())
    except EDITING_ERRORS as error:
        return error_text(turn.language, error)
    commitment = await turn.session.get(Commitment, cid)
    await tell_followers_of_status(
        turn.session, commitment, evidence, now=utcnow(), default_language=turn.settings.bot.language
    )
    return t(turn.language, "adm_status_set", id=cid, status=t(turn.language, STATUS.key(status)))


async def progress(update: Update, context: Context) -> None:
    """/progress ID value as_of [source]: a progress point by hand."""
    await answer_admin_command(update, context, "progress", _progress)


async def _progress(turn: Turn) -> str:
    args = turn.context.args or []
    cid = _commitment_id(args[0]) if args else None
    if cid is None or len(args) < 3:
        return t(turn.language, "adm_progress_usage")
    try:
        point = await record_progress(
            turn.session, cid, args[1], args[2], " ".join(args[3:]), actor_id=turn.user_id, now=utcnow()
        )
    except EDITING_ERRORS as error:
        return error_text(turn.language, error)
    return t(
        turn.language,
        "adm_progress_recorded",
        id=cid,
        value=html.escape(f"{number(point.value)}{point.unit or ''}"),
        as_of=point.as_of.isoformat(),
    )


async def history(update: Update, context: Context) -> None:
    """/history ID: every change to a commitment, from the audit log, with its target revisions."""
    await answer_admin_command(update, context, "history", _history)


async def _history(turn: Turn) -> str:
    args = turn.context.args
    cid = _commitment_id(args[0]) if args else None
    if cid is None:
        return t(turn.language, "adm_history_usage")
    try:
        commitment = await get_commitment(turn.session, cid, allow_archived=True)
    except UnknownCommitment as error:
        return error_text(turn.language, error)
    entries = await entries_for(turn.session, commitment_target(cid))
    revisions = await revisions_of(turn.session, cid)
    return history_text(turn.language, commitment, entries, revisions)


HANDLERS = [
    CommandHandler("edit", edit),
    CommandHandler("archive", archive),
    CommandHandler("setstatus", setstatus),
    CommandHandler("progress", progress),
    CommandHandler("history", history),
]
