"""A reader in a chat with the bot, for the browsing, following and journalist tests: say something or press a
button, wait until the bot has finished with it, and look at what the chat shows."""

from __future__ import annotations

import asyncio

from telegram.ext import Application

from bot.demo import load_demo_into

ADA = 1001  # Chinese
BOB = 2002  # English
IC = 3  # the demo set's integrated-circuit commitment (集成电路产业链群规模)
PLAN = 1  # Jinan's three-year plan
SOON = 7  # due in five days
LATE = 8  # overdue
GDP = 5  # a national target, achieved


class Reader:
    def __init__(
        self,
        application: Application,
        client,
        user: int = ADA,
        *,
        language: str = "zh-hans",
        chat_id: int | None = None,
        title: str | None = None,
    ) -> None:
        self.client, self.user, self.language = client, user, language
        self.chat_id, self.title = chat_id, title
        self._done: dict[int, asyncio.Event] = {}
        application.update_processor.on_processed.append(self._processed)

    @property
    def chat(self) -> int:
        return self.chat_id if self.chat_id is not None else self.user

    def _processed(self, update) -> None:
        self._done.setdefault(update.update_id, asyncio.Event()).set()

    async def _handled(self, result: dict) -> None:
        event = self._done.setdefault(result["update_id"], asyncio.Event())
        await asyncio.wait_for(event.wait(), 15)

    async def messages(self) -> list[dict]:
        return await self.client.messages(self.chat)

    async def say(self, text: str) -> list[dict]:
        """Send `text`; return the bot's new messages (at least one is expected)."""
        before = await self.messages()
        last = before[-1]["message_id"] if before else 0
        result = await self.client.send_text(
            self.user,
            text,
            chat_id=self.chat_id,
            chat_type="group" if self.chat_id is not None else "private",
            first_name=f"U{self.user}",
            language_code=self.language,
            title=self.title,
        )
        await self._handled(result)
        new = [m for m in await self.messages() if m["message_id"] > last]
        assert new, f"no answer to {text!r}"
        return new

    async def text(self, text: str) -> str:
        """Send `text`; the text of the bot's last answer (a caption for files)."""
        message = (await self.say(text))[-1]
        return message.get("text") or message.get("caption") or ""

    async def press(self, label: str | int) -> dict:
        """Press a button (by its text, or a part of it) on the bot's latest keyboard; returns the callback answer."""
        result = await self.client.press_button(self.user, self.chat, label)
        await self._handled(result)
        answers = await self.client.callback_answers()
        return next(a for a in answers if a["id"] == result["callback_query_id"])

    async def latest(self) -> dict:
        return (await self.messages())[-1]

    async def keyboard(self, message: dict | None = None) -> list[str]:
        message = message or await self.latest()
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        return [button["text"] for row in rows for button in row]

    async def callback_data(self) -> list[str]:
        for message in reversed(await self.messages()):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            if rows:
                return [button["callback_data"] for row in rows for button in row if "callback_data" in button]
        return []


async def with_demo(application: Application) -> Application:
    await load_demo_into(application)
    return application
