"""The dispatcher's flood limiter: a send holds its slot until answered, and counts from its answer."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.delivery.limits import MARGIN, FloodLimiter


def limiter(per_second: int = 3) -> FloodLimiter:
    return FloodLimiter(global_per_second=per_second, private_per_second=100, group_per_minute=20)


async def test_sends_waiting_for_their_answer_hold_every_slot():
    flood = limiter(3)
    for chat in (1, 2, 3):
        assert await flood.acquire(chat, deadline=time.monotonic() + 0.1)
    # Three sends are out and none has been answered: Telegram may count them at any moment from now on.
    assert not await flood.acquire(4, deadline=time.monotonic() + 0.05)


async def test_an_answered_send_counts_from_its_answer_not_from_when_it_left():
    flood = limiter(3)
    for chat in (1, 2, 3):
        await flood.acquire(chat, deadline=time.monotonic() + 0.1)
    await asyncio.sleep(0.2)  # a slow network: the answers come later than the sends left
    for chat in (1, 2, 3):
        flood.release(chat)
    answered = time.monotonic()
    free = flood.free_at(4, time.monotonic())
    assert free == pytest.approx(answered + MARGIN, abs=0.02)


async def test_a_released_slot_within_the_limit_is_free_at_once():
    flood = limiter(3)
    await flood.acquire(1, deadline=time.monotonic() + 0.1)
    flood.release(1)
    now = time.monotonic()
    assert flood.free_at(2, now) == now


async def test_one_private_chat_gets_one_message_a_second():
    flood = FloodLimiter(global_per_second=30, private_per_second=1, group_per_minute=20)
    await flood.acquire(7, deadline=time.monotonic() + 0.1)
    flood.release(7)
    released = time.monotonic()
    assert flood.free_at(7, released) == pytest.approx(released + MARGIN, abs=0.02)
    assert flood.free_at(8, released) == released  # another chat is not held up


async def test_replies_wait_only_for_the_overall_budget_but_count_in_the_group_window():
    flood = FloodLimiter(global_per_second=100, private_per_second=1, group_per_minute=2)
    group = -100
    for _ in range(3):  # three quick replies in a group allowed two a minute: none waits
        assert await flood.acquire(group, deadline=time.monotonic() + 0.05, per_chat=False)
        flood.release(group, per_chat=False)
    # ...but a notification to that group now waits for the group's window.
    assert not await flood.acquire(group, deadline=time.monotonic() + 0.05)
