"""The sandbox, driven by the real python-telegram-bot ``Bot`` and ``Application`` over HTTP on 127.0.0.1."""

import asyncio
import datetime as dt
import logging
import time

import httpx
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.running import throwaway_token
from bot.sandbox import Sandbox, SandboxClient, SandboxProcess
from bot.sandbox.client import SandboxError

# PTB 22 warns whenever RetryAfter.retry_after is built as an int; that is PTB's migration notice, not ours.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

# Made fresh for each run: nothing shaped like a real token sits in the repository.
TOKEN = throwaway_token()
USER = 4242


def seconds(error: RetryAfter) -> float:
    """PTB 22 gives retry_after as int seconds, or as a timedelta with PTB_TIMEDELTA=1."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else value


@pytest.fixture
async def sandbox():
    sandbox = Sandbox()
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


@pytest.fixture
async def client(sandbox):
    async with SandboxClient(sandbox.url) as client:
        yield client


@pytest.fixture
async def bot(sandbox):
    async with Bot(TOKEN, base_url=sandbox.bot_api_base, base_file_url=sandbox.bot_file_base) as bot:
        yield bot


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user with a button."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("关注", callback_data="follow:7")]])
    await update.message.reply_html("<b>你好</b>, welcome", reply_markup=keyboard)


async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Acknowledge the press and show the choice in the message."""
    query = update.callback_query
    await query.answer("已关注")
    await query.edit_message_text(f"Following {query.data.split(':')[1]}")


@pytest.fixture
async def application(sandbox):
    app = Application.builder().token(TOKEN).base_url(sandbox.bot_api_base).base_file_url(sandbox.bot_file_base).build()
    app.add_handlers([CommandHandler("start", start), CallbackQueryHandler(follow, pattern=r"^follow:")])
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=2)
        yield app
        await app.updater.stop()
        await app.stop()


# -- the Bot API as PTB sees it ---------------------------------------------------------------------------------


async def test_get_me_describes_the_sandbox_bot(bot):
    me = await bot.get_me()
    bot_id = int(TOKEN.split(":")[0])
    assert (me.id, me.is_bot, me.username, me.first_name) == (bot_id, True, "luoshi_sandbox_bot", "Luoshi Sandbox")
    assert me.can_join_groups is True


async def test_a_malformed_token_is_refused_like_telegram_does(sandbox):
    with pytest.raises(InvalidToken):
        async with Bot("123:short", base_url=sandbox.bot_api_base):
            pass


async def test_user_start_is_answered_by_an_application(application, client):
    await client.send_text(USER, "/start")
    [reply] = await client.wait_for_messages(USER, count=1)
    assert reply["text"] == "你好, welcome"
    assert reply["html"] == "<b>你好</b>, welcome"
    assert reply["parse_mode"] == "HTML"
    assert reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "follow:7"


async def test_pressing_an_inline_button_reaches_the_callback_handler(application, client):
    await client.send_text(USER, "/start")
    await client.wait_for_messages(USER, count=1)
    pressed = await client.press_button(USER, USER, "关注")

    await client.wait_for_calls("editMessageText")
    [message] = await client.messages(USER)
    assert message["text"] == "Following 7"
    assert message["edited"] is True
    assert message["history"][0]["text"] == "你好, welcome"
    [answer] = await client.callback_answers()
    assert answer["id"] == pressed["callback_query_id"]
    assert answer["answer"]["text"] == "已关注"


async def test_commands_addressed_to_the_bot_by_name_are_marked(bot, client):
    await client.send_text(USER, "/start@luoshi_sandbox_bot now")
    [update] = await bot.get_updates()
    assert update.message.parse_entities(["bot_command"]).popitem()[1] == "/start@luoshi_sandbox_bot"


async def test_a_document_the_user_uploads_can_be_downloaded_by_the_bot(bot, client):
    await client.send_document(USER, "报告.pdf", b"%PDF-1.4 content", mime_type="application/pdf", caption="看看")
    [update] = await bot.get_updates()
    document = update.message.document
    assert (document.file_name, document.mime_type, document.file_size) == ("报告.pdf", "application/pdf", 16)
    assert update.message.caption == "看看"
    file = await bot.get_file(document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 content"


async def test_a_forwarded_message_carries_its_origin(bot, client):
    await client.forward(USER, "国务院：到2025年…", origin_title="新华社", date=1_700_000_000)
    [update] = await bot.get_updates()
    origin = update.message.forward_origin
    assert origin.type == "channel" and origin.chat.title == "新华社"
    assert origin.date.timestamp() == 1_700_000_000


async def test_a_document_the_bot_sends_is_readable_back(bot, client):
    await client.send_text(USER, "hi")
    sent = await bot.send_document(USER, b"a,b\n1,2\n", filename="data.csv", caption="<i>table</i>", parse_mode="HTML")
    [message] = await client.messages(USER)
    assert message["kind"] == "document"
    assert message["caption"] == "table"
    assert message["file"]["file_name"] == "data.csv"
    assert await client.file_bytes(sent.document.file_id) == b"a,b\n1,2\n"


async def test_edits_deletes_and_unchanged_edits(bot, client):
    await client.send_text(USER, "hi")
    sent = await bot.send_message(USER, "one")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("one", USER, sent.message_id)
    await bot.delete_message(USER, sent.message_id)
    [message] = await client.messages(USER)
    assert message["deleted"] is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


# -- Telegram's validation ----------------------------------------------------------------------------------------


async def test_unbalanced_html_is_refused_and_escaped_text_accepted(bot, client):
    await client.send_text(USER, "hi")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Unmatched end tag"):
        await bot.send_message(USER, "<b>x</i>", parse_mode="HTML")
    sent = await bot.send_message(USER, "&lt;b&gt;x&lt;/i&gt; &amp; &lt;script&gt;", parse_mode="HTML")
    assert sent.text == "<b>x</i> & <script>"


async def test_text_length_is_measured_after_parsing(bot, client):
    await client.send_text(USER, "hi")
    await bot.send_message(USER, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "字" * 4097)


async def test_callback_data_over_64_bytes_is_refused(bot, client):
    await client.send_text(USER, "hi")
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])  # 64 bytes
    await bot.send_message(USER, "fits", reply_markup=fits)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 33)]])  # 66 bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "too long", reply_markup=too_long)


async def test_an_unknown_chat_is_not_found(bot):
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "anyone?")


async def test_blocked_and_deactivated_users_are_forbidden(bot, client):
    await client.send_text(USER, "hi")
    await client.send_text(USER + 1, "hi")
    await client.block(USER)
    await client.deactivate_user(USER + 1)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "x")
    with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
        await bot.send_message(USER + 1, "x")


async def test_commands_are_stored_per_scope_and_language(bot, client):
    await bot.set_my_commands([("start", "开始")], language_code="zh")
    await bot.set_my_commands([("follow", "Follow")])
    assert [c.command for c in await bot.get_my_commands(language_code="zh")] == ["start"]
    registered = {(r["scope"]["type"], r["language_code"]): r["commands"] for r in await client.registered_commands()}
    assert registered[("default", "")] == [{"command": "follow", "description": "Follow"}]


async def test_group_admins_are_controllable(bot, client):
    await client.set_chat(-100123, "supergroup", title="审核组", admins=[USER], creator=USER + 1)
    admins = await bot.get_chat_administrators(-100123)
    assert {(a.user.id, a.status) for a in admins} == {(USER, "administrator"), (USER + 1, "creator")}
    assert (await bot.get_chat_member(-100123, USER)).status == "administrator"
    assert (await bot.get_chat(-100123)).title == "审核组"


# -- faults ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        ({"kind": "429", "retry_after": 7}, RetryAfter, "retry in 7 seconds"),
        ({"kind": "403"}, Forbidden, "bot was blocked by the user"),
        ({"kind": "403", "description": "Forbidden: user is deactivated"}, Forbidden, "user is deactivated"),
        ({"kind": "400"}, BadRequest, "chat not found"),
        ({"kind": "5xx"}, NetworkError, "Bad Gateway"),
        ({"kind": "drop_connection"}, NetworkError, "disconnected"),
    ],
)
async def test_injected_faults_reach_ptb_as_its_exceptions(bot, client, fault, error, message):
    await client.send_text(USER, "hi")
    await client.inject_fault("sendMessage", chat_id=USER, **fault)
    with pytest.raises(error, match=r"(?i)" + message) as caught:
        await bot.send_message(USER, "x")
    if fault["kind"] == "429":
        assert seconds(caught.value) == 7
    if fault["kind"] == "5xx":
        assert not isinstance(caught.value, BadRequest)
    await bot.send_message(USER, "the fault was used up")
    assert [m["text"] for m in await client.messages(USER)] == ["the fault was used up"]


async def test_accepted_then_timed_out_is_a_timeout_but_the_message_was_delivered(bot, client):
    await client.send_text(USER, "hi")
    await client.inject_fault("sendMessage", kind="timeout_after_accept", delay=3)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "did it arrive?", read_timeout=0.3)
    assert [m["text"] for m in await client.messages(USER)] == ["did it arrive?"]


async def test_a_migrated_group_raises_chat_migrated(bot, client):
    await client.set_chat(-555, "group")
    await client.inject_fault("sendMessage", chat_id=-555, kind="400", migrate_to_chat_id=-1005550)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-555, "x")
    assert caught.value.new_chat_id == -1005550
    await client.set_chat(-556, "group", migrated_to=-1005560)
    with pytest.raises(ChatMigrated):
        await bot.send_message(-556, "x")


async def test_upgrading_a_group_tells_the_bot_in_both_chats_and_moves_its_people(bot, client):
    await client.set_chat(-557, "group", title="编辑部", admins=[USER], members=[USER, 4343])
    await client.upgrade_group(USER, -557, -1005570)
    old, new = await bot.get_updates()
    assert (old.message.chat.id, old.message.migrate_to_chat_id) == (-557, -1005570)
    assert (new.message.chat.id, new.message.chat.type, new.message.chat.title) == (-1005570, "supergroup", "编辑部")
    assert (new.message.migrate_from_chat_id, new.message.from_user.id) == (-557, USER)
    with pytest.raises(ChatMigrated):
        await bot.send_message(-557, "x")
    await bot.send_message(-1005570, "x")
    assert {a.user.id for a in await bot.get_chat_administrators(-1005570)} == {USER}
    await client.set_chat(-558, "group")
    for chat_id, new_chat_id in ((-557, -1005571), (USER, -1005572), (-999, -1005573), (-558, 5), (-558, -(2**70))):
        with pytest.raises(SandboxError, match="400"):  # upgraded already, not a group, unknown, not a group's id
            await client.upgrade_group(USER, chat_id, new_chat_id)


async def test_a_failed_poll_does_not_lose_updates(bot, client):
    await client.send_text(USER, "one")
    await client.inject_fault("getUpdates", kind="5xx")
    with pytest.raises(NetworkError):
        await bot.get_updates()
    [update] = await bot.get_updates()
    assert update.message.text == "one"


async def test_a_delay_holds_the_answer(bot, client):
    await client.send_text(USER, "hi")
    await client.inject_fault("sendMessage", kind="delay", delay=0.4)
    started = asyncio.get_running_loop().time()
    await bot.send_message(USER, "slow")
    assert asyncio.get_running_loop().time() - started >= 0.4


# -- limits and pollers -----------------------------------------------------------------------------------------


async def test_enforced_limits_answer_429_and_are_counted(bot, client):
    await client.send_text(USER, "hi")
    await client.set_limits(per_chat_per_second=1)
    await bot.send_message(USER, "first")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "second")
    assert seconds(caught.value) >= 1
    stats = await client.stats()
    assert stats["too_many_requests"] == 1
    assert stats["per_chat"][str(USER)] == {"sent": 1, "too_many_requests": 1}


async def test_group_limit_is_per_minute(bot, client):
    await client.set_chat(-777, "group")
    await client.set_limits(per_chat_per_second=1000, burst=1000, group_per_minute=3)
    for n in range(3):
        await bot.send_message(-777, f"m{n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(-777, "one too many")
    assert 1 <= seconds(caught.value) <= 60


async def test_a_second_poller_terminates_the_first_with_409(sandbox, bot, client):
    first = asyncio.create_task(bot.get_updates(timeout=3, read_timeout=5))
    await client.wait_for_calls("getUpdates")
    # A second instance of the same bot, as when two copies of it are started by mistake.
    other = Bot(TOKEN, base_url=sandbox.bot_api_base)
    second = asyncio.create_task(other.get_updates(timeout=1, read_timeout=3))
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
        await first
    await client.send_text(USER, "for the newer poller")
    [update] = await second
    assert update.message.text == "for the newer poller"
    await other.shutdown()


async def test_updates_fetched_but_not_confirmed_are_fetched_again_after_a_crash(sandbox, bot, client):
    await client.send_text(USER, "fetched by a bot that then died")
    # The dead bot: it fetched the update, was killed before confirming it, and left a long poll hanging.
    async with httpx.AsyncClient() as dead:
        url = f"{sandbox.bot_api_base}{TOKEN}/getUpdates"
        assert len((await dead.post(url, data={"timeout": 0})).json()["result"]) == 1
        hanging = asyncio.create_task(dead.post(url, data={"offset": 1, "timeout": 30}, timeout=40))
        await client.wait_for_calls("getUpdates", count=2)
        hanging.cancel()
    [update] = await bot.get_updates(timeout=1)
    assert update.message.text == "fetched by a bot that then died"


async def test_long_poll_wakes_as_soon_as_an_update_arrives(bot, client):
    poll = asyncio.create_task(bot.get_updates(timeout=10, read_timeout=12))
    await client.wait_for_calls("getUpdates")
    started = asyncio.get_running_loop().time()
    await client.send_text(USER, "now")
    [update] = await poll
    assert update.message.text == "now"
    assert asyncio.get_running_loop().time() - started < 1


async def test_the_token_never_reaches_the_log(bot, client, caplog):
    caplog.set_level(logging.DEBUG)
    await client.send_text(USER, "hi")
    await bot.send_message(USER, "x")
    await client.inject_fault(kind="5xx")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "y")
    server_records = [r for r in caplog.records if r.name.startswith(("aiohttp", "bot.sandbox"))]
    assert not any(TOKEN in r.getMessage() for r in server_records)


# -- its own process ----------------------------------------------------------------------------------------------


async def test_the_sandbox_runs_as_its_own_process():
    async with SandboxProcess() as process:
        assert process.port > 0
        async with Bot(TOKEN, base_url=process.bot_api_base) as bot, SandboxClient(process.url) as client:
            await client.send_text(USER, "/start")
            [update] = await bot.get_updates()
            assert update.message.text == "/start"
        child = process.process
    assert child.poll() is not None


# -- webhook --------------------------------------------------------------------------------------------------------


@pytest.fixture
async def receiver():
    """A stand-in for the bot's webhook endpoint: fails the first two deliveries, then records them."""
    received: list[tuple[dict, str | None]] = []
    failures = {"left": 2}

    async def hook(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=500)
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/hook", received
    await runner.cleanup()


async def test_a_webhook_receives_updates_with_its_secret_after_retries(bot, client, receiver):
    url, received = receiver
    await bot.set_webhook(url, secret_token="s3cret-token")
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    await client.send_text(USER, "via webhook")
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.05)
    [(update, secret)] = received
    assert update["message"]["text"] == "via webhook"
    assert secret == "s3cret-token"
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert "500" in info.last_error_message
    await bot.delete_webhook()
    await client.send_text(USER, "by polling again")
    [update] = await bot.get_updates()
    assert update.message.text == "by polling again"


async def test_the_sandbox_plays_users_writing_at_a_steady_rate(bot, client):
    started = time.time()
    sent = await client.load(rate=200, count=20, first_user=500, text="/start")
    assert sorted(sent) == list(range(500, 520))
    # One user every 5 ms, in order: the last writes ~95 ms after the first, and no one before their turn.
    moments = [sent[user] for user in range(500, 520)]
    assert moments == sorted(moments) and started <= moments[0]
    assert 0.09 <= moments[-1] - moments[0] < 2.0
    updates = await bot.get_updates(timeout=0)
    assert [(u.effective_user.id, u.message.text) for u in updates] == [(user, "/start") for user in range(500, 520)]
    assert all(u.message.entities[0].type == "bot_command" for u in updates)


@pytest.mark.parametrize(
    "body", [{"rate": 0, "count": 5}, {"rate": 10, "count": -1}, {"rate": "fast", "count": 5}, {"count": 5}]
)
async def test_a_load_that_makes_no_sense_is_refused_with_a_reason(client, body):
    with pytest.raises(SandboxError, match="400"):
        await client._call("POST", "/load", json=body)
