"""`luoshi run` as an operator starts it: a separate process, configured only by the environment."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import httpx
import pytest

from bot.running import throwaway_token
from tests.ports import free_port


def start_luoshi_run(sandbox, tmp_path, token: str, **extra_env: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "LUOSHI_TELEGRAM_API_URL": sandbox.bot_api_base,
        "LUOSHI_TELEGRAM_FILE_URL": sandbox.bot_file_base,
        "LUOSHI_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'live.db'}",
        "LUOSHI_LOGGING_LEVEL": "DEBUG",
        **extra_env,
    }
    # The log goes to a file: a pipe nobody reads fills up and blocks the bot mid-sentence.
    log = open(tmp_path / "luoshi-run.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    return process


def stop(process: subprocess.Popen) -> str:
    """Stop the bot as an operator would (Ctrl-C) and return everything it logged."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.close()
    with open(process.log.name, encoding="utf-8") as handle:
        return handle.read()


async def test_luoshi_run_polls_the_configured_bot_api_and_never_logs_the_token(sandbox, client, tmp_path):
    token = throwaway_token()
    process = start_luoshi_run(sandbox, tmp_path, token)
    try:
        await client.send_text(1001, "/start", first_name="Ada")
        [reply] = await client.wait_for_messages(1001, count=1, timeout=30)
    finally:
        output = stop(process)
    assert "你好，Ada" in reply["text"]
    assert "Running upgrade" in output or "alembic" in output  # the database was upgraded on start
    assert token not in output
    assert token.split(":")[1] not in output


async def test_luoshi_run_in_webhook_mode_answers_updates_posted_with_the_secret_once(sandbox, client, tmp_path):
    token, secret, port = throwaway_token(), "s3cret-Value_1", free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    process = start_luoshi_run(
        sandbox,
        tmp_path,
        token,
        LUOSHI_TELEGRAM_MODE="webhook",
        LUOSHI_TELEGRAM_WEBHOOK_URL=url,
        LUOSHI_TELEGRAM_WEBHOOK_PORT=str(port),
        TELEGRAM_WEBHOOK_SECRET=secret,
    )
    forged = {"update_id": 10, "message": {"message_id": 1, "date": 0, "chat": {"id": 1001, "type": "private"}}}
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(150):  # the process needs a moment to start listening
                try:
                    refused = await http.post(url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.2)
            else:
                pytest.fail("the webhook listener never came up")
        for _ in range(150):  # and to register its webhook with the Bot API
            webhook = (await client.pending_updates()).get("webhook")
            if webhook:
                break
            await asyncio.sleep(0.2)
        # Telegram (the sandbox) now pushes Ada's message to the webhook, with the secret.
        sent = await client.send_text(1001, "/start", first_name="Ada", language_code="en")
        [reply] = await client.wait_for_messages(1001, count=1, timeout=30)
        # The same update posted again, as Telegram does when it missed the 200: accepted, and not handled twice.
        again = {
            "update_id": sent["update_id"],
            "message": {
                "message_id": sent["message_id"],
                "date": 0,
                "chat": {"id": 1001, "type": "private"},
                "from": {"id": 1001, "is_bot": False, "first_name": "Ada", "language_code": "en"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        async with httpx.AsyncClient() as http:
            repeated = await http.post(url, json=again, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        await client.send_text(1001, "/help", first_name="Ada", language_code="en")
        await client.wait_for_messages(1001, count=1, timeout=30, after=reply["message_id"])
        await asyncio.sleep(0.5)  # room for a second welcome, were the copy handled
        later = await client.messages(1001, after=reply["message_id"])
    finally:
        output = stop(process)
    assert refused.status_code == 403
    assert reply["text"].startswith("👋 Hello, Ada!")
    assert repeated.status_code == 200
    assert [message["text"].startswith("👋") for message in later] == [False]
    assert webhook and webhook.get("url") == url
    assert secret not in output and token not in output


def test_luoshi_run_without_a_token_points_at_the_shell(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["LUOSHI_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "luoshi shell" in result.stderr
