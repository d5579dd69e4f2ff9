"""Which chat a Bot API update belongs to, read from Telegram's JSON without building PTB's objects.

A receiver (bot.workers) stores every update with its chat, so that workers can take a chat's updates in order,
and hands none to handlers: parsing each update into PTB's `Update` only to read `effective_chat` was two fifths
of its CPU. `chat_of` reads the same field PTB's `Update.effective_chat` reads, kind by kind in PTB's order; an
update of a kind it does not know (a newer Bot API) goes through PTB's parser instead, so nothing is misfiled.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update

log = logging.getLogger(__name__)

# Kinds whose object carries the chat as "chat", in the order Update.effective_chat looks at them: messages first,
# then a button's message (callback_query, whose chat is its message's when it has one), then the others.
_MESSAGES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "guest_message",
)
_OTHERS = (
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
    "message_reaction",
    "message_reaction_count",
)
# Kinds that belong to no chat.
_CHATLESS = frozenset(
    {
        "inline_query",
        "chosen_inline_result",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "business_connection",
        "purchased_paid_media",
        "managed_bot",
    }
)
KNOWN_KINDS = frozenset({*_MESSAGES, "callback_query", *_OTHERS, *_CHATLESS})


def chat_of(raw: dict[str, Any], bot: Bot) -> int | None:
    """The id of the chat `raw` (one update as Telegram sent it) belongs to, as Update.effective_chat gives it;
    None for an update without a chat, or one PTB cannot read either (it is stored and given up by its worker)."""
    if raw.keys() - {"update_id"} <= KNOWN_KINDS:
        try:
            return _checked(_known_chat(raw), raw)
        except (KeyError, TypeError):
            pass  # not shaped as documented: PTB's parser decides, as it would for `luoshi run`
    try:
        chat = Update.de_json(raw, bot).effective_chat
    except Exception:  # whatever PTB's parser makes of it; one damaged update must not stop its batch
        log.warning("update %s cannot be read; it is stored without a chat", raw.get("update_id"))
        return None
    return _checked(chat.id, raw) if chat is not None else None


def _checked(chat_id: object, raw: dict[str, Any]) -> int | None:
    # A chat id the table cannot hold (not a 64-bit integer) would make the whole batch's INSERT fail, and a batch
    # that is never stored is never acknowledged: filed without a chat instead, the rest of the batch goes through.
    if chat_id is None or (type(chat_id) is int and -(2**63) <= chat_id < 2**63):
        return chat_id
    log.warning("update %s names a chat that is not a 64-bit id; it is stored without a chat", raw.get("update_id"))
    return None


def _known_chat(raw: dict[str, Any]) -> int | None:
    for kind in _MESSAGES:
        if raw.get(kind):
            return raw[kind]["chat"]["id"]
    if query := raw.get("callback_query"):
        # A button under an inline message has no message, and so no chat.
        return query["message"]["chat"]["id"] if query.get("message") else None
    for kind in _OTHERS:
        if raw.get(kind):
            return raw[kind]["chat"]["id"]
    return None
