"""Domain errors in the user's words: one table from each error `trackers` raises to its text and the fields the text
needs. Handlers decide which errors they expect; what each one says is decided here."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.texts import t
from bot.texts.keys import FETCH_REFUSAL, REVIEW_STATE
from trackers.commitments.catalog import ArchivedCommitment
from trackers.commitments.editing import (
    EDITABLE_FIELDS,
    AlreadyArchived,
    EvidenceRequired,
    InvalidValue,
    StatusNotSettable,
    UnknownField,
    UnknownParent,
)
from trackers.commitments.targets import (
    LAST_YEAR,
    DateTooFar,
    FutureProgress,
    NegativeAmount,
    UnitMismatch,
    UnparseableDate,
    UnparseableTarget,
    ValueTooLarge,
)
from trackers.coverage.articles import EmptyArticle
from trackers.coverage.documents import DocumentTooLong, EncryptedDocument, NoTextLayer, UnreadableDocument
from trackers.coverage.feeds import FeedExists, NotAFeed, UnknownFeed
from trackers.coverage.fetch import FetchRefused
from trackers.coverage.review import AlreadyDecided, NothingToLink, UnknownItem
from trackers.errors import UnknownCommitment
from trackers.extract import ExtractionError
from trackers.people.admins import CannotGrant, NotAnAdmin

Fields = Callable[[str, Exception], dict[str, object]]


def _none(language: str, error: Exception) -> dict[str, object]:
    return {}


def _document_limits(language: str, error: Exception) -> dict[str, object]:
    """The caps on a document, in the numbers each language counts in (100万字, 1,000,000 characters)."""
    chars = f"{error.chars // 10_000}万" if language == "zh" else f"{error.chars:,}"
    return {"pages": error.pages, "chars": chars}


@dataclass(frozen=True)
class Said:
    """How one error reads: its text key (or how to pick it from the error) and the fields the text is given."""

    key: str | Callable[[Exception], str]
    fields: Fields = _none
    # Readers get a text of their own where the admins' one would not help them (it points at /list).
    readers: str | None = field(default=None, kw_only=True)


ERRORS: dict[type[Exception], Said] = {
    UnknownCommitment: Said(
        "adm_unknown_commitment", lambda _, e: {"id": html.escape(str(e.ref))}, readers="unknown_commitment"
    ),
    ArchivedCommitment: Said("archived_commitment", lambda _, e: {"id": e.commitment_id}),
    UnknownField: Said(
        "adm_unknown_field", lambda _, e: {"field": html.escape(e.name), "fields": ", ".join(EDITABLE_FIELDS)}
    ),
    UnknownParent: Said("adm_unknown_parent", lambda _, e: {"parent": html.escape(e.ref)}),
    UnparseableDate: Said("adm_bad_deadline", lambda _, e: {"text": html.escape(str(e))}),
    UnparseableTarget: Said("adm_bad_target", lambda _, e: {"text": html.escape(str(e))}),
    NegativeAmount: Said("adm_negative_amount", lambda _, e: {"text": html.escape(str(e))}),
    ValueTooLarge: Said("adm_value_too_large", lambda _, e: {"text": html.escape(str(e)[:40])}),
    UnitMismatch: Said("adm_unit_mismatch", lambda _, e: {"text": html.escape(str(e)), "unit": html.escape(e.unit)}),
    DateTooFar: Said("adm_date_too_far", lambda _, e: {"date": e.day.isoformat(), "year": LAST_YEAR}),
    FutureProgress: Said("adm_progress_future", lambda _, e: {"date": e.day.isoformat()}),
    EvidenceRequired: Said("adm_evidence_required"),
    StatusNotSettable: Said("adm_status_automatic"),
    AlreadyArchived: Said("adm_already_archived"),
    InvalidValue: Said("adm_bad_value"),
    UnknownItem: Said("adm_review_unknown"),
    AlreadyDecided: Said(
        "adm_review_decided", lambda language, e: {"state": t(language, REVIEW_STATE.key(e.item.state))}
    ),
    NothingToLink: Said("adm_review_nothing_to_link"),
    UnknownFeed: Said("adm_feed_unknown", lambda _, e: {"id": e.args[0]}),
    FeedExists: Said("adm_feed_exists", lambda _, e: {"id": e.feed.id}),
    NotAFeed: Said("adm_not_a_feed"),
    FetchRefused: Said(lambda e: FETCH_REFUSAL.key(e.reason), lambda _, e: {"detail": html.escape(e.detail)}),
    EmptyArticle: Said("adm_ingest_empty"),
    UnreadableDocument: Said("adm_document_unreadable"),
    EncryptedDocument: Said("adm_document_encrypted"),
    DocumentTooLong: Said("adm_document_too_long", _document_limits),
    NoTextLayer: Said("adm_document_scanned"),
    ExtractionError: Said("adm_ingest_unreadable"),
    CannotGrant: Said("adm_cannot_grant", lambda _, e: {"user": e.args[0]}),
    NotAnAdmin: Said("adm_not_admin", lambda _, e: {"user": e.args[0]}),
}


def error_text(language: str, error: Exception, *, readers: bool = False, **fields: object) -> str:
    """What `error` means, in `language`; `readers` for a reader rather than an admin. `fields` the caller gives
    (what the user typed, say) take the place of those the table takes from the error."""
    said = next((ERRORS[kind] for kind in type(error).__mro__ if kind in ERRORS), None)
    if said is None:
        raise LookupError(f"no text for {type(error).__name__}") from error
    key = said.key if isinstance(said.key, str) else said.key(error)
    if readers and said.readers is not None:
        key = said.readers
    return t(language, key, **{**said.fields(language, error), **fields})


# What editing a commitment or a review card can raise about the admin's input (each of them is in the table).
EDITING_ERRORS = (
    UnknownCommitment,
    UnknownField,
    UnknownParent,
    UnparseableDate,
    UnparseableTarget,
    EvidenceRequired,
    StatusNotSettable,
    AlreadyArchived,
    InvalidValue,
)


class BadInput(ValueError):
    """What the user typed cannot be used, for a reason only the handler reading it knows: `key` says why, with
    `fields` (escaped where they enter the text)."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


ERRORS[BadInput] = Said(lambda e: e.key, lambda _, e: {k: html.escape(str(v)) for k, v in e.fields.items()})
