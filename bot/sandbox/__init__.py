"""A local Telegram Bot API server for end-to-end tests, reliability tests, benchmarks and the terminal shell.

- :class:`Sandbox` (``server.py``) runs in the current event loop;
- :class:`SandboxProcess` (``process.py``) runs it in a child process, so a test can kill the bot and not the
  server, and a benchmark can give each its own core;
- :class:`SandboxClient` (``client.py``) drives it over HTTP: users write and press buttons, tests read what the bot
  sent, inject faults and turn on rate limits.
"""

from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.process import SandboxProcess
from bot.sandbox.server import Sandbox

__all__ = ["Sandbox", "SandboxClient", "SandboxError", "SandboxProcess"]
