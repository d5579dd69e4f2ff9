"""Run the Application: against Telegram until a signal (`serve`, for `luoshi run` and a deployment's receiver), or
by hand against a Bot API server of our own (the sandbox), for the shell and the tests (`running_bot`).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.settings import Settings
from trackers.runtime.migrate import upgrade


def serve(application: Application, settings: Settings, *, poll_interval: float | None = None) -> None:
    """Poll Telegram, or serve the webhook when telegram.mode is "webhook", until SIGINT or SIGTERM (PTB's run_*
    methods: they also call post_init and post_shutdown). `poll_interval`: instead of telegram.poll_interval."""
    telegram = settings.telegram
    if telegram.mode == "webhook":
        application.run_webhook(
            listen=telegram.webhook_listen,
            port=telegram.webhook_port,
            url_path=telegram.webhook_path,
            webhook_url=telegram.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        interval = telegram.poll_interval if poll_interval is None else poll_interval
        application.run_polling(poll_interval=interval, allowed_updates=Update.ALL_TYPES)


def throwaway_token() -> str:
    """A well-formed token for a local Bot API server, made fresh each time so none is ever committed."""
    return f"{secrets.randbelow(9 * 10**8) + 10**8}:{secrets.token_urlsafe(27)}"


def settings_for_local_api(settings: Settings, api_base: str, file_base: str, database_url: str) -> Settings:
    return settings.with_changes(telegram={"api_url": api_base, "file_url": file_base}, database={"url": database_url})


@asynccontextmanager
async def running_bot(settings: Settings, *, token: str | None = None) -> AsyncIterator[Application]:
    """Upgrade the database, start the Application and poll; stop everything on the way out."""
    # Alembic runs an event loop of its own, so it gets a thread of its own.
    await asyncio.to_thread(upgrade, settings.database.url)
    application = build_application(settings, token=token or throwaway_token())
    await application.initialize()
    # run_polling calls post_init and post_shutdown; started by hand, they are ours to call.
    await application.post_init(application)
    await application.start()
    await application.updater.start_polling(
        poll_interval=settings.telegram.poll_interval,
        timeout=5,
        allowed_updates=Update.ALL_TYPES,
        # As run_polling does: a failed getUpdates goes to the error handler.
        error_callback=lambda error: application.create_task(application.process_error(update=None, error=error)),
    )
    try:
        yield application
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)
