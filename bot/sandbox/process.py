"""Run the sandbox in a child process, for tests that kill the bot and benchmarks that need two cores.

    with SandboxProcess() as sandbox:          # or: async with SandboxProcess() as sandbox:
        bot = Bot(token, base_url=sandbox.bot_api_base, base_file_url=sandbox.bot_file_base)
        client = SandboxClient(sandbox.url)

The child listens on a free port and announces it on its first line of stdout; leaving the block terminates it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

from bot.sandbox.addresses import BotApiAddresses

# The one line ``python -m bot.sandbox`` prints on stdout once it accepts connections.
READY_PREFIX = "sandbox listening on "
# The repository root, so that ``-m bot.sandbox`` resolves even when the package is not installed.
_ROOT = Path(__file__).resolve().parents[2]


class SandboxProcess(BotApiAddresses):
    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        bot_username: str = "luoshi_sandbox_bot",
        startup_timeout: float = 15.0,
    ) -> None:
        self.host = host
        self.bot_username = bot_username
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.url: str | None = None

    @property
    def port(self) -> int:
        return int(self._started_url().rsplit(":", 1)[1])

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("the sandbox process is not running")
        return self.process.pid

    def start(self) -> SandboxProcess:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
        command = [
            sys.executable,
            "-m",
            "bot.sandbox",
            "--host",
            self.host,
            "--port",
            "0",
            "--bot-username",
            self.bot_username,
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        line = self._read_first_line()
        if not line.startswith(READY_PREFIX):
            self.stop()
            raise RuntimeError(f"the sandbox did not start; its first line was {line!r}")
        self.url = line.removeprefix(READY_PREFIX).strip()
        return self

    def _read_first_line(self) -> str:
        # readline() blocks; a thread lets us give up after startup_timeout instead of hanging a test run.
        assert self.process is not None and self.process.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        return result[0] if result else ""

    def stop(self, timeout: float = 5.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> SandboxProcess:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self.stop)
