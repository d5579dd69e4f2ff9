"""What the outbox sends a chat reads as the bot's answers do: in the chat's /lang, else in its user's Telegram
language when the bot speaks it, else in the bot.language setting. New commitments, moved targets, deadline
alerts and new coverage, through the real Application and the sandbox."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import time_machine

from tests.e2e.reader_helpers import Reader
from trackers.models import Commitment

OWNER = 1001  # writes in Chinese
ANN = 5101  # Telegram in English; never typed /lang
BO = 5102  # Telegram in English; chose Chinese with /lang zh
CY = 5103  # Telegram in French, which the bot does not speak
DAI = 5104  # Telegram in Chinese
FAST = {"sweep_seconds": 0.25}


async def notices(client, reader: Reader, since: int) -> list[str]:
    """What reaches the reader's chat without being asked for (the dispatcher's messages) after `since`."""
    return [m["text"] for m in await client.wait_for_messages(reader.chat, after=since, timeout=10)]


async def last_id(reader: Reader) -> int:
    return (await reader.latest())["message_id"]


async def test_an_english_follower_hears_of_a_new_commitment_in_english(start_bot, client):
    async with start_bot(bot={"owner_ids": [OWNER]}, delivery=FAST) as app:
        owner = Reader(app, client, OWNER)
        ann = Reader(app, client, ANN, language="en-GB")
        bo = Reader(app, client, BO, language="en")
        cy = Reader(app, client, CY, language="fr")
        await bo.say("/lang zh")
        for reader in (ann, bo, cy):
            await reader.say("/follow all")
        since = {reader.chat: await last_id(reader) for reader in (ann, bo, cy)}
        await owner.say("/add 地铁四号线通车 1条 到2035年底 @济南")
        heard = {reader.chat: await notices(client, reader, since[reader.chat]) for reader in (ann, bo, cy)}
    assert heard[ANN] and heard[ANN][0].startswith("🆕 New commitment") and "地铁四号线通车" in heard[ANN][0]
    assert heard[BO] and heard[BO][0].startswith("🆕 新的承诺")  # /lang beats Telegram's language
    assert heard[CY] and heard[CY][0].startswith("🆕 新的承诺")  # the default: bot.language is zh


async def test_a_follower_whose_language_the_bot_does_not_speak_hears_of_a_moved_target_in_the_bots_language(
    start_bot, client
):
    async with start_bot(bot={"owner_ids": [OWNER], "language": "en"}, delivery=FAST) as app:
        owner = Reader(app, client, OWNER)
        cy = Reader(app, client, CY, language="fr")
        bo = Reader(app, client, BO, language="en")
        saved = await owner.text("/add 集成电路产业链群规模 >500亿元 到2035年底 @济南")
        commitment = re.search(r"#(\d+)", saved).group(1)
        await bo.say("/lang zh")
        for reader in (cy, bo):
            await reader.say(f"/follow {commitment}")
        since = {reader.chat: await last_id(reader) for reader in (cy, bo)}
        await owner.say(f"/edit {commitment} target >600亿元")
        heard = {reader.chat: await notices(client, reader, since[reader.chat]) for reader in (cy, bo)}
    assert heard[CY] and heard[CY][0].startswith(f"⚠️ The target of #{commitment}")
    assert "over 500亿元" in heard[CY][0] and "over 600亿元" in heard[CY][0]
    assert heard[BO] and heard[BO][0].startswith(f"⚠️ 承诺 #{commitment}")


async def test_an_english_follower_gets_a_deadline_alert_in_english(start_bot, client):
    shanghai = ZoneInfo("Asia/Shanghai")
    base = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
    deadline = date(2025, 6, 3)
    with time_machine.travel(base, tick=True) as traveller:
        async with start_bot(delivery=FAST, alerts={"sweep_seconds": 0.5}) as app:
            async with app.bot_data.sessionmaker.begin() as session:
                metro = Commitment(
                    timezone="Asia/Shanghai",
                    subject="地铁四号线通车",
                    deadline=deadline,
                    created_at=base,
                    updated_at=base,
                )
                session.add(metro)
                await session.flush()
            ann = Reader(app, client, ANN, language="en")
            await ann.say(f"/follow {metro.id}")
            since = await last_id(ann)
            traveller.move_to(datetime.combine(deadline - timedelta(days=1), clock_time(9), shanghai))
            [alert] = await notices(client, ann, since)
    assert "地铁四号线通车" in alert and "Deadline 2025-06-03: due tomorrow." in alert


async def test_new_coverage_sets_a_figure_in_another_unit_against_the_target_as_the_card_does(start_bot, client):
    """A target in 亿元, a figure reported in 万亿元: 1.2万亿元 is 80% of 15000亿元, in the message and on the card;
    and the English follower reads it all in English."""
    async with start_bot(bot={"owner_ids": [OWNER]}, delivery=FAST, feeds={"coverage_sweep_seconds": 0.2}) as app:
        owner = Reader(app, client, OWNER)
        dai = Reader(app, client, DAI)
        ann = Reader(app, client, ANN, language="en")
        saved = await owner.text("/add 地区生产总值 >15000亿元 到2035年底 @济南")
        commitment = re.search(r"#(\d+)", saved).group(1)
        for reader in (dai, ann):
            await reader.say(f"/follow {commitment}")
        since = {reader.chat: await last_id(reader) for reader in (dai, ann)}
        await owner.say(f"/progress {commitment} 1.2万亿元 2024年底")
        [news] = await notices(client, dai, since[DAI])
        [english] = await notices(client, ann, since[ANN])
        card = await dai.text(f"/show {commitment}")
    assert news.startswith("📰 新报道") and "1.2万亿元（截至 2024-12-31）" in news
    assert "已达目标的 80%" in news
    # The same arithmetic, word for word: the figure in the target's unit, the growth needed until the deadline.
    arithmetic = [line for line in card.splitlines() if line.startswith("🧮")]
    assert arithmetic and "12000亿元" in arithmetic[0]
    assert arithmetic[0] in news.splitlines()
    assert english.startswith("📰 New coverage") and "80% of the target reached" in english
