"""What followers hear when an admin adds a commitment or moves its target (sent through the outbox)."""

from __future__ import annotations

import html

from bot.render.records import commitment_line, target_text
from bot.texts import t
from trackers.models import Commitment, CommitmentRevision


def revised_text(language: str, commitment: Commitment, revision: CommitmentRevision) -> str:
    """A moved target, as its followers hear of it: the old target and the new one."""
    old, new = revision.old, revision.new
    return t(
        language,
        "adm_notice_revised",
        id=commitment.id,
        subject=html.escape(commitment.subject),
        old=target_text(language, old.get("comparator"), old.get("value"), old.get("unit")),
        old_deadline=old.get("deadline") or "—",
        new=target_text(language, new.get("comparator"), new.get("value"), new.get("unit")),
        new_deadline=new.get("deadline") or "—",
    )


def new_commitment_text(language: str, commitment: Commitment) -> str:
    """A new commitment, as the followers of its tags, place or plan hear of it."""
    return t(language, "adm_notice_new", line=commitment_line(language, commitment))
