"""The control interface under ``/_sandbox/``: play the users, read what the bot did, inject faults.

JSON in, JSON out. Errors answer 400 (or 404) with ``{"error": "..."}``. :class:`bot.sandbox.client.SandboxClient`
wraps every route; the table in :func:`add_control_routes` is the full list.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox import actions
from bot.sandbox.faults import FaultRule

if TYPE_CHECKING:
    from bot.sandbox.server import Sandbox

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _reply(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


async def _body(request: web.Request) -> dict:
    if not request.body_exists:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("the request body must be a JSON object")
    return body


def _int(request: web.Request, name: str, default: int | None = None) -> int | None:
    value = request.match_info.get(name) or request.query.get(name)
    return default if value in (None, "") else int(value)


def _float(request: web.Request, name: str, default: float) -> float:
    value = request.query.get(name)
    return default if value in (None, "") else float(value)


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("1", "true", "yes")


async def _wait_until(sandbox: Sandbox, ready: Callable[[], bool], seconds: float) -> bool:
    """Wait (without polling) until ``ready()`` holds or ``seconds`` pass; return whether it holds."""
    state = sandbox.state
    if ready():
        return True
    try:
        async with state.changed:
            await asyncio.wait_for(state.changed.wait_for(ready), seconds)
    except TimeoutError:
        return ready()
    return True


def add_control_routes(app: web.Application, sandbox: Sandbox) -> None:
    state = sandbox.state

    def guarded(handler: Handler) -> Handler:
        # Turn a test's mistake into a readable 400 instead of a 500 with a traceback in the server log.
        async def wrapper(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except (actions.ActionError, ValueError, TypeError, KeyError, binascii.Error) as err:
                return _reply({"error": f"{type(err).__name__}: {err}"}, status=400)

        return wrapper

    async def after_user_action(result: dict | list) -> web.Response:
        await state.notify()  # wakes a waiting getUpdates
        return _reply(result)

    # -- users ---------------------------------------------------------------------------------------------

    async def send_text(request: web.Request) -> web.Response:
        return await after_user_action(actions.send_text(state, **await _body(request)))

    async def send_texts(request: web.Request) -> web.Response:
        # Many users' messages in one request: load tests need the driver to cost far less than the bot.
        body = await _body(request)
        return await after_user_action([actions.send_text(state, **item) for item in body["messages"]])

    async def load(request: web.Request) -> web.Response:
        """Users first_user, first_user+1, ... each write `text` once, `rate` a second, `count` in all, played by
        the sandbox itself; answers when the last has written, with the moment (time.time(), the call log's clock)
        each one's update became available. A load test's driver in a process of its own cost as much CPU per
        update as the bot's own receiver, on the cores the bot under test needs."""
        body = await _body(request)
        rate, count = float(body["rate"]), int(body["count"])
        first_user, text = int(body.get("first_user", 1)), str(body.get("text", "/start"))
        if not 0 < rate <= 100_000 or not 0 < count <= 1_000_000:
            raise ValueError("rate must be in (0, 100000] and count in (0, 1000000]")
        loop = asyncio.get_running_loop()
        sent: dict[int, float] = {}
        started, done = loop.time(), 0
        while done < count:
            # Every user due by now writes at once (a late wake-up sends the ones it missed), stamped now.
            due = min(count, int((loop.time() - started) * rate) + 1)
            if due > done:
                now = time.time()
                for user in range(first_user + done, first_user + due):
                    actions.send_text(state, user_id=user, text=text, first_name="U")
                    sent[user] = now
                await state.notify()
                done = due
            await asyncio.sleep(max(0.0, started + done / rate - loop.time()))
        return _reply({"sent": sent})

    async def forward(request: web.Request) -> web.Response:
        return await after_user_action(actions.forward(state, **await _body(request)))

    async def send_document(request: web.Request) -> web.Response:
        body = await _body(request)
        body["data"] = base64.b64decode(body.pop("data_base64"))
        return await after_user_action(actions.send_document(state, **body))

    async def press(request: web.Request) -> web.Response:
        return await after_user_action(actions.press(state, **await _body(request)))

    async def press_button(request: web.Request) -> web.Response:
        return await after_user_action(actions.press_button(state, **await _body(request)))

    async def inline_query(request: web.Request) -> web.Response:
        return await after_user_action(actions.inline_query(state, **await _body(request)))

    async def upgrade_group(request: web.Request) -> web.Response:
        return await after_user_action(actions.upgrade_group(state, **await _body(request)))

    async def set_user_flag(request: web.Request) -> web.Response:
        user = state.ensure_user(_int(request, "user_id"))  # type: ignore[arg-type]
        action = request.match_info["action"]
        if action == "deactivate":
            user.deactivated = True
        elif action == "block":
            user.blocked_bot = True
        elif action == "unblock":
            user.blocked_bot = False
        else:
            return _reply({"error": f"unknown user action {action!r}"}, status=404)
        state.ensure_chat(user.id)
        return _reply({"user_id": user.id, "blocked": user.blocked_bot, "deactivated": user.deactivated})

    # -- chats and what the bot sent -----------------------------------------------------------------------

    async def set_chat(request: web.Request) -> web.Response:
        body = await _body(request)
        chat_id = int(body["chat_id"])
        chat = state.ensure_chat(chat_id, body.get("type", "group"), body.get("title"))
        if "type" in body:
            chat.type = body["type"]
        for name in ("username", "creator", "migrated_to"):
            if name in body:
                setattr(chat, name, body[name])
        if "admins" in body:
            chat.admins = {int(a) for a in body["admins"]}
        for user_id in [*chat.admins, *body.get("members", []), *([chat.creator] if chat.creator else [])]:
            state.ensure_user(int(user_id))
            chat.members.add(int(user_id))
        return _reply({**chat.api(), "admins": sorted(chat.admins), "migrated_to": chat.migrated_to})

    def bot_messages(chat_id: int, include_user: bool, after: int) -> list[dict]:
        return [
            state.message_view(m)
            for m in state.messages.get(chat_id, {}).values()
            if (include_user or m.from_bot) and m.message_id > after
        ]

    async def messages(request: web.Request) -> web.Response:
        chat_id = _int(request, "chat_id")
        return _reply(bot_messages(chat_id, _flag(request, "include_user"), _int(request, "after", 0)))  # type: ignore[arg-type]

    async def wait_messages(request: web.Request) -> web.Response:
        chat_id = _int(request, "chat_id")
        count = _int(request, "count", 1) or 1
        after = _int(request, "after", 0) or 0
        include_user = _flag(request, "include_user")

        def ready() -> bool:
            chat = state.messages.get(chat_id, {})  # type: ignore[arg-type]
            return sum(1 for m in chat.values() if (include_user or m.from_bot) and m.message_id > after) >= count

        await _wait_until(sandbox, ready, _float(request, "timeout", 5.0))
        return _reply(bot_messages(chat_id, include_user, after))  # type: ignore[arg-type]

    async def chat_actions(request: web.Request) -> web.Response:
        chat_id = _int(request, "chat_id")
        return _reply([a for a in state.chat_actions if chat_id is None or a["chat_id"] == chat_id])

    async def file_bytes(request: web.Request) -> web.StreamResponse:
        stored = state.files.get(request.match_info["file_id"])
        if stored is None:
            return _reply({"error": "no such file"}, status=404)
        headers = {"X-File-Name": stored.file_name or ""} if (stored.file_name or "").isascii() else {}
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream", headers=headers
        )

    async def callback_answers(request: web.Request) -> web.Response:
        return _reply(list(state.callback_queries.values()))

    async def commands(request: web.Request) -> web.Response:
        return _reply(
            [
                {"scope": json.loads(scope), "language_code": language, "commands": cmds}
                for (scope, language), cmds in state.commands.items()
            ]
        )

    def webhook_view() -> dict | None:
        if state.webhook is None:
            return None
        view = {k: v for k, v in state.webhook.items() if k != "secret_token"}
        view["has_secret_token"] = bool(state.webhook.get("secret_token"))
        return {**view, "delivered": sandbox.webhook.delivered, "dropped": sandbox.webhook.dropped}

    async def updates(request: web.Request) -> web.Response:
        return _reply(
            {"pending": list(state.updates), "next_update_id": state.next_update_id, "webhook": webhook_view()}
        )

    # -- the call log ----------------------------------------------------------------------------------------

    def matching_calls(request: web.Request) -> list[dict]:
        method = (request.query.get("method") or "").lower()
        since = _float(request, "since", 0.0)
        return [c.view() for c in state.calls if (not method or c.method.lower() == method) and c.time >= since]

    async def calls(request: web.Request) -> web.Response:
        return _reply(matching_calls(request))

    async def wait_calls(request: web.Request) -> web.Response:
        count = _int(request, "count", 1) or 1
        method = (request.query.get("method") or "").lower()

        def ready() -> bool:
            # Counted, not scanned: this runs after every Bot API call while a benchmark waits.
            seen = state.call_counts[method] if method else sum(state.call_counts.values())
            return seen >= count

        await _wait_until(sandbox, ready, _float(request, "timeout", 5.0))
        return _reply(matching_calls(request))

    async def clear_calls(request: web.Request) -> web.Response:
        state.clear_calls()
        return _reply({"cleared": True})

    # -- faults and limits -----------------------------------------------------------------------------------

    async def add_fault(request: web.Request) -> web.Response:
        rule = sandbox.faults.add(FaultRule(**await _body(request)))
        return _reply(rule.view())

    async def list_faults(request: web.Request) -> web.Response:
        return _reply([rule.view() for rule in sandbox.faults.rules])

    async def clear_faults(request: web.Request) -> web.Response:
        sandbox.faults.clear()
        return _reply({"cleared": True})

    async def set_limits(request: web.Request) -> web.Response:
        return _reply(sandbox.limits.configure(**await _body(request)).view())

    async def stats(request: web.Request) -> web.Response:
        return _reply({**sandbox.limits.stats(), "calls": len(state.calls), "pending_updates": len(state.updates)})

    async def reset(request: web.Request) -> web.Response:
        sandbox.reset()
        await state.notify()
        return _reply({"reset": True})

    async def health(request: web.Request) -> web.Response:
        return _reply({"ok": True})

    routes: list[tuple[str, str, Handler]] = [
        ("GET", "/_sandbox/health", health),
        ("POST", "/_sandbox/reset", reset),
        ("POST", "/_sandbox/send_text", send_text),
        ("POST", "/_sandbox/send_texts", send_texts),
        ("POST", "/_sandbox/load", load),
        ("POST", "/_sandbox/forward", forward),
        ("POST", "/_sandbox/send_document", send_document),
        ("POST", "/_sandbox/press", press),
        ("POST", "/_sandbox/press_button", press_button),
        ("POST", "/_sandbox/inline_query", inline_query),
        ("POST", "/_sandbox/upgrade_group", upgrade_group),
        ("POST", "/_sandbox/users/{user_id}/{action}", set_user_flag),
        ("POST", "/_sandbox/chats", set_chat),
        ("GET", "/_sandbox/chats/{chat_id}/messages", messages),
        ("GET", "/_sandbox/chats/{chat_id}/wait", wait_messages),
        ("GET", "/_sandbox/chat_actions", chat_actions),
        ("GET", "/_sandbox/files/{file_id}", file_bytes),
        ("GET", "/_sandbox/callback_answers", callback_answers),
        ("GET", "/_sandbox/commands", commands),
        ("GET", "/_sandbox/updates", updates),
        ("GET", "/_sandbox/calls", calls),
        ("GET", "/_sandbox/calls/wait", wait_calls),
        ("DELETE", "/_sandbox/calls", clear_calls),
        ("POST", "/_sandbox/faults", add_fault),
        ("GET", "/_sandbox/faults", list_faults),
        ("DELETE", "/_sandbox/faults", clear_faults),
        ("POST", "/_sandbox/limits", set_limits),
        ("GET", "/_sandbox/stats", stats),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, guarded(handler))
