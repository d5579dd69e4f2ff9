"""`luoshi shell`: chat with the bot in a terminal, as a Telegram user would, with no token and no network.

The real Application runs against the local Bot API sandbox (bot.sandbox) in this process; what you type is sent
through the sandbox's control interface as a user's message, and what the bot sends is printed. Its data lives in
a database of its own (`sandbox.database_url`), never the one `luoshi run` uses.
"""

from __future__ import annotations

import asyncio
import math
import re
import shlex
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from bot.running import running_bot, settings_for_local_api
from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.server import Sandbox
from bot.settings import Settings
from trackers.coverage.pastes import quiet_since, split_like_telegram
from trackers.models import Chat
from trackers.notifications.outbox import outbox_health
from trackers.runtime.clock import local_time, move_ahead, utcnow, zone

SHELL_HELP = """\
Shell commands (anything else is sent to the bot as your message):
  :user ID [NAME] [LANG]   be another user (LANG: a Telegram language code such as zh-hans or en)
  :group ID [TITLE]        talk in a group chat (negative id), with you as its admin; :private to leave
  :upgrade [NEW_ID]        make the group a supergroup, as Telegram does it: a new id (default -100 and the
                           group's digits), and the bot told in both chats; you go on talking in it
  :press N  or just N      press button N of the bot's last message with buttons
  :upload FILE [CAPTION]   send a file
  :paste FILE              send a text file's contents as one message, as if pasted
  :forward TEXT            forward a message from a channel
  :clock [+30d|+2h|+15m|YYYY-MM-DD HH:MM]
                           move the bot's clock forward (a date and time in bot.timezone) and run the sweeps,
                           in steps of at most 12 hours, so alerts and digests due by then arrive; alone, show
                           the bot's time
  :help                    this text
  :quit                    leave (Ctrl-D works too)"""

# How long to wait for the bot to finish handling one message before moving on.
REPLY_TIMEOUT = 30.0
# How long to wait for the messages an action queued in the outbox (they go out at Telegram's pace).
OUTBOX_TIMEOUT = 15.0
# The sweeps that read "now" and may queue something after :clock moved it. The dispatcher is not among them: it
# runs every delivery.sweep_seconds anyway, and _wait_for_outbox waits for it to send what they queued.
CLOCK_SWEEPS = ("alert_rules", "coverage")
# The longest step :clock moves the time by before it runs them.
CLOCK_STRIDE = timedelta(hours=12)
# The per-user flood guard (bot/throttle.py) guards a public bot against a flooding client; the shell's one user
# types, or replays a script as fast as the bot answers, and every line of it must be answered.
SHELL_USER_LIMITS = {"user_burst": 1_000_000, "user_per_second": 1_000_000.0}
_STEP = re.compile(r"^\+(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass
class Persona:
    user_id: int = 1001
    first_name: str = "Ada"
    language_code: str = "zh-hans"
    chat_id: int | None = None  # None: the private chat
    chat_title: str | None = None

    @property
    def chat(self) -> int:
        return self.chat_id if self.chat_id is not None else self.user_id


@dataclass
class Shell:
    settings: Settings
    out: TextIO = sys.stdout
    files_dir: Path = Path("shell-files")
    persona: Persona = field(default_factory=Persona)

    def __post_init__(self) -> None:
        self._seen: dict[tuple[int, int], int] = {}  # (chat, message id) -> versions printed
        self._buttons: list[tuple[int, int, str]] = []  # (chat, message id, callback data), numbered from 1
        self._fresh_answer = True  # the next keyboard printed starts the numbering again
        self._done: dict[int, asyncio.Event] = {}
        self.notes: list[str] = []  # lines printed under the banner (e.g. that demo data is loaded)

    # -- lifecycle ------------------------------------------------------------------------------------------

    async def __aenter__(self) -> Shell:
        self.sandbox = Sandbox()
        await self.sandbox.start(self.settings.sandbox.host, self.settings.sandbox.port)
        self.client = SandboxClient(self.sandbox.url)
        bot_settings = settings_for_local_api(
            self.settings, self.sandbox.bot_api_base, self.sandbox.bot_file_base, self.settings.sandbox.database_url
        ).with_changes(bot=SHELL_USER_LIMITS)
        self._running = running_bot(bot_settings)
        self.application = await self._running.__aenter__()
        self.application.update_processor.on_processed.append(self._processed)
        await self._introduce_known_chats()
        if self.settings.sandbox.demo_data:
            # A newcomer meets a living bot: the demo set goes into the shell's own database only.
            from bot.demo import load_demo_into, shell_note

            await load_demo_into(self.application)
            self.notes.append(shell_note())
        return self

    async def _introduce_known_chats(self) -> None:
        """The sandbox starts empty each time, the shell's database does not: its chats are made known to the
        sandbox, as they are to Telegram, so that what the bot owes them (an alert due when the clock moves) is
        delivered rather than refused with "chat not found" before they write again."""
        async with self.application.bot_data.sessionmaker() as session:
            chats = (await session.execute(select(Chat.id, Chat.type, Chat.title))).all()
        state = self.sandbox.state
        state.ensure_user(self.persona.user_id, self.persona.first_name, None, self.persona.language_code)
        for chat_id, kind, title in chats:
            if kind == "private":
                state.ensure_user(chat_id, title or None)
                state.ensure_chat(chat_id)
            elif kind in ("group", "supergroup"):
                await self.client.set_chat(chat_id, kind, title=title or str(chat_id), admins=[self.persona.user_id])

    async def __aexit__(self, *exc_info: object) -> None:
        await self._running.__aexit__(None, None, None)
        await self.client.aclose()
        await self.sandbox.stop()

    def _processed(self, update: object) -> None:
        # setdefault: the bot may finish an update before the shell starts waiting for it.
        self._done.setdefault(getattr(update, "update_id", None), asyncio.Event()).set()

    # -- input ----------------------------------------------------------------------------------------------

    def banner(self) -> None:
        self._print(
            f"落实 shell — you are user {self.persona.user_id} ({self.persona.first_name}, "
            f"{self.persona.language_code}). Type a message; /start to begin, :help for shell commands."
        )
        for note in self.notes:
            self._print(note)

    @property
    def prompt(self) -> str:
        where = f"@{self.persona.chat_id}" if self.persona.chat_id is not None else ""
        return f"{self.persona.user_id}{where}> "

    async def handle(self, line: str) -> bool:
        """Act on one line of input; False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line.isdigit():
            line = f":press {line}"
        if line.startswith(":"):
            return await self._shell_command(line)
        await self._deliver(
            self.client.send_text(
                self.persona.user_id,
                line,
                chat_id=self.persona.chat_id,
                chat_type="group" if self.persona.chat_id is not None else "private",
                first_name=self.persona.first_name,
                language_code=self.persona.language_code,
                title=self.persona.chat_title,
            )
        )
        return True

    async def _shell_command(self, line: str) -> bool:
        try:
            name, *args = shlex.split(line[1:])
        except ValueError as exc:
            self._print(f"(shell) {exc}")
            return True
        if name in ("quit", "exit", "q"):
            return False
        if name == "help":
            self._print(SHELL_HELP)
        elif name == "user" and args and _is_int(args[0]):
            self.persona = Persona(
                user_id=int(args[0]),
                first_name=args[1] if len(args) > 1 else f"User {args[0]}",
                language_code=args[2] if len(args) > 2 else "zh-hans",
            )
            self._print(
                f"(shell) you are now user {self.persona.user_id} ({self.persona.first_name}, "
                f"{self.persona.language_code})"
            )
            # What the bot sent this user while you were someone else (alerts, a followed commitment's news).
            await self.show_new_messages()
        elif name == "group" and args and _is_int(args[0]) and int(args[0]) < 0:
            title = " ".join(args[1:]) or f"Group {args[0]}"
            await self.client.set_chat(int(args[0]), "group", title=title, admins=[self.persona.user_id])
            self.persona.chat_id, self.persona.chat_title = int(args[0]), title
            self._print(f"(shell) talking in group {args[0]} «{title}»; :private to leave")
        elif name == "private":
            self.persona.chat_id = self.persona.chat_title = None
            self._print("(shell) back in your private chat")
        elif name == "upgrade":
            await self._upgrade(args)
        elif name == "press" and args and _is_int(args[0]):
            await self._press(int(args[0]))
        elif name == "upload" and args:
            await self._upload(Path(args[0]), " ".join(args[1:]) or None)
        elif name == "paste" and args:
            await self._paste(Path(args[0]))
        elif name == "clock":
            await self._clock(args)
        elif name == "forward" and args:
            await self._deliver(
                self.client.forward(
                    self.persona.user_id,
                    " ".join(args),
                    chat_id=self.persona.chat_id,
                    first_name=self.persona.first_name,
                    language_code=self.persona.language_code,
                    origin_title="新闻频道",
                )
            )
        else:
            self._print(f"(shell) I don't understand {line!r}.\n{SHELL_HELP}")
        return True

    async def _clock(self, args: list[str]) -> None:
        """Move the bot's "now" forward, then run the sweeps once at the new time and print what they sent."""
        timezone = self.settings.bot.timezone
        now = utcnow()
        if not args:
            self._print(f"(shell) the bot's time: {_wall(now, timezone)}")
            return
        if step := _STEP.match(args[0]):
            by = timedelta(**{_UNITS[step[2]]: int(step[1])})
        else:
            try:
                wanted = datetime.fromisoformat(" ".join(args))
            except ValueError:
                self._print("(shell) :clock takes +30d, +2h, +15m or a date and time such as 2026-12-31 09:00")
                return
            by = wanted.replace(tzinfo=wanted.tzinfo or zone(timezone)) - now
            if by < timedelta(0):
                # Watermarks and leases assume time only moves forward.
                self._print(f"(shell) the clock only moves forward; it is already {_wall(now, timezone)}")
                return
        # In steps, as a running bot sweeps: in one jump of a month, what fell due on the way would be recorded as
        # skipped, as after a month's downtime. A step stays under the time after which an alert is too late to
        # send, and under the 15 hours between a "due today" at 09:00 and the day's end (the day after, it is moot).
        # What arrives on the way is shown under the time it came.
        stride = min(timedelta(hours=self.settings.delivery.max_lateness_hours) * 0.9, CLOCK_STRIDE)
        steps = max(1, math.ceil(by / stride))
        for step in range(steps):
            move_ahead(by / steps)
            await self._run_clock_sweeps()
            if step < steps - 1 and await self._unseen_messages():
                self._print(f"(shell) the bot's time: {_wall(utcnow(), timezone)}")
                await self.show_new_messages()
        self._print(f"(shell) the bot's time is now {_wall(utcnow(), timezone)}")
        await self.show_new_messages()

    async def _run_clock_sweeps(self) -> None:
        # Run now rather than wait for each job's next turn (the alert rules run once a minute), then let the
        # dispatcher send what they queued.
        for name in CLOCK_SWEEPS:
            for job in self.application.job_queue.get_jobs_by_name(name):
                await job.run(self.application)
        await self._wait_for_outbox()

    async def _upgrade(self, args: list[str]) -> None:
        group = self.persona.chat_id
        if group is None:
            self._print("(shell) :upgrade makes a group a supergroup: talk in one first (:group ID)")
            return
        if args and not (_is_int(args[0]) and int(args[0]) < 0):
            self._print("(shell) a supergroup's id is a negative number, such as -1001234")
            return
        new = int(args[0]) if args else int(f"-100{abs(group)}")
        try:
            upgraded = await self.client.upgrade_group(self.persona.user_id, group, new)
        except SandboxError as exc:
            self._print(f"(shell) {exc}")
            return
        self.persona.chat_id = new
        self._print(f"(shell) group {group} is now supergroup {new}; you talk in it from here")
        await self._answered(upgraded)

    async def _press(self, number: int) -> None:
        if not 1 <= number <= len(self._buttons):
            self._print(f"(shell) there is no button {number}; the last answer has {len(self._buttons)}")
            return
        chat_id, message_id, data = self._buttons[number - 1]
        await self._deliver(self.client.press(self.persona.user_id, chat_id, message_id, data))

    async def _upload(self, path: Path, caption: str | None) -> None:
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            self._print(f"(shell) cannot read {path}: {exc.strerror}")
            return
        await self._deliver(
            self.client.send_document(
                self.persona.user_id,
                path.name,
                data,
                caption=caption,
                chat_id=self.persona.chat_id,
                first_name=self.persona.first_name,
                language_code=self.persona.language_code,
            )
        )

    async def _paste(self, path: Path) -> None:
        # A terminal sends one line at a time; a pasted article is one message with its line breaks, or several
        # when it is longer than Telegram's 4,096 characters (cut as the apps cut it).
        try:
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._print(f"(shell) cannot read {path}: {exc}")
            return
        parts = split_like_telegram(text)
        if len(parts) > 1:
            self._print(f"(shell) {len(parts)} messages, as Telegram splits a text this long")
        for part in parts:
            await self._deliver(
                self.client.send_text(
                    self.persona.user_id,
                    part,
                    chat_id=self.persona.chat_id,
                    chat_type="group" if self.persona.chat_id is not None else "private",
                    first_name=self.persona.first_name,
                    language_code=self.persona.language_code,
                    title=self.persona.chat_title,
                )
            )

    async def _deliver(self, action) -> None:
        """Perform a user action, wait until the bot has handled it, then print what the bot sent."""
        try:
            result = await action
        except SandboxError as exc:
            self._print(f"(shell) {exc}")
            return
        await self._answered(result)

    async def _answered(self, result: dict) -> None:
        """Wait until the bot has handled the update of a user action (`result`: the sandbox's answer to it), then
        print what the bot sent."""
        event = self._done.setdefault(result["update_id"], asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), REPLY_TIMEOUT)
        except TimeoutError:
            self._print("(shell) the bot has not finished after 30 s; its answer will show when it comes")
        finally:
            self._done.pop(result["update_id"], None)
        if "callback_query_id" in result:
            await self._show_toast(result["callback_query_id"])
        await self._wait_for_paste()
        await self._wait_for_outbox()
        await self.show_new_messages()

    async def _wait_for_paste(self) -> None:
        """A text an admin sends may be part of a longer paste: the bot reads it once the parts stop coming
        (trackers/coverage/pastes.py). Wait for that answer, so the conversation reads in order."""
        async with self.application.bot_data.transaction() as session:
            waiting = await quiet_since(session, self.persona.chat) is not None
        if not waiting:
            return
        seen = max((m["message_id"] for m in await self.client.messages(self.persona.chat)), default=0)
        await self.client.wait_for_messages(self.persona.chat, count=1, after=seen, timeout=REPLY_TIMEOUT)
        # The answer may come in several messages (a head and its cards): wait until they stop.
        count = 0
        while (now := len(await self.client.messages(self.persona.chat, after=seen))) != count:
            count = now
            await asyncio.sleep(0.5)

    async def _wait_for_outbox(self) -> None:
        """Let the dispatcher send what the update queued (a broadcast, a follower's notice) before moving on,
        so a replayed script reads like the conversation a person would have had."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + OUTBOX_TIMEOUT
        while loop.time() < give_up:
            async with self.application.bot_data.transaction() as session:
                health = await outbox_health(session, now=utcnow())
            if health.oldest_pending_due is None and not health.sending:
                return
            await asyncio.sleep(0.2)

    # -- output ---------------------------------------------------------------------------------------------

    async def show_new_messages(self) -> None:
        """Print the bot's messages not printed yet (and new versions of edited ones) in the current chat. Buttons
        are numbered across everything one answer brings (a head and its five cards: 1 to 15), so each card's
        buttons can be pressed, not only the last one's."""
        self._fresh_answer = True
        for message in await self._unseen_messages():
            key = (message["chat_id"], message["message_id"])
            edited = key in self._seen
            self._seen[key] = 1 + len(message.get("history") or [])
            await self._print_message(message, edited)

    async def _unseen_messages(self) -> list[dict]:
        """The bot's messages in the current chat not printed yet, or edited since."""
        unseen = []
        for message in await self.client.messages(self.persona.chat):
            versions = 1 + len(message.get("history") or [])
            if self._seen.get((message["chat_id"], message["message_id"]), 0) < versions and not message.get("deleted"):
                unseen.append(message)
        return unseen

    async def _show_toast(self, query_id: str) -> None:
        """A button's answer (a refusal, "已保存") shows in the app as a toast over the chat, not as a message."""
        for query in await self.client.callback_answers():
            if query["id"] == query_id and (query.get("answer") or {}).get("text"):
                self._print(f"🤖 (toast) {query['answer']['text']}")

    async def _print_message(self, message: dict, edited: bool) -> None:
        mark = "🤖 (edited) " if edited else "🤖 "
        text = message.get("text") or ""
        if message.get("file"):
            path = await self._save_file(message["file"])
            text = f"[{message['kind']}: {path}]" + (f"\n{text}" if text else "")
        self._print(mark + text)
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        if rows:
            if self._fresh_answer:
                self._buttons, self._fresh_answer = [], False
            for row in rows:
                cells = []
                for button in row:
                    if "callback_data" in button:
                        self._buttons.append((message["chat_id"], message["message_id"], button["callback_data"]))
                        cells.append(f"[{len(self._buttons)}] {button['text']}")
                    elif "url" in button:
                        cells.append(f"[{button['text']} → {button['url']}]")
                self._print("   " + "   ".join(cells))

    async def _save_file(self, file: dict) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        name = Path(file.get("file_name") or f"{file['file_id']}.bin").name
        path = self.files_dir / name
        data = await self.client.file_bytes(file["file_id"])
        await asyncio.to_thread(path.write_bytes, data)
        return path

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _wall(moment: datetime, timezone: str) -> str:
    return f"{local_time(moment, timezone):%Y-%m-%d %H:%M} ({timezone})"


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


async def run_script(shell: Shell, lines: list[str]) -> None:
    """Replay lines as the user, printing a transcript: each input after its prompt, then the bot's answers."""
    shell.banner()
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        shell._print(shell.prompt + line.rstrip("\n"))
        if not await shell.handle(line):
            break


async def run_interactive(shell: Shell) -> None:
    """Read lines from the terminal; messages the bot sends by itself (alerts) are shown as they come."""
    shell.banner()

    async def watch() -> None:
        while True:
            await asyncio.sleep(1.0)
            await shell.show_new_messages()

    watcher = asyncio.create_task(watch())
    ready = threading.Event()  # set when the bot has answered and the next prompt may be shown
    lines = _read_lines_in_background(shell, ready)
    try:
        while True:
            ready.set()
            line = await lines.get()
            if line is None or not await shell.handle(line):
                break
    finally:
        watcher.cancel()


def _read_lines_in_background(shell: Shell, ready: threading.Event) -> asyncio.Queue[str | None]:
    """input() blocks, so it runs in a daemon thread: Ctrl-C or :quit never waits for one more line. It waits
    for `ready` before each prompt, so the prompt comes after the bot's answer, not in the middle of it."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=1)

    def read() -> None:
        while True:
            ready.wait()
            ready.clear()
            try:
                line = input(shell.prompt)
            except (EOFError, KeyboardInterrupt):
                line = None
            asyncio.run_coroutine_threadsafe(queue.put(line), loop).result()
            if line is None:
                return

    threading.Thread(target=read, name="shell-input", daemon=True).start()
    return queue
