"""When each sweep last ran and how far the alert rules have looked, kept in the database.

The alert rules read their watermark here: after downtime they look at everything that fell due since it, so
nothing is missed and nothing is looked at twice. /health reads the times.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import SweepState


async def _state(session: AsyncSession, name: str) -> SweepState:
    state = await session.get(SweepState, name)
    if state is None:
        state = SweepState(name=name)
        session.add(state)
    return state


async def watermark(session: AsyncSession, name: str) -> datetime | None:
    state = await session.get(SweepState, name)
    return state.watermark if state else None


async def record_run(
    session: AsyncSession,
    name: str,
    *,
    started: datetime,
    finished: datetime | None,
    instance: str,
    error: str | None = None,
    new_watermark: datetime | None = None,
) -> None:
    state = await _state(session, name)
    state.last_started_at, state.instance = started, instance
    if finished is not None:
        state.last_finished_at = finished
    state.last_error = error[:1000] if error else None
    if new_watermark is not None:
        state.watermark = new_watermark


async def record_error(session: AsyncSession, name: str, error: str, *, instance: str) -> None:
    state = await _state(session, name)
    state.last_error, state.instance = error[:1000], instance


async def all_sweeps(session: AsyncSession) -> list[SweepState]:
    return list((await session.execute(select(SweepState).order_by(SweepState.name))).scalars())
