"""The read side on a real database (SQLite, and PostgreSQL when configured): lists, filters, search, follows,
upcoming deadlines and the demo set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from trackers.commitments import catalog
from trackers.commitments.demo import DEMO, load_demo, remove_demo
from trackers.models import Chat, Commitment, Status, Subscription, SubscriptionKind

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
IC, PLAN, SOON, LATE = 3, 1, 7, 8


@pytest.fixture
async def session(sessions):
    """One transaction on a database holding the demo set."""
    async with sessions.begin() as session:
        await load_demo(session, now=NOW, timezone="Asia/Shanghai")
        yield session


async def _follow(session, chat_id: int, kind: SubscriptionKind, target: str = "") -> None:
    if await session.get(Chat, chat_id) is None:
        session.add(Chat(id=chat_id, type="private", created_at=NOW, updated_at=NOW))
        await session.flush()
    session.add(Subscription(chat_id=chat_id, kind=kind, target=target, created_at=NOW))
    await session.flush()


async def test_the_demo_set_loads_once_and_marks_every_row(session):
    again = await load_demo(session, now=NOW, timezone="Asia/Shanghai")
    assert again.created == 0
    page = await catalog.list_commitments(session, catalog.Filters(), page_size=50)
    assert page.total == len(DEMO) and all(c.is_demo for c in page.items)
    soon = await session.get(Commitment, SOON)
    assert catalog.days_left(soon, NOW) == 10
    assert (await session.get(Commitment, LATE)).status is Status.OVERDUE


async def test_the_relative_deadlines_move_with_today(session):
    later = NOW.replace(day=30)
    result = await load_demo(session, now=later, timezone="Asia/Shanghai")
    assert result.updated == 2 and catalog.days_left(await session.get(Commitment, SOON), later) == 10


async def test_removing_the_demo_set_leaves_nothing(session):
    assert await remove_demo(session) == len(DEMO)
    assert (await catalog.list_commitments(session, catalog.Filters())).total == 0


async def test_lists_page_and_filter(session):
    first = await catalog.list_commitments(session, catalog.Filters(), page=0, page_size=3)
    assert first.count == 3 and len(first.items) == 3
    beyond = await catalog.list_commitments(session, catalog.Filters(), page=99, page_size=3)
    assert beyond.number == 2
    achieved = await catalog.list_commitments(session, catalog.Filters(status=Status.ACHIEVED))
    assert {c.subject for c in achieved.items} == {"国内生产总值增长", "城镇新增就业"}
    plan = await catalog.list_commitments(session, catalog.Filters(plan_id=PLAN))
    assert plan.total == 4
    national = await catalog.list_commitments(session, catalog.Filters(place="全国"))
    assert national.total == 2
    tag = await catalog.tag_by_name(session, "集成电路")
    assert (await catalog.list_commitments(session, catalog.Filters(tag_id=tag.id))).total == 2
    assert [p.id for p in await catalog.plans(session)] == [PLAN]


async def test_search_matches_substrings_and_chinese_bigrams_and_escapes_wildcards(session):
    assert [c.id for c in await catalog.search(session, "集成电路")] == [IC, 4]
    assert [c.id for c in await catalog.search(session, "济南集成电路规模")] == [IC]
    assert [c.subject for c in await catalog.search(session, "全国 就业")] == ["城镇新增就业"]
    # LIKE wildcards are plain characters: "%" finds only the texts with a percent sign in them.
    assert {c.id for c in await catalog.search(session, "%")} == {5, IC}
    assert await catalog.search(session, "_") == []
    assert await catalog.search(session, "火星基地") == []
    assert await catalog.search(session, "   ") == []


async def test_archived_commitments_are_hidden_and_explained(session):
    (await session.get(Commitment, SOON)).archived_at = NOW
    with pytest.raises(catalog.ArchivedCommitment):
        await catalog.get_card(session, SOON)
    with pytest.raises(catalog.UnknownCommitment):
        await catalog.get_card(session, 999)
    assert SOON not in [c.id for c in (await catalog.list_commitments(session, catalog.Filters(), page_size=50)).items]


async def test_the_card_has_the_plan_children_evidence_and_arithmetic(session):
    card = await catalog.get_card(session, IC)
    assert card.parent.id == PLAN and card.tags == ["产业链", "集成电路"]
    assert card.assessment.suggestion is Status.AT_RISK
    assert card.latest_evidence.value == 120.3 and card.sources[card.latest_evidence.article_id].source
    plan = await catalog.get_card(session, PLAN)
    assert [c.id for c in plan.children] == [2, IC, 4]


async def test_follows_resolve_through_plans_tags_places_and_all(session):
    await _follow(session, 10, SubscriptionKind.PLAN, str(PLAN))
    assert {c.id for c in await catalog.followed_commitments(session, 10)} == {PLAN, 2, IC, 4}
    await _follow(session, 11, SubscriptionKind.TAG, "就业")
    await _follow(session, 11, SubscriptionKind.PLACE, "济南")
    assert {c.id for c in await catalog.followed_commitments(session, 11)} == {6, PLAN, 2, IC, 4, SOON, LATE}
    await _follow(session, 12, SubscriptionKind.ALL)
    assert len(await catalog.followed_commitments(session, 12)) == len(DEMO)
    assert await catalog.followed_commitments(session, 13) == []
    assert await catalog.is_following_commitment(session, 10, PLAN)
    assert not await catalog.is_following_commitment(session, 10, IC)


async def test_upcoming_shows_the_window_and_the_overdue_of_what_is_followed(session):
    everything = await catalog.upcoming(session, 20, now=NOW, days=30, timezone="Asia/Shanghai")
    assert not everything.followed_only and [c.id for c in everything.items] == [SOON]
    assert [c.id for c in everything.overdue] == [LATE, PLAN, 2, IC]
    await _follow(session, 21, SubscriptionKind.COMMITMENT, str(IC))
    followed = await catalog.upcoming(session, 21, now=NOW, days=30, timezone="Asia/Shanghai")
    assert followed.followed_only and followed.items == [] and [c.id for c in followed.overdue] == [IC]
