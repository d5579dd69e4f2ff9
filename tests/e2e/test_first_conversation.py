"""A user's first minutes with the bot, through the sandbox, as they would see it."""

from __future__ import annotations

import asyncio
import io
import logging

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import CommandHandler

from bot.logs import TOKEN_SHAPE, configure_logging
from trackers.models import ProcessedUpdate

ADA = 1001


async def say(client, text: str, *, user: int = ADA, language: str = "zh-hans", name: str = "Ada") -> dict:
    """The user sends `text` and waits for the bot's answer; returns the newest bot message."""
    before = await client.messages(user)
    await client.send_text(user, text, first_name=name, language_code=language)
    after = await client.wait_for_messages(user, count=len(before) + 1, timeout=10)
    assert len(after) > len(before), f"no answer to {text!r}"
    return after[-1]


async def test_start_greets_a_chinese_user_in_chinese(bot, client):
    reply = await say(client, "/start")
    assert "你好，Ada" in reply["text"]
    assert "落实" in reply["text"]
    assert "/help" in reply["text"]


async def test_start_greets_an_english_user_in_english(bot, client):
    reply = await say(client, "/start", language="en-GB", name="Bob")
    assert reply["text"].startswith("👋 Hello, Bob!")
    assert "keeps track of what governments promise" in reply["text"]


async def test_a_user_whose_language_we_do_not_speak_gets_the_default(bot, client):
    reply = await say(client, "/start", language="fr")
    assert "你好" in reply["text"]


async def test_help_lists_the_commands_in_the_users_language(bot, client):
    zh = await say(client, "/help")
    assert "/start — 开始使用" in zh["text"] and "/lang — 切换语言" in zh["text"]
    en = await say(client, "/help", user=2002, language="en")
    assert "/start — Get started" in en["text"]


async def test_lang_switches_the_chat_and_the_choice_survives_a_restart(start_bot, client):
    async with start_bot():
        assert "English" in (await say(client, "/lang en"))["text"]
        assert (await say(client, "/start"))["text"].startswith("👋 Hello")
    async with start_bot():
        assert (await say(client, "/help"))["text"].startswith("What Luoshi can do")
        assert "中文" in (await say(client, "/lang zh"))["text"]
        assert "你好" in (await say(client, "/start"))["text"]


async def test_lang_without_a_known_language_explains_its_use(bot, client):
    reply = await say(client, "/lang fr")
    assert "/lang zh" in reply["text"] and "/lang en" in reply["text"]
    assert "当前：中文" in reply["text"]


async def test_the_command_menu_is_registered_in_each_language(bot, client):
    registered = {entry["language_code"] or "": entry["commands"] for entry in await client.registered_commands()}
    assert {"zh", "en", ""} <= set(registered)
    assert {"command": "lang", "description": "Switch language (zh / en)"} in registered["en"]
    assert {"command": "start", "description": "开始使用"} in registered["zh"]
    assert registered[""] == registered["zh"]


async def test_unknown_commands_and_plain_text_get_a_pointer_to_help(bot, client):
    assert "/frobnicate" in (await say(client, "/frobnicate"))["text"]
    assert "/help" in (await say(client, "你好"))["text"]


async def test_names_with_markup_are_shown_literally(bot, client):
    reply = await say(client, "/start", name="<b>x</i> & <script>")
    assert "<b>x</i> & <script>" in reply["text"]


async def test_an_update_delivered_twice_is_handled_once(bot, client):
    await say(client, "/start")
    messages_before = await client.messages(ADA)
    # Feed the same update to the Application again, as Telegram does after a failed acknowledgement.
    update = Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": ADA, "type": "private"},
                "from": {"id": ADA, "is_bot": False, "first_name": "Ada"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        },
        bot.bot,
    )
    # Through the Application's queue, as a webhook delivery arrives: the stored id marks it as seen.
    await bot.update_queue.put(update)
    help_reply = await say(client, "/help")  # handled after the copy: the chat's updates keep their order
    assert await client.messages(ADA) == [*messages_before, help_reply]


async def test_an_unexpected_error_apologises_and_tells_the_owner_without_the_token(start_bot, client):
    owner = 4242

    async def broken(update, context):
        raise RuntimeError(f"boom with {context.bot.token} inside")

    async with start_bot(bot={"owner_ids": [owner]}) as application:
        await say(client, "/start", user=owner)  # the owner has a chat with the bot
        application.add_handler(CommandHandler("broken", broken), group=-10)  # ahead of every other handler
        token = application.bot.token
        await client.send_text(ADA, "/broken", first_name="Ada")
        alerts = await client.wait_for_messages(owner, count=2, timeout=10)
        replies = await client.messages(ADA)
    assert any("出了问题" in m["text"] for m in replies)
    assert all("Traceback" not in m["text"] and "boom" not in m["text"] for m in replies)
    alert = alerts[-1]["text"]
    assert "RuntimeError" in alert and "[token]" in alert
    assert token not in alert


async def test_an_outage_of_getupdates_is_reported_to_the_owner_once_and_the_bot_recovers(start_bot, client):
    owner = 4242
    async with start_bot(bot={"owner_ids": [owner]}):
        await say(client, "/start", user=owner)
        before = len(await client.messages(owner))
        # The next three polls fail (PTB waits 1, 1.5 and 2.25 s between them), then Telegram answers again.
        await client.inject_fault("getUpdates", kind="5xx", status=502, times=3)
        await say(client, "/start")  # the poll already waiting brings it; the polls after it fail
        # Waits in Telegram until a poll gets through, after the three that fail.
        late = await say(client, "/start", user=ADA + 1)
        reports = (await client.messages(owner))[before:]
    assert "你好" in late["text"]
    assert len(reports) == 1
    assert "NetworkError" in reports[0]["text"] and "Bad Gateway" in reports[0]["text"]


async def test_one_user_flooding_is_throttled_and_told_once_while_others_are_answered(start_bot, client):
    flooder, other = 7001, 7002
    async with start_bot(bot={"user_burst": 5, "user_per_second": 0.1}) as application:
        await client.send_texts([{"user_id": flooder, "text": "/help", "first_name": "F"} for _ in range(50)])
        answer = await say(client, "/start", user=other)
        await asyncio.sleep(0.5)  # room for answers that should not come
        async with application.bot_data.sessionmaker() as session:
            undone = await session.scalar(select(func.count()).where(ProcessedUpdate.done_at.is_(None)))
        flood_answers = [message["text"] for message in await client.messages(flooder)]
    assert "你好" in answer["text"]
    notices = [text for text in flood_answers if text.startswith("⏳")]
    assert len(notices) == 1
    # The burst, and at most one more from the bucket refilling while the flood was handled.
    assert 5 <= len(flood_answers) - 1 <= 6
    assert undone == 0  # the dropped updates are done with, not left to be handled again


async def test_the_flood_notice_is_in_the_language_the_user_chose(start_bot, client):
    # Telegram says Chinese, the user said /lang en: the notice follows the choice, as every other message does.
    flooder = 7003
    async with start_bot(bot={"user_burst": 5, "user_per_second": 0.1}):
        await say(client, "/lang en", user=flooder)
        await client.send_texts([{"user_id": flooder, "text": "/help", "first_name": "F"} for _ in range(20)])
        await asyncio.sleep(1.0)
        notices = [m["text"] for m in await client.messages(flooder) if m["text"].startswith("⏳")]
    assert notices and all("too fast" in notice for notice in notices)


async def test_debug_logs_never_show_the_token(start_bot, client):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        async with start_bot() as application:
            configure_logging("DEBUG", [application.bot.token], stream=stream)
            await say(client, "/start")
            logging.getLogger("httpx").warning("request to %s failed", application.bot.base_url)
            token = application.bot.token
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    logged = stream.getvalue()
    assert "sendMessage" in logged  # PTB's debug lines were captured
    assert token not in logged
    assert not TOKEN_SHAPE.search(logged)


async def test_help_points_admins_at_their_commands_and_keeps_them_from_everyone_else(start_bot, client):
    async with start_bot(bot={"owner_ids": [4242]}):
        reader = await say(client, "/help")
        owner = await say(client, "/help", user=4242)
    assert "/admin" not in reader["text"] and "/health" not in reader["text"]
    assert "/admin" in owner["text"]
