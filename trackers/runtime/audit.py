"""The audit log: who did what to which record, including attempts that were refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import AuditEntry


def commitment_target(commitment_id: int) -> str:
    """The audit target of a commitment, so /history finds every entry about it."""
    return f"commitment:{commitment_id}"


async def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    now: datetime,
    target: str | None = None,
    allowed: bool = True,
    detail: dict | None = None,
) -> AuditEntry:
    entry = AuditEntry(at=now, actor_id=actor_id, action=action, target=target, allowed=allowed, detail=detail)
    session.add(entry)
    await session.flush()
    return entry


async def entries_for(session: AsyncSession, target: str, *, limit: int = 30) -> list[AuditEntry]:
    """The newest entries about `target`, oldest first."""
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.target == target).order_by(AuditEntry.id.desc()).limit(limit)
    )
    return list(reversed(rows.all()))


async def refused_entries(session: AsyncSession, *, limit: int = 30) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.allowed.is_(False)).order_by(AuditEntry.id.desc()).limit(limit)
    )
    return list(rows.all())
