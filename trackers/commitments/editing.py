"""Commitments as admins keep them: create, edit, archive, rate and record progress, every change audited.

A change to the target (figure or deadline) of an existing commitment is also kept as a CommitmentRevision, so the
old target stays visible: a goalpost that moved is news in itself.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.commitments.catalog import get_commitment
from trackers.commitments.targets import (
    Target,
    parse_amount,
    parse_date,
    parse_progress_date,
    parse_target,
)
from trackers.models import OUTCOMES, SETTLED, Commitment, CommitmentRevision, Evidence, EvidenceKind, Status, Tag
from trackers.runtime.audit import commitment_target, record
from trackers.runtime.clock import local_date


class UnknownParent(LookupError):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


class UnknownField(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class EvidenceRequired(ValueError):
    """A verdict (achieved, partly achieved, missed) must cite a URL or a quote."""


class StatusNotSettable(ValueError):
    """Overdue is set by the tracker itself when a deadline passes with no verdict."""


class AlreadyArchived(ValueError):
    pass


class InvalidValue(ValueError):
    """A field value that is empty or too long."""


EDITABLE_FIELDS = ("subject", "target", "deadline", "place", "tags", "parent", "source", "issuer")
TARGET_FIELDS = ("comparator", "value", "unit", "value_normalized", "unit_normalized", "deadline")

_TAG = re.compile(r"^#?([^\s#@,，]{1,60})$")


@dataclass
class Draft:
    """A commitment not yet saved: from /add, the guided conversation, or a confirmed review card."""

    subject: str
    target: Target | None = None
    deadline: date | None = None
    period_start: date | None = None
    place: str | None = None
    tags: list[str] = field(default_factory=list)
    parent_id: int | None = None
    source_url: str | None = None
    quote: str | None = None
    issuer: str | None = None
    article_id: int | None = None

    def as_data(self) -> dict:
        """The draft as JSON can hold it (a conversation keeps it in the database between answers)."""
        data = asdict(self)
        for name in ("deadline", "period_start"):
            if data[name] is not None:
                data[name] = data[name].isoformat()
        return data

    @classmethod
    def from_data(cls, data: dict) -> Draft:
        """The draft `as_data` gave."""
        data = dict(data)
        for name in ("deadline", "period_start"):
            if data.get(name) is not None:
                data[name] = date.fromisoformat(data[name])
        if data.get("target") is not None:
            data["target"] = Target(**data["target"])
        return cls(**data)


@dataclass
class Edited:
    commitment: Commitment
    revision: CommitmentRevision | None  # set when the target changed


def parse_tags(text: str) -> list[str]:
    """'#集成电路 #芯片', '集成电路,芯片' → ['集成电路', '芯片']; a bad tag is an InvalidValue."""
    tags = []
    for piece in re.split(r"[\s,，、]+", text.strip()):
        if not piece:
            continue
        m = _TAG.match(piece)
        if not m:
            raise InvalidValue(piece)
        if m.group(1) not in tags:
            tags.append(m.group(1))
    return tags


async def resolve_parent(session: AsyncSession, ref: str) -> Commitment:
    """A parent plan by id ('12', '#12') or by its exact subject."""
    ref = ref.strip()
    bare = ref.lstrip("#")
    if bare.isdigit():
        parent = await session.get(Commitment, int(bare))
    else:
        parent = await session.scalar(
            select(Commitment).where(Commitment.subject == ref, Commitment.archived_at.is_(None)).limit(1)
        )
    if parent is None:
        raise UnknownParent(ref)
    return parent


async def tags_named(session: AsyncSession, names: list[str]) -> list[Tag]:
    """The Tag rows for `names`, created when new."""
    if not names:
        return []
    existing = {t.name: t for t in (await session.scalars(select(Tag).where(Tag.name.in_(names)))).all()}
    out = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
            existing[name] = tag
        out.append(tag)
    await session.flush()
    return out


def _target_snapshot(commitment: Commitment) -> dict:
    snapshot = {name: getattr(commitment, name) for name in TARGET_FIELDS}
    snapshot["comparator"] = str(commitment.comparator) if commitment.comparator else None
    snapshot["deadline"] = commitment.deadline.isoformat() if commitment.deadline else None
    return snapshot


def _apply_target(commitment: Commitment, target: Target | None) -> None:
    commitment.comparator = target.comparator if target else None
    commitment.value = target.value if target else None
    commitment.unit = target.unit if target else None
    commitment.value_normalized = target.value_normalized if target else None
    commitment.unit_normalized = target.unit_normalized if target else None


def target_of(commitment: Commitment) -> Target | None:
    if commitment.value is None:
        return None
    return Target(
        str(commitment.comparator) if commitment.comparator else None,
        commitment.value,
        commitment.unit,
        commitment.value_normalized,
        commitment.unit_normalized,
    )


async def create_commitment(
    session: AsyncSession,
    draft: Draft,
    *,
    actor_id: int | None,
    now: datetime,
    timezone: str,
    action: str = "create",
) -> Commitment:
    """Save a draft. A deadline already passed is the usual case for an editor recording last year's targets (did
    the 2025 target hold?): such a commitment starts 逾期待定, waiting for its verdict."""
    subject = draft.subject.strip()
    if not subject or len(subject) > 300:
        raise InvalidValue(subject)
    if draft.parent_id is not None and await session.get(Commitment, draft.parent_id) is None:
        raise UnknownParent(str(draft.parent_id))
    commitment = Commitment(
        subject=subject,
        deadline=draft.deadline,
        period_start=draft.period_start,
        timezone=timezone,
        place=draft.place,
        issuer=draft.issuer,
        parent_id=draft.parent_id,
        status=_status_for_deadline(Status.NOT_RATED, draft.deadline, local_date(now, timezone)),
        quote=draft.quote,
        source_url=draft.source_url,
        source_article_id=draft.article_id,
        is_demo=False,
        created_at=now,
        updated_at=now,
    )
    _apply_target(commitment, draft.target)
    commitment.tags = await tags_named(session, draft.tags)
    session.add(commitment)
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action=action,
        target=commitment_target(commitment.id),
        now=now,
        detail={"subject": subject, **_target_snapshot(commitment), "tags": draft.tags, "place": draft.place},
    )
    return commitment


def _status_for_deadline(status: Status, deadline: date | None, today: date) -> Status:
    """An open commitment whose deadline has passed waits for its verdict (逾期待定); one waiting whose deadline
    moves out is open again. Verdicts stay as they are."""
    if status in SETTLED:
        return status
    if deadline is not None and deadline < today:
        return Status.OVERDUE
    return Status.NOT_RATED if status == Status.OVERDUE else status


async def edit_commitment(
    session: AsyncSession,
    commitment_id: int,
    field_name: str,
    value: str,
    *,
    actor_id: int | None,
    now: datetime,
    timezone: str,
) -> Edited:
    """Change one field from what an admin typed; a target change is kept as a revision."""
    if field_name not in EDITABLE_FIELDS:
        raise UnknownField(field_name)
    commitment = await get_commitment(session, commitment_id, allow_archived=True)
    value = value.strip()
    if not value and field_name in ("subject", "target", "deadline"):
        raise InvalidValue(value)
    before = _target_snapshot(commitment)
    old_value: object
    if field_name == "subject":
        if len(value) > 300:
            raise InvalidValue(value)
        old_value, commitment.subject = commitment.subject, value
    elif field_name == "target":
        old_value = before
        _apply_target(commitment, parse_target(value))
    elif field_name == "deadline":
        old_value = before["deadline"]
        commitment.deadline = parse_date(value, now=now, timezone=timezone)
        commitment.status = _status_for_deadline(
            commitment.status, commitment.deadline, local_date(now, commitment.timezone)
        )
    elif field_name in ("place", "issuer"):
        old_value = getattr(commitment, field_name)
        setattr(commitment, field_name, value or None)
    elif field_name == "source":
        old_value, commitment.source_url = commitment.source_url, value or None
    elif field_name == "tags":
        old_value = [t.name for t in commitment.tags]
        commitment.tags = await tags_named(session, parse_tags(value))
    else:  # parent
        old_value = commitment.parent_id
        if value in ("-", "无", "none"):
            commitment.parent_id = None
        else:
            parent = await resolve_parent(session, value)
            if parent.id == commitment.id:
                raise UnknownParent(value)
            commitment.parent_id = parent.id
    commitment.updated_at = now
    revision = None
    after = _target_snapshot(commitment)
    if after != before:
        revision = CommitmentRevision(
            commitment_id=commitment.id, changed_at=now, changed_by=actor_id, old=before, new=after
        )
        session.add(revision)
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action=f"edit_{field_name}",
        target=commitment_target(commitment.id),
        now=now,
        detail={"old": _jsonable(old_value), "new": value},
    )
    return Edited(commitment, revision)


async def archive_commitment(
    session: AsyncSession, commitment_id: int, *, actor_id: int | None, now: datetime
) -> Commitment:
    commitment = await get_commitment(session, commitment_id, allow_archived=True)
    if commitment.archived_at is not None:
        raise AlreadyArchived(commitment_id)
    commitment.archived_at = commitment.updated_at = now
    await record(session, actor_id=actor_id, action="archive", target=commitment_target(commitment_id), now=now)
    return commitment


def _evidence_source(text: str) -> tuple[str | None, str | None]:
    """(url, quote) from what follows a command: a URL is a source, anything else is a quote."""
    text = text.strip()
    if not text:
        return None, None
    if re.match(r"^https?://\S+$", text):
        return text, None
    return None, text


async def set_status(
    session: AsyncSession,
    commitment_id: int,
    status: Status,
    evidence: str,
    *,
    actor_id: int | None,
    now: datetime,
) -> Evidence | None:
    """The tracker's verdict; achieved / partly achieved / missed need a URL or a quote as evidence."""
    if status == Status.OVERDUE:
        raise StatusNotSettable(status)
    commitment = await get_commitment(session, commitment_id, allow_archived=True)
    url, quote = _evidence_source(evidence)
    if status in OUTCOMES and not (url or quote):
        raise EvidenceRequired(status)
    old = commitment.status
    commitment.status = status
    commitment.updated_at = now
    row = None
    if url or quote:
        row = Evidence(
            commitment_id=commitment.id,
            kind=EvidenceKind.VERDICT,
            status=status,
            quote=quote,
            source_url=url,
            as_of=local_date(now, commitment.timezone),
            recorded_by=actor_id,
            recorded_at=now,
        )
        session.add(row)
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action="set_status",
        target=commitment_target(commitment_id),
        now=now,
        detail={"old": str(old), "new": str(status), "url": url, "quote": quote},
    )
    return row


async def record_progress(
    session: AsyncSession,
    commitment_id: int,
    value: str,
    as_of: str | date,
    source: str,
    *,
    actor_id: int | None,
    now: datetime,
    quote: str | None = None,
    article_id: int | None = None,
    growth_percent: float | None = None,
    action: str = "progress",
) -> Evidence:
    """A progress point: a figure as of a date, with its source (URL or quote)."""
    commitment = await get_commitment(session, commitment_id, allow_archived=True)
    amount = parse_amount(value, like=target_of(commitment))
    if isinstance(as_of, str):
        as_of = parse_progress_date(as_of, now=now, timezone=commitment.timezone)  # typed: it must have come
    url, typed_quote = _evidence_source(source)
    if article_id is not None:
        # The same figure from the same document (a report's summary and its chapter say it twice) is one point.
        same = await session.scalar(
            select(Evidence).where(
                Evidence.commitment_id == commitment.id,
                Evidence.article_id == article_id,
                Evidence.kind == EvidenceKind.PROGRESS,
                Evidence.value == amount.value,
                Evidence.as_of == as_of,
            )
        )
        if same is not None:
            return same
    row = Evidence(
        commitment_id=commitment.id,
        kind=EvidenceKind.PROGRESS,
        value=amount.value,
        unit=amount.unit,
        value_normalized=amount.value_normalized,
        growth_percent=growth_percent,
        as_of=as_of,
        quote=quote or typed_quote,
        source_url=url,
        article_id=article_id,
        recorded_by=actor_id,
        recorded_at=now,
    )
    session.add(row)
    commitment.updated_at = now
    await session.flush()
    await record(
        session,
        actor_id=actor_id,
        action=action,
        target=commitment_target(commitment_id),
        now=now,
        detail={"value": amount.value, "unit": amount.unit, "as_of": as_of.isoformat(), "url": url},
    )
    return row


async def revisions_of(session: AsyncSession, commitment_id: int) -> list[CommitmentRevision]:
    rows = await session.scalars(
        select(CommitmentRevision)
        .where(CommitmentRevision.commitment_id == commitment_id)
        .order_by(CommitmentRevision.id)
    )
    return list(rows.all())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(Commitment.status, func.count()).where(Commitment.archived_at.is_(None)).group_by(Commitment.status)
    )
    return {str(status): count for status, count in rows.all()}


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value
