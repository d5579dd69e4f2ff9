"""Coverage intake on SQLite: progress recorded, review cards for doubtful links, verdicts and goalpost shifts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.render.news import render_coverage
from trackers.coverage.articles import ArticleText, store_article
from trackers.coverage.intake import SHIFT, VERDICT, take_in
from trackers.coverage.linking import Thresholds
from trackers.coverage.review import FACT, confirm_item
from trackers.extract import extract
from trackers.models import Chat, Commitment, Comparator, Evidence, Notification, Status, SubscriptionKind
from trackers.notifications.news import announce_new_coverage
from trackers.people.follows import follow

NOW = datetime(2025, 3, 20, 2, 0, tzinfo=UTC)


def commitment(subject, value, unit, norm, unit_norm, comparator, deadline, place, start=None) -> Commitment:
    return Commitment(
        subject=subject,
        comparator=comparator,
        value=value,
        unit=unit,
        value_normalized=norm,
        unit_normalized=unit_norm,
        deadline=deadline,
        period_start=start,
        timezone="Asia/Shanghai",
        place=place,
        quote=subject,
        created_at=NOW,
        updated_at=NOW,
    )


async def take(session, text: str, published: str):
    article, _ = await store_article(session, ArticleText(text, published=date.fromisoformat(published)), now=NOW)
    return await take_in(session, article, extract(text, published), now=NOW, thresholds=Thresholds())


async def test_a_confident_link_is_progress_and_followers_get_one_message(sessions):
    async with sessions.begin() as session:
        ic = commitment("集成电路产业规模", 600, "亿元", 6e10, "CNY", Comparator.GT, date(2025, 12, 31), "济南")
        session.add_all([ic, Chat(id=7, type="private", created_at=NOW, updated_at=NOW)])
        await session.flush()
        await follow(session, 7, SubscriptionKind.COMMITMENT, ic.id, now=NOW)
        intake = await take(session, "济南市:2024年,全市集成电路产业规模达到268亿元,同比增长31%。", "2025-01-20")
        assert [(e.value, e.unit, e.growth_percent) for e in intake.progress] == [(268, "亿元", 31)]
        # A second article with the same figure later the same day adds a second point; both go out in one message.
        await take(session, "济南日报消息,2024年济南集成电路产业规模为268亿元,创历史新高。", "2025-01-21")
        assert (
            await announce_new_coverage(
                session, now=NOW, render=render_coverage, default_language="zh", default_timezone="Asia/Shanghai"
            )
            == 1
        )
        assert (
            await announce_new_coverage(
                session, now=NOW, render=render_coverage, default_language="zh", default_timezone="Asia/Shanghai"
            )
            == 0
        )
        rows = (await session.scalars(select(Notification))).all()
        assert len(rows) == 1 and rows[0].text.count("268亿元（截至 2024-12-31）") == 2


async def test_the_years_result_suggests_a_verdict_that_an_admin_confirms(sessions):
    async with sessions.begin() as session:
        growth = commitment(
            "地区生产总值增长率", 5, "%", 5, "percent", Comparator.GE, date(2024, 12, 31), "山东", date(2024, 1, 1)
        )
        session.add(growth)
        await session.flush()
        intake = await take(session, "山东省统计局发布:2024年,全省地区生产总值增长4.2%。", "2025-01-25")
        verdicts = [card for card in intake.cards if card.kind == VERDICT]
        assert len(intake.progress) == 1 and len(verdicts) == 1
        assert verdicts[0].data["status"] == "missed" and verdicts[0].suggested_commitment_id == growth.id
        await confirm_item(session, verdicts[0].id, actor_id=1, now=NOW, timezone="Asia/Shanghai")
        assert (await session.get(Commitment, growth.id)).status is Status.MISSED


async def test_a_doubtful_link_goes_to_review_and_a_restated_target_is_flagged(sessions):
    async with sessions.begin() as session:
        ic = commitment("集成电路产业规模", 600, "亿元", 6e10, "CNY", Comparator.GT, date(2025, 12, 31), "济南")
        session.add(ic)
        await session.flush()
        # No place named anywhere: the link is plausible but not certain.
        intake = await take(session, "2024年集成电路产业规模达到268亿元。", "2025-01-20")
        assert intake.progress == [] and [c.kind for c in intake.cards] == [FACT]
        assert intake.cards[0].suggested_commitment_id == ic.id
        # The city restates its target lower and later.
        intake = await take(session, "济南市提出,到2027年,全市集成电路产业规模突破450亿元。", "2025-02-10")
        shifts = [card for card in intake.cards if card.kind == SHIFT]
        assert len(shifts) == 1 and shifts[0].data["shift"] == ["lower", "later"]
        assert (await session.scalars(select(Evidence))).all() == []
