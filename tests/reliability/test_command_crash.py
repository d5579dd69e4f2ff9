"""Killing the bot after Telegram was told it had the updates and before their handlers committed: on restart
each command takes effect exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.sandbox.client import SandboxClient
from bot.sandbox.process import SandboxProcess
from tests.reliability.processes import new_token, start_bot_process, stop
from trackers.models import Commitment, ProcessedUpdate

# Bot processes killed and restarted: make test-slow, not the default suite.
pytestmark = pytest.mark.slow

OWNER = 1001
COMMANDS = 200
QUIET = {
    "bot_owner_ids": str(OWNER),
    # Replayed a second after they arrived, so the test need not wait the default two minutes.
    "bot_replay_after_seconds": "1",
    # One admin sends 200 commands at once here; no person types that fast.
    "bot_user_burst": "1000",
    "delivery_sweep_seconds": "3600",
    "alerts_sweep_seconds": "3600",
}


def subject(n: int) -> str:
    return f"第{n}号片区改造工程"


async def counts(sessions) -> tuple[Counter, int]:
    """Commitments per subject, and updates stored but not marked done."""
    async with sessions() as session:
        subjects = Counter((await session.scalars(select(Commitment.subject))).all())
        undone = (await session.execute(select(func.count()).where(ProcessedUpdate.done_at.is_(None)))).scalar_one()
    return subjects, undone


async def a_later_command_is_answered(client: SandboxClient) -> bool:
    """/help gets its answer: it comes after anything queued before it (one chat's updates keep their order)."""
    last = (await client.messages(OWNER))[-1]["message_id"]
    await client.send_text(OWNER, "/help")
    return bool(await client.wait_for_messages(OWNER, 1, timeout=30, after=last))


async def a_poll_is_waiting(client: SandboxClient) -> bool:
    """A getUpdates call started after the bot's last answer and not yet answered (a call's duration is set when
    its answer goes out)."""
    calls = await client.calls()
    polls = [c for c in calls if c["method"].lower() == "getupdates"]
    answers = [c["time"] for c in calls if c["method"].lower() == "sendmessage"]
    return bool(polls) and polls[-1]["duration"] == 0 and polls[-1]["time"] >= max(answers, default=0.0)


async def wait_until(check, timeout: float, what: str) -> None:  # noqa: ASYNC109
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, what
        await asyncio.sleep(0.05)


async def test_commands_acknowledged_but_not_committed_when_the_bot_dies_take_effect_once_after_restart(
    tmp_path, migrated_url, sessions
):
    token = new_token()
    expected = {subject(n) for n in range(COMMANDS)}
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        first = start_bot_process(sandbox, migrated_url, tmp_path / "bot.log", token, **QUIET)
        try:
            await client.send_text(OWNER, "/start", first_name="Admin")
            await client.wait_for_messages(OWNER, 1, timeout=60)
            # One admin's commands are handled in order, one at a time; the bot fetches (and acknowledges)
            # them a hundred at a time, far ahead of its handlers.
            commands = [f"/add {subject(n)} >{n + 1}亿元 到2030年底" for n in range(COMMANDS)]
            await client.send_texts([{"user_id": OWNER, "text": text} for text in commands])

            async def all_acknowledged() -> bool:
                return (await client.stats())["pending_updates"] == 0

            await wait_until(all_acknowledged, 30, "the bot did not fetch the commands")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        finally:
            stop(first)

        subjects, undone = await counts(sessions)
        assert sum(subjects.values()) < COMMANDS, "every command was handled before the kill; nothing was tested"
        assert undone > 0, "the acknowledged commands were not in the update log"
        assert (await client.stats())["pending_updates"] == 0  # Telegram would not send them again

        second = start_bot_process(sandbox, migrated_url, tmp_path / "bot.log", token, **QUIET)
        try:

            async def all_done() -> bool:
                subjects, undone = await counts(sessions)
                return not undone and set(subjects) >= expected

            await wait_until(all_done, 90, "the commands stored before the kill were not handled after restart")
            assert await a_later_command_is_answered(client)  # after the replayed ones
        finally:
            stop(second)

        subjects, undone = await counts(sessions)
        assert set(subjects) == expected
        assert max(subjects.values()) == 1, [name for name, count in subjects.items() if count > 1]
        # Each command answered at most once; only a command killed between its commit and its answer has none.
        answers = Counter(
            name for message in await client.messages(OWNER) for name in expected if name in message["text"]
        )
        assert max(answers.values()) == 1
        assert len(answers) >= COMMANDS - 1


async def test_an_update_whose_acknowledgement_failed_is_delivered_again_after_restart_and_handled_once(
    tmp_path, migrated_url, sessions
):
    token = new_token()
    name = subject(1)
    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        first = start_bot_process(sandbox, migrated_url, tmp_path / "bot.log", token, **QUIET)
        try:
            await client.send_text(OWNER, "/start", first_name="Admin")
            await client.wait_for_messages(OWNER, 1, timeout=60)
            # The bot's next poll must be waiting before the fault goes in: the answer to /start can reach the
            # sandbox before that poll does.
            await wait_until(lambda: a_poll_is_waiting(client), 30, "the bot did not poll again")
            # From now on every getUpdates fails with 502. The poll already waiting still brings the command,
            # but the calls that would acknowledge it (the next poll, and the last one on shutdown) fail.
            await client.inject_fault("getUpdates", kind="5xx", status=502, times=None)
            await client.send_text(OWNER, f"/add {name} >1亿元 到2030年底")

            async def confirmed() -> bool:
                return any(name in message["text"] for message in await client.messages(OWNER))

            # The owner also hears that getting updates failed; the confirmation is what matters here.
            await wait_until(confirmed, 30, "the command was not handled")
        finally:
            stop(first)
        assert len((await client.pending_updates())["pending"]) == 1  # Telegram still holds it

        await client.clear_faults()
        second = start_bot_process(sandbox, migrated_url, tmp_path / "bot.log", token, **QUIET)
        try:

            async def delivered_again() -> bool:
                return not (await client.pending_updates())["pending"]

            await wait_until(delivered_again, 60, "the restarted bot did not fetch the update again")
            assert await a_later_command_is_answered(client)  # after the copy
        finally:
            stop(second)

        subjects, undone = await counts(sessions)
        assert subjects[name] == 1
        assert undone == 0
        texts = [message["text"] for message in await client.messages(OWNER)]
        assert sum(name in text for text in texts) == 1  # one confirmation, not two
