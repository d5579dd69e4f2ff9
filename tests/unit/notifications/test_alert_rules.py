"""Alert rules as functions of (database, now): the sweep is driven with the clock moved by time-machine."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from bot.delivery.alert_texts import render_alert
from trackers.models import (
    AdminGrant,
    AuditEntry,
    Chat,
    Commitment,
    DeliveryState,
    DigestMode,
    Evidence,
    EvidenceKind,
    Notification,
    Status,
)
from trackers.notifications.alerts import run_alert_rules
from trackers.notifications.rules import AlertRules
from trackers.people.follows import follow
from trackers.people.preferences import (
    AlertDefaults,
    set_digest,
    set_digest_weekday,
    set_lead_days,
    set_prompts,
    set_quiet_hours,
    set_timezone,
)
from trackers.runtime.clock import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
DEFAULTS = AlertDefaults(lead_days=(90, 30, 7, 1, 0), timezone="Asia/Shanghai", local_hour=9, language="zh")
RULES = AlertRules(defaults=DEFAULTS, overdue_days=(1, 30), stale_after_days=90)


async def add_chat(session, chat_id: int, **fields) -> Chat:
    chat = Chat(id=chat_id, type="private", created_at=START, updated_at=START, **fields)
    session.add(chat)
    await session.flush()
    return chat


async def add_commitment(session, deadline: date | None, **fields) -> Commitment:
    commitment = Commitment(
        subject=fields.pop("subject", "集成电路产业规模突破500亿元"),
        deadline=deadline,
        timezone=fields.pop("timezone", "Asia/Shanghai"),
        created_at=fields.pop("created_at", START),
        updated_at=START,
        **fields,
    )
    session.add(commitment)
    await session.flush()
    return commitment


async def sweep_until(
    sessions, end: datetime, step: timedelta, rules: AlertRules = RULES, *, start: datetime = START
) -> None:
    """Run the rules the way the JobQueue would, every `step` from `start`, with the clock travelling forward."""
    with time_machine.travel(start, tick=False) as traveller:
        moment = start
        while moment <= end:
            traveller.move_to(moment)
            async with sessions.begin() as session:
                await run_alert_rules(session, now=utcnow(), rules=rules, render=render_alert)
            moment += step


async def alerts_of(sessions, chat_id: int) -> list[Notification]:
    async with sessions() as session:
        statement = select(Notification).where(Notification.chat_id == chat_id).order_by(Notification.due_at)
        return list((await session.execute(statement)).scalars())


async def followed_commitment(sessions, days: int) -> tuple[date, Commitment]:
    """Chat 1 follows a commitment due `days` after START: its deadline and the commitment."""
    deadline = (START + timedelta(days=days)).date()
    async with sessions.begin() as session:
        await add_chat(session, 1)
        commitment = await add_commitment(session, deadline)
        await follow(session, 1, "commitment", commitment.id, now=START)
    return deadline, commitment


async def test_a_deadline_95_days_out_gives_exactly_the_five_countdowns_then_the_overdue_prompts(sessions):
    deadline, commitment = await followed_commitment(sessions, 95)

    # Sweeps 17 hours apart, so they fall at every hour of the day in turn; the JobQueue runs one a minute.
    await sweep_until(sessions, START + timedelta(days=127), timedelta(hours=17))

    rows = [row for row in await alerts_of(sessions, 1) if row.kind != "stale"]
    assert [(r.kind, r.milestone.split(":")[1]) for r in rows] == [
        ("deadline", "90"),
        ("deadline", "30"),
        ("deadline", "7"),
        ("deadline", "1"),
        ("deadline", "0"),
        ("overdue", "1"),
        ("overdue", "30"),
    ]
    for row, days in zip(rows, [-90, -30, -7, -1, 0, 1, 30], strict=True):
        # 09:00 in Shanghai on the milestone's date.
        assert row.due_at == datetime.combine(deadline + timedelta(days=days), time(9), SHANGHAI)
        assert row.state is DeliveryState.PENDING
    assert "还有 90 天" in rows[0].text and "今天到期" in rows[4].text and "逾期待定" in rows[5].text
    async with sessions() as session:
        assert (await session.get(Commitment, commitment.id)).status is Status.OVERDUE
        audit = (await session.execute(select(AuditEntry))).scalars().all()
        assert [a.action for a in audit] == ["status_overdue"]


async def test_a_chat_in_another_time_zone_hears_at_its_own_morning(sqlite_sessions):
    deadline = (START + timedelta(days=40)).date()
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 2, language="en")
        await set_timezone(session, 2, "Europe/Berlin", now=START)
        await set_lead_days(session, 2, [30, 7], now=START)
        await add_commitment(session, deadline, place="济南")
        await follow(session, 2, "place", "济南", now=START)

    await sweep_until(sqlite_sessions, START + timedelta(days=40), timedelta(hours=19))

    rows = await alerts_of(sqlite_sessions, 2)
    assert [r.milestone.split(":")[1] for r in rows] == ["30", "7"]
    assert [r.due_at.astimezone(BERLIN).time() for r in rows] == [time(9), time(9)]
    assert rows[0].due_at.astimezone(BERLIN).date() == deadline - timedelta(days=30)
    assert "30 days left" in rows[0].text


async def test_quiet_hours_delay_an_alert_and_never_drop_it(sqlite_sessions):
    deadline = (START + timedelta(days=10)).date()
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 3)
        await set_quiet_hours(session, 3, time(8, 0), time(11, 30), now=START)
        commitment = await add_commitment(session, deadline)
        await follow(session, 3, "all", now=START)
        await follow(session, 3, "commitment", commitment.id, now=START)  # followed twice: still one alert

    await sweep_until(sqlite_sessions, START + timedelta(days=10), timedelta(hours=5))

    rows = await alerts_of(sqlite_sessions, 3)
    assert [r.milestone.split(":")[1] for r in rows] == ["7", "1", "0"]
    assert {r.due_at.astimezone(SHANGHAI).time() for r in rows} == {time(11, 30)}


async def test_a_second_sweep_at_the_same_moment_adds_nothing(sessions):
    deadline = (START + timedelta(days=7)).date()
    async with sessions.begin() as session:
        await add_chat(session, 4)
        await add_commitment(session, deadline)
        await follow(session, 4, "all", now=START)
    moment = datetime.combine(deadline - timedelta(days=7), time(9, 1), SHANGHAI).astimezone(UTC)
    async with sessions.begin() as session:
        first = await run_alert_rules(session, now=moment, rules=RULES, render=render_alert)
    # A second instance whose watermark read was older, or a replayed sweep: the outbox key stops the copy.
    async with sessions.begin() as session:
        from trackers.runtime.sweep_state import record_run

        await record_run(session, "alerts", started=moment, finished=moment, instance="x", new_watermark=START)
    async with sessions.begin() as session:
        second = await run_alert_rules(session, now=moment, rules=RULES, render=render_alert)
    assert first.enqueued == 1 and second.enqueued == 0
    assert len(await alerts_of(sessions, 4)) == 1


async def test_alerts_missed_during_downtime_are_caught_up_or_skipped_when_too_late(sqlite_sessions):
    deadline = (START + timedelta(days=10)).date()
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 5)
        await add_commitment(session, deadline)
        await follow(session, 5, "all", now=START)
        await run_alert_rules(session, now=START, rules=RULES, render=render_alert)
    # Down from START until 2 hours after the 1-day alert: the 7-day one is days late, the 1-day one is not.
    back = datetime.combine(deadline - timedelta(days=1), time(11), SHANGHAI).astimezone(UTC)
    async with sqlite_sessions.begin() as session:
        report = await run_alert_rules(session, now=back, rules=RULES, render=render_alert)
    rows = await alerts_of(sqlite_sessions, 5)
    assert [(r.milestone.split(":")[1], r.state) for r in rows] == [
        ("7", DeliveryState.SKIPPED),
        ("1", DeliveryState.PENDING),
    ]
    assert "while the bot was not running" in rows[0].last_error
    assert report.skipped == 1


async def test_prompts_off_means_no_overdue_or_stale_prompts(sqlite_sessions):
    deadline = (START + timedelta(days=2)).date()
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 6)
        await set_prompts(session, 6, False, now=START)
        commitment = await add_commitment(session, deadline)
        await follow(session, 6, "commitment", commitment.id, now=START)
    await sweep_until(sqlite_sessions, START + timedelta(days=5), timedelta(hours=7))
    assert [r.kind for r in await alerts_of(sqlite_sessions, 6)] == ["deadline", "deadline"]


async def test_no_coverage_for_90_days_prompts_direct_followers_once(sqlite_sessions):
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 7)
        await add_chat(session, 8)
        commitment = await add_commitment(session, None, created_at=START - timedelta(days=200), place="济南")
        session.add(
            Evidence(
                commitment_id=commitment.id,
                kind=EvidenceKind.PROGRESS,
                recorded_at=START - timedelta(days=85),
            )
        )
        await follow(session, 7, "commitment", commitment.id, now=START)
        await follow(session, 8, "place", "济南", now=START)  # not a direct follower: no prompt
    await sweep_until(sqlite_sessions, START + timedelta(days=12), timedelta(hours=11))
    rows = await alerts_of(sqlite_sessions, 7)
    assert [r.kind for r in rows] == ["stale"]
    last_seen = (START - timedelta(days=85)).astimezone(SHANGHAI).date()
    assert rows[0].due_at == datetime.combine(last_seen + timedelta(days=90), time(9), SHANGHAI)
    assert await alerts_of(sqlite_sessions, 8) == []


async def test_a_daily_digest_bundles_the_days_alerts_into_one_message(sqlite_sessions):
    deadline = (START + timedelta(days=8)).date()
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 9)
        await set_digest(session, 9, DigestMode.DAILY, now=START)
        for n in range(3):
            await add_commitment(session, deadline, subject=f"项目{n}")
        await follow(session, 9, "all", now=START)
    await sweep_until(sqlite_sessions, START + timedelta(days=2), timedelta(hours=3))
    rows = await alerts_of(sqlite_sessions, 9)
    digests = [r for r in rows if r.kind == "digest"]
    assert len(digests) == 1
    assert all(f"项目{n}" in digests[0].text for n in range(3))
    assert {r.state for r in rows if r.kind == "deadline"} == {DeliveryState.BUNDLED}
    assert {r.bundle_id for r in rows if r.kind == "deadline"} == {digests[0].id}


async def test_a_weekly_digest_comes_on_the_day_the_chat_chose(sqlite_sessions):
    deadline = (START + timedelta(days=8)).date()  # its 7-day alert falls due on Sunday 2025-03-02
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 11)
        await set_digest(session, 11, DigestMode.WEEKLY, now=START)
        await set_digest_weekday(session, 11, 4, now=START)  # Friday
        await add_commitment(session, deadline, subject="项目甲")
        await follow(session, 11, "all", now=START)
    await sweep_until(sqlite_sessions, START + timedelta(days=9), timedelta(hours=3))
    digests = [r for r in await alerts_of(sqlite_sessions, 11) if r.kind == "digest"]
    # Not on Monday 03-03: on Friday 03-07, at 09:00 Shanghai time.
    assert [d.due_at for d in digests] == [datetime(2025, 3, 7, 9, tzinfo=SHANGHAI)]
    assert "项目甲" in digests[0].text


async def test_admins_hear_once_about_a_commitment_with_no_coverage(sqlite_sessions):
    rules = AlertRules(defaults=DEFAULTS, stale_after_days=90, admin_ids=(50, 52))
    async with sqlite_sessions.begin() as session:
        for chat_id in (7, 50, 51, 52):
            await add_chat(session, chat_id)
        session.add(AdminGrant(user_id=51, granted_by=50, granted_at=START))
        commitment = await add_commitment(session, None, created_at=START - timedelta(days=85))
        await follow(session, 7, "commitment", commitment.id, now=START)
        await follow(session, 52, "commitment", commitment.id, now=START)  # an admin who also follows it
    await sweep_until(sqlite_sessions, START + timedelta(days=12), timedelta(hours=11), rules)
    for chat_id in (7, 50, 51, 52):
        assert [r.kind for r in await alerts_of(sqlite_sessions, chat_id)] == ["stale"], chat_id


async def test_on_daylight_saving_days_an_alert_at_2am_in_berlin_comes_once_at_the_hour_that_exists(sqlite_sessions):
    # 02:00 does not exist in Berlin on 2025-03-30 (clocks go 02:00 -> 03:00) and happens twice on 2025-10-26.
    rules = AlertRules(defaults=replace(DEFAULTS, local_hour=2), overdue_days=(), stale_after_days=10_000)
    async with sqlite_sessions.begin() as session:
        await add_chat(session, 5, language="en")
        await set_timezone(session, 5, "Europe/Berlin", now=START)
        await set_lead_days(session, 5, [1], now=START)
        spring = await add_commitment(session, date(2025, 3, 31), subject="spring", timezone="Europe/Berlin")
        autumn = await add_commitment(session, date(2025, 10, 27), subject="autumn", timezone="Europe/Berlin")
        await follow(session, 5, "all", "", now=START)

    for first in (datetime(2025, 3, 29, 12, tzinfo=UTC), datetime(2025, 10, 25, 12, tzinfo=UTC)):
        await sweep_until(sqlite_sessions, first + timedelta(days=1), timedelta(minutes=20), rules, start=first)

    rows = await alerts_of(sqlite_sessions, 5)
    assert [(r.commitment_id, r.milestone) for r in rows] == [
        (spring.id, "lead:1:2025-03-31"),
        (autumn.id, "lead:1:2025-10-27"),
    ]
    # Spring: the first hour that exists, 03:00 CEST. Autumn: the first of the two 02:00s, still CEST.
    assert rows[0].due_at == datetime(2025, 3, 30, 1, tzinfo=UTC)
    assert rows[0].due_at.astimezone(BERLIN).strftime("%H:%M %Z") == "03:00 CEST"
    assert rows[1].due_at == datetime(2025, 10, 26, 0, tzinfo=UTC)
    assert rows[1].due_at.astimezone(BERLIN).strftime("%H:%M %Z") == "02:00 CEST"


async def test_one_commitment_whose_alerts_cannot_be_made_never_stops_the_others(sessions):
    # A chat row carrying a zone no calendar knows (written before zones were checked, say) follows one commitment;
    # another chat follows another. The second still hears of its deadline.
    deadline = (START + timedelta(days=8)).date()
    async with sessions.begin() as session:
        await add_chat(session, 1, timezone="Mars/Olympus_Mons")
        await add_chat(session, 2)
        broken = await add_commitment(session, deadline, subject="火星基地")
        fine = await add_commitment(session, deadline, subject="地铁四号线通车")
        await follow(session, 1, "commitment", broken.id, now=START)
        await follow(session, 2, "commitment", fine.id, now=START)

    await sweep_until(sessions, START + timedelta(days=2), timedelta(hours=6))

    assert [row.milestone.split(":")[1] for row in await alerts_of(sessions, 2)] == ["7"]
    assert await alerts_of(sessions, 1) == []


async def test_a_countdown_due_while_the_bot_was_down_over_the_deadline_day_is_recorded_skipped_not_dropped(sessions):
    deadline, commitment = await followed_commitment(sessions, 20)
    morning = datetime.combine(deadline, time(8), SHANGHAI)  # the last sweep before "due today" (09:00)
    await sweep_until(sessions, morning, timedelta(hours=6))
    # Down from then until 02:00 the next night: back within the day's lateness limit, but the deadline day is over
    # and the commitment is overdue by the time the sweep looks at its countdowns.
    night = datetime.combine(deadline + timedelta(days=1), time(2), SHANGHAI)
    await sweep_until(sessions, night, timedelta(hours=1), start=night)

    rows = {row.milestone.split(":")[1]: row for row in await alerts_of(sessions, 1) if row.kind == "deadline"}
    assert sorted(rows, key=int) == ["0", "1", "7"]
    assert rows["7"].state is DeliveryState.PENDING and rows["1"].state is DeliveryState.PENDING
    assert rows["0"].state is DeliveryState.SKIPPED
    assert "deadline passed" in rows["0"].last_error and "今天到期" in rows["0"].text
    async with sessions() as session:
        assert (await session.get(Commitment, commitment.id)).status is Status.OVERDUE
