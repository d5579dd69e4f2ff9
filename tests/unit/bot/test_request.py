"""The aiohttp request class against real sockets on 127.0.0.1: what reaches PTB, and whether it counts as sent."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.request import AiohttpRequest, never_sent


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _serve(handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/{path:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


async def test_a_bot_sends_through_it_and_telegram_errors_stay_telegram_errors():
    seen = []

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["path"].rsplit("/", 1)[-1]
        if method == "getMe":
            user = {"id": 1, "is_bot": True, "first_name": "Luoshi", "username": "luoshi_bot"}
            return web.json_response({"ok": True, "result": user})
        fields = dict(await request.post())
        seen.append(fields)
        if fields["chat_id"] == "8":
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, status=400
            )
        message = {"message_id": 5, "date": 0, "chat": {"id": 7, "type": "private"}, "text": fields["text"]}
        return web.json_response({"ok": True, "result": message})

    runner, url = await _serve(api)
    try:
        async with Bot("1:test", base_url=f"{url}/bot", request=AiohttpRequest()) as bot:
            message = await bot.send_message(7, "你好 <b>ok</b>", parse_mode="HTML")
            with pytest.raises(BadRequest, match="Chat not found"):
                await bot.send_message(8, "你好")
    finally:
        await runner.cleanup()
    assert message.message_id == 5
    assert seen[0] == {"chat_id": "7", "text": "你好 <b>ok</b>", "parse_mode": "HTML"}


async def test_no_connection_is_never_sent():
    request = AiohttpRequest(connect_timeout=2)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{_closed_port()}/sendMessage")
    finally:
        await request.shutdown()
    assert never_sent(raised.value)


async def test_no_answer_after_sending_may_have_been_delivered():
    async def silent(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True, "result": True})

    runner, url = await _serve(silent)
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut) as raised:
            await request.post(f"{url}/sendMessage")
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert not never_sent(raised.value)
