"""The event loop Luoshi runs on: uvloop where it is installed (Linux and macOS), else asyncio's own.

Why: answering an update is a handful of small socket reads and writes (the update in, a reply out) and their
callbacks; with asyncio's pure-Python loop that bookkeeping was about a third of the bot's CPU per update, and
uvloop does the same work in C. bench/bench_delivery.py (commands) prints the CPU per update both ways.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


def use_fast_loop() -> bool:
    """Make the loops created from now on uvloop's, for PTB's run_polling and run_webhook, which make their own.
    False when uvloop is not installed: asyncio's loop is used, and everything works the same, more slowly."""
    try:
        import uvloop
    except ImportError:
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


def run(main: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run on the fast loop when there is one."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
