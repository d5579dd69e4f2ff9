"""What the bot waits for from a person in a chat, kept in the database: asked, answered, replaced, lapsed, ended."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime, timedelta

from bot.waits import Waits
from trackers.commitments.editing import Draft
from trackers.commitments.targets import parse_target
from trackers.people.chats import chat_alone, get_or_create_chat, move_chat
from trackers.people.conversations import (
    TIMEOUT,
    end_now,
    forget_lapsed,
    peek,
    stop_waiting,
    wait_for,
    waiting_for,
)
from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.prepared import pooled_driver
from trackers.runtime.updates import DoneMark

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
CHAT, USER, OTHER = -100123, 42, 43


async def test_a_wait_is_read_back_by_its_person_in_its_chat_only(sessions):
    draft = Draft(subject="集成电路产业规模", target=parse_target("突破500亿元"), tags=["集成电路"])
    async with sessions() as session, session.begin():
        await wait_for(session, CHAT, USER, "add", "deadline", {"draft": draft.as_data()}, now=NOW)
    engine = sessions.kw["bind"]
    assert await peek(engine, CHAT, USER, now=NOW) == ("add", "deadline")
    assert await peek(engine, CHAT, OTHER, now=NOW) is None  # another member of the group
    assert await peek(engine, USER, USER, now=NOW) is None  # the same person in their private chat
    async with sessions() as session:
        waiting = await waiting_for(session, CHAT, USER, now=NOW)
    assert (waiting.kind, waiting.step) == ("add", "deadline")
    assert Draft.from_data(waiting.data["draft"]) == draft


async def test_asking_again_replaces_and_a_lapsed_wait_is_nothing(sessions):
    engine = sessions.kw["bind"]
    async with sessions() as session, session.begin():
        await wait_for(session, CHAT, USER, "add", "subject", {}, now=NOW)
    async with sessions() as session, session.begin():
        await wait_for(session, CHAT, USER, "review_edit", "value", {"item_id": 7}, now=NOW + timedelta(minutes=1))
    later = NOW + timedelta(minutes=1) + TIMEOUT
    assert await peek(engine, CHAT, USER, now=later - timedelta(seconds=1)) == ("review_edit", "value")
    assert await peek(engine, CHAT, USER, now=later) is None
    async with sessions() as session, session.begin():
        assert await waiting_for(session, CHAT, USER, now=later) is None
        assert await forget_lapsed(session, now=later) == 1
        assert await stop_waiting(session, CHAT, USER) is False  # gone already


async def test_ending_now_ends_only_its_kind(sessions):
    engine = sessions.kw["bind"]
    async with sessions() as session, session.begin():
        await wait_for(session, CHAT, USER, "review_edit", "value", {"item_id": 7}, now=NOW)
        await wait_for(session, CHAT, OTHER, "add", "target", {"draft": Draft(subject="x").as_data()}, now=NOW)
    await end_now(engine, CHAT, USER, "add")  # a command ends a guided /add, not a card's edit
    await end_now(engine, CHAT, OTHER, "add")
    await end_now(engine, CHAT, OTHER, "add")  # twice (the update handled again after a crash): nothing more
    assert await peek(engine, CHAT, USER, now=NOW) == ("review_edit", "value")
    assert await peek(engine, CHAT, OTHER, now=NOW) is None


def test_a_draft_comes_back_from_json_as_it_was():
    draft = Draft(
        subject="新建5G基站",
        target=parse_target("≥1.2万个"),
        deadline=date(2025, 12, 31),
        period_start=date(2023, 1, 1),
        place="济南",
        tags=["5G", "基站"],
        parent_id=3,
        source_url="https://example.org/a?b=1&c=2",
    )
    assert Draft.from_data(json.loads(json.dumps(draft.as_data()))) == draft
    assert Draft.from_data(Draft(subject="无目标").as_data()) == Draft(subject="无目标")


async def test_the_bots_look_finds_what_was_asked_before_it_started_and_since(sessions):
    engine = sessions.kw["bind"]
    async with sessions() as session, session.begin():
        await wait_for(session, CHAT, USER, "add", "target", {"draft": Draft(subject="x").as_data()}, now=NOW)
    waits = Waits(engine)
    await waits.open()
    try:
        assert await waits.peek(CHAT, USER, now=NOW) == ("add", "target")  # asked before this process started
        assert await waits.peek(CHAT, OTHER, now=NOW) is None
        async with sessions() as session, session.begin():  # this process asks in a turn
            await wait_for(session, CHAT, OTHER, "review_edit", "value", {"item_id": 1}, now=NOW)
            waits.asked(CHAT, OTHER)
        assert await waits.peek(CHAT, OTHER, now=NOW) == ("review_edit", "value")
        # A command's end: at once on SQLite; on PostgreSQL with the turn's statement, else once its handlers are
        # done (settle).
        await waits.end(CHAT, USER, "add")
        await waits.settle()
        await waits.end(CHAT, OTHER, "add")  # a card's edit is not ended by a command
        await waits.settle()
        assert await waits.peek(CHAT, USER, now=NOW) is None
        assert await waits.peek(CHAT, OTHER, now=NOW) == ("review_edit", "value")
        assert await waits.peek(CHAT, OTHER, now=NOW + TIMEOUT) is None  # lapsed
    finally:
        await waits.close()


async def test_what_a_group_was_asked_follows_it_to_its_supergroup(sessions):
    supergroup = -1009001
    async with sessions() as session, session.begin():
        await get_or_create_chat(session, CHAT, type="group", title="编辑部", now=NOW)
        await wait_for(session, CHAT, USER, "add", "target", {"draft": Draft(subject="x").as_data()}, now=NOW)
        await wait_for(session, CHAT, OTHER, "add", "subject", {}, now=NOW)
        # OTHER was asked something in the supergroup already: that is newer, and kept.
        await get_or_create_chat(session, supergroup, type="supergroup", title="编辑部", now=NOW)
        await wait_for(session, supergroup, OTHER, "review_edit", "value", {"item_id": 3}, now=NOW)
    async with sessions() as session, session.begin():
        assert await move_chat(session, CHAT, supergroup, now=NOW) == [USER]
    engine = sessions.kw["bind"]
    assert await peek(engine, supergroup, USER, now=NOW) == ("add", "target")
    assert await peek(engine, supergroup, OTHER, now=NOW) == ("review_edit", "value")
    assert await peek(engine, CHAT, USER, now=NOW) is None and await peek(engine, CHAT, OTHER, now=NOW) is None
    async with sessions() as session:
        assert Draft.from_data((await waiting_for(session, supergroup, USER, now=NOW)).data["draft"]).subject == "x"
    # Moving again (the outbox, at a send to the old id) finds nothing left to move.
    async with sessions() as session, session.begin():
        assert await move_chat(session, CHAT, supergroup, now=NOW) == []


async def test_a_commands_end_rides_on_the_turns_chat_statement(migrated_postgres_url):
    # PostgreSQL: the end a command asked for is carried by the chat's statement of the turn that follows, in its
    # transaction (it rolls back with it), or by the statement a turn that reads nothing else runs alone.
    engine = create_engine(migrated_postgres_url)
    sessions = create_sessionmaker(engine)
    waits = Waits(engine)
    await waits.open()
    try:
        async with sessions() as session, session.begin():
            await wait_for(session, CHAT, USER, "add", "target", {}, now=NOW)
            await wait_for(session, CHAT, OTHER, "review_edit", "value", {"item_id": 1}, now=NOW)
        await waits.end(CHAT, USER, "add")
        assert waits.to_carry(USER) is None  # another chat's turn carries nothing
        ending = waits.to_carry(CHAT)
        assert ending == (USER, "add")
        with contextlib.suppress(RuntimeError):
            async with sessions() as session, session.begin():
                await get_or_create_chat(session, CHAT, type="group", title="编辑部", now=NOW, ending=ending)
                raise RuntimeError("the turn fails")
        assert await peek(engine, CHAT, USER, now=NOW) == ("add", "target")  # rolled back with the turn
        async with sessions() as session, session.begin():
            await get_or_create_chat(session, CHAT, type="group", title="编辑部", now=NOW, ending=ending)
            assert await waiting_for(session, CHAT, USER, now=NOW) is None  # the rest of the turn sees it ended
        waits.carried()
        await waits.settle()  # nothing left
        assert await peek(engine, CHAT, USER, now=NOW) is None
        # Alone, with the update's done mark: the card's edit is another kind, and stays.
        async with pooled_driver(engine) as driver:
            mark = DoneMark(bot_id=1, update_id=1, now=NOW)
            row = await chat_alone(
                driver,
                CHAT,
                type="group",
                title="编辑部",
                now=NOW,
                telegram_language=None,
                mark=mark,
                ending=(OTHER, "add"),
            )
        assert row["id"] == CHAT and mark.marked is False  # no such update stored: nothing to mark
        assert await peek(engine, CHAT, OTHER, now=NOW) == ("review_edit", "value")
    finally:
        await waits.close()
        await engine.dispose()
