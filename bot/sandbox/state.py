"""What the sandbox remembers: users, chats, messages, files, pending updates, and how to show them.

Everything lives in memory and is rebuilt on ``reset()``. The ``*_api`` methods render objects in the JSON
shape of the Bot API documentation, which is what the bot sees; the ``*_view`` methods render them for tests
and the terminal shell, with sandbox-only details (the HTML as sent, edit history, a deleted flag).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

PRIVATE = "private"
GROUP_TYPES = ("group", "supergroup")

# Updates Telegram keeps for a bot that does not fetch them; the sandbox keeps them until confirmed.
UPDATE_TYPES = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member")


@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked_bot: bool = False  # the user pressed "Stop and block bot"
    deactivated: bool = False  # the account was deleted

    def api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    admins: set[int] = field(default_factory=set)
    creator: int | None = None
    members: set[int] = field(default_factory=set)
    # Set when a group was upgraded to a supergroup: every send to the old id then fails with
    # "group chat was upgraded to a supergroup chat" and parameters.migrate_to_chat_id.
    migrated_to: int | None = None
    next_message_id: int = 1

    def api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == PRIVATE:
            data["first_name"] = self.first_name or ""
        else:
            data["title"] = self.title or f"Group {self.id}"
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str
    url: str | None = None  # a document the bot sent by URL; the sandbox never fetches it

    def api(self) -> dict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class Message:
    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    sender_id: int
    kind: str = "text"  # text | photo | document
    text: str | None = None  # visible text (tags stripped, entities decoded)
    raw: str | None = None  # the text or caption exactly as sent, markup included
    parse_mode: str | None = None
    entities: list[dict] = field(default_factory=list)
    reply_markup: dict | None = None
    caption: str | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    forward_origin: dict | None = None
    edit_date: int | None = None
    history: list[dict] = field(default_factory=list)  # earlier versions, oldest first
    deleted: bool = False


@dataclass
class CallRecord:
    method: str
    chat_id: int | str | None
    time: float
    status: int = 200
    description: str | None = None
    duration: float = 0.0

    def view(self) -> dict:
        return {
            "method": self.method,
            "chat_id": self.chat_id,
            "time": self.time,
            "status": self.status,
            "description": self.description,
            "duration": round(self.duration, 6),
        }


def _new_file_id(prefix: str) -> tuple[str, str]:
    # Real file ids are long opaque strings; the prefix hints at the kind like Telegram's do (BQAC.. documents).
    return prefix + secrets.token_urlsafe(24), "AgAD" + secrets.token_urlsafe(8)


class SandboxState:
    """All of the sandbox's data. Not thread-safe: used only from the server's event loop."""

    def __init__(self, bot_username: str = "luoshi_sandbox_bot", call_log_size: int = 100_000) -> None:
        self.bot_username = bot_username
        self.bot_id: int = 1  # replaced by the token's numeric prefix on the first Bot API call
        self.call_log_size = call_log_size
        # Wakes long polls (getUpdates, wait_for_messages) whenever something changes.
        self.changed = asyncio.Condition()
        self.reset()

    def reset(self) -> None:
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, dict[int, Message]] = {}  # chat id -> message id -> message
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: deque[dict] = deque()  # not yet confirmed by an offset
        self.next_update_id = 1
        self.allowed_updates: list[str] | None = None
        self.callback_queries: dict[str, dict] = {}  # id -> {"answered": bool, "answer": {...}}
        self.commands: dict[tuple[str, str], list[dict]] = {}  # (scope json, language) -> commands
        self.webhook: dict | None = None
        self.chat_actions: list[dict] = []
        self.calls: deque[CallRecord] = deque(maxlen=self.call_log_size)
        # Calls per method (lower case) since the log was last cleared, so waiting for "N sendMessage calls"
        # does not rescan the whole log every time something changes.
        self.call_counts: Counter[str] = Counter()

    def log_call(self, record: CallRecord) -> None:
        self.calls.append(record)
        self.call_counts[record.method.lower()] += 1

    def clear_calls(self) -> None:
        self.calls.clear()
        self.call_counts.clear()

    # -- users and chats ---------------------------------------------------------------------------------

    def ensure_user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> User:
        user = self.users.get(user_id)
        if user is None:
            user = User(user_id, first_name or f"User {user_id}", username, language_code)
            self.users[user_id] = user
        else:
            # A user may rename themselves; later sends carry the new names (security tests rely on it).
            if first_name:
                user.first_name = first_name
            if username is not None:
                user.username = username or None
            if language_code:
                user.language_code = language_code
        return user

    def ensure_chat(self, chat_id: int, chat_type: str = PRIVATE, title: str | None = None) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_type == PRIVATE and chat_id < 0:
                chat_type = "group"  # negative ids are never private chats
            chat = Chat(chat_id, chat_type, title=title)
            if chat_type == PRIVATE:
                user = self.users.get(chat_id)
                chat.first_name = user.first_name if user else None
                chat.username = user.username if user else None
            self.chats[chat_id] = chat
            self.messages[chat_id] = {}
        elif title:
            chat.title = title
        return chat

    def find_chat(self, chat_ref: int | str) -> Chat | None:
        """Resolve a chat id or an ``@username`` the way the Bot API accepts ``chat_id``."""
        if isinstance(chat_ref, str) and chat_ref.startswith("@"):
            name = chat_ref[1:].lower()
            return next((c for c in self.chats.values() if (c.username or "").lower() == name), None)
        try:
            return self.chats.get(int(chat_ref))
        except (TypeError, ValueError):
            return None

    def bot_api_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Luoshi Sandbox",
            "username": self.bot_username,
        }

    # -- messages --------------------------------------------------------------------------------------

    def add_message(self, chat: Chat, *, from_bot: bool, sender_id: int, **fields: Any) -> Message:
        message = Message(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            date=int(time.time()),
            from_bot=from_bot,
            sender_id=sender_id,
            **fields,
        )
        chat.next_message_id += 1
        self.messages[chat.id][message.message_id] = message
        return message

    def get_message(self, chat_id: int, message_id: int) -> Message | None:
        message = self.messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def message_api(self, message: Message, *, with_reply: bool = True) -> dict:
        """The message as the Bot API would show it to the bot."""
        chat = self.chats[message.chat_id]
        if message.from_bot:
            sender = self.bot_api_user()
        else:
            sender = self.users[message.sender_id].api()
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": sender,
            "chat": chat.api(),
            "date": message.date,
        }
        if message.edit_date:
            data["edit_date"] = message.edit_date
        if message.forward_origin:
            data["forward_origin"] = message.forward_origin
        if message.kind == "text":
            data["text"] = message.text or ""
            if message.entities:
                data["entities"] = message.entities
        else:
            stored = self.files.get(message.file_id or "")
            if stored is not None:
                if message.kind == "document":
                    document = {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "file_size": len(stored.data),
                    }
                    if stored.file_name:
                        document["file_name"] = stored.file_name
                    if stored.mime_type:
                        document["mime_type"] = stored.mime_type
                    data["document"] = document
                else:
                    # The sandbox does not decode images; one size with nominal dimensions is enough for bots.
                    data["photo"] = [
                        {
                            "file_id": stored.file_id,
                            "file_unique_id": stored.file_unique_id,
                            "file_size": len(stored.data),
                            "width": 320,
                            "height": 320,
                        }
                    ]
            if message.caption:
                data["caption"] = message.caption
                if message.entities:
                    data["caption_entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if with_reply and message.reply_to_message_id:
            replied = self.messages[message.chat_id].get(message.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = self.message_api(replied, with_reply=False)
        return data

    def message_view(self, message: Message) -> dict:
        """The message as tests and the shell read it."""
        view: dict[str, Any] = {
            "message_id": message.message_id,
            "chat_id": message.chat_id,
            "date": message.date,
            "from_bot": message.from_bot,
            "sender_id": message.sender_id,
            "kind": message.kind,
            "text": message.text if message.kind == "text" else message.caption,
            "html": message.raw,
            "parse_mode": message.parse_mode,
            "entities": message.entities,
            "reply_markup": message.reply_markup,
            "caption": message.caption,
            "reply_to_message_id": message.reply_to_message_id,
            "edited": message.edit_date is not None,
            "history": message.history,
            "deleted": message.deleted,
        }
        if message.forward_origin:
            view["forward_origin"] = message.forward_origin
        stored = self.files.get(message.file_id or "")
        if stored is not None:
            view["file"] = {
                "file_id": stored.file_id,
                "file_name": stored.file_name,
                "mime_type": stored.mime_type,
                "file_size": len(stored.data),
                "url": f"/_sandbox/files/{stored.file_id}",
                "source_url": stored.url,
            }
        return view

    # -- files -----------------------------------------------------------------------------------------

    def add_file(
        self, data: bytes, *, kind: str, file_name: str | None, mime_type: str | None, url: str | None = None
    ) -> StoredFile:
        prefix = "BQAC" if kind == "document" else "AgAC"
        file_id, unique_id = _new_file_id(prefix)
        folder = "documents" if kind == "document" else "photos"
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photo":
            extension = ".jpg"
        path = f"{folder}/file_{len(self.files)}{extension}"
        stored = StoredFile(file_id, unique_id, data, file_name, mime_type, path, url)
        self.files[file_id] = stored
        self.files_by_path[path] = stored
        return stored

    # -- updates ---------------------------------------------------------------------------------------

    def push_update(self, kind: str, payload: dict) -> dict:
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        return update

    def confirm_updates(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset`` updates."""
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
            return
        while self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()

    def pending_updates(self, limit: int) -> list[dict]:
        allowed = self.allowed_updates
        result = []
        for update in self.updates:
            if allowed and not any(kind in update for kind in allowed):
                continue
            result.append(update)
            if len(result) >= limit:
                break
        return result

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()
