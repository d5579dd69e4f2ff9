"""The bot as a separate process (`luoshi run` against the sandbox), so a test can kill it with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.running import throwaway_token
from bot.sandbox.client import SandboxClient
from trackers.models import Chat, DeliveryState, Notification
from trackers.notifications.outbox import Owed, owe

ROOT = Path(__file__).resolve().parents[2]


def start_bot_process(sandbox, database_url: str, log_path: Path, token: str, **settings: str) -> subprocess.Popen:
    """`luoshi run` polling the sandbox; `settings` are LUOSHI_ variables, e.g. DELIVERY_SWEEP_SECONDS="0.25"."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LUOSHI_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": token,
            "LUOSHI_TELEGRAM_API_URL": sandbox.bot_api_base,
            "LUOSHI_TELEGRAM_FILE_URL": sandbox.bot_file_base,
            "LUOSHI_DATABASE_URL": database_url,
            **{f"LUOSHI_{key.upper()}": value for key, value in settings.items()},
        }
    )
    log = open(log_path, "ab")  # the child writes to it until it dies
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def new_token() -> str:
    return throwaway_token()


async def create_sandbox_chats(client: SandboxClient, chat_ids: list[int]) -> None:
    for start in range(0, len(chat_ids), 100):
        await asyncio.gather(*(client.set_chat(chat, "private") for chat in chat_ids[start : start + 100]))


async def seed_outbox(sessions, chat_ids: list[int], moment) -> None:
    async with sessions.begin() as session:
        session.add_all(
            Chat(id=chat, type="private", active=True, created_at=moment, updated_at=moment) for chat in chat_ids
        )
    owed = Owed(kind="test", milestone="crash", text=lambda _language: "一条通知", due_at=moment)
    async with sessions.begin() as session:
        await owe(session, owed, chat_ids, now=moment, default_language="zh")


async def waiting_rows(sessions) -> int:
    async with sessions() as session:
        statement = select(func.count()).where(Notification.state.in_([DeliveryState.PENDING, DeliveryState.SENDING]))
        return (await session.execute(statement)).scalar_one()


async def wait_for_drain(sessions, process: subprocess.Popen, timeout: float) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await waiting_rows(sessions):
        assert process.poll() is None, "the bot process died"
        assert loop.time() < deadline, "the outbox did not drain in time"
        await asyncio.sleep(0.25)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
