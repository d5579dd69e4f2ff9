"""The Bot API methods the sandbox answers, each validated the way Telegram validates it.

Every method takes the request's parameters and uploaded files and returns the ``result`` of a successful
answer, or raises :class:`ApiError` with Telegram's status and description. Only the part of the Bot API the bot
uses is here; anything else answers 404 "Not Found", as Telegram does for an unknown method.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.html import HtmlParseError, parse_html
from bot.sandbox.state import GROUP_TYPES, PRIVATE, Chat, Message, SandboxState, StoredFile

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
MAX_UPDATES_LIMIT = 100
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Request parameters; form and multipart values arrive as strings, JSON ones as JSON values."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None or value == "" else value

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.get(name)
        return default if value is None else str(value)

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def float(self, name: str, default: float = 0.0) -> float:
        value = self.get(name)
        try:
            return default if value is None else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def bool(self, name: str) -> bool:
        value = self.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


Method = Callable[[Params], Awaitable[Any]]


class BotApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        # Each getUpdates call takes a new generation number; a waiting poll whose number is no longer the
        # latest has been superseded and answers 409, like Telegram does for two pollers of one bot.
        self._poll_generation = 0
        self.methods: dict[str, Method] = {
            name.lower(): getattr(self, "m_" + name)
            for name in (
                "getMe",
                "logOut",
                "close",
                "getUpdates",
                "setWebhook",
                "deleteWebhook",
                "getWebhookInfo",
                "sendMessage",
                "sendPhoto",
                "sendDocument",
                "editMessageText",
                "editMessageCaption",
                "editMessageReplyMarkup",
                "deleteMessage",
                "answerCallbackQuery",
                "sendChatAction",
                "setMyCommands",
                "getMyCommands",
                "deleteMyCommands",
                "getFile",
                "getChat",
                "getChatMember",
                "getChatAdministrators",
            )
        }

    # -- helpers -----------------------------------------------------------------------------------------

    def _chat(self, params: Params, *, for_sending: bool = False) -> Chat:
        chat_ref = params.get("chat_id")
        if chat_ref is None:
            raise bad_request("chat_id is empty")
        chat = self.state.find_chat(chat_ref)
        if chat is None:
            raise bad_request("chat not found")
        if for_sending:
            self._check_can_send(chat)
        return chat

    def _check_can_send(self, chat: Chat) -> None:
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == PRIVATE:
            user = self.state.users.get(chat.id)
            if user is not None and user.deactivated:
                raise ApiError(403, "Forbidden: user is deactivated")
            if user is not None and user.blocked_bot:
                raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _formatted(self, params: Params, field: str, limit: int, too_long: str) -> tuple[str, str, list[dict]]:
        """Return (raw, visible text, entities) for a text or caption, applying its parse_mode."""
        raw = params.str(field, "") or ""
        parse_mode = params.str("parse_mode")
        entities = params.json("entities" if field == "text" else "caption_entities") or []
        if parse_mode is None:
            text = raw
        elif parse_mode.upper() == "HTML":
            try:
                parsed = parse_html(raw)
            except HtmlParseError as err:
                raise bad_request(f"can't parse entities: {err}") from None
            text, entities = parsed.text, parsed.entities
        elif parse_mode in ("Markdown", "MarkdownV2"):
            # Markdown is stored as sent; the bot uses HTML, so the sandbox does not model Markdown's rules.
            text = raw
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
        # Telegram strips surrounding whitespace and measures the length after entity parsing.
        text = text.strip()
        if len(text) > limit:
            raise bad_request(too_long)
        return raw, text, entities

    def _reply_markup(self, params: Params) -> dict | None:
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not button.get("text"):
                        raise bad_request("BUTTON_TEXT_INVALID")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                        raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _reply_to(self, params: Params, chat: Chat) -> int | None:
        reply_parameters = params.json("reply_parameters") or {}
        message_id = reply_parameters.get("message_id") or params.int("reply_to_message_id")
        if message_id is None:
            return None
        allow_missing = reply_parameters.get("allow_sending_without_reply") or params.bool(
            "allow_sending_without_reply"
        )
        if self.state.get_message(chat.id, int(message_id)) is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return int(message_id)

    def _own_message(self, params: Params, action: str) -> tuple[Chat, Message]:
        if params.get("inline_message_id") is not None:
            raise bad_request("inline messages are not supported by the sandbox")
        chat = self._chat(params)
        message_id = params.int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self.state.get_message(chat.id, message_id)
        if message is None:
            raise bad_request(f"message to {action} not found")
        return chat, message

    def _input_file(self, params: Params, field: str, kind: str) -> StoredFile:
        """Resolve an uploaded part, an attach:// reference, a known file_id or a URL."""
        upload = params.uploads.get(field)
        value = params.str(field)
        if upload is None and value and value.startswith("attach://"):
            upload = params.uploads.get(value.removeprefix("attach://"))
        if upload is not None:
            return self.state.add_file(upload.data, kind=kind, file_name=upload.filename, mime_type=upload.content_type)
        if not value:
            raise bad_request(f"there is no {kind} in the request")
        if value in self.state.files:
            return self.state.files[value]
        if value.startswith(("http://", "https://")):
            return self.state.add_file(b"", kind=kind, file_name=value.rsplit("/", 1)[-1], mime_type=None, url=value)
        raise bad_request("wrong file identifier/HTTP URL specified")

    # -- getting updates -----------------------------------------------------------------------------------

    async def m_getMe(self, params: Params) -> dict:
        return {
            **self.state.bot_api_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def m_logOut(self, params: Params) -> bool:
        return True

    async def m_close(self, params: Params) -> bool:
        return True

    async def m_getUpdates(self, params: Params) -> list[dict]:
        state = self.state
        if state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                "the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        # A newer poll supersedes one that is still waiting: wake it so it can answer 409.
        await state.notify()

        offset = params.int("offset")
        if offset is not None:
            state.confirm_updates(offset)
        limit = min(max(params.int("limit", MAX_UPDATES_LIMIT) or MAX_UPDATES_LIMIT, 1), MAX_UPDATES_LIMIT)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            # Telegram remembers allowed_updates until a later call changes it.
            state.allowed_updates = list(allowed) or None
        timeout = max(params.float("timeout", 0.0), 0.0)

        def ready() -> bool:
            return generation != self._poll_generation or bool(state.pending_updates(1))

        if timeout and not ready():
            try:
                async with state.changed:
                    await asyncio.wait_for(state.changed.wait_for(ready), timeout)
            except TimeoutError:
                pass
        if generation != self._poll_generation:
            raise ApiError(
                409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
            )
        return state.pending_updates(limit)

    async def m_setWebhook(self, params: Params) -> bool:
        url = params.str("url", "") or ""
        if not url:
            self.state.webhook = None
            return True
        # Telegram insists on HTTPS; the sandbox also takes plain HTTP on this machine, where tests listen.
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = params.str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        self.state.webhook = {
            "url": url,
            "max_connections": params.int("max_connections", 40),
            "allowed_updates": params.json("allowed_updates"),
            "secret_token": secret,
        }
        if params.bool("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def m_deleteWebhook(self, params: Params) -> bool:
        self.state.webhook = None
        if params.bool("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def m_getWebhookInfo(self, params: Params) -> dict:
        webhook = self.state.webhook or {}
        info = {
            "url": webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if webhook:
            info["max_connections"] = webhook["max_connections"]
            for name in ("allowed_updates", "last_error_date", "last_error_message"):
                if webhook.get(name):
                    info[name] = webhook[name]
        return info

    # -- sending and editing -------------------------------------------------------------------------------

    async def m_sendMessage(self, params: Params) -> dict:
        chat = self._chat(params, for_sending=True)
        raw, text, entities = self._formatted(params, "text", MAX_TEXT, "message is too long")
        if not text:
            raise bad_request("message text is empty")
        markup = self._reply_markup(params)
        reply_to = self._reply_to(params, chat)
        message = self.state.add_message(
            chat,
            from_bot=True,
            sender_id=self.state.bot_id,
            text=text,
            raw=raw,
            parse_mode=params.str("parse_mode"),
            entities=entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )
        return self.state.message_api(message)

    async def _send_file(self, params: Params, field: str) -> dict:
        chat = self._chat(params, for_sending=True)
        raw, caption, entities = self._formatted(params, "caption", MAX_CAPTION, "message caption is too long")
        markup = self._reply_markup(params)
        reply_to = self._reply_to(params, chat)
        stored = self._input_file(params, field, field)
        message = self.state.add_message(
            chat,
            from_bot=True,
            sender_id=self.state.bot_id,
            kind=field,
            caption=caption or None,
            raw=raw or None,
            parse_mode=params.str("parse_mode"),
            entities=entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            file_id=stored.file_id,
        )
        return self.state.message_api(message)

    async def m_sendPhoto(self, params: Params) -> dict:
        return await self._send_file(params, "photo")

    async def m_sendDocument(self, params: Params) -> dict:
        return await self._send_file(params, "document")

    def _record_edit(self, message: Message) -> None:
        message.history.append(
            {
                "text": message.text if message.kind == "text" else message.caption,
                "html": message.raw,
                "reply_markup": message.reply_markup,
                "date": message.edit_date or message.date,
            }
        )
        message.edit_date = _now()

    async def m_editMessageText(self, params: Params) -> dict:
        _, message = self._own_message(params, "edit")
        if not message.from_bot or message.kind != "text":
            raise bad_request("message can't be edited")
        raw, text, entities = self._formatted(params, "text", MAX_TEXT, "message is too long")
        if not text:
            raise bad_request("message text is empty")
        markup = self._reply_markup(params)
        if text == message.text and entities == message.entities and markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._record_edit(message)
        message.text, message.raw, message.entities = text, raw, entities
        message.parse_mode = params.str("parse_mode")
        message.reply_markup = markup
        return self.state.message_api(message)

    async def m_editMessageCaption(self, params: Params) -> dict:
        _, message = self._own_message(params, "edit")
        if not message.from_bot or message.kind == "text":
            raise bad_request("message can't be edited")
        raw, caption, entities = self._formatted(params, "caption", MAX_CAPTION, "message caption is too long")
        markup = self._reply_markup(params)
        if caption == (message.caption or "") and markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._record_edit(message)
        message.caption, message.raw, message.entities = caption or None, raw or None, entities
        message.reply_markup = markup
        return self.state.message_api(message)

    async def m_editMessageReplyMarkup(self, params: Params) -> dict:
        _, message = self._own_message(params, "edit")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        markup = self._reply_markup(params)
        if markup == message.reply_markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._record_edit(message)
        message.reply_markup = markup
        return self.state.message_api(message)

    async def m_deleteMessage(self, params: Params) -> bool:
        _, message = self._own_message(params, "delete")
        message.deleted = True
        return True

    async def m_answerCallbackQuery(self, params: Params) -> bool:
        query_id = params.str("callback_query_id")
        query = self.state.callback_queries.get(query_id or "")
        if query is None or query["answered"]:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = params.str("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        query["answer"] = {
            "text": text,
            "show_alert": params.bool("show_alert"),
            "url": params.str("url"),
            "cache_time": params.int("cache_time", 0),
        }
        return True

    async def m_sendChatAction(self, params: Params) -> bool:
        chat = self._chat(params, for_sending=True)
        action = params.str("action")
        if not action:
            raise bad_request("action is empty")
        self.state.chat_actions.append({"chat_id": chat.id, "action": action, "date": _now()})
        return True

    # -- commands ------------------------------------------------------------------------------------------

    def _command_key(self, params: Params) -> tuple[str, str]:
        scope = params.json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True, ensure_ascii=False), params.str("language_code", "") or ""

    async def m_setMyCommands(self, params: Params) -> bool:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise bad_request("commands is empty")
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not _COMMAND_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description is empty")
        key = self._command_key(params)
        if commands:
            self.state.commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        else:
            self.state.commands.pop(key, None)
        return True

    async def m_getMyCommands(self, params: Params) -> list[dict]:
        return self.state.commands.get(self._command_key(params), [])

    async def m_deleteMyCommands(self, params: Params) -> bool:
        self.state.commands.pop(self._command_key(params), None)
        return True

    # -- files and chats -----------------------------------------------------------------------------------

    async def m_getFile(self, params: Params) -> dict:
        stored = self.state.files.get(params.str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.api()

    async def m_getChat(self, params: Params) -> dict:
        chat = self._chat(params)
        return {
            **chat.api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat: Chat, user_id: int) -> dict:
        if user_id == self.state.bot_id:
            user = self.state.bot_api_user()
        else:
            known = self.state.users.get(user_id)
            if known is None:
                raise bad_request("user not found")
            user = known.api()
        if chat.type == PRIVATE:
            return {"status": "member", "user": user}
        if user_id == chat.creator:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in chat.admins:
            return {"status": "administrator", "user": user, **_ADMIN_RIGHTS}
        if user_id in chat.members or user_id == self.state.bot_id:
            return {"status": "member", "user": user}
        return {"status": "left", "user": user}

    async def m_getChatMember(self, params: Params) -> dict:
        chat = self._chat(params)
        user_id = params.int("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        return self._member(chat, user_id)

    async def m_getChatAdministrators(self, params: Params) -> list[dict]:
        chat = self._chat(params)
        if chat.type not in GROUP_TYPES:
            raise bad_request("there are no administrators in the private chat")
        ids = ([chat.creator] if chat.creator else []) + sorted(chat.admins - {chat.creator})
        return [self._member(chat, user_id) for user_id in ids]


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


def _now() -> int:
    return int(time.time())


def new_callback_query_id() -> str:
    return str(secrets.randbits(63))
