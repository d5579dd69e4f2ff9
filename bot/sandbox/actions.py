"""What a simulated user can do: write, forward, upload a file, press an inline button, ask inline.

Each action stores the user's message (or callback query) and queues the update Telegram would deliver to the
bot. Errors a test made (an unknown message, a button that is not there) raise :class:`ActionError`.
"""

from __future__ import annotations

import re
import time
import zlib

from bot.sandbox.botapi import new_callback_query_id
from bot.sandbox.state import PRIVATE, Message, SandboxState

# "/command" or "/command@botname" at the start of a message, as Telegram marks it with a bot_command entity.
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class ActionError(ValueError):
    """The action makes no sense in the sandbox's current state (e.g. pressing a button that is not there)."""


def command_entities(text: str) -> list[dict]:
    match = _COMMAND_RE.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(match.group(0))}]


def _prepare(
    state: SandboxState,
    user_id: int,
    chat_id: int | None,
    chat_type: str,
    first_name: str | None,
    username: str | None,
    language_code: str | None,
    title: str | None = None,
):
    user = state.ensure_user(user_id, first_name, username, language_code)
    chat_id = user_id if chat_id is None else chat_id
    chat = state.ensure_chat(chat_id, chat_type if chat_id != user_id else PRIVATE, title)
    if chat.type != PRIVATE:
        chat.members.add(user_id)
    return user, chat


def _deliver(state: SandboxState, message: Message) -> dict:
    update = state.push_update("message", state.message_api(message))
    return {"update_id": update["update_id"], "message_id": message.message_id, "chat_id": message.chat_id}


def _check_reply(state: SandboxState, chat_id: int, reply_to_message_id: int | None) -> None:
    if reply_to_message_id is not None and state.get_message(chat_id, reply_to_message_id) is None:
        raise ActionError(f"message {reply_to_message_id} not found in chat {chat_id}")


def send_text(
    state: SandboxState,
    user_id: int,
    text: str,
    *,
    chat_id: int | None = None,
    chat_type: str = PRIVATE,
    first_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "zh-hans",
    reply_to_message_id: int | None = None,
    title: str | None = None,
) -> dict:
    if not text:
        raise ActionError("text must not be empty")
    user, chat = _prepare(state, user_id, chat_id, chat_type, first_name, username, language_code, title)
    _check_reply(state, chat.id, reply_to_message_id)
    message = state.add_message(
        chat,
        from_bot=False,
        sender_id=user.id,
        text=text,
        raw=text,
        entities=command_entities(text),
        reply_to_message_id=reply_to_message_id,
    )
    return _deliver(state, message)


def forward(
    state: SandboxState,
    user_id: int,
    text: str,
    *,
    origin_type: str = "channel",
    origin_chat_id: int = -1001000000001,
    origin_title: str = "Channel",
    origin_username: str | None = None,
    origin_message_id: int = 1,
    origin_user_id: int | None = None,
    origin_user_name: str | None = None,
    date: int | None = None,
    chat_id: int | None = None,
    chat_type: str = PRIVATE,
    first_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "zh-hans",
) -> dict:
    """The user forwards a message from a channel, a user, or a user who hides their account."""
    date = int(time.time()) - 3600 if date is None else date
    if origin_type == "channel":
        channel = {"id": origin_chat_id, "type": "channel", "title": origin_title}
        if origin_username:
            channel["username"] = origin_username
        origin = {"type": "channel", "date": date, "chat": channel, "message_id": origin_message_id}
    elif origin_type == "user":
        sender = state.ensure_user(origin_user_id or user_id + 1, origin_user_name)
        origin = {"type": "user", "date": date, "sender_user": sender.api()}
    elif origin_type == "hidden_user":
        origin = {"type": "hidden_user", "date": date, "sender_user_name": origin_user_name or "Hidden"}
    else:
        raise ActionError(f"unknown origin_type {origin_type!r}: channel, user or hidden_user")
    user, chat = _prepare(state, user_id, chat_id, chat_type, first_name, username, language_code)
    message = state.add_message(chat, from_bot=False, sender_id=user.id, text=text, raw=text, forward_origin=origin)
    return _deliver(state, message)


def send_document(
    state: SandboxState,
    user_id: int,
    file_name: str,
    data: bytes,
    *,
    mime_type: str | None = None,
    caption: str | None = None,
    chat_id: int | None = None,
    chat_type: str = PRIVATE,
    first_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "zh-hans",
) -> dict:
    """The user uploads a file; the bot can fetch it with getFile and the file URL."""
    user, chat = _prepare(state, user_id, chat_id, chat_type, first_name, username, language_code)
    stored = state.add_file(data, kind="document", file_name=file_name, mime_type=mime_type)
    message = state.add_message(
        chat,
        from_bot=False,
        sender_id=user.id,
        kind="document",
        caption=caption or None,
        raw=caption or None,
        file_id=stored.file_id,
    )
    result = _deliver(state, message)
    result["file_id"] = stored.file_id
    return result


def press(state: SandboxState, user_id: int, chat_id: int, message_id: int, callback_data: str) -> dict:
    """The user presses an inline button carrying ``callback_data`` under the bot's message."""
    message = state.get_message(chat_id, message_id)
    if message is None:
        raise ActionError(f"message {message_id} not found in chat {chat_id}")
    if not message.from_bot:
        raise ActionError("only the bot's messages have inline buttons")
    user = state.ensure_user(user_id)
    query_id = new_callback_query_id()
    state.callback_queries[query_id] = {
        "id": query_id,
        "user_id": user_id,
        "chat_id": chat_id,
        "message_id": message_id,
        "data": callback_data,
        "answered": False,
        "answer": None,
    }
    query = {
        "id": query_id,
        "from": user.api(),
        "message": state.message_api(message),
        # Telegram gives a stable opaque id per chat; a checksum of the chat id is stable enough.
        "chat_instance": str(zlib.crc32(str(chat_id).encode()) * 1_000_003),
        "data": callback_data,
    }
    update = state.push_update("callback_query", query)
    return {
        "update_id": update["update_id"],
        "callback_query_id": query_id,
        "message_id": message_id,
        "callback_data": callback_data,
    }


def inline_query(state: SandboxState, user_id: int, query: str) -> dict:
    """The user types ``@bot query`` in any chat: an update that belongs to no chat."""
    user = state.ensure_user(user_id)
    query_id = new_callback_query_id()
    update = state.push_update("inline_query", {"id": query_id, "from": user.api(), "query": query, "offset": ""})
    return {"update_id": update["update_id"], "inline_query_id": query_id}


def press_button(state: SandboxState, user_id: int, chat_id: int, button: str | int) -> dict:
    """Press a button, by its text or its index (row by row), on the bot's latest message that has buttons."""
    for message in reversed(list(state.messages.get(chat_id, {}).values())):
        if message.deleted or not message.from_bot:
            continue
        rows = (message.reply_markup or {}).get("inline_keyboard")
        if not rows:
            continue
        buttons = [b for row in rows for b in row]
        if isinstance(button, int):
            if not 0 <= button < len(buttons):
                raise ActionError(f"button index {button} out of range: {len(buttons)} buttons")
            chosen = buttons[button]
        else:
            chosen = next((b for b in buttons if b.get("text") == button), None)
            chosen = chosen or next((b for b in buttons if button in b.get("text", "")), None)
            if chosen is None:
                texts = ", ".join(repr(b.get("text")) for b in buttons)
                raise ActionError(f"no button {button!r} on message {message.message_id}; buttons: {texts}")
        if "callback_data" not in chosen:
            raise ActionError(f"button {chosen.get('text')!r} has no callback_data")
        return press(state, user_id, chat_id, message.message_id, chosen["callback_data"])
    raise ActionError(f"no message with inline buttons in chat {chat_id}")


def upgrade_group(state: SandboxState, user_id: int, chat_id: int, new_chat_id: int) -> dict:
    """The user upgrades a group to a supergroup, as Telegram does it: the supergroup gets a new id, sends to the old
    one fail from now on, and the bot hears of it twice, in this order: a service message in the old group
    (migrate_to_chat_id) and one in the new supergroup (migrate_from_chat_id)."""
    if not -(2**63) <= new_chat_id < 0:
        raise ActionError("a supergroup's id is a negative 64-bit integer")
    old = state.chats.get(chat_id)
    if old is None:
        raise ActionError(f"chat {chat_id} is not one the sandbox knows")
    if old.type != "group":
        raise ActionError(f"chat {chat_id} is a {old.type} chat; only a group can be upgraded")
    if old.migrated_to is not None:
        raise ActionError(f"group {chat_id} was already upgraded to {old.migrated_to}")
    if new_chat_id in state.chats:
        raise ActionError(f"chat {new_chat_id} exists already")
    user = state.ensure_user(user_id)
    new = state.ensure_chat(new_chat_id, "supergroup", old.title)
    new.admins, new.creator, new.members = set(old.admins), old.creator, {*old.members, user_id}
    old.migrated_to = new_chat_id
    updates = []
    for chat, field, other in ((old, "migrate_to_chat_id", new_chat_id), (new, "migrate_from_chat_id", chat_id)):
        message = {
            "message_id": chat.next_message_id,
            "from": user.api(),
            "chat": chat.api(),
            "date": int(time.time()),
            field: other,
        }
        chat.next_message_id += 1
        updates.append(state.push_update("message", message)["update_id"])
    # update_id: the last of them, as for any other action (the supergroup's own, which makes the move).
    return {"update_id": updates[-1], "update_ids": updates, "chat_id": chat_id, "new_chat_id": new_chat_id}
