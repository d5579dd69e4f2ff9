"""A deployment on several cores (bot.workers): a receiver and worker processes on PostgreSQL, against the sandbox
in a process of its own. Chats are answered in order and once; a worker killed with SIGKILL loses nothing."""

from __future__ import annotations

import asyncio
import bisect
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.running import throwaway_token
from bot.sandbox.client import SandboxClient
from bot.sandbox.process import SandboxProcess
from tests.claim_locks import chat_lock_holder
from tests.ports import free_port
from trackers.models import Commitment, ProcessedUpdate
from trackers.runtime.db import create_engine, create_sessionmaker

ROOT = Path(__file__).resolve().parents[2]
OWNER = 1001
QUIET = {
    "LUOSHI_BOT_OWNER_IDS": str(OWNER),
    "LUOSHI_DELIVERY_SWEEP_SECONDS": "3600",
    "LUOSHI_ALERTS_SWEEP_SECONDS": "3600",
    "LUOSHI_FEEDS_SWEEP_SECONDS": "3600",
    "LUOSHI_FEEDS_COVERAGE_SWEEP_SECONDS": "3600",
}


def start_deployment(
    sandbox, database_url: str, log_path: Path, workers: int, *args: str, environ: dict[str, str] | None = None
) -> subprocess.Popen:
    """`luoshi run --workers N`, configured by the environment (and `environ`); with `args`, `python -m bot.workers
    --workers N ARGS` (the same deployment, with the options only tests need)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LUOSHI_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": throwaway_token(),
            "LUOSHI_TELEGRAM_API_URL": sandbox.bot_api_base,
            "LUOSHI_TELEGRAM_FILE_URL": sandbox.bot_file_base,
            "LUOSHI_DATABASE_URL": database_url,
            **QUIET,
            **(environ or {}),
        }
    )
    entry = ["bot.workers"] if args else ["bot.cli", "run"]
    command = [sys.executable, "-m", *entry, "--workers", str(workers), *args]
    log = open(log_path, "ab")  # the children write to it until they stop
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def worker_connections(sessions) -> list[str]:
    """The application_name of each worker's lock connection to this test's database: luoshi-worker-SLOT-PID."""
    async with sessions() as session:
        names = await session.scalars(
            text(
                "SELECT application_name FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name LIKE 'luoshi-worker-%'"
            )
        )
        return sorted(names.all())


async def undone(sessions) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count()).where(ProcessedUpdate.done_at.is_(None)))).scalar_one()


async def wait_until(check, timeout: float, what: str) -> None:  # noqa: ASYNC109
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, what
        await asyncio.sleep(0.1)


@pytest.fixture
async def postgres_sessions(migrated_postgres_url):
    """Sessions on the deployment's database (PostgreSQL: the test is skipped without LUOSHI_TEST_DATABASE_URL)."""
    engine = create_engine(migrated_postgres_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.mark.postgres
async def test_three_workers_answer_every_chat_in_order_and_once(tmp_path, migrated_postgres_url, postgres_sessions):
    chats, per_chat = list(range(2001, 2031)), 10
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        deployment = start_deployment(sandbox, migrated_postgres_url, tmp_path / "bot.log", 3)
        try:
            # Each chat's numbered messages, interleaved with the other chats' as they would arrive, and an
            # update that belongs to no chat (an inline query), which any worker takes.
            inline = await client.inline_query(chats[0], "集成电路")
            await client.send_texts(
                [{"user_id": chat, "text": f"/search w{chat}n{n}"} for n in range(per_chat) for chat in chats]
            )
            replies = await asyncio.gather(*(client.wait_for_messages(chat, per_chat, timeout=45) for chat in chats))
            await wait_until(lambda: _none_undone(postgres_sessions), 10, "updates were left undone")
            async with postgres_sessions() as session:
                chatless = (
                    await session.execute(
                        select(ProcessedUpdate.chat_id, ProcessedUpdate.done_at).where(
                            ProcessedUpdate.update_id == inline["update_id"]
                        )
                    )
                ).one()
            await asyncio.sleep(0.5)  # room for a second answer, were one handled twice
            workers = await worker_connections(postgres_sessions)
            later = [await client.messages(chat) for chat in chats]
        finally:
            stop(deployment)
    assert len({name.rsplit("-", 1)[0] for name in workers}) == 3, workers  # three slots, one connection each
    assert chatless.chat_id is None and chatless.done_at is not None, chatless
    for chat, answered, everything in zip(chats, replies, later, strict=True):
        numbers = [int(re.search(rf"w{chat}n(\d+)", message["text"]).group(1)) for message in everything]
        assert numbers == list(range(per_chat)), (chat, numbers)
        assert len(answered) == per_chat


@pytest.mark.postgres
async def test_a_deployment_on_a_webhook_answers_each_update_once(tmp_path, migrated_postgres_url, postgres_sessions):
    # Telegram pushes each update to the receiver, which stores it on disk before it answers 200 (so an update it
    # could not store is pushed again), and the workers answer.
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    webhook = {
        "LUOSHI_TELEGRAM_MODE": "webhook",
        "LUOSHI_TELEGRAM_WEBHOOK_URL": url,
        "LUOSHI_TELEGRAM_WEBHOOK_PORT": str(port),
        "TELEGRAM_WEBHOOK_SECRET": "s3cret-Value_2",
    }
    chats = list(range(2101, 2107))
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        deployment = start_deployment(sandbox, migrated_postgres_url, tmp_path / "bot.log", 2, environ=webhook)
        try:

            async def registered() -> bool:
                return bool((await client.pending_updates()).get("webhook"))

            await wait_until(registered, 60, "the receiver never set its webhook")
            await client.send_texts(
                [{"user_id": chat, "text": f"/search w{chat}n{n}"} for n in range(3) for chat in chats]
            )
            replies = await asyncio.gather(*(client.wait_for_messages(chat, 3, timeout=45) for chat in chats))
            await wait_until(lambda: _none_undone(postgres_sessions), 10, "updates were left undone")
            await asyncio.sleep(0.5)  # room for a second answer, were one handled twice
            later = [await client.messages(chat) for chat in chats]
            pending = (await client.pending_updates())["pending"]
        finally:
            stop(deployment)
    assert pending == []  # every push was answered 200
    for chat, answered, everything in zip(chats, replies, later, strict=True):
        numbers = [int(re.search(rf"w{chat}n(\d+)", message["text"]).group(1)) for message in everything]
        assert numbers == [0, 1, 2], (chat, numbers)
        assert len(answered) == 3


@pytest.mark.postgres
async def test_the_workers_share_telegrams_overall_budget(tmp_path, migrated_postgres_url, postgres_sessions):
    # Telegram's limits enforced: about 30 messages a second for the bot as a whole. Each worker alone keeps to
    # 30 a second; three of them answering at once would send up to 90.
    users = list(range(3001, 3091))
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        await client.set_limits(enabled=True, global_per_second=30)
        deployment = start_deployment(sandbox, migrated_postgres_url, tmp_path / "bot.log", 3)
        try:
            await wait_until(lambda: _workers_up(postgres_sessions, 3), 60, "the workers did not start")
            await client.send_texts([{"user_id": user, "text": "/start"} for user in users])
            await asyncio.gather(*(client.wait_for_messages(user, 1, timeout=60) for user in users))
            stats = await client.stats()
            sent = sorted(call["time"] for call in await client.calls("sendMessage"))
        finally:
            stop(deployment)
    assert stats["too_many_requests"] == 0, stats
    assert len(sent) >= len(users)
    # In no second did more than 30 leave, counted as the sandbox received them.
    busiest = max(bisect.bisect_right(sent, start + 1.0) - i for i, start in enumerate(sent))
    assert busiest <= 30, busiest
    # ... and the budget was used, not wasted: 90 answers took about 3 seconds, not many more.
    assert sent[-1] - sent[0] < 6.0, sent[-1] - sent[0]


async def _none_undone(sessions) -> bool:
    return await undone(sessions) == 0


def subject(n: int) -> str:
    return f"第{n}号片区改造工程"


@pytest.mark.postgres
async def test_a_worker_killed_mid_chat_loses_nothing_and_commits_nothing_twice(
    tmp_path, migrated_postgres_url, postgres_sessions
):
    commands = 6
    expected = [subject(n) for n in range(commands)]
    others = list(range(3001, 3006))
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        # A short takeover: another worker takes the chat if the killed one is not back by then.
        deployment = start_deployment(
            sandbox, migrated_postgres_url, tmp_path / "bot.log", 3, "--takeover-seconds", "3"
        )
        try:
            await client.send_text(OWNER, "/start", first_name="Admin")
            await client.wait_for_messages(OWNER, 1, timeout=30)
            await wait_until(lambda: _workers_up(postgres_sessions, 3), 30, "the workers did not come up")
            # Every answer to the owner's chat takes a while, so the kill finds its worker mid-chat.
            await client.inject_fault("sendMessage", chat_id=OWNER, kind="delay", delay=1.0, times=None)
            await client.send_texts(
                [{"user_id": OWNER, "text": f"/add {name} >{n + 1}亿元 到2030年底"} for n, name in enumerate(expected)]
                + [{"user_id": chat, "text": f"/search w{chat}n{n}"} for n in range(4) for chat in others]
            )

            async def holder() -> str | None:
                async with postgres_sessions() as session:
                    bot_id = await session.scalar(select(ProcessedUpdate.bot_id).limit(1))
                    if not await session.scalar(select(func.count()).select_from(Commitment)):
                        return None  # not one /add has committed yet
                    return await chat_lock_holder(await session.connection(), bot_id, OWNER)

            await wait_until(holder, 20, "no worker took the owner's chat")
            name = await holder()
            assert name is not None, "the owner's chat was done before the kill; nothing was tested"
            killed = int(name.rsplit("-", 1)[1])
            os.kill(killed, signal.SIGKILL)
            await client.clear_faults()

            async def all_done() -> bool:
                return await undone(postgres_sessions) == 0 and len(await subjects(postgres_sessions)) == commands

            await wait_until(all_done, 40, "the owner's commands were not all handled after the kill")
            # Done means committed; the answers follow. A chat the killed worker held may miss one for good.
            await asyncio.gather(*(client.wait_for_messages(chat, 4, timeout=3) for chat in others))
            await asyncio.sleep(0.5)  # room for a second answer, were one handled twice
            stored = await subjects(postgres_sessions)
            answers = [message["text"] for message in await client.messages(OWNER)]
            other_answers = [await client.messages(chat) for chat in others]
            # The supervisor started the killed worker's slot again.
            await wait_until(lambda: _workers_up(postgres_sessions, 3), 20, "the killed worker was not restarted")
            workers = await worker_connections(postgres_sessions)
        finally:
            stop(deployment)
    assert all(not name.endswith(f"-{killed}") for name in workers)
    # Each command took effect exactly once.
    assert stored == Counter(expected)
    # Answered in order, none twice; only a command killed between its commit and its answer may have none.
    confirmed = [name for answer in answers for name in expected if name in answer]
    assert confirmed == sorted(set(confirmed), key=expected.index)
    assert len(confirmed) >= commands - 1
    # The other chats too (the killed worker may have held some of them): in order, none twice, at most one lost.
    for chat, messages in zip(others, other_answers, strict=True):
        numbers = [int(re.search(rf"w{chat}n(\d+)", m["text"]).group(1)) for m in messages]
        assert numbers == sorted(set(numbers)) and len(numbers) >= 3, (chat, numbers)


@pytest.mark.postgres
async def test_a_guided_add_goes_on_in_the_process_that_replaces_a_killed_worker(
    tmp_path, migrated_postgres_url, postgres_sessions
):
    # The conversation's step and draft are in the database: the worker started in the killed one's place (a new
    # process, with nothing in memory) asks the next question and saves what the owner answered before the kill.
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        deployment = start_deployment(sandbox, migrated_postgres_url, tmp_path / "bot.log", 2)

        async def answer(text: str) -> str:
            before = len(await client.messages(OWNER))
            await client.send_text(OWNER, text, first_name="Admin")
            return (await client.wait_for_messages(OWNER, before + 1, timeout=30))[-1]["text"]

        try:
            assert "关于什么" in await answer("/add")
            await wait_until(lambda: _workers_up(postgres_sessions, 2), 30, "the workers did not come up")
            assert "目标是多少" in await answer("三年行动计划重点项目数")
            # The owner's chat belongs to worker slot OWNER mod 2 (bot.worker).
            [name] = [
                n for n in await worker_connections(postgres_sessions) if n.startswith(f"luoshi-worker-{OWNER % 2}-")
            ]
            killed = int(name.rsplit("-", 1)[1])
            os.kill(killed, signal.SIGKILL)
            assert "截止日期" in await answer("1301个")
            assert "地点" in await answer("2025年底")
            preview = await answer("@济南")
            assert "1301个" in preview and "三年行动计划重点项目数" in preview
            workers = await worker_connections(postgres_sessions)
            before = len(await client.messages(OWNER))
            await client.press_button(OWNER, OWNER, "保存")
            saved = (await client.wait_for_messages(OWNER, before + 1, timeout=30))[-1]["text"]
        finally:
            stop(deployment)
    assert all(not name.endswith(f"-{killed}") for name in workers)  # a new process answered after the kill
    assert "已保存为承诺 #1" in saved
    assert await subjects(postgres_sessions) == Counter(["三年行动计划重点项目数"])


async def subjects(sessions) -> Counter:
    async with sessions() as session:
        return Counter((await session.scalars(select(Commitment.subject))).all())


async def _workers_up(sessions, count: int) -> bool:
    return len(await worker_connections(sessions)) == count


def test_several_workers_on_sqlite_are_refused_in_one_line(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("LUOSHI_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": throwaway_token(),
            "LUOSHI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--workers", "2"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "PostgreSQL" in result.stderr and "Traceback" not in result.stderr
