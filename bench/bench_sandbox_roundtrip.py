"""Round trip through the sandbox: a user's /start in, the bot's reply recorded, for a bare PTB Application.

Three processes, so that each has its own core: the sandbox (``SandboxProcess``), the bot (this process: a default
``Application`` with one CommandHandler, long polling), and the load driver (a child process that plays the users
through the control interface). Two phases:

- burst: N users each send /start as fast as the driver can (a few requests in flight); throughput and latency;
- paced: users at a steady rate (Telegram's ~30 a second), which shows the latency a user would see.

Latency is from the driver's send to the moment the sandbox received the bot's sendMessage for that chat (both
clocks are this machine's wall clock). Output lines are ``name: value unit``.

    python bench/bench_sandbox_roundtrip.py [--messages 2000] [--paced 150 --rate 30]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import statistics
import time

import psutil
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.sandbox import SandboxClient, SandboxProcess

TOKEN = "1000001:BenchmarkTokenForTheLocalSandboxOnly"
FIRST_USER = 10_000


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /start with a short text, the cheapest handler there is."""
    await update.message.reply_text("你好")


# -- the load driver (its own process) ----------------------------------------------------------------------------


async def _drive(url: str, users: list[int], batch: int, rate: float) -> dict[int, float]:
    sent_at: dict[int, float] = {}
    async with SandboxClient(url) as client:
        if rate > 0:
            # Paced: one user every 1/rate seconds, on a fixed schedule so slow sends do not drift it.
            started = time.monotonic()
            for n, user in enumerate(users):
                await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
                sent_at[user] = time.time()
                await client.send_text(user, "/start")
            return sent_at

        # Burst: batches of users in one control request each, so the driver costs little next to the bot.
        for first in range(0, len(users), batch):
            chunk = users[first : first + batch]
            now = time.time()
            sent_at.update(dict.fromkeys(chunk, now))
            await client.send_texts([{"user_id": user, "text": "/start"} for user in chunk])
    return sent_at


def _driver_main(url: str, users: list[int], batch: int, rate: float, results) -> None:
    results.put(asyncio.run(_drive(url, users, batch, rate)))


# -- the bot and the measurement ---------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


async def run_phase(sandbox: SandboxProcess, users: list[int], batch: int, rate: float, wait_s: float) -> dict:
    url = sandbox.url
    results: multiprocessing.Queue = multiprocessing.Queue()
    driver = multiprocessing.Process(target=_driver_main, args=(url, users, batch, rate, results))
    async with SandboxClient(url) as client:
        await client.clear_calls()
        bot_before, sandbox_before = _cpu_seconds(os.getpid()), _cpu_seconds(sandbox.pid)
        driver.start()
        replies = await client.wait_for_calls("sendMessage", count=len(users), timeout=wait_s)
        bot_cpu = _cpu_seconds(os.getpid()) - bot_before
        sandbox_cpu = _cpu_seconds(sandbox.pid) - sandbox_before
        polls = len(await client.calls("getUpdates"))
        sent_at: dict[int, float] = await asyncio.to_thread(results.get, True, 30)
        await asyncio.to_thread(driver.join, 10)

    replied_at = {call["chat_id"]: call["time"] for call in replies if call["status"] == 200}
    latencies = sorted(replied_at[user] - sent_at[user] for user in users if user in replied_at)
    if not latencies:
        raise RuntimeError("the bot answered nothing")
    elapsed = max(replied_at.values()) - min(sent_at.values())
    return {
        "answered": len(latencies),
        "updates_per_poll": len(latencies) / max(polls, 1),
        "updates_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "bot_cpu_s_per_1000": 1000 * bot_cpu / len(latencies),
        "sandbox_cpu_s_per_1000": 1000 * sandbox_cpu / len(latencies),
    }


async def main(messages: int, batch: int, paced: int, rate: float) -> None:
    async with SandboxProcess() as sandbox:
        app = Application.builder().token(TOKEN).base_url(sandbox.bot_api_base).build()
        app.add_handler(CommandHandler("start", start))
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=10)
            # A few round trips first, so connection set-up is not measured.
            await run_phase(sandbox, list(range(1, 21)), 1, 0, wait_s=20)

            burst = await run_phase(sandbox, list(range(FIRST_USER, FIRST_USER + messages)), batch, 0, wait_s=45)
            report("sandbox_roundtrip_updates_per_s", burst["updates_per_s"], "updates/s")
            report("sandbox_roundtrip_burst_p50_latency", burst["p50_ms"], "ms")
            report("sandbox_roundtrip_burst_p99_latency", burst["p99_ms"], "ms")
            report("sandbox_roundtrip_bot_cpu_per_1000_updates", burst["bot_cpu_s_per_1000"], "s")
            report("sandbox_roundtrip_server_cpu_per_1000_updates", burst["sandbox_cpu_s_per_1000"], "s")
            report("sandbox_roundtrip_burst_updates_per_poll", burst["updates_per_poll"], "updates")
            if burst["answered"] != messages:
                report("sandbox_roundtrip_unanswered", messages - burst["answered"], "updates")

            if paced:
                first = FIRST_USER + messages
                steady = await run_phase(sandbox, list(range(first, first + paced)), 1, rate, wait_s=30)
                report(f"sandbox_roundtrip_paced_{rate:g}_per_s_p50_latency", steady["p50_ms"], "ms")
                report(f"sandbox_roundtrip_paced_{rate:g}_per_s_p99_latency", steady["p99_ms"], "ms")

            await app.updater.stop()
            await app.stop()


def report(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.1f} {unit}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000, help="users in the burst (default 2000)")
    parser.add_argument("--batch", type=int, default=20, help="users per driver request in the burst (default 20)")
    parser.add_argument("--paced", type=int, default=150, help="users in the paced phase; 0 skips it")
    parser.add_argument("--rate", type=float, default=30.0, help="users a second in the paced phase")
    args = parser.parse_args()
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(main(args.messages, args.batch, args.paced, args.rate))
