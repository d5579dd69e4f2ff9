"""Webhook delivery: while a webhook is set, pending updates are POSTed to it one at a time, in order.

As Telegram does, an update is forgotten once the webhook answers 2XX; otherwise delivery is retried a few times
with a growing pause and then the update is dropped, and the failure shows in getWebhookInfo
(``last_error_date``, ``last_error_message``). The secret token, if set, goes in the
``X-Telegram-Bot-Api-Secret-Token`` header.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

import aiohttp

from bot.sandbox.state import SandboxState

log = logging.getLogger(__name__)

ATTEMPTS = 5
FIRST_PAUSE = 0.2  # seconds; doubles after each failed attempt
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookPusher:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._task: asyncio.Task | None = None
        self.delivered = 0
        self.dropped = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _has_work(self) -> bool:
        return self.state.webhook is not None and bool(self.state.updates)

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                async with self.state.changed:
                    await self.state.changed.wait_for(self._has_work)
                await self._deliver_first(session)

    async def _deliver_first(self, session: aiohttp.ClientSession) -> None:
        webhook = self.state.webhook
        update = self.state.updates[0]
        headers = {"Content-Type": "application/json"}
        if webhook.get("secret_token"):
            headers[SECRET_HEADER] = webhook["secret_token"]
        body = json.dumps(update, ensure_ascii=False).encode()
        pause = FIRST_PAUSE
        for _ in range(ATTEMPTS):
            error = await self._post(session, webhook["url"], body, headers)
            if self.state.webhook is not webhook or not self.state.updates or self.state.updates[0] is not update:
                return  # the webhook was changed, or the queue dropped, while we waited
            if error is None:
                self.state.updates.popleft()
                self.delivered += 1
                return
            webhook["last_error_date"] = int(time.time())
            webhook["last_error_message"] = error
            await asyncio.sleep(pause)
            pause *= 2
        log.warning("webhook: dropping update %s after %d failed attempts", update["update_id"], ATTEMPTS)
        self.state.updates.popleft()
        self.dropped += 1

    async def _post(self, session: aiohttp.ClientSession, url: str, body: bytes, headers: dict) -> str | None:
        """POST one update; return None on 2XX, else a description like Telegram's last_error_message."""
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if 200 <= response.status <= 299:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as err:
            return f"Connection failed: {type(err).__name__}"
