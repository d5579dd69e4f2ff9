"""The tracked commitments as linking sees them: every open commitment with a target, as a linking.Pledge.

Coverage intake (trackers/coverage/intake.py) and the admins' review cards (trackers/coverage/review.py) link new
figures to the same pledges with the same code (trackers/coverage/linking.py), so what an admin is shown is what a
feed records.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.coverage.linking import Pledge
from trackers.extract import places
from trackers.models import SETTLED, Article, Commitment

# A commitment with a verdict takes no more progress.


def pledge_of(commitment: Commitment, announced: date | None) -> Pledge:
    return Pledge(
        ref=commitment.id,
        subject=commitment.subject,
        quote=commitment.quote or commitment.subject,
        comparator=str(commitment.comparator) if commitment.comparator else None,
        value=commitment.value,
        unit=commitment.unit,
        value_normalized=commitment.value_normalized,
        unit_normalized=commitment.unit_normalized,
        deadline=commitment.deadline,
        period_start=commitment.period_start,
        announced=announced,
        place=places.parse_place(commitment.place),
    )


async def open_pledges(session: AsyncSession) -> list[Pledge]:
    """Every open commitment with a target, as linking sees it; announced = its source article's date."""
    return await _pledges(session, Commitment.value.is_not(None), Commitment.status.not_in(list(SETTLED)))


async def tracked_pledges(session: AsyncSession) -> list[Pledge]:
    """Every commitment not archived, settled or not, with a target or without: what a new one may repeat."""
    return await _pledges(session)


async def _pledges(session: AsyncSession, *conditions) -> list[Pledge]:
    rows = await session.execute(
        select(Commitment, Article.published)
        .outerjoin(Article, Article.id == Commitment.source_article_id)
        .where(Commitment.archived_at.is_(None), *conditions)
    )
    return [pledge_of(commitment, published) for commitment, published in rows.all()]
