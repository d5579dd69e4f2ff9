"""A receiver files each update under the chat PTB's Update.effective_chat names, without PTB's parser."""

from __future__ import annotations

import pytest
from telegram import Bot, Update

from bot.update_chats import KNOWN_KINDS, chat_of
from tests.update_samples import GROUP, PRIVATE, SAMPLES, USER


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot("123:abc")


def ptb_chat(raw: dict, bot: Bot) -> int | None:
    chat = Update.de_json(raw, bot).effective_chat
    return chat.id if chat is not None else None


def test_the_samples_cover_every_kind_telegram_sends_and_the_reader_knows_them_all():
    # A newer PTB with a new kind fails here, and the kind is added to bot.update_chats (until then, such
    # updates go through PTB's parser).
    assert {str(kind) for kind in Update.ALL_TYPES} == set(SAMPLES) == KNOWN_KINDS


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_kind_is_filed_under_the_chat_ptb_names(kind, bot):
    raw = {"update_id": 1000, **SAMPLES[kind]}
    assert chat_of(raw, bot) == ptb_chat(raw, bot)


def test_kinds_with_and_without_a_chat(bot):
    assert chat_of({"update_id": 1, **SAMPLES["message"]}, bot) == GROUP["id"]
    assert chat_of({"update_id": 2, **SAMPLES["edited_message"]}, bot) == PRIVATE["id"]
    assert chat_of({"update_id": 3, **SAMPLES["inline_query"]}, bot) is None
    assert chat_of({"update_id": 4, **SAMPLES["my_chat_member"]}, bot) == GROUP["id"]


def test_a_button_under_an_inline_message_has_no_chat(bot):
    query = {"id": "c2", "from": USER, "chat_instance": "ci", "inline_message_id": "im1", "data": "x"}
    raw = {"update_id": 5, "callback_query": query}
    assert chat_of(raw, bot) is None == ptb_chat(raw, bot)


def test_a_kind_it_does_not_know_goes_through_ptb(bot):
    # A field a newer Bot API might add: PTB keeps it in api_kwargs and still finds the message's chat.
    raw = {"update_id": 6, **SAMPLES["message"], "future_thing": {"id": 1}}
    assert chat_of(raw, bot) == GROUP["id"] == ptb_chat(raw, bot)


def test_an_update_not_shaped_as_documented_is_filed_as_ptb_files_it_or_without_a_chat(bot, caplog):
    # A message without its chat: PTB reads it, with no chat.
    raw = {"update_id": 7, "message": {"message_id": 1, "date": 1_760_000_000, "text": "hi"}}
    assert chat_of(raw, bot) is None == ptb_chat(raw, bot)
    assert not caplog.text
    # One PTB cannot read at all: stored without a chat (its worker then gives it up), not an error for the batch.
    assert chat_of({"update_id": 8, "message": "not an object"}, bot) is None
    assert "update 8 cannot be read" in caplog.text


@pytest.mark.parametrize("chat_id", ["501", 2**63, 1.5, True, None])
def test_a_chat_id_the_table_cannot_hold_is_filed_without_a_chat(chat_id, bot):
    # Stored with such an id, the whole batch's INSERT would fail and never be acknowledged.
    raw = {"update_id": 9, "message": {**SAMPLES["message"]["message"], "chat": {"id": chat_id, "type": "private"}}}
    assert chat_of(raw, bot) is None
