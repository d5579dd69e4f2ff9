"""Delivery benchmarks: enqueue, dispatch throughput, command latency under load, memory during a fan-out.

- enqueue: the alert rules fan one deadline alert out to 100,000 subscribed chats (compute + insert), on SQLite
  and, when LUOSHI_TEST_DATABASE_URL is set, on PostgreSQL. Goal: under 2 s on SQLite. Printed with the floor:
  the same rows, ready-made, inserted with the sqlite3 module's executemany in the same run.
- dispatch: notifications per second through the dispatcher (claim, send, record) against the sandbox (limits
  off, in a process of its own) divided by a bare PTB send_message loop (default request, one at a time)
  against the same sandbox in the same run. Goal: at least 0.8. The dispatcher sends over aiohttp (bot/request.py)
  by default, so both ratios are printed: against PTB's default, and like for like (each request class through
  the dispatcher against a bare loop with the same class). Also the CPU seconds per 1,000 messages.
- commands: p50/p99 round trip of /start (reads and writes the database: each user is new) at 150 updates a
  second through the sandbox (which plays the users itself), and the bot's CPU per update, on SQLite and
  (when LUOSHI_TEST_DATABASE_URL is set) on PostgreSQL. A stock PTB Application answering /start without a
  database is the baseline of what this machine allows; the bots take turns, three rounds, and each one's least
  disturbed round is printed. Goals: p99 under 50 ms on SQLite, and CPU per update at most 1.3 times the stock
  Application's on both (printed as ratios).
- memory: peak RSS of a process with the bot's modules loaded while it fans one alert out to 100,000 chats
  among 10,000 commitments. Goal: under 150 MB.

Printed as ``name: value unit``; nothing is asserted. The machine is shared, so figures are noisy.

    python bench/bench_delivery.py [--chats 100000] [--messages 2000] [--rate 150 --seconds 5] [--only commands]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil
from sqlalchemy import insert

from bot import event_loop
from bot.delivery.alert_texts import render_alert
from bot.running import running_bot, settings_for_local_api, throwaway_token
from bot.sandbox import SandboxClient, SandboxProcess
from bot.settings import load_settings
from trackers.models import Chat, Commitment, Subscription, SubscriptionKind
from trackers.notifications.alerts import run_alert_rules
from trackers.notifications.rules import AlertRules
from trackers.people.preferences import AlertDefaults
from trackers.runtime.clock import local_moment
from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.migrate import upgrade

DEADLINE = date(2025, 9, 30)
RULES = AlertRules(
    defaults=AlertDefaults(lead_days=(90, 30, 7, 1, 0), timezone="Asia/Shanghai", local_hour=9, language="zh")
)
# The 30-day alert's moment, one second later: the sweep that fans it out.
FAN_OUT_AT = local_moment(DEADLINE - timedelta(days=30), 9, "Asia/Shanghai") + timedelta(seconds=1)


def line(name: str, value: float, unit: str = "") -> None:
    print(f"{name}: {value:.3f} {unit}".rstrip(), flush=True)


# -- setup -----------------------------------------------------------------------------------------------------


async def seed_followers(url: str, chats: int, commitments: int = 1) -> None:
    """`chats` chats following everything and `commitments` commitments, one due on DEADLINE."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    moment = FAN_OUT_AT - timedelta(days=1)
    async with sessions.begin() as session:
        for start in range(0, chats, 10_000):
            ids = range(start + 1, min(start + 10_000, chats) + 1)
            chat_rows = [
                {"id": i, "type": "private", "active": True, "created_at": moment, "updated_at": moment} for i in ids
            ]
            await session.execute(insert(Chat.__table__), chat_rows)
            follow_rows = [
                {"chat_id": i, "kind": SubscriptionKind.ALL, "target": "", "created_at": moment} for i in ids
            ]
            await session.execute(insert(Subscription.__table__), follow_rows)
        rows = [
            {
                "subject": f"承诺{n}",
                "deadline": DEADLINE if n == 0 else DEADLINE + timedelta(days=400 + n % 300),
                "timezone": "Asia/Shanghai",
                "status": "in_progress",
                "is_demo": False,
                "created_at": FAN_OUT_AT,  # no "no coverage" prompts in the way
                "updated_at": moment,
            }
            for n in range(commitments)
        ]
        await session.execute(insert(Commitment.__table__), rows)
    await engine.dispose()


async def fan_out(url: str) -> tuple[float, int]:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    started = time.perf_counter()
    async with sessions.begin() as session:
        from trackers.runtime.sweep_state import record_run

        # The previous sweep ran a minute before the alert's moment.
        before = FAN_OUT_AT - timedelta(minutes=1)
        await record_run(session, "alerts", started=before, finished=before, instance="bench", new_watermark=before)
    async with sessions.begin() as session:
        report = await run_alert_rules(session, now=FAN_OUT_AT, rules=RULES, render=render_alert)
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed, report.enqueued


def _bare_insert_seconds(folder: str, rows: int) -> float:
    import sqlite3

    from trackers.notifications.outbox import _COLUMNS

    # The floor: plain sqlite3 executemany of the same rows, one tuple per chat.
    insert = f"INSERT INTO notification ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"

    path = f"{folder}/bare.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    moment = "2025-08-31 01:00:00.000000"
    text = render_alert("zh", _sample_alert())
    values = [
        (chat, None, "1", "deadline", "lead:30", text, "pending", moment, moment, 0, 0, None, moment, None)
        for chat in range(1, rows + 1)
    ]
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(insert, values)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def _sample_alert():
    from trackers.notifications.rules import AlertText

    return AlertText(kind="deadline", subject="承诺0", deadline=DEADLINE, days=30, commitment_id=1)


async def bench_enqueue(chats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await asyncio.to_thread(upgrade, url)
        await seed_followers(url, chats)
        elapsed, enqueued = await fan_out(url)
        line("enqueue_sqlite_rows", enqueued, "rows")
        line("enqueue_sqlite_seconds", elapsed, "s")
        # The floor: the same number of ready-made rows into the same table (its key and indexes) with the
        # sqlite3 module's executemany, no SQLAlchemy, nothing computed: what this machine's SQLite costs.
        floor = await asyncio.to_thread(_bare_insert_seconds, folder, enqueued)
        line("enqueue_sqlite_bare_executemany_seconds", floor, "s")
        line("enqueue_sqlite_ratio_to_bare", elapsed / floor)
    async with postgres_database() as url:
        if url is None:
            return
        await asyncio.to_thread(upgrade, url)
        await seed_followers(url, chats)
        elapsed, enqueued = await fan_out(url)
        line("enqueue_postgresql_rows", enqueued, "rows")
        line("enqueue_postgresql_seconds", elapsed, "s")


# -- dispatch --------------------------------------------------------------------------------------------------


async def bench_dispatch(messages: int) -> None:
    from telegram import Bot

    from bot.delivery.dispatcher import Dispatcher
    from bot.request import make_request
    from tests.reliability.processes import create_sandbox_chats, seed_outbox

    token = throwaway_token()
    process = psutil.Process()

    def cpu_seconds() -> float:
        return sum(process.cpu_times()[:2])

    def request(client: str):
        return make_request(client, connection_pool_size=8, read_timeout=10.0, connect_timeout=5.0, pool_timeout=10.0)

    async with SandboxProcess() as sandbox, SandboxClient(sandbox.url) as client:
        chats = list(range(1, messages + 1))
        await create_sandbox_chats(client, chats)

        async def bare_loop(client_name: str | None) -> tuple[float, float]:
            """A bare PTB send_message loop, one at a time: PTB's default request, or the named one."""
            bot = Bot(token, base_url=sandbox.bot_api_base, request=request(client_name) if client_name else None)
            async with bot:
                cpu, started = cpu_seconds(), time.perf_counter()
                for chat in chats:
                    await bot.send_message(chat, "你好")
                return messages / (time.perf_counter() - started), (cpu_seconds() - cpu) / messages * 1000

        async def through_dispatcher(client_name: str) -> tuple[float, float]:
            settings = load_settings(environ={}).delivery.model_copy(
                update={"global_per_second": 100_000.0, "batch_size": 200}
            )
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite+aiosqlite:///{folder}/bench.db"
                await asyncio.to_thread(upgrade, url)
                engine = create_engine(url)
                sessions = create_sessionmaker(engine)
                await seed_outbox(sessions, chats, datetime.now(UTC))
                async with Bot(token, base_url=sandbox.bot_api_base, request=request(client_name)) as bot:
                    dispatcher = Dispatcher(bot, sessions, settings, instance="bench", clock=lambda: datetime.now(UTC))
                    cpu, started = cpu_seconds(), time.perf_counter()
                    sent = 0
                    while sent < messages:
                        sent += (await dispatcher.run(1.0)).sent
                    result = messages / (time.perf_counter() - started), (cpu_seconds() - cpu) / messages * 1000
                await engine.dispose()
            return result

        bare, bare_cpu = await bare_loop(None)
        bare_aiohttp, bare_aiohttp_cpu = await bare_loop("aiohttp")
        through, through_cpu = await through_dispatcher("aiohttp")
        through_httpx, through_httpx_cpu = await through_dispatcher("httpx")
    line("dispatch_bare_ptb_msgs_per_s", bare, "msg/s")
    line("dispatch_bare_ptb_aiohttp_msgs_per_s", bare_aiohttp, "msg/s")
    line("dispatch_dispatcher_msgs_per_s", through, "msg/s")
    line("dispatch_dispatcher_httpx_msgs_per_s", through_httpx, "msg/s")
    # The bot's dispatcher (aiohttp, its default) against the baseline, PTB's default request.
    line("dispatch_ratio", through / bare)
    # Like for like: each request class through the dispatcher against a bare loop with the same class.
    line("dispatch_ratio_aiohttp_vs_bare_aiohttp", through / bare_aiohttp)
    line("dispatch_ratio_httpx_vs_bare_httpx", through_httpx / bare)
    line("dispatch_bare_cpu_s_per_1000", bare_cpu, "s")
    line("dispatch_bare_aiohttp_cpu_s_per_1000", bare_aiohttp_cpu, "s")
    line("dispatch_dispatcher_cpu_s_per_1000", through_cpu, "s")
    line("dispatch_dispatcher_httpx_cpu_s_per_1000", through_httpx_cpu, "s")


# -- commands under load ----------------------------------------------------------------------------------------


async def _offer_load(sandbox: SandboxProcess, rate: float, seconds: float, first_user: int) -> tuple[list, float]:
    """Users first_user, first_user+1, ... each send /start at `rate` a second; their round trips (ms, sorted) and
    this process's CPU seconds meanwhile. The sandbox plays the users (SandboxClient.load): a driver process of
    its own would take CPU from the bot on this machine's two cores."""
    async with SandboxClient(sandbox.url) as client:
        await client.clear_calls()
        cpu = sum(psutil.Process().cpu_times()[:2])
        sent = await client.load(rate=rate, count=int(rate * seconds), first_user=first_user)
        await client.wait_for_calls("sendMessage", count=len(sent), timeout=60)
        cpu = sum(psutil.Process().cpu_times()[:2]) - cpu
        calls = await client.calls("sendMessage")
    answered = {call["chat_id"]: call["time"] for call in calls if call["chat_id"] in sent}
    return sorted((answered[user] - sent[user]) * 1000 for user in sent if user in answered), cpu


def p99(latencies: list) -> float:
    """The 99th percentile of sorted latencies (the 15th worst of 1,500)."""
    return latencies[max(0, int(len(latencies) * 0.99) - 1)]


def _latency_lines(prefix: str, latencies: list, offered: int, cpu: float) -> None:
    line(f"{prefix}_answered", len(latencies), f"of {offered}")
    line(f"{prefix}_p50_ms", statistics.median(latencies), "ms")
    line(f"{prefix}_p99_ms", p99(latencies), "ms")
    line(f"{prefix}_bot_cpu_ms_per_update", cpu / offered * 1000, "ms")
    # What one core could answer at that cost: above it, updates queue and latency grows with the run.
    line(f"{prefix}_one_core_updates_per_s", offered / cpu if cpu else float("inf"), "updates/s")


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str | None]:
    """A fresh PostgreSQL database on the server LUOSHI_TEST_DATABASE_URL names, dropped afterwards; None if unset."""
    base = os.environ.get("LUOSHI_TEST_DATABASE_URL")
    if not base:
        yield None
        return
    import uuid

    from sqlalchemy.engine import make_url

    from tests.conftest import _pg_execute

    name = f"luoshi_bench_{uuid.uuid4().hex[:8]}"
    await _pg_execute(base, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _luoshi_under_load(sandbox: SandboxProcess, url: str, rate: float, seconds: float, first_user: int):
    settings = settings_for_local_api(load_settings(environ={}), sandbox.bot_api_base, sandbox.bot_file_base, url)
    # Flood limits off, as in the dispatch benchmark: this many answers a second is more than Telegram lets a
    # bot send, and this measures the bot's own cost per update, not Telegram's budget.
    settings = settings.with_changes(delivery={"global_per_second": 100_000.0})
    async with running_bot(settings), SandboxClient(sandbox.url) as client:
        await client.send_text(99, "/start")  # warm up
        await client.wait_for_messages(99, 1, timeout=10)
        return await _offer_load(sandbox, rate, seconds, first_user)


async def _stock_ptb_under_load(rate: float, seconds: float) -> tuple[list, float]:
    """A stock PTB Application (default request, one update at a time) answering /start without a database."""
    from telegram.ext import Application, CommandHandler

    async def hello(update, context) -> None:
        await update.effective_message.reply_text("你好")

    async with SandboxProcess() as sandbox:
        bare = Application.builder().token(throwaway_token()).base_url(sandbox.bot_api_base).build()
        bare.add_handler(CommandHandler("start", hello))
        async with bare, SandboxClient(sandbox.url) as client:
            await bare.start()
            await bare.updater.start_polling(poll_interval=0, timeout=10)
            await client.send_text(98, "/start")  # warm up, as Luoshi is
            await client.wait_for_messages(98, 1, timeout=10)
            result = await _offer_load(sandbox, rate, seconds, 200_000)
            await bare.updater.stop()
            await bare.stop()
    return result


async def _luoshi_on(database: str, rate: float, seconds: float) -> tuple[list, float] | None:
    """Luoshi answering /start under load on a fresh database: "sqlite", or "postgresql" (None if no server)."""
    async with SandboxProcess() as sandbox:
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                return await _luoshi_under_load(
                    sandbox, f"sqlite+aiosqlite:///{folder}/bench.db", rate, seconds, 100_000
                )
        async with postgres_database() as url:
            if url is None:
                return None
            await asyncio.to_thread(upgrade, url)
            return await _luoshi_under_load(sandbox, url, rate, seconds, 300_000)


def bench_commands(rate: float, seconds: float, rounds: int) -> None:
    """Stock PTB and Luoshi (SQLite, PostgreSQL) take turns, `rounds` times: the machine is shared, and a figure
    taken minutes after another may be a different machine's. Each bot's round with the least CPU per update is the
    one least disturbed; that one is printed, and the ratios are between those."""
    offered = int(rate * seconds)
    parts = {
        # Stock PTB on asyncio's loop, as it ships: what this machine allows any PTB bot.
        "commands_bare_ptb": lambda: asyncio.run(_stock_ptb_under_load(rate, seconds)),
        # Luoshi on the loop `luoshi run` uses (uvloop where installed), and on asyncio's for comparison.
        "commands": lambda: event_loop.run(_luoshi_on("sqlite", rate, seconds)),
        "commands_sqlite_asyncio_loop": lambda: asyncio.run(_luoshi_on("sqlite", rate, seconds)),
        "commands_postgresql": lambda: event_loop.run(_luoshi_on("postgresql", rate, seconds)),
    }
    best: dict[str, tuple[list, float]] = {}
    for _ in range(rounds):
        for name, run in parts.items():
            measured = run()  # a sandbox and an event loop of its own
            if measured is not None and (name not in best or measured[1] < best[name][1]):
                best[name] = measured
    for name, (latencies, cpu) in best.items():
        _latency_lines(name, latencies, offered, cpu)
    bare_cpu = best["commands_bare_ptb"][1]
    # The goal: at most 1.3 (Luoshi's CPU per update over stock PTB's, same rate, same run).
    line("commands_sqlite_cpu_ratio_to_bare_ptb", best["commands"][1] / bare_cpu)
    line("commands_sqlite_asyncio_loop_cpu_ratio_to_bare_ptb", best["commands_sqlite_asyncio_loop"][1] / bare_cpu)
    if "commands_postgresql" in best:
        line("commands_postgresql_cpu_ratio_to_bare_ptb", best["commands_postgresql"][1] / bare_cpu)
    else:
        print("commands_postgresql: skipped (LUOSHI_TEST_DATABASE_URL is not set)")


# -- memory -----------------------------------------------------------------------------------------------------


def _memory(url: str, queue) -> None:
    """In a fresh process, as the bot would be: its modules loaded, the data already in the database."""
    import bot.app  # noqa: F401 -- the bot's modules loaded, as in the running bot

    async def run() -> None:
        process = psutil.Process()
        baseline = process.memory_info().rss
        peak = [baseline]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak.append(process.memory_info().rss)
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, enqueued = await fan_out(url)
        done.set()
        sampler.join()
        queue.put((max(peak), baseline, enqueued))

    asyncio.run(run())


def bench_memory(chats: int, commitments: int) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    with tempfile.TemporaryDirectory() as folder:
        # Seeded here, so the measured process holds only what the bot itself would.
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        asyncio.run(seed_followers(url, chats, commitments))
        child = context.Process(target=_memory, args=(url, queue))
        child.start()
        peak, baseline, enqueued = queue.get()
        child.join()
    line("memory_fan_out_rows", enqueued, "rows")
    # The baseline is every feature's modules loaded (charts bring matplotlib); the fan-out adds the rest.
    line("memory_baseline_rss_mb", baseline / 2**20, "MB")
    line("memory_peak_rss_mb", peak / 2**20, "MB")
    line("memory_fan_out_added_mb", (peak - baseline) / 2**20, "MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=150)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="commands: turns each bot takes (the best is printed)")
    parts = ("enqueue", "dispatch", "commands", "memory")
    parser.add_argument("--only", choices=parts, action="append", help="run only this part (repeatable)")
    args = parser.parse_args()
    chosen = set(args.only or parts)
    if "enqueue" in chosen:
        asyncio.run(bench_enqueue(args.chats))
    if "dispatch" in chosen:
        asyncio.run(bench_dispatch(args.messages))
    if "commands" in chosen:
        bench_commands(args.rate, args.seconds, args.rounds)
    if "memory" in chosen:
        bench_memory(args.chats, args.commitments)


if __name__ == "__main__":
    main()
