"""The real Application against the local Bot API sandbox, on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
from telegram.ext import Application

from bot.running import running_bot, settings_for_local_api
from bot.sandbox.client import SandboxClient
from bot.sandbox.server import Sandbox
from bot.settings import Settings, load_settings
from tests.e2e.reader_helpers import BOB, Reader, with_demo


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as server:
        yield server


@pytest.fixture
async def client(sandbox) -> AsyncIterator[SandboxClient]:
    async with SandboxClient(sandbox.url) as sandbox_client:
        yield sandbox_client


@pytest.fixture
def settings(sandbox, bot_database_url) -> Settings:
    """Default settings, pointed at the sandbox and a fresh database (migrated already: the bot's own upgrade at
    start then finds nothing to do; `bot_sessions` opens the same database)."""
    base = load_settings(environ={})
    return settings_for_local_api(base, sandbox.bot_api_base, sandbox.bot_file_base, bot_database_url)


@pytest.fixture
def start_bot(settings) -> Callable[..., AbstractAsyncContextManager[Application]]:
    """Start the bot, optionally with some settings changed: `async with start_bot(bot={...}) as app:`."""

    def start(**changes) -> AbstractAsyncContextManager[Application]:
        return running_bot(settings.with_changes(**changes) if changes else settings)

    return start


@pytest.fixture
async def bot(start_bot) -> AsyncIterator[Application]:
    async with start_bot() as application:
        yield application


# The readers of the browsing, following and journalist tests: Ada reads Chinese, Bob English, and the bot holds the
# demo set.


@pytest.fixture
async def demo_bot(bot) -> Application:
    return await with_demo(bot)


@pytest.fixture
def ada(demo_bot, client) -> Reader:
    return Reader(demo_bot, client)


@pytest.fixture
def bob(demo_bot, client) -> Reader:
    return Reader(demo_bot, client, BOB, language="en")
