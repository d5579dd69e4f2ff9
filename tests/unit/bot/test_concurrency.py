"""Updates of different chats run at once; updates of one chat run in the order they came."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.concurrency import PerChatUpdateProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, "private")
    return Update(update_id, message=Message(update_id, None, chat, text="x"))


async def test_one_chats_updates_run_in_order_while_other_chats_proceed():
    processor = PerChatUpdateProcessor(8)
    log: list[str] = []
    gate = asyncio.Event()

    async def work(name: str, wait: bool) -> None:
        log.append(f"{name} start")
        if wait:
            await gate.wait()
        log.append(f"{name} end")

    first = asyncio.create_task(processor.process_update(update_in(1, 1), work("a1", wait=True)))
    second = asyncio.create_task(processor.process_update(update_in(1, 2), work("a2", wait=False)))
    other = asyncio.create_task(processor.process_update(update_in(2, 3), work("b1", wait=False)))
    await other
    assert log == ["a1 start", "b1 start", "b1 end"]  # chat 2 did not wait for chat 1
    gate.set()
    await asyncio.gather(first, second)
    assert log[3:] == ["a1 end", "a2 start", "a2 end"]  # chat 1's second update waited for its first


async def test_the_per_chat_locks_are_released_once_a_chat_is_idle():
    processor = PerChatUpdateProcessor(4)

    async def nothing() -> None:
        pass

    await asyncio.gather(*(processor.process_update(update_in(chat, chat), nothing()) for chat in range(50)))
    assert processor._locks == {} and processor._holders == {}


async def test_listeners_hear_of_each_update_even_when_its_handler_failed():
    processor = PerChatUpdateProcessor(4)
    heard: list[int] = []
    processor.on_processed.append(lambda update: heard.append(update.update_id))

    async def fails() -> None:
        raise RuntimeError("handler bug")

    try:
        await processor.process_update(update_in(1, 7), fails())
    except RuntimeError:
        pass
    assert heard == [7]


async def test_a_chat_waiting_for_its_turn_holds_no_slot():
    """Two slots; chat 1 sends five updates and its first blocks: chat 2 still runs at once, as it would if chat
    1 had sent one (its waiting updates do not fill the slots)."""
    processor = PerChatUpdateProcessor(2)
    gate = asyncio.Event()
    ran: list[str] = []

    async def work(name: str, wait: bool) -> None:
        ran.append(name)
        if wait:
            await gate.wait()

    chat_one = [
        asyncio.create_task(processor.process_update(update_in(1, i), work(f"a{i}", wait=i == 1))) for i in range(1, 6)
    ]
    await asyncio.sleep(0)
    other = asyncio.create_task(processor.process_update(update_in(2, 9), work("b", wait=False)))
    await asyncio.wait_for(other, timeout=2)
    assert ran == ["a1", "b"]
    gate.set()
    await asyncio.gather(*chat_one)
    assert ran[2:] == ["a2", "a3", "a4", "a5"]


async def test_no_more_than_the_limit_run_at_once():
    processor = PerChatUpdateProcessor(3)
    running = peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(*(processor.process_update(update_in(chat, chat), work()) for chat in range(20)))
    assert peak == 3
