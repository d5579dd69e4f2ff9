"""An async client for the sandbox's control interface, for tests, benchmarks and the terminal shell.

    async with SandboxClient(sandbox.url) as sb:
        await sb.send_text(42, "/start")
        [reply] = await sb.wait_for_messages(42, count=1)

Users are created on first use; a private chat's id is the user's id, groups have negative ids.
"""

from __future__ import annotations

import base64
import json as _json
from typing import Any

import aiohttp

from bot.sandbox.addresses import BotApiAddresses


class SandboxError(RuntimeError):
    """The sandbox refused a control request (a test's mistake, such as pressing a missing button)."""


class SandboxClient(BotApiAddresses):
    """Over aiohttp, as the bot's own requests are: a benchmark's driver sends hundreds of requests a second on
    the same two cores as the bot it measures, and httpx costs it ~1.2 ms of CPU a request, aiohttp ~0.35."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = timeout
        self._http: aiohttp.ClientSession | None = None  # made on first use, in the loop that uses it

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        return self._http

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict | None = None,
        params: dict | None = None,
        server_wait: float | None = None,
    ) -> Any:
        if params:
            params = {k: v for k, v in params.items() if v is not None}
        # A server-side wait must not be cut short by the client's own timeout.
        options = {} if server_wait is None else {"timeout": aiohttp.ClientTimeout(total=server_wait + 10)}
        url = f"{self.url}/_sandbox{path}"
        async with self._session().request(method, url, json=json, params=params, **options) as response:
            body = await response.text()
            if response.status >= 400:
                try:
                    detail = _json.loads(body).get("error", body)
                except (ValueError, AttributeError):
                    detail = body
                raise SandboxError(f"{method} {path}: {response.status} {detail}")
            return _json.loads(body)

    # -- the users' side ------------------------------------------------------------------------------------

    async def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        reply_to_message_id: int | None = None,
        title: str | None = None,
    ) -> dict:
        """The user writes ``text``; returns ``{update_id, message_id, chat_id}``."""
        return await self._call("POST", "/send_text", json=_drop_none(locals()))

    async def send_texts(self, messages: list[dict]) -> list[dict]:
        """Several users write at once: each item takes :meth:`send_text`'s arguments as keys."""
        return await self._call("POST", "/send_texts", json={"messages": messages})

    async def load(self, *, rate: float, count: int, first_user: int = 1, text: str = "/start") -> dict[int, float]:
        """Users first_user, first_user+1, ... write ``text`` at ``rate`` a second, ``count`` of them, played by the
        sandbox; returns when the last has written: each user's moment of writing (time.time())."""
        body = {"rate": rate, "count": count, "first_user": first_user, "text": text}
        result = await self._call("POST", "/load", json=body, server_wait=count / rate + 30)
        return {int(user): moment for user, moment in result["sent"].items()}

    async def forward(
        self,
        user_id: int,
        text: str,
        *,
        origin_type: str = "channel",
        origin_chat_id: int | None = None,
        origin_title: str | None = None,
        origin_username: str | None = None,
        origin_message_id: int | None = None,
        origin_user_id: int | None = None,
        origin_user_name: str | None = None,
        date: int | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict:
        """The user forwards a message (origin: channel, user or hidden_user) with ``text``."""
        return await self._call("POST", "/forward", json=_drop_none(locals()))

    async def send_document(
        self,
        user_id: int,
        file_name: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict:
        """The user uploads a file; returns ``{update_id, message_id, chat_id, file_id}``."""
        body = _drop_none(locals())
        body["data_base64"] = base64.b64encode(body.pop("data")).decode()
        return await self._call("POST", "/send_document", json=body)

    async def press(self, user_id: int, chat_id: int, message_id: int, callback_data: str) -> dict:
        """The user presses a button with ``callback_data`` under message ``message_id``."""
        return await self._call("POST", "/press", json=_drop_none(locals()))

    async def press_button(self, user_id: int, chat_id: int, button: str | int) -> dict:
        """Press a button by its text (exact, else a substring) or index on the bot's latest keyboard."""
        return await self._call("POST", "/press_button", json=_drop_none(locals()))

    async def inline_query(self, user_id: int, query: str) -> dict:
        """The user asks the bot inline (``@bot query``): an update without a chat."""
        return await self._call("POST", "/inline_query", json=_drop_none(locals()))

    async def upgrade_group(self, user_id: int, chat_id: int, new_chat_id: int) -> dict:
        """`user_id` upgrades the group `chat_id` to the supergroup `new_chat_id` (migrate_to/from_chat_id)."""
        return await self._call(
            "POST", "/upgrade_group", json={"user_id": user_id, "chat_id": chat_id, "new_chat_id": new_chat_id}
        )

    async def block(self, user_id: int) -> dict:
        """The user blocks the bot: sends to the chat answer 403 "bot was blocked by the user"."""
        return await self._call("POST", f"/users/{user_id}/block")

    async def unblock(self, user_id: int) -> dict:
        return await self._call("POST", f"/users/{user_id}/unblock")

    async def deactivate_user(self, user_id: int) -> dict:
        """The user deletes their account: sends answer 403 "user is deactivated"."""
        return await self._call("POST", f"/users/{user_id}/deactivate")

    async def set_chat(
        self,
        chat_id: int,
        type: str = "group",
        *,
        title: str | None = None,
        admins: list[int] | None = None,
        creator: int | None = None,
        members: list[int] | None = None,
        username: str | None = None,
        migrated_to: int | None = None,
    ) -> dict:
        """Create or change a group; ``migrated_to`` makes sends to it fail with migrate_to_chat_id."""
        return await self._call("POST", "/chats", json=_drop_none(locals()))

    # -- what the bot did -------------------------------------------------------------------------------------

    async def messages(self, chat_id: int, *, include_user: bool = False, after: int = 0) -> list[dict]:
        """Messages in the chat, oldest first: the bot's, and the users' too with ``include_user``."""
        params = {"include_user": int(include_user), "after": after}
        return await self._call("GET", f"/chats/{chat_id}/messages", params=params)

    # The timeout is the server's long-poll wait, sent along with the request, hence the noqa.
    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        after: int = 0,
        include_user: bool = False,
    ) -> list[dict]:
        """Wait until the chat has ``count`` bot messages with ids above ``after``; return them all.

        On timeout returns what there is, so a test's assertion shows what arrived.
        """
        params = {"count": count, "timeout": timeout, "after": after, "include_user": int(include_user)}
        return await self._call("GET", f"/chats/{chat_id}/wait", params=params, server_wait=timeout)

    async def calls(self, method: str | None = None, *, since: float | None = None) -> list[dict]:
        """The Bot API call log: ``{method, chat_id, time, status, description, duration}``."""
        return await self._call("GET", "/calls", params={"method": method, "since": since})

    async def wait_for_calls(
        self,
        method: str | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[dict]:
        """Wait until the log has ``count`` calls of ``method`` (any, if None); return them."""
        params = {"method": method, "count": count, "timeout": timeout}
        return await self._call("GET", "/calls/wait", params=params, server_wait=timeout)

    async def clear_calls(self) -> None:
        await self._call("DELETE", "/calls")

    async def callback_answers(self) -> list[dict]:
        """Every callback query so far with ``answered`` and the bot's ``answer``."""
        return await self._call("GET", "/callback_answers")

    async def chat_actions(self, chat_id: int | None = None) -> list[dict]:
        return await self._call("GET", "/chat_actions", params={"chat_id": chat_id})

    async def registered_commands(self) -> list[dict]:
        """What setMyCommands stored: ``[{scope, language_code, commands}]``."""
        return await self._call("GET", "/commands")

    async def pending_updates(self) -> dict:
        """Updates not yet confirmed by the bot, the next update id and the webhook, if any."""
        return await self._call("GET", "/updates")

    def file_url(self, file_id: str) -> str:
        return f"{self.url}/_sandbox/files/{file_id}"

    async def file_bytes(self, file_id: str) -> bytes:
        async with self._session().get(self.file_url(file_id)) as response:
            if response.status != 200:
                raise SandboxError(f"file {file_id}: {response.status}")
            return await response.read()

    # -- faults, limits, housekeeping -------------------------------------------------------------------------

    async def inject_fault(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        kind: str = "429",
        times: int | None = 1,
        retry_after: int = 5,
        delay: float = 30.0,
        description: str | None = None,
        migrate_to_chat_id: int | None = None,
        status: int = 502,
    ) -> dict:
        """Make the next ``times`` matching calls fail (``times=None``: until cleared).

        kind: "429" | "403" | "400" | "5xx" | "delay" | "timeout_after_accept" | "drop_connection" |
        "garbled_result".
        """
        body = locals()
        body.pop("self")
        return await self._call("POST", "/faults", json=body)

    async def faults(self) -> list[dict]:
        return await self._call("GET", "/faults")

    async def clear_faults(self) -> None:
        await self._call("DELETE", "/faults")

    async def set_limits(
        self,
        enabled: bool = True,
        per_chat_per_second: float | None = None,
        group_per_minute: int | None = None,
        global_per_second: int | None = None,
        burst: int | None = None,
    ) -> dict:
        """Enforce Telegram's flood limits (off by default); unset values keep their defaults (1/s, 20/min, 30/s)."""
        return await self._call("POST", "/limits", json=_drop_none(locals()))

    async def stats(self) -> dict:
        """``{limits, messages_sent, too_many_requests, per_chat: {chat: {sent, too_many_requests}}, ...}``."""
        return await self._call("GET", "/stats")

    async def reset(self) -> None:
        """Forget users, chats, messages, updates, faults, limits and the call log."""
        await self._call("POST", "/reset")

    async def health(self) -> bool:
        return (await self._call("GET", "/health"))["ok"]


def _drop_none(arguments: dict) -> dict:
    return {k: v for k, v in arguments.items() if k != "self" and v is not None}
