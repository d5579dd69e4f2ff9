"""Flood limits and fault rules, without a server."""

import pytest

from bot.sandbox.faults import FaultBook, FaultRule
from bot.sandbox.limits import RateLimiter


def test_limits_are_off_until_enabled():
    limiter = RateLimiter()
    for _ in range(100):
        assert limiter.check("sendMessage", 1) is None
        limiter.record("sendMessage", 1)
    assert limiter.stats()["messages_sent"] == 100


def test_a_private_chat_may_burst_then_waits():
    limiter = RateLimiter()
    limiter.configure(enabled=True, per_chat_per_second=1, burst=3)
    for _ in range(3):
        assert limiter.check("sendMessage", 7) is None
        limiter.record("sendMessage", 7)
    assert limiter.check("sendMessage", 7) == 3  # three sends per three seconds
    assert limiter.check("sendMessage", 8) is None  # another chat is unaffected
    assert limiter.stats()["per_chat"]["7"] == {"sent": 3, "too_many_requests": 1}


def test_the_global_limit_spans_chats():
    limiter = RateLimiter()
    limiter.configure(enabled=True, global_per_second=5)
    for chat in range(5):
        limiter.record("sendMessage", chat)
    assert limiter.check("sendMessage", 99) == 1


def test_only_sending_methods_count():
    limiter = RateLimiter()
    limiter.configure(enabled=True)
    limiter.record("sendMessage", 1)
    assert limiter.check("answerCallbackQuery", 1) is None
    assert limiter.check("sendMessage", 1) == 1


def test_a_fault_is_used_up_after_its_times():
    book = FaultBook()
    book.add(FaultRule(kind="403", method="sendMessage", chat_id=5, times=2))
    assert book.take("getMe", None) is None
    assert book.take("sendMessage", "6") is None
    assert book.take("sendmessage", "5").error() == (403, "Forbidden: bot was blocked by the user", None)
    assert book.take("sendMessage", 5) is not None
    assert book.take("sendMessage", 5) is None


def test_a_fault_without_times_stays_until_cleared():
    book = FaultBook()
    book.add(FaultRule(kind="5xx", times=None))
    for _ in range(5):
        assert book.take("getUpdates", None).error() == (502, "Bad Gateway", None)
    book.clear()
    assert book.take("getUpdates", None) is None


def test_error_shapes():
    assert FaultRule(kind="429", retry_after=34).error() == (
        429,
        "Too Many Requests: retry after 34",
        {"retry_after": 34},
    )
    assert FaultRule(kind="400", migrate_to_chat_id=-100).error()[2] == {"migrate_to_chat_id": -100}


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultRule(kind="418")
