"""One Bot API update of every kind Telegram sends, as JSON (written for the tests)."""

from __future__ import annotations

USER = {"id": 501, "is_bot": False, "first_name": "Lin"}
OTHER_BOT = {"id": 777, "is_bot": True, "first_name": "Helper", "username": "helper_bot"}
PRIVATE = {"id": 501, "type": "private", "first_name": "Lin"}
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "市政观察"}
MESSAGE = {"message_id": 9, "date": 1_760_000_000, "chat": GROUP, "from": USER, "text": "/start"}
MEMBER_LEFT = {"status": "left", "user": USER}
MEMBER = {"status": "member", "user": USER}
BOOST_SOURCE = {"source": "premium", "user": USER}

# One update of every kind Telegram sends (Update.ALL_TYPES), with the chat PTB finds in it (None: no chat).
SAMPLES: dict[str, dict] = {
    "message": {"message": MESSAGE},
    "edited_message": {"edited_message": {**MESSAGE, "chat": PRIVATE, "edit_date": 1_760_000_100}},
    "channel_post": {"channel_post": {"message_id": 3, "date": 1_760_000_000, "chat": {**GROUP, "type": "channel"}}},
    "edited_channel_post": {
        "edited_channel_post": {"message_id": 3, "date": 1_760_000_000, "chat": {**GROUP, "type": "channel"}}
    },
    "inline_query": {"inline_query": {"id": "q1", "from": USER, "query": "集成电路", "offset": ""}},
    "chosen_inline_result": {"chosen_inline_result": {"result_id": "r1", "from": USER, "query": "集成电路"}},
    "callback_query": {"callback_query": {"id": "c1", "from": USER, "chat_instance": "ci", "message": MESSAGE}},
    "shipping_query": {
        "shipping_query": {
            "id": "s1",
            "from": USER,
            "invoice_payload": "p",
            "shipping_address": {
                "country_code": "CN",
                "state": "",
                "city": "上海",
                "street_line1": "人民大道200号",
                "street_line2": "",
                "post_code": "200003",
            },
        }
    },
    "pre_checkout_query": {
        "pre_checkout_query": {"id": "p1", "from": USER, "currency": "CNY", "total_amount": 100, "invoice_payload": "p"}
    },
    "poll": {
        "poll": {
            "id": "poll1",
            "question": "能按期完成吗？",
            "options": [
                {"persistent_id": "o1", "text": "能", "voter_count": 1},
                {"persistent_id": "o2", "text": "不能", "voter_count": 0},
            ],
            "total_voter_count": 1,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    },
    "poll_answer": {
        "poll_answer": {"poll_id": "poll1", "option_ids": [0], "option_persistent_ids": ["o1"], "user": USER}
    },
    "my_chat_member": {
        "my_chat_member": {
            "chat": GROUP,
            "from": USER,
            "date": 1_760_000_000,
            "old_chat_member": MEMBER_LEFT,
            "new_chat_member": MEMBER,
        }
    },
    "chat_member": {
        "chat_member": {
            "chat": GROUP,
            "from": USER,
            "date": 1_760_000_000,
            "old_chat_member": MEMBER,
            "new_chat_member": MEMBER_LEFT,
        }
    },
    "chat_join_request": {
        "chat_join_request": {"chat": GROUP, "from": USER, "user_chat_id": 501, "date": 1_760_000_000}
    },
    "chat_boost": {
        "chat_boost": {
            "chat": GROUP,
            "boost": {
                "boost_id": "b1",
                "add_date": 1_760_000_000,
                "expiration_date": 1_770_000_000,
                "source": BOOST_SOURCE,
            },
        }
    },
    "removed_chat_boost": {
        "removed_chat_boost": {"chat": GROUP, "boost_id": "b1", "remove_date": 1_760_000_000, "source": BOOST_SOURCE}
    },
    "message_reaction": {
        "message_reaction": {
            "chat": GROUP,
            "message_id": 9,
            "date": 1_760_000_000,
            "user": USER,
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        }
    },
    "message_reaction_count": {
        "message_reaction_count": {
            "chat": GROUP,
            "message_id": 9,
            "date": 1_760_000_000,
            "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 3}],
        }
    },
    "business_connection": {
        "business_connection": {
            "id": "bc1",
            "user": USER,
            "user_chat_id": 501,
            "date": 1_760_000_000,
            "is_enabled": True,
        }
    },
    "business_message": {"business_message": {**MESSAGE, "chat": PRIVATE, "business_connection_id": "bc1"}},
    "edited_business_message": {
        "edited_business_message": {**MESSAGE, "chat": PRIVATE, "business_connection_id": "bc1"}
    },
    "deleted_business_messages": {
        "deleted_business_messages": {"business_connection_id": "bc1", "chat": PRIVATE, "message_ids": [9]}
    },
    "purchased_paid_media": {"purchased_paid_media": {"from": USER, "paid_media_payload": "m"}},
    "managed_bot": {"managed_bot": {"user": USER, "bot": OTHER_BOT}},
    "guest_message": {"guest_message": {**MESSAGE, "chat": PRIVATE}},
}
