"""The review queue: what extraction found in an article waits here for an admin's Confirm / Edit / Reject.

One card per candidate commitment, one per plan those commitments belong to (the three-year plan of the 1301
projects), and one per fact that looks like progress on a commitment already tracked. Confirming a card makes a
commitment, or a progress point, with the card's quote as its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.commitments.editing import (
    Draft,
    InvalidValue,
    UnknownField,
    create_commitment,
    parse_tags,
    record_progress,
    resolve_parent,
    set_status,
)
from trackers.commitments.targets import Target, parse_date, parse_target
from trackers.coverage.goalposts import same_commitment
from trackers.coverage.linking import Link, Thresholds, from_extraction, links_for
from trackers.coverage.summary import announced_in, result_group, target_group
from trackers.coverage.tracked import open_pledges, tracked_pledges
from trackers.errors import UnknownCommitment
from trackers.extract import Extraction, places
from trackers.extract.parent import plan_in
from trackers.models import (
    Article,
    Commitment,
    ReviewItem,
    ReviewState,
    Status,
    Subscription,
    SubscriptionKind,
    Tag,
)
from trackers.runtime.audit import record

PLAN, COMMITMENT, FACT = "plan", "commitment", "fact"
# Cards coverage intake adds (trackers/coverage/intake.py): a suggested verdict, a possible goalpost shift.
VERDICT, SHIFT = "verdict", "shift"
EDITABLE = {
    VERDICT: (),
    SHIFT: (),
    PLAN: ("subject", "deadline", "place", "tags"),
    COMMITMENT: ("subject", "target", "deadline", "place", "tags", "parent"),
    FACT: ("subject", "target", "as_of"),
}
# A fact card names at most this many commitments it may report on.
MAX_CANDIDATES = 3


class UnknownItem(LookupError):
    pass


class AlreadyDecided(ValueError):
    def __init__(self, item: ReviewItem) -> None:
        super().__init__(item.id)
        self.item = item


class NothingToLink(ValueError):
    """A fact card confirmed without a commitment to link it to."""


@dataclass(frozen=True)
class Queued:
    article: Article
    new: bool  # False: the article had been stored before, and these are its cards from then
    items: list[ReviewItem]


async def _known_tags(session: AsyncSession) -> set[str]:
    names = set((await session.scalars(select(Tag.name))).all())
    followed = await session.scalars(select(Subscription.target).where(Subscription.kind == SubscriptionKind.TAG))
    return names | set(followed.all())


def review_card(
    article: Article, kind: str, position: int, data: dict, *, suggested: int | None, now: datetime
) -> ReviewItem:
    """A card waiting for an admin: what the article at `position` says (`data`), and the commitment it may be
    about (`suggested`)."""
    return ReviewItem(
        article_id=article.id,
        kind=kind,
        position=position,
        data=data,
        state=ReviewState.PENDING,
        suggested_commitment_id=suggested,
        created_at=now,
    )


async def queue_extraction(
    session: AsyncSession,
    article: Article,
    extraction: Extraction,
    *,
    now: datetime,
    thresholds: Thresholds,
    place_hint: str | None = None,
) -> list[ReviewItem]:
    """Review cards for what extraction found, each in its group (trackers/coverage/summary.py). A commitment
    already tracked is marked as its duplicate. A fact that may report on a tracked commitment, as the linker
    decides it for feeds (trackers/coverage/linking.py: same place, measure and period), is a card: a suggested
    verdict when it closes the commitment's period, else progress; every other fact is kept as the document's
    evidence (ReviewState.KEPT), counted in its summary but put to no one."""
    known = await _known_tags(session)
    items: list[ReviewItem] = []

    def add(kind: str, position: int, data: dict, suggested: int | None = None, state=ReviewState.PENDING) -> None:
        data["tags"] = [tag for tag in sorted(known) if tag and tag in data.get("subject", "")]
        item = review_card(article, kind, position, data, suggested=suggested, now=now)
        item.state = state
        session.add(item)
        items.append(item)

    document = places.document_place(extraction.text, hint=place_hint)
    published = article.published or now.date()
    pledges, figures = from_extraction(extraction, document_place=document, published=published)
    tracked = await tracked_pledges(session) if extraction.commitments else []
    plans: dict[str, dict] = {}
    plan_of = [_plan_name(commitment) for commitment in extraction.commitments]
    groups = [
        target_group(c.to_schema_dict(), main=announced_in(extraction.text, c.start)) for c in extraction.commitments
    ]
    for commitment, plan, group in zip(extraction.commitments, plan_of, groups, strict=True):
        if plan and plan not in plans:
            plans[plan] = {
                "subject": plan,
                "quote": commitment.quote,
                "value": None,
                "deadline": commitment.deadline,
                "period_start": commitment.period_start,
                "group": group,
            }
    for position, data in enumerate(plans.values()):
        add(PLAN, position, data)
    for position, (commitment, plan, group) in enumerate(zip(extraction.commitments, plan_of, groups, strict=True)):
        data = commitment.to_schema_dict()
        data["parent_plan"] = plan
        data["group"] = group
        same = next((old for old in tracked if same_commitment(pledges[position], old, thresholds)), None)
        if same is not None:
            data["duplicate_of"] = int(same.ref)
        add(COMMITMENT, position, data)
    if extraction.facts:
        open_now = await open_pledges(session)
        # Commitments past their deadline without a verdict: a later figure is the evidence their verdict needs.
        overdue = [p for p in open_now if p.deadline is not None and p.deadline < published]
        judged: set = set()
        for position, (fact, figure) in enumerate(zip(extraction.facts, figures, strict=True)):
            data = fact.to_schema_dict()
            data["group"] = result_group(data)
            found = links_for(figure, open_now, thresholds) or links_for(
                figure, overdue, thresholds, after_deadline=True
            )
            if not found:
                add(FACT, position, data, state=ReviewState.KEPT)
                continue
            if found[0].after_deadline:
                data["after_deadline"] = True
            data["candidates"] = [int(link.pledge.ref) for link in found[:MAX_CANDIDATES]]
            data["score"] = found[0].score
            best = found[0]
            # One suggested verdict per commitment and document: a second figure closing it is progress.
            if best.verdict is not None and best.pledge.ref not in judged:
                judged.add(best.pledge.ref)
                add(VERDICT, position, data | verdict_fields(best), suggested=int(best.pledge.ref))
            else:
                add(FACT, position, data, suggested=int(best.pledge.ref))
    await session.flush()
    return items


def verdict_fields(link: Link) -> dict:
    """What a suggested verdict card shows beside the figure: the call and the two numbers it compares."""
    return {
        "status": str(link.verdict.status),
        "reported": link.verdict.reported,
        "target": link.verdict.target,
        "target_comparator": link.verdict.comparator,
        "target_unit": "%" if link.measure.value == "growth" else link.pledge.unit,
    }


def _plan_name(commitment) -> str | None:
    """The plan a commitment belongs to, as its own quote names it (《…三年行动计划(2023—2025年)》)."""
    if commitment.parent_plan and commitment.parent_plan in commitment.quote:
        return commitment.parent_plan
    if commitment.parent_plan or commitment.parent_quote is None:
        found = plan_in(commitment.quote)
        return found[2] if found else None
    return None


async def items_of_article(session: AsyncSession, article_id: int) -> list[ReviewItem]:
    rows = await session.scalars(select(ReviewItem).where(ReviewItem.article_id == article_id).order_by(ReviewItem.id))
    return list(rows.all())


async def pending_items(session: AsyncSession, *, limit: int = 10, after: int = 0) -> tuple[list[ReviewItem], int]:
    """The oldest pending cards after card `after` (a page), and how many are pending from there on."""
    waiting = (ReviewItem.state == ReviewState.PENDING, ReviewItem.id > after)
    total = await session.scalar(select(func.count()).where(*waiting))
    rows = await session.scalars(select(ReviewItem).where(*waiting).order_by(ReviewItem.id).limit(limit))
    return list(rows.all()), total or 0


async def get_item(session: AsyncSession, item_id: int) -> ReviewItem:
    item = await session.get(ReviewItem, item_id)
    if item is None:
        raise UnknownItem(item_id)
    return item


def _pending(item: ReviewItem) -> None:
    if item.state != ReviewState.PENDING:
        raise AlreadyDecided(item)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


async def _parent_for(session: AsyncSession, item: ReviewItem) -> int | None:
    """The plan a commitment belongs to (already tracked by name), or the figure it is part of (其中)."""
    data = item.data
    if data.get("parent_id"):
        return data["parent_id"]
    if data.get("parent_plan"):
        plan = await session.scalar(
            select(Commitment.id)
            .where(Commitment.subject == data["parent_plan"], Commitment.archived_at.is_(None))
            .order_by(Commitment.id.desc())
            .limit(1)
        )
        if plan is not None:
            return plan
    if data.get("parent_index") is not None:
        return await session.scalar(
            select(ReviewItem.result_commitment_id).where(
                ReviewItem.article_id == item.article_id,
                ReviewItem.kind == COMMITMENT,
                ReviewItem.position == data["parent_index"],
            )
        )
    return None


async def confirm_item(
    session: AsyncSession,
    item_id: int,
    *,
    actor_id: int,
    now: datetime,
    timezone: str,
    link_to: int | None = None,
) -> ReviewItem:
    """Make the card's commitment or progress point; its quote is the evidence, its article the source."""
    item = await get_item(session, item_id)
    _pending(item)
    article = await session.get(Article, item.article_id)
    data = item.data
    if item.kind == FACT:
        commitment_id = link_to or item.suggested_commitment_id
        if commitment_id is None:
            raise NothingToLink(item_id)
        if await session.get(Commitment, commitment_id) is None:
            raise UnknownCommitment(commitment_id)
        evidence = await record_progress(
            session,
            commitment_id,
            f"{data['value']}{data.get('unit') or ''}",
            _date(data.get("as_of")) or (article.published if article and article.published else now.date()),
            article.canonical_url if article and article.canonical_url else "",
            actor_id=actor_id,
            now=now,
            quote=data.get("quote"),
            article_id=item.article_id,
            growth_percent=data.get("growth_percent"),
            action="confirm_progress",
        )
        item.result_commitment_id, item.result_evidence_id = commitment_id, evidence.id
    elif item.kind in (VERDICT, SHIFT):
        # Cards from coverage intake: a suggested verdict, or a target restated (the goalpost moved: 已调整).
        commitment_id = link_to or item.suggested_commitment_id
        if commitment_id is None:
            raise NothingToLink(item_id)
        status = Status(data["status"]) if item.kind == VERDICT else Status.REVISED
        evidence = await set_status(session, commitment_id, status, data.get("quote") or "", actor_id=actor_id, now=now)
        item.result_commitment_id = commitment_id
        item.result_evidence_id = evidence.id if evidence is not None else None
    else:
        target = None
        if data.get("value") is not None:
            target = Target(
                data.get("comparator") or "=",
                data["value"],
                data.get("unit"),
                data.get("value_normalized"),
                data.get("unit_normalized"),
            )
        draft = Draft(
            subject=data["subject"],
            target=target,
            deadline=_date(data.get("deadline")),
            period_start=_date(data.get("period_start")),
            place=data.get("place"),
            tags=list(data.get("tags") or []),
            parent_id=await _parent_for(session, item),
            source_url=article.canonical_url if article else None,
            quote=data.get("quote"),
            article_id=item.article_id,
        )
        # Coverage is dated: a target from an older article may already be due, and is tracked all the same.
        commitment = await create_commitment(
            session, draft, actor_id=actor_id, now=now, timezone=timezone, action="confirm"
        )
        item.result_commitment_id = commitment.id
        if item.kind == PLAN:
            await _adopt_children(session, item, commitment)
    item.state, item.decided_at, item.decided_by = ReviewState.CONFIRMED, now, actor_id
    await session.flush()
    return item


async def _adopt_children(session: AsyncSession, plan_item: ReviewItem, plan: Commitment) -> None:
    """Commitments of the same article confirmed before their plan become its children now."""
    siblings = await session.scalars(
        select(ReviewItem).where(
            ReviewItem.article_id == plan_item.article_id,
            ReviewItem.kind == COMMITMENT,
            ReviewItem.state == ReviewState.CONFIRMED,
        )
    )
    for sibling in siblings.all():
        if sibling.data.get("parent_plan") == plan_item.data.get("subject") and sibling.result_commitment_id:
            child = await session.get(Commitment, sibling.result_commitment_id)
            if child is not None and child.parent_id is None:
                child.parent_id = plan.id


async def reject_item(session: AsyncSession, item_id: int, *, actor_id: int, now: datetime) -> ReviewItem:
    item = await get_item(session, item_id)
    _pending(item)
    item.state, item.decided_at, item.decided_by = ReviewState.REJECTED, now, actor_id
    await record(session, actor_id=actor_id, action="reject", target=f"review:{item_id}", now=now)
    return item


async def edit_item(
    session: AsyncSession, item_id: int, field_name: str, value: str, *, actor_id: int, now: datetime, timezone: str
) -> ReviewItem:
    """Correct one field of a pending card before confirming it."""
    item = await get_item(session, item_id)
    _pending(item)
    if field_name not in EDITABLE[item.kind]:
        raise UnknownField(field_name)
    value = value.strip()
    data = dict(item.data)
    if field_name == "subject":
        if not value or len(value) > 300:
            raise InvalidValue(value)
        data["subject"] = value
    elif field_name == "target":
        target = parse_target(value)
        for key in ("comparator", "value", "unit", "value_normalized", "unit_normalized"):
            data[key] = getattr(target, key) if target else None
    elif field_name in ("deadline", "as_of"):
        data[field_name] = parse_date(value, now=now, timezone=timezone).isoformat()
    elif field_name == "place":
        data["place"] = value or None
    elif field_name == "tags":
        data["tags"] = parse_tags(value)
    else:  # parent
        data["parent_id"] = (await resolve_parent(session, value)).id
    item.data = data  # a new dict, so the JSON column is seen as changed
    await record(
        session,
        actor_id=actor_id,
        action=f"review_edit_{field_name}",
        target=f"review:{item_id}",
        now=now,
        detail={"value": value},
    )
    await session.flush()
    return item


async def pending_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).where(ReviewItem.state == ReviewState.PENDING)) or 0
