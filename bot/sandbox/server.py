"""The sandbox: a local Bot API server for tests, benchmarks and the terminal shell.

The real python-telegram-bot ``Bot`` talks to it through ``base_url``; nothing of PTB is patched::

    sandbox = Sandbox()
    await sandbox.start()          # 127.0.0.1, a free port
    bot = Bot(token, base_url=sandbox.bot_api_base, base_file_url=sandbox.bot_file_base)
    ...
    await sandbox.stop()

Routes: ``/bot{token}/{method}`` (the Bot API), ``/file/bot{token}/{path}`` (file downloads) and
``/_sandbox/...`` (the control interface, see :mod:`bot.sandbox.control`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import time
from collections.abc import Collection

from aiohttp import web

from bot.sandbox.addresses import BotApiAddresses
from bot.sandbox.botapi import ApiError, BotApi, Params, Upload
from bot.sandbox.control import add_control_routes
from bot.sandbox.faults import ERROR_KINDS, GARBLED, FaultBook
from bot.sandbox.limits import RateLimiter
from bot.sandbox.state import CallRecord, SandboxState
from bot.sandbox.webhook import WebhookPusher

TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
MAX_BODY = 50 * 1024 * 1024  # Telegram's upload limit for bots
_dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def api_ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def api_error(status: int, description: str, parameters: dict | None = None) -> web.Response:
    body: dict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status, dumps=_dumps)


async def read_params(request: web.Request) -> Params:
    """Collect parameters from the query string and a JSON, form-urlencoded or multipart body.

    PTB's HTTPXRequest posts form-urlencoded data, or multipart when a file is attached, with nested objects
    (reply_markup, commands) as JSON strings; other clients post JSON. All three are accepted, as Telegram does.
    """
    values: dict = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                values.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(value.filename, value.content_type, value.file.read())
                else:
                    values[name] = value
    return Params(values, uploads)


class Sandbox(BotApiAddresses):
    def __init__(self, *, bot_username: str = "luoshi_sandbox_bot", tokens: Collection[str] = ()) -> None:
        """``tokens``: if given, only these tokens are accepted (others get 401 as a revoked token would)."""
        self.state = SandboxState(bot_username)
        self.api = BotApi(self.state)
        self.faults = FaultBook()
        self.limits = RateLimiter()
        self.tokens = set(tokens)
        self.webhook = WebhookPusher(self.state)
        self.host = "127.0.0.1"
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self.app = self._build_app()

    # -- lifecycle ---------------------------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", r"/bot{token}/{method}", self._handle_bot_api)
        app.router.add_get(r"/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        # access_log=None: aiohttp's access log would print every URL, and Bot API URLs contain the token.
        # A short shutdown_timeout: held answers and long polls are cut off instead of delaying stop().
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.webhook.start()

    async def stop(self) -> None:
        self._stopping.set()
        await self.webhook.stop()
        await self.state.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the sandbox has not been started")
        return f"http://{self.host}:{self.port}"

    def reset(self) -> None:
        """Forget everything: users, chats, messages, updates, faults, limits and the call log."""
        self.state.reset()
        self.faults.clear()
        self.limits.reset()

    async def hold(self, seconds: float) -> None:
        """Sleep, but wake at once when the sandbox stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # -- Bot API -----------------------------------------------------------------------------------------

    def _check_token(self, token: str) -> web.Response | None:
        # Telegram answers a malformed token with 404 and a well-formed but unknown one with 401.
        if not TOKEN_RE.fullmatch(token):
            return api_error(404, "Not Found")
        if self.tokens and token not in self.tokens:
            return api_error(401, "Unauthorized")
        self.state.bot_id = int(token.split(":", 1)[0])
        return None

    async def _handle_bot_api(self, request: web.Request) -> web.StreamResponse:
        refused = self._check_token(request.match_info["token"])
        if refused is not None:
            return refused
        method = request.match_info["method"]
        try:
            params = await read_params(request)
        except (ValueError, json.JSONDecodeError):
            return api_error(400, "Bad Request: can't parse request body")
        chat_ref = params.get("chat_id")
        if isinstance(chat_ref, str) and chat_ref.lstrip("-").isdigit():
            chat_ref = int(chat_ref)  # form bodies carry numbers as strings; the log shows them as ids
        record = CallRecord(method, chat_ref, time.time())
        self.state.log_call(record)
        started = time.monotonic()
        try:
            return await self._answer(request, method, params, record)
        finally:
            record.duration = time.monotonic() - started
            await self.state.notify()

    async def _answer(
        self, request: web.Request, method: str, params: Params, record: CallRecord
    ) -> web.StreamResponse:
        handler = self.api.methods.get(method.lower())
        fault = self.faults.take(method, params.get("chat_id")) if handler else None
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            if fault is not None and fault.kind in ERROR_KINDS:
                raise ApiError(*fault.error())
            if fault is not None and fault.kind == "drop_connection":
                record.status, record.description = 0, "connection dropped (fault)"
                # Closing the transport makes the client see the connection reset with no answer at all.
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)
            if fault is not None and fault.kind == "delay":
                await self.hold(fault.delay)
            chat = self.state.find_chat(params.get("chat_id")) if params.get("chat_id") is not None else None
            if chat is not None:
                retry_after = self.limits.check(method, chat.id)
                if retry_after is not None:
                    raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
            result = await handler(params)
            if chat is not None:
                self.limits.record(method, chat.id)
        except ApiError as err:
            record.status, record.description = err.status, err.description
            return api_error(err.status, err.description, err.parameters)
        if fault is not None and fault.kind == "timeout_after_accept":
            # The call took effect (the message is stored and visible) but its answer is held back until the
            # client gives up: "Telegram accepted it, the bot never heard back".
            record.description = "accepted; answer held back (fault)"
            await self.state.notify()
            await self.hold(fault.delay)
        if fault is not None and fault.kind == GARBLED:
            record.description = "accepted; answered with an unreadable result (fault)"
            return api_ok(True)
        return api_ok(result)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        refused = self._check_token(request.match_info["token"])
        if refused is not None:
            return refused
        stored = self.state.files_by_path.get(request.match_info["path"])
        if stored is None:
            return api_error(404, "Not Found")
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
