"""Latency benchmark: how the bot answers when the Telegram Bot API is 50 ms away.

The sandbox (in a process of its own) holds every Bot API answer 50 ms: one "delay" fault rule with no method, no
chat and no end, so it applies to every call a bot makes -- getMe, getUpdates, sendMessage and the rest. The hold
comes before the call is carried out: a sendMessage's message is stored 50 ms after it arrived, and a getUpdates
waits 50 ms before it looks for updates (a long poll that is already waiting answers as soon as one arrives).

A driver in a process of its own offers messages at a fixed rate, as bench_delivery.py's `commands` part does:
most users are new and send /start once; a few ("order chats") send a sequence at once -- /start, /help, /seq3,
/seq4, ... (unknown commands, which both bots answer naming the command). In the same run, with the same delay:

- stock: a stock PTB Application (ApplicationBuilder defaults: one update at a time, PTB's default HTTPX request)
  answering with reply_text, offered 40 messages a second for 5 s: more than it can answer (~19 a second);
- luoshi: Luoshi itself (bot.running.running_bot, a temporary SQLite database, flood limits off), offered 300 a
  second for 5 s: its latency at a rate it keeps up with;
- luoshi_saturated: the same bot offered 600 a second for 5 s, more than it can answer, as the stock bot is: its
  capacity. Offered 300, a bot that keeps up answers at most 300 a second, so that run cannot measure capacity.

For each: answered of offered; updates a second actually answered (answered / time from the first send to the
last answer); p50 and p99 round trip of the single /start users (from the moment the driver sent the message to
the moment the sandbox stored the bot's answer: the sendMessage call's arrival plus its duration, the 50 ms hold
included); Bot API calls per offered update besides getUpdates; the bot's CPU per update; and whether each order
chat's answers came in the order its messages were sent (the chat's bot messages in the order the sandbox stored
them, by message id).
Then `latency50_updates_per_s_ratio`: capacity over capacity, luoshi_saturated / stock (both offered more than they
answer). Goal: at least 15. `latency50_updates_per_s_ratio_at_300` divides the paced run's figure instead.

Printed as ``name: value unit``; nothing is asserted. The machine is shared, so figures are noisy.

    python bench/bench_latency.py [--latency 0.05] [--rate 300 --seconds 5] [--saturate-rate 600]
                                  [--stock-rate 40 --stock-seconds 5]
                                  [--order-chats 20 --order-length 5]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import event_loop
from bot.running import running_bot, settings_for_local_api, throwaway_token
from bot.sandbox import SandboxClient, SandboxProcess
from bot.settings import load_settings

FIRST_NAME = "U"  # every user's; the welcome names the user, so the answers to /start are all alike
SEQUENCE_NUMBER = re.compile(r"/seq(\d+)\b")


def line(name: str, value: float, unit: str = "") -> None:
    print(f"{name}: {value:.3f} {unit}".rstrip(), flush=True)


# -- what is offered --------------------------------------------------------------------------------------------


def sequence_texts(length: int) -> list[str]:
    """What an order chat sends, at once: /start, /help, then numbered unknown commands."""
    return ["/start", "/help", *(f"/seq{n}" for n in range(3, length + 1))][:length]


@dataclass
class Plan:
    """Items in the order they fall due; an item is one user's messages, sent together, one slot each."""

    items: list[list[tuple[int, str]]]
    singles: list[int]  # users who send /start once
    sequences: list[int]  # order chats
    order_length: int

    @property
    def offered(self) -> int:
        return sum(len(item) for item in self.items)


def make_plan(total: int, order_chats: int, order_length: int, first_user: int) -> Plan:
    """`total` messages: order chats' sequences spread evenly among single /start users."""
    order_chats = min(order_chats, total // (2 * order_length))  # at least half the messages from single users
    singles_count = total - order_chats * order_length
    at = Counter(int((k + 0.5) * singles_count / order_chats) for k in range(order_chats))
    items: list[list[tuple[int, str]]] = []
    singles: list[int] = []
    sequences: list[int] = []
    user = first_user
    for position in range(singles_count):
        for _ in range(at[position]):
            items.append([(user, text) for text in sequence_texts(order_length)])
            sequences.append(user)
            user += 1
        items.append([(user, "/start")])
        singles.append(user)
        user += 1
    return Plan(items, singles, sequences, order_length)


def _drive(url: str, items: list[list[tuple[int, str]]], rate: float, queue) -> None:
    async def run() -> dict[int, float]:
        # Messages fall due on a fixed schedule (one every 1/rate s; an order chat's sequence takes as many slots
        # as it has messages). Each turn sends everything due by now in one control request, stamped with the
        # moment it left: one request in flight keeps the driver's own cost (and its queueing, which would be
        # counted as the bot's latency) small next to the bot's.
        starts, slot = [], 0
        for item in items:
            starts.append(slot)
            slot += len(item)
        sent: dict[int, float] = {}
        async with SandboxClient(url, timeout=120) as client:
            started = time.monotonic()
            done = 0
            while done < len(items):
                due_slots = int((time.monotonic() - started) * rate) + 1
                due = done
                while due < len(items) and starts[due] < due_slots:
                    due += 1
                if due > done:
                    batch = items[done:due]
                    now = time.time()
                    sent.update((item[0][0], now) for item in batch)
                    await client.send_texts(
                        [{"user_id": u, "text": text, "first_name": FIRST_NAME} for item in batch for u, text in item]
                    )
                    done = due
                if done < len(items):
                    await asyncio.sleep(max(0.0, started + starts[done] / rate - time.monotonic()))
        return sent

    queue.put(asyncio.run(run()))


# -- what is measured --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    offered: int
    answered: int
    seconds: float  # first send to last answer
    latencies: list[float]  # ms, sorted: the single /start users'
    api_calls: int  # Bot API calls besides getUpdates while the load ran
    order_kept: int
    order_chats: int
    cpu: float  # seconds of this process's CPU (the bot's: the sandbox and the driver run elsewhere)


async def offer_load(sandbox: SandboxProcess, plan: Plan, rate: float, classify) -> Outcome:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    driver = context.Process(target=_drive, args=(sandbox.url, plan.items, rate, queue))
    async with SandboxClient(sandbox.url, timeout=120) as client:
        await client.clear_calls()
        cpu = sum(psutil.Process().cpu_times()[:2])
        driver.start()
        sent = await asyncio.to_thread(queue.get, True, plan.offered / rate + 300)
        driver.join()
        # Generous: a bot that answers 5 updates a second still finishes.
        await client.wait_for_calls("sendMessage", count=plan.offered, timeout=max(60.0, plan.offered / 5))
        cpu = sum(psutil.Process().cpu_times()[:2]) - cpu
        calls = await client.calls()
        # A call is logged when it arrives and its message stored once its hold is over: wait for the messages.
        bot_messages = {
            chat: await client.wait_for_messages(chat, plan.order_length, timeout=10) for chat in plan.sequences
        }

    expected = Counter(user for item in plan.items for user, _ in item)
    answers: dict[int, list[float]] = defaultdict(list)
    for call in calls:
        if call["method"] == "sendMessage" and call["status"] == 200 and call["chat_id"] in expected:
            # Answered once the sandbox stored the message: after the call's hold, at the end of its duration.
            answers[call["chat_id"]].append(call["time"] + call["duration"])
    answered = sum(min(len(times), expected[chat]) for chat, times in answers.items())
    first = min(sent.values())
    last = max((max(times) for times in answers.values()), default=first)
    latencies = sorted((min(answers[user]) - sent[user]) * 1000 for user in plan.singles if answers.get(user))
    api_calls = sum(1 for call in calls if call["method"] != "getUpdates")

    wanted = list(range(plan.order_length))
    kept = sum(1 for chat in plan.sequences if [classify(m["text"]) for m in bot_messages[chat]] == wanted)
    return Outcome(plan.offered, answered, last - first, latencies, api_calls, kept, len(plan.sequences), cpu)


def make_classifier(start_answer: str, help_answer: str):
    """Which message of a sequence (0-based) an answer answers: by its text."""

    def classify(text: str | None) -> int:
        text = text or ""
        found = SEQUENCE_NUMBER.search(text)
        if found:
            return int(found.group(1)) - 1
        if text == start_answer:
            return 0
        if text == help_answer:
            return 1
        return -1

    return classify


async def warm_up(sandbox: SandboxProcess, user: int) -> tuple[str, str]:
    """One user's /start and /help, answered: the bot is up, and these are its answers to both."""
    async with SandboxClient(sandbox.url) as client:
        await client.send_text(user, "/start", first_name=FIRST_NAME)
        await client.wait_for_messages(user, 1, timeout=30)
        await client.send_text(user, "/help", first_name=FIRST_NAME)
        first, second = (await client.wait_for_messages(user, 2, timeout=30))[:2]
    return first["text"], second["text"]


def outcome_lines(prefix: str, outcome: Outcome) -> float:
    per_second = outcome.answered / outcome.seconds if outcome.seconds > 0 else 0.0
    line(f"{prefix}_answered", outcome.answered, f"of {outcome.offered}")
    line(f"{prefix}_updates_per_s", per_second, "updates/s")
    if outcome.latencies:
        line(f"{prefix}_p50_ms", statistics.median(outcome.latencies), "ms")
        line(f"{prefix}_p99_ms", outcome.latencies[max(0, int(len(outcome.latencies) * 0.99) - 1)], "ms")
    line(f"{prefix}_bot_api_calls_per_update", outcome.api_calls / outcome.offered, "calls")
    line(f"{prefix}_bot_cpu_ms_per_update", outcome.cpu / outcome.offered * 1000, "ms")
    line(f"{prefix}_order_kept_chats", outcome.order_kept, f"of {outcome.order_chats}")
    return per_second


# -- the two bots -------------------------------------------------------------------------------------------------


async def run_stock(sandbox: SandboxProcess, plan: Plan, rate: float) -> Outcome:
    from telegram.ext import Application, CommandHandler, MessageHandler, filters

    async def hello(update, context) -> None:
        await update.effective_message.reply_text("你好")

    async def show_help(update, context) -> None:
        await update.effective_message.reply_text("帮助")

    async def unknown(update, context) -> None:
        await update.effective_message.reply_text(f"未知命令 {update.effective_message.text}")

    stock = Application.builder().token(throwaway_token()).base_url(sandbox.bot_api_base).build()
    stock.add_handlers([CommandHandler("start", hello), CommandHandler("help", show_help)])
    stock.add_handler(MessageHandler(filters.COMMAND, unknown))
    async with stock:
        await stock.start()
        await stock.updater.start_polling(poll_interval=0, timeout=10)
        classify = make_classifier(*await warm_up(sandbox, 98))
        outcome = await offer_load(sandbox, plan, rate, classify)
        await stock.updater.stop()
        await stock.stop()
    return outcome


async def run_luoshi(sandbox: SandboxProcess, plan: Plan, rate: float) -> Outcome:
    with tempfile.TemporaryDirectory() as folder:
        base = load_settings(environ={})
        settings = settings_for_local_api(
            base, sandbox.bot_api_base, sandbox.bot_file_base, f"sqlite+aiosqlite:///{folder}/bench.db"
        )
        # Flood limits off, as in bench_delivery.py: this measures the bot, not Telegram's sending budget.
        settings = settings.with_changes(delivery={"global_per_second": 100_000.0})
        async with running_bot(settings):
            classify = make_classifier(*await warm_up(sandbox, 99))
            return await offer_load(sandbox, plan, rate, classify)


async def _one_bot(args: argparse.Namespace, run, plan: Plan, rate: float) -> Outcome:
    """A sandbox of its own, every Bot API call (getUpdates included) answered `latency` seconds late."""
    async with SandboxProcess() as sandbox:
        async with SandboxClient(sandbox.url) as client:
            await client.inject_fault(kind="delay", method=None, chat_id=None, times=None, delay=args.latency)
        return await run(sandbox, plan, rate)


def bench_latency(args: argparse.Namespace) -> None:
    prefix = f"latency{round(args.latency * 1000)}"
    stock_plan = make_plan(int(args.stock_rate * args.stock_seconds), args.order_chats, args.order_length, 200_000)
    luoshi_plan = make_plan(int(args.rate * args.seconds), args.order_chats, args.order_length, 100_000)
    # Each bot on the loop it ships with: stock PTB on asyncio's, Luoshi on the one `luoshi run` uses.
    stock = asyncio.run(_one_bot(args, run_stock, stock_plan, args.stock_rate))
    stock_per_second = outcome_lines(f"{prefix}_stock_ptb", stock)
    luoshi = event_loop.run(_one_bot(args, run_luoshi, luoshi_plan, args.rate))
    luoshi_per_second = outcome_lines(f"{prefix}_luoshi", luoshi)
    saturated_plan = make_plan(int(args.saturate_rate * args.seconds), args.order_chats, args.order_length, 300_000)
    saturated = event_loop.run(_one_bot(args, run_luoshi, saturated_plan, args.saturate_rate))
    capacity = outcome_lines(f"{prefix}_luoshi_saturated", saturated)
    if stock_per_second:
        line(f"{prefix}_updates_per_s_ratio", capacity / stock_per_second)
        line(f"{prefix}_updates_per_s_ratio_at_{args.rate:g}", luoshi_per_second / stock_per_second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds every Bot API answer is held")
    parser.add_argument("--rate", type=float, default=300, help="messages a second offered to Luoshi")
    parser.add_argument("--seconds", type=float, default=5, help="for this long")
    parser.add_argument(
        "--saturate-rate", type=float, default=600, help="messages a second offered to Luoshi to find its capacity"
    )
    parser.add_argument("--stock-rate", type=float, default=40, help="messages a second offered to stock PTB")
    parser.add_argument("--stock-seconds", type=float, default=5)
    parser.add_argument("--order-chats", type=int, default=20, help="chats that send a sequence at once (each bot)")
    parser.add_argument("--order-length", type=int, default=5, help="messages in each sequence (2 or more)")
    args = parser.parse_args()
    if args.order_length < 2:
        parser.error("--order-length must be 2 or more")
    bench_latency(args)


if __name__ == "__main__":
    main()
