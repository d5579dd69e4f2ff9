"""`luoshi run`: the live bot (polling, or webhook when configured)."""

from __future__ import annotations

from bot.cli.common import CONFIG_OPTION, fail, settings_from
from bot.cli.db import upgrade_or_exit


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the bot against Telegram (needs TELEGRAM_BOT_TOKEN)",
        description="Run the bot. Upgrades the database first. Polls Telegram, or serves a webhook when "
        "telegram.mode is 'webhook'.",
        parents=[CONFIG_OPTION],
    )
    parser.set_defaults(func=run_command)


def run_command(args) -> int:
    # Loaded before settings_from sets up logging, as when they were imported at module level: what they log at
    # INFO while loading stays unprinted.
    from telegram import Update

    from bot.app import build_application

    settings = settings_from(args)
    if settings.token is None:
        raise fail("TELEGRAM_BOT_TOKEN is not set; to chat with the bot without Telegram, run `luoshi shell`.")
    telegram = settings.telegram
    if telegram.mode == "webhook" and not telegram.webhook_url:
        raise fail("configuration error: telegram.webhook_url is needed when telegram.mode is 'webhook'")

    upgrade_or_exit(settings.database.url)
    application = build_application(settings)
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
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
