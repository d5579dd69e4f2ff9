"""How much the host itself held things up during a run: a process of its own that, until told to stop, measures

- late: how much later than asked a 1 ms sleep wakes. On an idle machine it is a fraction of a millisecond; under
  a run's load a few milliseconds (a process woken from sleep normally goes ahead of busy ones). Tens of
  milliseconds mean no core was free for that long, and the run's processes waited as well.
- flush: an 8 KB write and fdatasync to a file in the temp directory every 100 ms, as a database's commit does.
  Hundreds of milliseconds mean the disk stalled, and every commit waiting on it meanwhile stalled too.
- steal (Linux): the share of the machine's CPU time the hypervisor gave to other guests, over the whole watch and
  in its worst 100 ms. A virtual machine's cores are not always its own: time stolen is time no process here ran.

A latency goal missed in a run whose `late` or `flush` maximum comes near the missed figure points at the host; one
missed while both stayed low points at the bot. The benchmarks start it around their measured load:

    async with HostWatch() as watch:
        ...
    watch.figures  # {"late_p99_ms": ..., "late_max_ms": ..., "flush_p99_ms": ..., "steal_pct": ..., ...}

    python -m bench.host_watch   # alone: prints its figures when stdin closes (Ctrl-D)
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

SLEEP, FLUSH_EVERY, BLOCK = 0.001, 0.1, 8192
ROOT = Path(__file__).resolve().parents[1]


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def _cpu_times() -> tuple[int, int] | None:
    """(steal, total) clock ticks of all cores so far, from /proc/stat; None where there is none."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    except OSError:
        return None
    ticks = [int(field) for field in fields]  # user nice system idle iowait irq softirq steal
    return ticks[7] if len(ticks) == 8 else 0, sum(ticks)


def _steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1]) * 100


def _watch_flushes(stop: threading.Event, flushes: list[float], steals: list[float]) -> None:
    block = os.urandom(BLOCK)
    last = _cpu_times()
    with tempfile.TemporaryFile() as file:
        descriptor = file.fileno()
        while not stop.wait(FLUSH_EVERY):
            now = _cpu_times()
            share = _steal_share(last, now)
            if share is not None:
                steals.append(share)
            last = now
            started = time.perf_counter()
            os.pwrite(descriptor, block, (len(flushes) % 16) * BLOCK)
            os.fdatasync(descriptor)
            flushes.append(time.perf_counter() - started)


def watch() -> dict[str, float]:
    """Measure until stdin closes; the figures in milliseconds."""
    stop, flushes, lateness, steals = threading.Event(), [], [], []
    first = _cpu_times()
    flusher = threading.Thread(target=_watch_flushes, args=(stop, flushes, steals), daemon=True)
    flusher.start()
    reader = threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True)
    reader.start()
    while not stop.is_set():
        started = time.perf_counter()
        time.sleep(SLEEP)
        lateness.append(time.perf_counter() - started - SLEEP)
    flusher.join(timeout=5)
    figures = {
        "late_p99_ms": _p99(lateness) * 1000,
        "late_max_ms": max(lateness, default=0.0) * 1000,
        "flush_p99_ms": _p99(flushes) * 1000,
        "flush_max_ms": max(flushes, default=0.0) * 1000,
    }
    steal = _steal_share(first, _cpu_times())
    if steal is not None:
        figures |= {"steal_pct": steal, "steal_max_pct": max(steals, default=steal)}
    return figures


class HostWatch:
    """`watch` in a child process for the duration of an `async with` (a thread of the benchmark's own process would
    take its turns on the benchmark's GIL, and be held up by it)."""

    def __init__(self) -> None:
        self.figures: dict[str, float] = {}
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> HostWatch:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.host_watch",
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        output, _ = await self._process.communicate(b"")
        self.figures = json.loads(output)


if __name__ == "__main__":
    print(json.dumps(watch()))
