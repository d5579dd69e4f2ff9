"""Who follows what: follow and unfollow, a chat's follows, and the streaming fan-out of a commitment's followers.

A chat follows everything (ALL), one commitment, a plan (the commitment and every commitment below it), a tag or
a place. `followers_of` answers "which active chats follow commitment X, by any of these" without ever holding
all followers in memory: it streams rows in batches from an indexed query.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, delete, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.errors import UnknownChat, UnknownCommitment
from trackers.models import (
    AlertPreference,
    Chat,
    Commitment,
    CommitmentTag,
    DigestMode,
    Subscription,
    SubscriptionKind,
    Tag,
)

# Plans nest a few levels at most; the bound stops a parent loop made by a bad edit.
MAX_PLAN_DEPTH = 20
FAN_OUT_BATCH = 2000


class SubscriptionError(Exception):
    """Base of the errors below; the bot layer maps each to a friendly text."""


class UnknownTag(SubscriptionError, LookupError):
    pass


class InvalidTarget(SubscriptionError, ValueError):
    """An empty place, or a target given where none belongs."""


class AlreadyFollowing(SubscriptionError):
    pass


class NotFollowing(SubscriptionError):
    pass


class Follower(NamedTuple):
    """One chat to tell, with what decides how and when: language, zone and alert preferences.

    A named tuple: a fan-out makes one per follower, and a tuple is made in a third of a dataclass's time."""

    chat_id: int
    chat_type: str
    language: str | None
    timezone: str | None
    lead_days: str | None
    prompts: bool | None
    quiet_start: int | None
    quiet_end: int | None
    digest: DigestMode | None
    # True when the chat follows the commitment itself or its plan (not only a tag, a place or everything).
    direct: bool


async def _normalise_target(session: AsyncSession, kind: SubscriptionKind, target: str | int | None) -> str:
    if kind is SubscriptionKind.ALL:
        if target not in (None, ""):
            raise InvalidTarget(target)
        return ""
    if kind in (SubscriptionKind.COMMITMENT, SubscriptionKind.PLAN):
        try:
            commitment_id = int(target)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise UnknownCommitment(target) from None
        commitment = await session.get(Commitment, commitment_id)
        if commitment is None or commitment.archived_at is not None:
            raise UnknownCommitment(target)
        return str(commitment_id)
    name = str(target or "").strip()
    if not name:
        raise InvalidTarget(target)
    if kind is SubscriptionKind.TAG:
        tag = (await session.execute(select(Tag).where(Tag.name == name))).scalar_one_or_none()
        if tag is None:
            raise UnknownTag(name)
    return name[:100]


async def follow(
    session: AsyncSession,
    chat_id: int,
    kind: SubscriptionKind | str,
    target: str | int | None = None,
    *,
    now: datetime,
) -> Subscription:
    """The chat follows `target` (a commitment or plan id, a tag or place name; nothing for ALL)."""
    kind = SubscriptionKind(kind)
    if await session.get(Chat, chat_id) is None:
        raise UnknownChat(chat_id)
    key = await _normalise_target(session, kind, target)
    existing = await _find(session, chat_id, kind, key)
    if existing is not None:
        raise AlreadyFollowing(kind, key)
    subscription = Subscription(chat_id=chat_id, kind=kind, target=key, created_at=now)
    session.add(subscription)
    await session.flush()
    return subscription


async def unfollow(
    session: AsyncSession, chat_id: int, kind: SubscriptionKind | str, target: str | int | None = None
) -> None:
    kind = SubscriptionKind(kind)
    key = "" if kind is SubscriptionKind.ALL else str(target or "").strip()
    existing = await _find(session, chat_id, kind, key)
    if existing is None:
        raise NotFollowing(kind, key)
    await session.delete(existing)
    await session.flush()


async def unfollow_everything(session: AsyncSession, chat_id: int) -> int:
    result = await session.execute(delete(Subscription).where(Subscription.chat_id == chat_id))
    return result.rowcount


async def follows_of(session: AsyncSession, chat_id: int) -> list[Subscription]:
    """What the chat follows, oldest first."""
    statement = select(Subscription).where(Subscription.chat_id == chat_id).order_by(Subscription.id)
    return list((await session.execute(statement)).scalars())


async def _find(session: AsyncSession, chat_id: int, kind: SubscriptionKind, key: str) -> Subscription | None:
    statement = select(Subscription).where(
        Subscription.chat_id == chat_id, Subscription.kind == kind, Subscription.target == key
    )
    return (await session.execute(statement)).scalar_one_or_none()


# -- fan-out ----------------------------------------------------------------------------------------------------


async def plan_ancestors(session: AsyncSession, commitment: Commitment) -> list[int]:
    """The commitment's id and the ids of every plan above it."""
    ids = [commitment.id]
    parent_id = commitment.parent_id
    while parent_id is not None and parent_id not in ids and len(ids) < MAX_PLAN_DEPTH:
        ids.append(parent_id)
        parent_id = (
            await session.execute(select(Commitment.parent_id).where(Commitment.id == parent_id))
        ).scalar_one_or_none()
    return ids


async def _match_conditions(session: AsyncSession, commitment: Commitment):
    """(any follow matches, a direct follow matches) as SQL conditions on Subscription."""
    plans = [str(i) for i in await plan_ancestors(session, commitment)]
    tag_names = list(
        (
            await session.execute(
                select(Tag.name)
                .join(CommitmentTag, CommitmentTag.tag_id == Tag.id)
                .where(CommitmentTag.commitment_id == commitment.id)
            )
        ).scalars()
    )
    direct = or_(
        and_(Subscription.kind == SubscriptionKind.COMMITMENT, Subscription.target == str(commitment.id)),
        and_(Subscription.kind == SubscriptionKind.PLAN, Subscription.target.in_(plans)),
    )
    conditions = [direct, and_(Subscription.kind == SubscriptionKind.ALL, Subscription.target == "")]
    if tag_names:
        conditions.append(and_(Subscription.kind == SubscriptionKind.TAG, Subscription.target.in_(tag_names)))
    if commitment.place:
        conditions.append(and_(Subscription.kind == SubscriptionKind.PLACE, Subscription.target == commitment.place))
    return or_(*conditions), direct


async def followers_of(
    session: AsyncSession, commitment: Commitment, *, direct_only: bool = False, batch: int = FAN_OUT_BATCH
) -> AsyncIterator[list[Follower]]:
    """Batches of the active chats following `commitment` directly, via its plan, a tag, its place or ALL.

    Each chat comes once. Rows are streamed (a server-side cursor on PostgreSQL), so 100,000 followers cost a
    batch of memory, not 100,000 objects. The (kind, target) index answers each branch of the condition.
    """
    any_match, direct = await _match_conditions(session, commitment)
    followed = select(Subscription.chat_id).where(direct if direct_only else any_match)
    directly = select(Subscription.chat_id).where(direct)
    statement = (
        _follower_rows(Chat.id.in_(directly))
        .where(Chat.active.is_(True), Chat.id.in_(followed))
        .order_by(Chat.id)
        .execution_options(yield_per=batch)
    )
    # Through the session's connection, not the ORM: plain rows, without the ORM's per-row loading work.
    connection = await session.connection()
    result = await connection.stream(statement)
    async for rows in result.partitions(batch):
        yield [Follower._make(row) for row in rows]


async def chats_as_followers(session: AsyncSession, chat_ids: Iterable[int]) -> list[Follower]:
    """Given active chats (admins, say) in the shape the alert rules take, as if they followed directly."""
    statement = _follower_rows(true()).where(Chat.active.is_(True), Chat.id.in_(list(chat_ids))).order_by(Chat.id)
    return [Follower(*row) for row in (await session.execute(statement)).all()]


def _follower_rows(direct):
    """The columns of a Follower: the chat, its preferences, and whether it follows directly."""
    return select(
        Chat.id,
        Chat.type,
        Chat.language,
        Chat.timezone,
        AlertPreference.lead_days,
        AlertPreference.prompts,
        AlertPreference.quiet_start,
        AlertPreference.quiet_end,
        AlertPreference.digest,
        direct.label("direct"),
    ).outerjoin(AlertPreference, AlertPreference.chat_id == Chat.id)


async def follower_count(session: AsyncSession, commitment: Commitment) -> int:
    total = 0
    async for rows in followers_of(session, commitment):
        total += len(rows)
    return total
