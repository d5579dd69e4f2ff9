"""Every command and button, driven with generated input: whatever an owner or a stranger types, the bot answers
calmly in the chat's language, nothing reaches the error handler, and a refused stranger changes nothing. The same
in groups (the owner, a plain member and a Telegram admin of the group who is no admin of the bot: only the group's
admins change its settings), and in the middle of a guided /add (the conversation then ends or still answers).

How hypothesis meets asyncio here: the tests are `async def` functions under `@given`. pytest-asyncio recognises
such a test and runs each generated example as one coroutine on the test's own event loop (the loop the fixtures
were set up on), so one bot, started once by the `world` fixture, serves the whole run and its polling tasks go on
between examples. Hypothesis warns about function-scoped fixtures because they are not reset per example; that is
deliberate here (a bot per example would take seconds), so the check is suppressed and every example measures the
state before and after itself instead of assuming a fresh one. This needs no second thread or event loop (as
`run_coroutine_threadsafe` from a sync `@given` test would): the bot's tasks and the example share one loop, as in
every other e2e test. Because the bot keeps its state between examples, a failure hypothesis replays while shrinking
may pass the second time; it then reports the first failure as flaky, with that failure's traceback.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, currently_in_test_context, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from telegram.ext import Application, CommandHandler

from bot.app import build_application
from bot.handlers.ingest import MIN_ARTICLE_CHARS
from bot.settings import load_settings
from bot.texts import LANGUAGES, t
from tests.e2e.admin_helpers import OWNER, STRANGER
from tests.e2e.reader_helpers import with_demo
from trackers.models.commitments import Commitment
from trackers.models.coverage import Feed, ReviewItem
from trackers.models.people import AdminGrant, AlertPreference, Chat, Subscription
from trackers.people.chats import reading_language
from trackers.runtime.db import create_engine, create_sessionmaker

# Tables a stranger's refused command must leave as they were.
GUARDED = (Commitment, Feed, AdminGrant, ReviewItem)

# Chinese that only the bot's own UI writes. The generated CJK below never uses these characters and the demo set
# does not contain the words, so finding one in an answer to an English reader means an untranslated text.
ZH_ONLY = ("抱歉", "请", "用法", "没有", "找不到", "不是", "已添加", "已记录")
_MARKER_CHARS = set("".join(ZH_ONLY))
CJK = "".join(
    c
    for c in "集成电路产业链群规模超过亿元个到年底月日明今公园老旧小区改造济南城市东湖新能源汽车"
    if c not in _MARKER_CHARS
)

# English that only the bot's own UI writes; generated input is CJK, digits, markup and a few fixed words, never these.
EN_ONLY = ("Sorry", "Usage", "Send /help", "Saved", "No commitment")

# Commands that answer nothing by design, in a private chat (none so far: even /cancel outside a conversation says so).
SILENT: frozenset[str] = frozenset()

NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["0", "-1", "#3", "＃３", "３", "2147483648", "9223372036854775808", "1e309", "NaN", "0x10"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
DATES = st.sampled_from(
    ["1900", "1900-01-01", "9999-12-31", "9999年12月31日", "2025年底", "明年6月", "2024-02-30", "0000-00-00", "昨天"]
)
ODDITIES = st.lists(
    st.sampled_from(["０", "５", "９", "\u200b", "\u200d", "\u202e", "\u3000", "😀", "👩\u200d💻", "\ufe0f", *CJK]),
    min_size=1,
    max_size=12,
).map("".join)
MARKUP = st.sampled_from(["<b>", "</b>", "&", "&amp;", "<script>alert(1)</script>", "</code>", "<a href='x'>", "<"])
WORDS = st.sampled_from(
    ["add", "remove", "list", "test", "on", "off", "en", "zh", "subject", "target", "deadline", "status", "achieved",
     "all", "7", "30", ">500亿元", "26个", "50%", "@济南", "#集成电路", "http://127.0.0.1/rss.xml", "file:///etc/passwd"]
)  # fmt: skip
LONG = st.builds(
    lambda s, n: (s * n)[:3500], st.sampled_from(["集", "a", "９", "\u200b", "<b>", "😀"]), st.integers(1000, 3500)
)
TOKEN = st.one_of(NUMBERS, DATES, ODDITIES, MARKUP, WORDS, st.just(""))
ARGUMENTS = st.one_of(
    st.lists(TOKEN, max_size=5).flatmap(
        lambda tokens: st.sampled_from([" ", "  ", "\n", "\u3000"]).map(lambda sep: sep.join(tokens))
    ),
    LONG,
)
PEOPLE = st.sampled_from([(OWNER, "zh-hans"), (OWNER, "en"), (STRANGER, "zh-hans"), (STRANGER, "en")])

# Two groups the bot is in. The owner is a plain member of the first and created the second; the stranger is a plain
# member of both; GROUP_ADMIN is a Telegram admin of both and no admin of the bot.
GROUP_ADMIN = 4004
GROUP, SUPERGROUP = -100700, -1001000700
GROUPS = {
    GROUP: {"type": "group", "title": "编辑部", "admins": [GROUP_ADMIN], "members": [OWNER, STRANGER]},
    SUPERGROUP: {
        "type": "supergroup",
        "title": "Newsroom",
        "admins": [GROUP_ADMIN],
        "creator": OWNER,
        "members": [STRANGER],
    },
}
OTHER_BOT = "another_groups_bot"
CHAT_ADMINS = {chat: {*group["admins"], group.get("creator")} - {None} for chat, group in GROUPS.items()}
GROUP_PEOPLE = st.sampled_from([(user, code) for user in (OWNER, STRANGER, GROUP_ADMIN) for code in ("zh-hans", "en")])

# The guided /add (bot/handlers/add.py), answered as far as a step's `opened` says: the answer to each message, and
# the question it is answered with. Made of CJK only, so the echoed subject holds no marker word.
ADD_ANSWERS = [
    ("/add", "adm_ask_subject"),
    ("东湖新能源汽车产业园", "adm_ask_target"),
    ("超过300亿元", "adm_ask_deadline"),
    ("2026年底", "adm_ask_extras"),
    ("-", "adm_preview"),
]
# The questions /skip answers as "-" (the deadline, the target, the extras): `opened` answers have been given.
SKIPPABLE = (1, 2, 3)


def commands_of(application: Application) -> list[str]:
    """Every command a CommandHandler of the running bot answers, in any group: a new one is covered."""
    handlers = [handler for group in application.handlers.values() for handler in group]
    return sorted({command for h in handlers if isinstance(h, CommandHandler) for command in h.commands})


@dataclass(repr=False)
class World:
    application: Application
    client: object
    database_url: str
    errors: list[BaseException] = field(default_factory=list)
    done: dict[int, asyncio.Event] = field(default_factory=dict)

    def __repr__(self) -> str:  # hypothesis prints the fixtures of a failing example
        return "World()"

    def _repr_pretty_(self, printer, cycle) -> None:  # and its printer shows a dataclass field by field, else
        printer.text(repr(self))

    def __post_init__(self) -> None:
        self.engine = create_engine(self.database_url)
        self.sessions = create_sessionmaker(self.engine)
        self.commands = commands_of(self.application)
        self.application.update_processor.on_processed.append(self._processed)
        self.application.add_error_handler(self._record_error)

    async def _record_error(self, update, context) -> None:
        self.errors.append(context.error)

    def _processed(self, update) -> None:
        self.done.setdefault(update.update_id, asyncio.Event()).set()

    async def handled(self, result: dict) -> None:
        await asyncio.wait_for(self.done.setdefault(result["update_id"], asyncio.Event()).wait(), 30)

    async def counts(self) -> dict[str, int]:
        async with self.sessions() as session:
            return {m.__name__: await session.scalar(select(func.count()).select_from(m)) for m in GUARDED}

    async def settings_of(self, chat_id: int) -> tuple:
        """What only a group's admins may change: its language, time zone, follows and alert settings."""
        async with self.sessions() as session:
            chat = await session.get(Chat, chat_id)
            follows = await session.scalars(select(Subscription).where(Subscription.chat_id == chat_id))
            follows = sorted((s.kind, s.target) for s in follows)
            alerts = await session.get(AlertPreference, chat_id)
        return (
            (chat.language, chat.timezone) if chat else (None, None),
            follows,
            {c.key: getattr(alerts, c.key) for c in AlertPreference.__table__.columns} if alerts else None,
        )

    async def is_admin(self, user: int) -> bool:
        async with self.sessions() as session:
            return user == OWNER or await session.get(AdminGrant, user) is not None

    async def language(self, chat_id: int) -> str:
        """The chat's language as the bot reads it, after the update: a /lang choice, else the Telegram language it
        last saw (a button press carries the user's, not the step's; in a group, that of whoever wrote last), else
        the default."""
        async with self.sessions() as session:
            chat = await session.get(Chat, chat_id)
        default = self.application.bot_data.settings.bot.language
        return reading_language(chat.language, chat.telegram_language, default) if chat else default


@pytest.fixture
async def world(start_bot, client, settings):
    # A flood of generated updates from two users is the point here, so the per-user throttle is out of the way.
    changes = {"owner_ids": [OWNER], "user_burst": 10**6, "user_per_second": 10**6.0}
    async with start_bot(bot=changes) as application:
        await with_demo(application)
        running = World(application, client, settings.database.url)
        assert running.commands == COMMANDS
        for chat_id, group in GROUPS.items():
            await client.set_chat(chat_id, **group)
        try:
            yield running
        finally:
            await running.engine.dispose()


def mutated(callback_data: str, how: int, junk: str) -> str:
    """The button's data as sent (0), else a form a client could forge; Telegram caps callback data at 64 bytes."""
    forms = [
        callback_data,
        callback_data[: len(callback_data) // 2] or "x",
        re.sub(r"\d+", "99999999999999999999", callback_data),
        re.sub(r"\d+", "-1", callback_data),
        callback_data + ":x",
        callback_data + junk,
        junk or "x",
    ]
    data = forms[how % len(forms)]
    return data if len(data.encode()) <= 64 else callback_data


def texts_of(messages: list[dict]) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in messages]


# The bot's own commands, read from an Application that is built but never started (no network, no database): a
# new command is covered without touching this file. The running bot is checked to have the same ones.
COMMANDS = commands_of(build_application(load_settings(environ={}), token="1:collect-commands"))
# And a few the bot does not know, or knows in other letters (PTB's CommandHandler ignores case).
COMMAND_NAMES = st.sampled_from([*COMMANDS, "nosuch", "LIST", "Lang"])
# What a group's settings take: languages, commitments, places, zones.
SETTING_WORDS = st.sampled_from(["en", "zh", "EN", "3", "all", "济南", "Asia/Shanghai", "Europe/Berlin", "UTC"])


@dataclass(frozen=True)
class Step:
    """One example, drawn in full before it meets the bot: what it draws must not depend on the bot's state, or
    hypothesis cannot replay (and shrink) a failure."""

    person: tuple[int, str]
    command: str
    arguments: str
    kind: str  # "command"; "text": the arguments as a plain message; "press": a button, when the chat has a keyboard
    button: int
    how: int  # the callback data as sent, or one of the forged forms (`mutated`)
    junk: str
    chat: int | None  # one of GROUPS, else the person's private chat
    addressed: str  # in a group, the command written /name@bot ("bot", as Telegram's apps write it there) or
    # addressed to another bot in the group ("other"), which this one must leave alone
    opened: int | None  # first the owner opens a guided /add in the chat and answers this many of its questions


def steps(people, chats, opened, commands=COMMAND_NAMES, arguments=ARGUMENTS) -> st.SearchStrategy[Step]:
    return st.builds(
        Step,
        person=people,
        command=commands,
        arguments=arguments,
        kind=st.sampled_from(["command", "text", "press"]),
        button=st.integers(0, 99),
        how=st.integers(0, 6),
        junk=st.text(max_size=30),
        chat=chats,
        addressed=st.sampled_from(["", "bot", "other"]),
        opened=opened,
    )


STEPS = steps(PEOPLE, st.none(), st.none())
# In a group, the group's settings more often than the rest, and with arguments they take: a member's change must be
# tried to be refused.
GROUP_STEPS = steps(
    GROUP_PEOPLE,
    st.sampled_from(sorted(GROUPS)),
    st.none(),
    st.one_of(COMMAND_NAMES, st.sampled_from(["lang", "follow", "unfollow", "tz", "alerts", "following"])),
    st.one_of(ARGUMENTS, SETTING_WORDS),
)
# The owner's conversation is open in their private chat or in a group; the step is the owner's, or anybody's there
# or in their own private chat (where it must not touch the owner's conversation).
CONVERSATION_STEPS = steps(
    st.one_of(st.sampled_from([(OWNER, "zh-hans"), (OWNER, "en")]), GROUP_PEOPLE),
    st.one_of(st.none(), st.sampled_from(sorted(GROUPS))),
    st.integers(0, len(ADD_ANSWERS) - 1),
)


def plain(language: str, key: str, **values: object) -> str:
    """A text of the bot's as the chat shows it: its markup gone."""
    return html.unescape(re.sub(r"<[^>]+>", "", t(language, key, **values)))


def refused_in_a_group(command: str, arguments: str) -> bool:
    """Whether the command changes a group setting, so that only the group's admins may send it (bot/handlers:
    /follow, /unfollow and /tz with an argument, /lang with a language we speak)."""
    words = arguments.split()
    if command == "lang":
        return bool(words) and words[0].lower() in LANGUAGES
    return command in ("follow", "unfollow", "tz") and bool(words)


async def send(world: World, user: int, chat: int, text: str, language_code: str) -> dict:
    group = GROUPS.get(chat)
    place = {"chat_id": chat, "chat_type": group["type"], "title": group["title"]} if group else {}
    return await world.client.send_text(user, text, first_name=f"U{user}", language_code=language_code, **place)


async def exchange(world: World, user: int, chat: int, text: str, language_code: str) -> list[str]:
    """`user` sends `text` in `chat`; the bot's answers once it has handled the message. Nothing reaches the error
    handler."""
    before = await world.client.messages(chat)
    errors = len(world.errors)
    result = await send(world, user, chat, text, language_code)
    await world.handled(result)
    answers = texts_of(await world.client.messages(chat, after=before[-1]["message_id"] if before else 0))
    if currently_in_test_context():  # a hypothesis example, not an explicit case
        note(f"{user} ({language_code}) in {chat}: {text!r} -> {answers}")
    assert world.errors[errors:] == [], f"{text!r} in {chat} reached the error handler"
    return answers


async def open_add(world: World, chat: int, language_code: str, answered: int) -> None:
    """The owner opens a guided /add in `chat` (afresh, if one was open) and answers `answered` of its questions;
    each comes in the chat's language."""
    for said, asked in ADD_ANSWERS[: answered + 1]:
        answers = await exchange(world, OWNER, chat, said, language_code)
        question = plain(await world.language(chat), asked)
        assert any(question in text for text in answers), f"the guided /add in {chat} did not ask {question!r}"


async def one_step(world: World, step: Step) -> None:
    user, language_code = step.person
    command = step.command
    meant = command.lower()  # the command the bot reads
    client = world.client
    chat = step.chat or user
    if step.opened is not None:
        await open_add(world, step.chat or OWNER, language_code, step.opened)
    # The owner's own guided /add is open in this chat: their text and /cancel go to it.
    in_conversation = step.opened is not None and user == OWNER
    before = await client.messages(chat)
    last = before[-1]["message_id"] if before else 0
    keyboards = [m for m in before if (m.get("reply_markup") or {}).get("inline_keyboard")]
    counts, admin = await world.counts(), await world.is_admin(user)
    group_admin = chat not in GROUPS or user in CHAT_ADMINS[chat]
    settings_before = await world.settings_of(chat)
    errors_before = len(world.errors)

    buttons = [b for m in keyboards[-1:] for row in m["reply_markup"]["inline_keyboard"] for b in row]
    buttons = [b for b in buttons if "callback_data" in b]
    pressed = step.kind == "press" and bool(buttons)
    typed = not pressed and step.kind == "text"
    # A command for another bot in the group, or one this bot does not know there (it may be another bot's): this
    # one says nothing and changes nothing, whoever sends it.
    elsewhere = not pressed and not typed and chat in GROUPS and (step.addressed == "other" or meant not in COMMANDS)
    arguments = step.arguments
    if pressed:
        said = mutated(buttons[step.button % len(buttons)]["callback_data"], step.how, step.junk)
        result = await client.press(user, chat, keyboards[-1]["message_id"], said)
    else:
        if typed:
            said = arguments if arguments.strip() else command
            if admin and chat not in GROUPS and not (in_conversation and step.opened < len(ADD_ANSWERS) - 1):
                # An admin's longer text in a private chat is an article pasted in parts, read by a job once they
                # stop, seconds after this step: kept short, it is answered at once, and nothing arrives later.
                said = said.strip()[: MIN_ARTICLE_CHARS - 1] or command
        else:
            bot = {"": "", "bot": f"@{world.application.bot.username}", "other": f"@{OTHER_BOT}"}[step.addressed]
            name = f"/{command}{bot if chat in GROUPS else ''}"
            said = f"{name} {arguments}".strip() if arguments.strip() else name
        result = await send(world, user, chat, said, language_code)
    await world.handled(result)

    answers = texts_of(await client.messages(chat, after=last))
    if chat not in GROUPS:
        expected = typed or meant not in SILENT
    elif typed:  # in a group the bot reads text only as an answer to its question
        expected = in_conversation and step.opened < len(ADD_ANSWERS) - 1
    elif meant == "cancel":  # and /cancel only in a conversation: a command no feature knows may be another bot's
        expected = not elsewhere and in_conversation
    elif meant == "skip":  # and /skip only where it answers a question (elsewhere it is a command no feature knows)
        expected = not elsewhere and in_conversation and step.opened in SKIPPABLE
    else:
        expected = not elsewhere
    if pressed:
        query = next(a for a in await client.callback_answers() if a["id"] == result["callback_query_id"])
        assert query["answered"], f"button {said!r} left spinning"
        answers += [(query.get("answer") or {}).get("text") or ""]
    elif expected:
        assert any(answers), f"no answer to {said!r}"
    elif elsewhere:
        assert not any(answers), f"{said!r} was answered"
    note(f"{user} ({language_code}) in {chat}: {said!r} -> {answers}")

    assert world.errors[errors_before:] == [], f"{said!r} reached the error handler"
    for language in ("zh", "en"):
        assert not any(t(language, "error_user") in text for text in answers), f"error apology for {said!r}"
    # Echoed input is cut out first; subjects in the data never hold the marker words (see ZH_ONLY).
    language = await world.language(chat)
    other = ZH_ONLY if language == "en" else EN_ONLY
    for text in answers:
        text = text.replace(said, "")
        assert not any(word in text for word in other), f"not in {language}: the answer to {said!r}: {text}"
    if not admin or elsewhere:
        assert await world.counts() == counts, f"{said!r} by {user} changed the database"
    if not group_admin or elsewhere:
        assert await world.settings_of(chat) == settings_before, f"{said!r} by a member changed the group's settings"
        if not pressed and not typed and not elsewhere and refused_in_a_group(meant, arguments):
            refusal = plain(language, "group_admins_only")
            assert any(refusal in text for text in answers), f"{said!r} by a member was not refused"
    if step.opened is not None:
        await after_conversation(world, step, pressed=pressed, typed=typed, elsewhere=elsewhere)


async def after_conversation(world: World, step: Step, *, pressed: bool, typed: bool, elsewhere: bool) -> None:
    """The owner's /cancel after the step: the normal cancel answer while the guided /add is still open, else what
    /cancel gets outside a conversation (in a private chat, that it is no command; in a group, nothing)."""
    user, language_code = step.person
    if user != OWNER or typed or elsewhere:
        # Somebody else's step, an answer to a question (or, at the preview, no answer at all), or another bot's.
        still_open = True
    elif pressed:
        still_open = None  # the preview's save and cancel end it; edit, and any other button, keep it open
    else:
        # A command a feature takes ends it and runs, a bare /add starts afresh; /skip answers a question or is, like
        # a command no feature takes, answered as unknown with the guided /add left open.
        meant = step.command.lower()
        fresh = meant == "add" and not step.arguments.strip()
        still_open = fresh or meant == "skip" or meant not in COMMANDS
    chat = step.chat or OWNER
    answers = await exchange(world, OWNER, chat, "/cancel", language_code)
    language = await world.language(chat)
    cancelled = plain(language, "adm_add_cancelled")
    unknown = plain(language, "unknown_command", command="/cancel")
    if still_open:
        assert any(cancelled in text for text in answers), f"/cancel after {step!r} -> {answers}"
    elif still_open is False:
        assert not any(cancelled in text for text in answers), f"the guided /add outlived {step!r}"
        if chat not in GROUPS:
            assert any(unknown in text for text in answers), f"/cancel after {step!r} -> {answers}"
    else:
        assert chat in GROUPS or any(cancelled in text or unknown in text for text in answers), f"{answers}"


COMMON = {
    "deadline": None,
    "database": None,
    # One bot for the whole run (see the module docstring); generated long texts are large by design.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=40, derandomize=True, **COMMON)
@given(step=STEPS)
async def test_any_command_or_button_gets_a_calm_answer(world, step):
    await one_step(world, step)


@settings(max_examples=60, derandomize=True, **COMMON)
@given(step=GROUP_STEPS)
async def test_in_a_group_anybody_gets_a_calm_answer_and_only_its_admins_change_it(world, step):
    await one_step(world, step)


@settings(max_examples=60, derandomize=True, **COMMON)
@given(step=CONVERSATION_STEPS)
async def test_in_the_middle_of_a_guided_add_anything_gets_a_calm_answer(world, step):
    await one_step(world, step)


# The same 400 examples on every run, so CI passes or fails on the code and not on the draw; set
# LUOSHI_EXPLORE=1 to draw new ones when looking for defects (a find becomes a case in the forged or typed lists).
EXPLORE = settings(max_examples=400, derandomize=not os.environ.get("LUOSHI_EXPLORE"), **COMMON)


@pytest.mark.slow
@EXPLORE
@given(step=STEPS)
async def test_any_command_or_button_gets_a_calm_answer_many_times(world, step):
    await one_step(world, step)


@pytest.mark.slow
@EXPLORE
@given(step=GROUP_STEPS)
async def test_in_a_group_anybody_gets_a_calm_answer_many_times(world, step):
    await one_step(world, step)


@pytest.mark.slow
@EXPLORE
@given(step=CONVERSATION_STEPS)
async def test_in_the_middle_of_a_guided_add_anything_gets_a_calm_answer_many_times(world, step):
    await one_step(world, step)


@pytest.mark.parametrize(
    "forged",
    [
        "s:99999999999999999999",
        "f:2147483648",
        "c:-1",
        "nothing-we-send",
        # A list page's filters carry ids too (a tag, a plan): found by the 400-example run.
        "l:-.-.-.99999999999999999999.99999999999999999999",
        "lf:t:-.2147483648.-.-.0",
        "l:-.-.-.-.99999999999",
    ],
)
async def test_a_forged_button_is_answered_without_an_error(world, client, forged):
    """Found by the tests above: a huge id in a button's data overflowed the database, and data no handler knows left
    the button's spinner turning."""
    await client.send_text(OWNER, "/list", first_name="Owner")
    message = (await client.wait_for_messages(OWNER, timeout=10))[-1]
    result = await client.press(OWNER, OWNER, message["message_id"], forged)
    await world.handled(result)
    query = next(a for a in await client.callback_answers() if a["id"] == result["callback_query_id"])
    assert query["answered"] and world.errors == []


@pytest.mark.parametrize("said", [f"/add@{OTHER_BOT}", f"/list@{OTHER_BOT} 3", f"/cancel@{OTHER_BOT}", "/nosuch 3"])
async def test_a_command_for_another_bot_leaves_a_guided_add_open(world, said):
    """Found by the conversation test above: in a group, a command for another bot (or one this bot does not know,
    which may be another bot's) ended the owner's guided /add without a word, and their next answer went nowhere."""
    await open_add(world, GROUP, "zh-hans", 1)
    assert await exchange(world, OWNER, GROUP, said, "zh-hans") == []
    answers = await exchange(world, OWNER, GROUP, ADD_ANSWERS[2][0], "zh-hans")
    question = plain(await world.language(GROUP), ADD_ANSWERS[2][1])
    assert any(question in text for text in answers), f"after {said!r} the guided /add did not go on: {answers}"
