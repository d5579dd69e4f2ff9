"""The read side of commitments: lists with filters, the card, search, upcoming deadlines, what a chat follows.

Archived commitments are left out of every list; asking for one by id raises `ArchivedCommitment` so the reader
hears why rather than "not found".
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from trackers.commitments.progress import Assessment, Point, assessment_for, progress_points
from trackers.errors import UnknownCommitment
from trackers.extract.text import bigrams
from trackers.models import (
    OUTCOMES,
    Article,
    Commitment,
    CommitmentTag,
    Evidence,
    Status,
    Subscription,
    SubscriptionKind,
    Tag,
)
from trackers.runtime.clock import local_date


class CatalogError(Exception):
    """Base of the read side's errors; the bot maps each to a friendly text."""


class ArchivedCommitment(CatalogError):
    def __init__(self, commitment_id: int) -> None:
        super().__init__(f"commitment {commitment_id} is archived")
        self.commitment_id = commitment_id


@dataclass(frozen=True)
class Filters:
    """What a list is narrowed to; every field optional."""

    status: Status | None = None
    tag_id: int | None = None
    place: str | None = None
    plan_id: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.status, self.tag_id, self.place, self.plan_id))


@dataclass(frozen=True)
class Page:
    items: list[Commitment]
    number: int  # from 0
    count: int  # pages in all, at least 1
    total: int


@dataclass
class Card:
    """Everything the commitment card shows."""

    commitment: Commitment
    parent: Commitment | None
    children: list[Commitment]
    tags: list[str]
    evidence: list[Evidence]  # newest first
    points: list[Point]  # progress figures in the target's unit, oldest first
    assessment: Assessment | None
    latest_evidence: Evidence | None = None  # the evidence behind the latest point
    sources: dict[int, Article] | None = None  # the articles the evidence cites, by id


def days_left(commitment: Commitment, now: datetime) -> int | None:
    """Days until the deadline in the commitment's own zone; negative once it has passed."""
    if commitment.deadline is None:
        return None
    return (commitment.deadline - local_date(now, commitment.timezone)).days


def place_key(place: str) -> str:
    """A short, stable key for a place name, for callback data (place names can be long and non-ASCII)."""
    return hashlib.sha1(place.encode()).hexdigest()[:8]


# -- lists ------------------------------------------------------------------------------------------------------


def _visible() -> ColumnElement[bool]:
    return Commitment.archived_at.is_(None)


def _filtered(query: Select, filters: Filters) -> Select:
    if filters.status is not None:
        query = query.where(Commitment.status == filters.status)
    if filters.tag_id is not None:
        tagged = select(CommitmentTag.commitment_id).where(CommitmentTag.tag_id == filters.tag_id)
        query = query.where(Commitment.id.in_(tagged))
    if filters.place is not None:
        query = query.where(Commitment.place == filters.place)
    if filters.plan_id is not None:
        query = query.where(or_(Commitment.id == filters.plan_id, Commitment.parent_id == filters.plan_id))
    return query


def _listing_order() -> tuple:
    # Open commitments before decided ones; within each, soonest deadline first (so overdue ones lead) and
    # those without a deadline last; the id keeps pages stable.
    decided = case((Commitment.status.in_(OUTCOMES), 1), else_=0)
    return (decided, Commitment.deadline.is_(None), Commitment.deadline, Commitment.id)


async def list_commitments(session: AsyncSession, filters: Filters, *, page: int = 0, page_size: int = 8) -> Page:
    """One page of visible commitments matching `filters`; a page past the end gives the last page."""
    base = _filtered(select(Commitment).where(_visible()), filters)
    total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
    count = max(1, math.ceil(total / page_size))
    page = min(max(page, 0), count - 1)
    rows = await session.scalars(base.order_by(*_listing_order()).limit(page_size).offset(page * page_size))
    return Page(items=list(rows), number=page, count=count, total=total)


async def tags_in_use(session: AsyncSession) -> list[Tag]:
    """Tags on at least one visible commitment, by name."""
    query = (
        select(Tag)
        .join(CommitmentTag, CommitmentTag.tag_id == Tag.id)
        .join(Commitment, Commitment.id == CommitmentTag.commitment_id)
        .where(_visible())
        .distinct()
        .order_by(Tag.name)
    )
    return list(await session.scalars(query))


async def places_in_use(session: AsyncSession) -> list[str]:
    query = select(Commitment.place).where(_visible(), Commitment.place.is_not(None)).distinct()
    return sorted(await session.scalars(query))


async def place_by_key(session: AsyncSession, key: str) -> str | None:
    return next((p for p in await places_in_use(session) if place_key(p) == key), None)


async def plans(session: AsyncSession) -> list[Commitment]:
    """Commitments that have visible children (a plan and its projects)."""
    child = aliased(Commitment)
    query = (
        select(Commitment)
        .where(_visible(), Commitment.id.in_(select(child.parent_id).where(child.archived_at.is_(None))))
        .order_by(Commitment.id)
    )
    return list(await session.scalars(query))


async def tag_by_id(session: AsyncSession, tag_id: int) -> Tag | None:
    return await session.get(Tag, tag_id)


async def tag_by_name(session: AsyncSession, name: str) -> Tag | None:
    return await session.scalar(select(Tag).where(func.lower(Tag.name) == name.strip().lower()))


async def place_named(session: AsyncSession, name: str) -> str | None:
    """The place as stored, matched without regard to case."""
    wanted = name.strip().lower()
    return next((p for p in await places_in_use(session) if p.lower() == wanted), None)


# -- one commitment -------------------------------------------------------------------------------------------


async def get_commitment(session: AsyncSession, commitment_id: int, *, allow_archived: bool = False) -> Commitment:
    """One commitment with its tags and plan; an archived one only for `allow_archived` (admins' commands)."""
    commitment = await session.scalar(
        select(Commitment)
        .where(Commitment.id == commitment_id)
        .options(selectinload(Commitment.tags), selectinload(Commitment.parent))
    )
    if commitment is None:
        raise UnknownCommitment(commitment_id)
    if commitment.archived_at is not None and not allow_archived:
        raise ArchivedCommitment(commitment_id)
    return commitment


async def get_card(session: AsyncSession, commitment_id: int, *, now: datetime | None = None) -> Card:
    """The card of one visible commitment, with its plan, children, tags, evidence and arithmetic."""
    commitment = await get_commitment(session, commitment_id)
    query = (
        select(Commitment)
        .where(Commitment.id == commitment_id)
        .options(
            selectinload(Commitment.tags),
            selectinload(Commitment.evidence),
            selectinload(Commitment.children),
            selectinload(Commitment.parent),
        )
        .execution_options(populate_existing=True)
    )
    commitment = (await session.scalars(query)).one()
    evidence = sorted(commitment.evidence, key=lambda e: (e.as_of or date.min, e.id), reverse=True)
    points, behind = progress_points(commitment, evidence)
    parent = commitment.parent if commitment.parent and commitment.parent.archived_at is None else None
    children = sorted(
        (c for c in commitment.children if c.archived_at is None), key=lambda c: (c.deadline or date.max, c.id)
    )
    article_ids = {e.article_id for e in evidence if e.article_id is not None}
    articles = list(await session.scalars(select(Article).where(Article.id.in_(article_ids)))) if article_ids else []
    return Card(
        commitment=commitment,
        parent=parent,
        children=children,
        tags=sorted(t.name for t in commitment.tags),
        evidence=evidence,
        points=points,
        # As of the commitment's own today when `now` is given: whether its deadline has passed decides what is said.
        assessment=assessment_for(commitment, points, today=local_date(now, commitment.timezone) if now else None),
        latest_evidence=behind.get(points[-1].as_of) if points else None,
        sources={a.id: a for a in articles},
    )


async def get_cards(session: AsyncSession, commitment_ids: list[int], *, now: datetime | None = None) -> list[Card]:
    return [await get_card(session, cid, now=now) for cid in commitment_ids]


# -- search ------------------------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s,，、;；]+")
# Below this share of a word's two-character pieces found, a commitment is not a match.
BIGRAM_MATCH_SHARE = 0.6


def _searchable(term: str) -> list[ColumnElement[bool]]:
    """Conditions matching `term` anywhere in the subject, place, issuer, quote, a tag or an evidence quote."""
    needle = term.lower()
    tagged = (
        select(CommitmentTag.commitment_id)
        .join(Tag, Tag.id == CommitmentTag.tag_id)
        .where(func.lower(Tag.name).contains(needle, autoescape=True))
    )
    quoted = select(Evidence.commitment_id).where(func.lower(Evidence.quote).contains(needle, autoescape=True))
    return [
        func.lower(Commitment.subject).contains(needle, autoescape=True),
        func.lower(Commitment.place).contains(needle, autoescape=True),
        func.lower(Commitment.issuer).contains(needle, autoescape=True),
        func.lower(Commitment.quote).contains(needle, autoescape=True),
        Commitment.id.in_(tagged),
        Commitment.id.in_(quoted),
    ]


async def search(session: AsyncSession, words: str, *, limit: int = 20) -> list[Commitment]:
    """Commitments matching every word; Chinese needs no spaces (集成电路 finds 集成电路产业链群规模).

    Each word is looked for as a substring first. When nothing contains every word, the words are cut into
    overlapping two-character pieces (济南集成电路 → 济南, 南集, 集成, …) and commitments holding most of the
    pieces are returned, best first: Chinese runs words together, so a query rarely appears whole.
    """
    terms = [t for t in _SPLIT.split(words.strip()) if t]
    if not terms:
        return []
    visible = select(Commitment).where(_visible())
    exact = visible.where(and_(*[or_(*_searchable(term)) for term in terms]))
    found = list(await session.scalars(exact.order_by(*_listing_order()).limit(limit)))
    if found:
        return found

    pieces = sorted({piece for term in terms for piece in bigrams(term)})
    if len(pieces) < 2:
        return []
    scores: dict[int, int] = {}
    rows: dict[int, Commitment] = {}
    for piece in pieces:
        for commitment in await session.scalars(visible.where(or_(*_searchable(piece)))):
            scores[commitment.id] = scores.get(commitment.id, 0) + 1
            rows[commitment.id] = commitment
    needed = math.ceil(len(pieces) * BIGRAM_MATCH_SHARE)
    best = sorted((cid for cid, score in scores.items() if score >= needed), key=lambda cid: (-scores[cid], cid))
    return [rows[cid] for cid in best[:limit]]


# -- what a chat follows ----------------------------------------------------------------------------------------


async def followed_condition(session: AsyncSession, chat_id: int) -> ColumnElement[bool] | None:
    """A condition on Commitment for "followed by this chat", or None when it follows nothing."""
    subscriptions = list(await session.scalars(select(Subscription).where(Subscription.chat_id == chat_id)))
    if not subscriptions:
        return None
    conditions: list[ColumnElement[bool]] = []
    for sub in subscriptions:
        if sub.kind == SubscriptionKind.ALL:
            return Commitment.id.is_not(None)
        if sub.kind == SubscriptionKind.COMMITMENT and sub.target.isdigit():
            conditions.append(Commitment.id == int(sub.target))
        elif sub.kind == SubscriptionKind.PLAN and sub.target.isdigit():
            plan_id = int(sub.target)
            conditions.append(or_(Commitment.id == plan_id, Commitment.parent_id == plan_id))
        elif sub.kind == SubscriptionKind.TAG:
            tagged = (
                select(CommitmentTag.commitment_id)
                .join(Tag, Tag.id == CommitmentTag.tag_id)
                .where(func.lower(Tag.name) == sub.target.lower())
            )
            conditions.append(Commitment.id.in_(tagged))
        elif sub.kind == SubscriptionKind.PLACE:
            conditions.append(Commitment.place == sub.target)
    return or_(*conditions) if conditions else false()


async def followed_commitments(session: AsyncSession, chat_id: int) -> list[Commitment]:
    """Visible commitments the chat follows directly or through a plan, tag, place or "all", by deadline."""
    condition = await followed_condition(session, chat_id)
    if condition is None:
        return []
    query = select(Commitment).where(_visible(), condition).order_by(*_listing_order())
    return list(await session.scalars(query))


async def is_following_commitment(session: AsyncSession, chat_id: int, commitment_id: int) -> bool:
    """Whether the chat follows this very commitment, or it as a plan (not only through a tag or place)."""
    query = select(Subscription.id).where(
        Subscription.chat_id == chat_id,
        Subscription.kind.in_((SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN)),
        Subscription.target == str(commitment_id),
    )
    return (await session.scalar(query)) is not None


# -- upcoming ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upcoming:
    items: list[Commitment]  # due in the window, soonest first
    overdue: list[Commitment]  # deadline passed and no verdict yet, most recent first
    followed_only: bool  # False when the chat follows nothing and every commitment is shown


async def upcoming(session: AsyncSession, chat_id: int, *, now: datetime, days: int, timezone: str | None) -> Upcoming:
    """Open commitments whose deadline falls in the next `days` days, soonest first, and those whose deadline has
    passed with no verdict yet (a journalist's to-do list).

    The chat's follows when it has any, else every commitment, so a newcomer sees something useful at once.
    """
    today = local_date(now, timezone)
    condition = await followed_condition(session, chat_id)
    scope = [_visible(), Commitment.status.not_in(OUTCOMES)]
    if condition is not None:
        scope.append(condition)
    due = select(Commitment).where(
        *scope, Commitment.deadline >= today, Commitment.deadline <= today + timedelta(days=days)
    )
    late = select(Commitment).where(*scope, Commitment.deadline < today)
    return Upcoming(
        items=list(await session.scalars(due.order_by(Commitment.deadline, Commitment.id))),
        overdue=list(await session.scalars(late.order_by(Commitment.deadline.desc(), Commitment.id))),
        followed_only=condition is not None,
    )
