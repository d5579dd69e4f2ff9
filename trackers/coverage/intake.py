"""Coverage in: a stored article's figures linked to tracked commitments, and what follows from each link.

    article -> extraction -> linking against every open commitment with a target ->
      score >= confident : a progress point (Evidence, kind progress) with the quote, the article and the date;
                           if the figure closes the commitment's period, a verdict suggestion for the admins
      review <= score    : a card in the admins' review queue ("is this progress on …?")
      below              : nothing
    and the article's own commitments: cards in the review queue (as /ingest makes them), with their place filled
    in, plus a "possible goalpost shift" card for any that restates a tracked target with another value or a later
    deadline.

Followers hear of new progress points from the coverage sweep (trackers/notifications/news.py), not from here: a burst
of articles then makes one message per chat and commitment. Nothing here reads the clock or commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.coverage.articles import ArticleText, Extracted, store_article
from trackers.coverage.goalposts import restatement
from trackers.coverage.linking import Decision, Link, ReportedFigure, Thresholds, from_extraction, links_for
from trackers.coverage.review import COMMITMENT, FACT, SHIFT, VERDICT, queue_extraction, review_card, verdict_fields
from trackers.coverage.tracked import open_pledges
from trackers.extract import Extraction, places
from trackers.models import Article, Commitment, Evidence, EvidenceKind, ReviewItem, Status
from trackers.runtime.audit import record


@dataclass
class Intake:
    article: Article
    progress: list[Evidence] = field(default_factory=list)
    cards: list[ReviewItem] = field(default_factory=list)  # facts to review, verdicts, shifts, new commitments
    links: list[Link] = field(default_factory=list)


def _figure_data(figure: ReportedFigure, link: Link) -> dict:
    return {
        "subject": figure.subject,
        "quote": figure.quote,
        "comparator": figure.comparator,
        "value": figure.value,
        "unit": figure.unit,
        "value_normalized": figure.value_normalized,
        "unit_normalized": figure.unit_normalized,
        "as_of": figure.as_of.isoformat() if figure.as_of else None,
        "growth_percent": figure.growth_percent,
        "place": places.label(figure.place),
        "score": link.score,
        "candidates": [link.pledge.ref],
    }


async def _already_recorded(session: AsyncSession, commitment_id: int, article_id: int, quote: str) -> bool:
    found = await session.scalar(
        select(Evidence.id).where(
            Evidence.commitment_id == commitment_id, Evidence.article_id == article_id, Evidence.quote == quote
        )
    )
    return found is not None


async def _record_link(session: AsyncSession, article: Article, link: Link, *, now: datetime) -> Evidence | None:
    figure, commitment_id = link.figure, int(link.pledge.ref)
    if await _already_recorded(session, commitment_id, article.id, figure.quote):
        return None
    growth_target = link.measure.value == "growth"
    evidence = Evidence(
        commitment_id=commitment_id,
        kind=EvidenceKind.PROGRESS,
        # In the target's own terms: 268 (亿元) against 600亿元; a growth of 6.1 (%) against a growth target.
        value=link.reported,
        unit="%" if growth_target else link.pledge.unit,
        value_normalized=link.reported if growth_target else figure.value_normalized,
        growth_percent=figure.growth_percent,
        as_of=figure.as_of or figure.published,
        quote=figure.quote,
        source_url=article.canonical_url,
        article_id=article.id,
        recorded_by=None,
        recorded_at=now,
    )
    session.add(evidence)
    commitment = await session.get(Commitment, commitment_id)
    if commitment is not None:
        commitment.updated_at = now
        if commitment.status in (Status.NOT_RATED, Status.OVERDUE) and not link.closes_period:
            commitment.status = Status.IN_PROGRESS
    await session.flush()
    await record(
        session,
        actor_id=None,
        action="auto_progress",
        target=f"commitment:{commitment_id}",
        now=now,
        detail={"evidence": evidence.id, "article": article.id, "score": link.score, "quote": figure.quote},
    )
    return evidence


async def take_in_article(
    session: AsyncSession,
    article_text: ArticleText,
    extracted: Extracted,
    *,
    thresholds: Thresholds,
    now: datetime,
    place_hint: str | None = None,
) -> Intake | None:
    """Store the article and take in its extraction (made beforehand by `extract_article`, outside the
    transaction); None when the article was stored before (it was taken in then)."""
    article, new = await store_article(session, article_text, now=now)
    if not new:
        return None
    if article.published is None:
        article.published = extracted.published
    return await take_in(session, article, extracted.extraction, now=now, thresholds=thresholds, place_hint=place_hint)


async def take_in(
    session: AsyncSession,
    article: Article,
    extraction: Extraction,
    *,
    now: datetime,
    thresholds: Thresholds,
    place_hint: str | None = None,
) -> Intake:
    """Link the article's figures, record or queue what the links say, and queue its own commitments."""
    published = article.published or now.date()
    document_place = places.document_place(extraction.text, hint=place_hint)
    new_pledges, figures = from_extraction(extraction, document_place=document_place, published=published)
    tracked = await open_pledges(session)
    result = Intake(article=article)
    taken_positions: set[tuple[str, int]] = set()

    for position, figure in enumerate(figures):
        found = links_for(figure, tracked, thresholds)
        if not found:
            continue
        best = found[0]
        decision = best.decision(thresholds)
        if decision is Decision.PROGRESS:
            for link in (x for x in found if x.decision(thresholds) is Decision.PROGRESS):
                result.links.append(link)
                evidence = await _record_link(session, article, link, now=now)
                if evidence is not None:
                    result.progress.append(evidence)
                if link.verdict is not None and (VERDICT, position) not in taken_positions:
                    taken_positions.add((VERDICT, position))
                    data = _figure_data(figure, link) | verdict_fields(link)
                    data["evidence_id"] = evidence.id if evidence is not None else None
                    result.cards.append(
                        review_card(article, VERDICT, position, data, suggested=int(link.pledge.ref), now=now)
                    )
        elif decision is Decision.REVIEW:
            result.links.append(best)
            result.cards.append(
                review_card(
                    article, FACT, position, _figure_data(figure, best), suggested=int(best.pledge.ref), now=now
                )
            )

    # The article's own commitments go to the queue as /ingest queues them (facts are handled above).
    own = Extraction(published=extraction.published, text=extraction.text, commitments=extraction.commitments)
    queued = await queue_extraction(session, article, own, now=now, thresholds=thresholds, place_hint=place_hint)
    by_position = {item.position: item for item in queued if item.kind == COMMITMENT}
    for position, pledge in enumerate(new_pledges):
        item = by_position.get(position)
        if item is not None and not item.data.get("place") and pledge.place:
            item.data = {**item.data, "place": places.label(pledge.place)}  # a new dict: the JSON column changes
        for old in tracked:
            shift = restatement(pledge, old, thresholds)
            if shift is not None and (SHIFT, position) not in taken_positions:
                taken_positions.add((SHIFT, position))
                data = {
                    "subject": pledge.subject,
                    "quote": pledge.quote,
                    "comparator": pledge.comparator,
                    "value": pledge.value,
                    "unit": pledge.unit,
                    "deadline": pledge.deadline.isoformat() if pledge.deadline else None,
                    "old_value": old.value,
                    "old_unit": old.unit,
                    "old_comparator": old.comparator,
                    "old_deadline": old.deadline.isoformat() if old.deadline else None,
                    "shift": [str(kind) for kind in shift.kinds],
                }
                result.cards.append(review_card(article, SHIFT, position, data, suggested=int(old.ref), now=now))
    for card in result.cards:
        session.add(card)
    result.cards.extend(queued)
    await session.flush()
    return result
