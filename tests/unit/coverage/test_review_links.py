"""The admins' review cards link facts with the feeds' linker: place, measure and period decide, not words alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from trackers.coverage.articles import ArticleText, store_article
from trackers.coverage.linking import Thresholds
from trackers.coverage.review import FACT, VERDICT, queue_extraction
from trackers.extract import extract
from trackers.models import Commitment, Comparator, ReviewState

NOW = datetime(2026, 2, 20, 2, 0, tzinfo=UTC)


def target(value, deadline, place, start=None) -> Commitment:
    return Commitment(
        timezone="Asia/Shanghai",
        subject="地区生产总值增长率",
        comparator=Comparator.APPROX,
        value=value,
        unit="%",
        value_normalized=value,
        unit_normalized="percent",
        deadline=deadline,
        period_start=start,
        place=place,
        quote="地区生产总值增长",
        created_at=NOW,
        updated_at=NOW,
    )


async def fact_cards(session, text: str, published: str, place: str) -> list[tuple[int, list[int], str | None]]:
    article, _ = await store_article(session, ArticleText(text, published=date.fromisoformat(published)), now=NOW)
    extraction = extract(text, published, place=place)
    cards = await queue_extraction(session, article, extraction, now=NOW, thresholds=Thresholds(), place_hint=place)
    # The cards put to an admin: progress, or a suggested verdict when the figure closes the target's period.
    answers = [card for card in cards if card.kind in (FACT, VERDICT) and card.state == ReviewState.PENDING]
    return [(card.suggested_commitment_id, card.data["candidates"], card.data.get("status")) for card in answers]


async def test_a_result_is_offered_for_its_own_places_target_of_that_year_only(sessions):
    async with sessions.begin() as session:
        ours_2025 = target(5.5, date(2025, 12, 31), "江西", date(2025, 1, 1))
        ours_2026 = target(5, date(2026, 12, 31), "江西", date(2026, 1, 1))
        theirs_2025 = target(6, date(2025, 12, 31), "湖南", date(2025, 1, 1))
        session.add_all([ours_2025, ours_2026, theirs_2025])
        await session.flush()
        cards = await fact_cards(session, "过去一年,全省地区生产总值增长5.3%。", "2026-01-25", "江西省")
        # The 2025 result answers the 2025 target of its own province: not the 2026 one, not another province's.
        # It closes that year: a suggested verdict, achieved (5.3% is about 5.5%: 左右 allows a little less).
        assert cards == [(ours_2025.id, [ours_2025.id], "achieved")]


async def test_a_level_is_not_offered_for_a_growth_target(sessions):
    async with sessions.begin() as session:
        session.add(target(5.5, date(2025, 12, 31), "江西", date(2025, 1, 1)))
        await session.flush()
        assert await fact_cards(session, "过去一年,全省地区生产总值达到3.6万亿元。", "2026-01-25", "江西省") == []


async def test_a_level_reported_after_the_deadline_is_offered_as_evidence_for_the_verdict(sessions):
    async with sessions.begin() as session:
        industry = Commitment(
            timezone="Asia/Shanghai",
            subject="集成电路产业规模",
            comparator=Comparator.GT,
            value=500,
            unit="亿元",
            value_normalized=5e10,
            unit_normalized="CNY",
            deadline=date(2025, 12, 31),
            place="合肥",
            quote="到2025年集成电路产业规模突破500亿元",
            created_at=NOW,
            updated_at=NOW,
        )
        growth = target(5.5, date(2025, 12, 31), "合肥", date(2025, 1, 1))
        session.add_all([industry, growth])
        await session.flush()
        text = "今年1至10月,合肥市集成电路产业规模达到380亿元,地区生产总值增长5.8%。"
        article, _ = await store_article(session, ArticleText(text, published=date(2026, 11, 20)), now=NOW)
        extraction = extract(text, "2026-11-20", place="合肥市")
        cards = await queue_extraction(session, article, extraction, now=NOW, thresholds=Thresholds())
        offered = [card for card in cards if card.state == ReviewState.PENDING and card.kind == FACT]
        # The 2026 level is the evidence the overdue 2025 target needs; 2026's growth says nothing of 2025's.
        assert [(card.suggested_commitment_id, card.data.get("after_deadline")) for card in offered] == [
            (industry.id, True)
        ]
