"""What followers hear when an admin adds a commitment, moves its target or confirms a verdict (sent through the
outbox)."""

from __future__ import annotations

import html

from bot.render.records import commitment_line, target_text
from bot.texts import t
from bot.texts.keys import STATUS
from trackers.models import Article, Commitment, CommitmentRevision, Evidence


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


def source_text(language: str, article: Article | None) -> str:
    """Where a figure comes from: the outlet and title, the address, or the admin who pasted it."""
    if article is None:
        return "—"
    parts = [part for part in (article.source, article.title) if part]
    if article.canonical_url:
        parts.append(article.canonical_url)
    elif article.pasted_by is not None:
        parts.append(t(language, "source_pasted", admin=article.pasted_by))
    if article.published is not None:
        parts.append(article.published.isoformat())
    return html.escape(" · ".join(parts)) if parts else "—"


def verdict_text(language: str, commitment: Commitment, data: dict, article: Article | None) -> str:
    """A confirmed verdict, as followers hear of it: the call, the figure against the target, the quote, the
    source."""
    unit = data.get("target_unit")
    return t(
        language,
        "notice_verdict",
        id=commitment.id,
        subject=html.escape(commitment.subject),
        status=t(language, STATUS.key(data.get("status"))),
        reported=target_text(language, "=", data.get("reported"), unit),
        target=target_text(language, data.get("target_comparator"), data.get("target"), unit),
        quote=html.escape(data.get("quote") or ""),
        source=source_text(language, article),
    )


def archived_text(language: str, commitment: Commitment) -> str:
    return t(language, "notice_archived", id=commitment.id, subject=html.escape(commitment.subject))


def status_text(language: str, commitment: Commitment, evidence: Evidence | None) -> str:
    """A status set by an admin, with what it rests on (the quote or the address), when given."""
    said = ""
    if evidence is not None and (evidence.quote or evidence.source_url):
        said = "\n" + t(language, "notice_status_evidence", evidence=html.escape(evidence.quote or evidence.source_url))
    return (
        t(
            language,
            "notice_status",
            id=commitment.id,
            subject=html.escape(commitment.subject),
            status=t(language, STATUS.key(commitment.status)),
        )
        + said
    )
