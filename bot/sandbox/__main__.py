"""Run the sandbox as its own process: ``python -m bot.sandbox [--host 127.0.0.1] [--port 0]``.

Prints exactly one line on stdout, ``sandbox listening on http://HOST:PORT``, once it accepts connections, so a
parent process can read the port (see ``process.py``); everything else goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal

from bot.sandbox.process import READY_PREFIX
from bot.sandbox.server import Sandbox


async def serve(host: str, port: int, bot_username: str) -> None:
    sandbox = Sandbox(bot_username=bot_username)
    await sandbox.start(host, port)
    # What is loaded by now lives as long as the process: frozen, it is left out of the collector's full passes.
    # Those came at the end of a benchmark's load, when the sandbox answers it, and stopped the sandbox for 14-39
    # ms while the bot's last answers were being logged (frozen: at most 6 ms).
    gc.collect()
    gc.freeze()
    print(f"{READY_PREFIX}{sandbox.url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description="A local Telegram Bot API sandbox.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default: 0)")
    parser.add_argument("--bot-username", default="luoshi_sandbox_bot", help="what getMe answers")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.bot_username))


if __name__ == "__main__":
    main()
