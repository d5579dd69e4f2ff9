"""Who may edit: owners (numeric ids in settings) and the admins they grant rights to (stored here).

Authorisation is by numeric Telegram user id only. A username can be changed or taken over by anyone, and the
anonymous group admin (user 1087968824, "GroupAnonymousBot") stands for every admin of every group at once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import AdminGrant
from trackers.runtime.audit import record

# The id Telegram shows for a group admin posting anonymously: it says nothing about who the person is.
ANONYMOUS_GROUP_ADMIN = 1087968824
# Telegram's service account that forwards channel posts into linked discussion groups.
TELEGRAM_SERVICE = 777000


class Role(enum.IntEnum):
    NONE = 0
    ADMIN = 1
    OWNER = 2


class CannotGrant(ValueError):
    """The id cannot hold admin rights (the anonymous group admin, Telegram's service account, an owner)."""


class NotAnAdmin(LookupError):
    """Revoking from someone who has no granted rights."""


def _ungrantable(user_id: int) -> bool:
    return user_id in (ANONYMOUS_GROUP_ADMIN, TELEGRAM_SERVICE) or user_id <= 0


async def role_of(
    session: AsyncSession, user_id: int | None, *, owner_ids: Iterable[int], admin_ids: Iterable[int]
) -> Role:
    """The user's role now, read from settings and the database on every call (rights can be revoked)."""
    if user_id is None or _ungrantable(user_id):
        return Role.NONE
    if user_id in set(owner_ids):
        return Role.OWNER
    if user_id in set(admin_ids) or await session.get(AdminGrant, user_id) is not None:
        return Role.ADMIN
    return Role.NONE


async def grant(session: AsyncSession, user_id: int, *, by: int, owner_ids: Iterable[int], now: datetime) -> bool:
    """Give `user_id` admin rights; False when they already had them."""
    if _ungrantable(user_id) or user_id in set(owner_ids):
        raise CannotGrant(user_id)
    if await session.get(AdminGrant, user_id) is not None:
        return False
    session.add(AdminGrant(user_id=user_id, granted_by=by, granted_at=now))
    await record(session, actor_id=by, action="grant", target=f"user:{user_id}", now=now)
    return True


async def revoke(session: AsyncSession, user_id: int, *, by: int, now: datetime) -> None:
    existing = await session.get(AdminGrant, user_id)
    if existing is None:
        raise NotAnAdmin(user_id)
    await session.delete(existing)
    await record(session, actor_id=by, action="revoke", target=f"user:{user_id}", now=now)


async def granted_admins(session: AsyncSession) -> list[AdminGrant]:
    return list((await session.scalars(select(AdminGrant).order_by(AdminGrant.granted_at))).all())
