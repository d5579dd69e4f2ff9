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
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        default=None,
        help="PostgreSQL only: one process receives updates and N worker processes handle them (a chat's in "
        "order, by one worker at a time), restarted if they die; for more than one core's worth of updates",
    )
    parser.set_defaults(func=run_command)


def run_command(args) -> int:
    # Loaded before settings_from sets up logging, as when they were imported at module level: what they log at
    # INFO while loading stays unprinted.
    from bot.app import build_application
    from bot.event_loop import use_fast_loop
    from bot.running import serve
    from trackers.runtime.db import is_sqlite

    settings = settings_from(args)
    if settings.token is None:
        raise fail("TELEGRAM_BOT_TOKEN is not set; to chat with the bot without Telegram, run `luoshi shell`.")
    telegram = settings.telegram
    if telegram.mode == "webhook" and not telegram.webhook_url:
        raise fail("configuration error: telegram.webhook_url is needed when telegram.mode is 'webhook'")

    if args.workers is not None and (args.workers != 1 or not is_sqlite(settings.database.url)):
        from bot.workers import DeploymentRefused, run_deployment

        use_fast_loop()
        try:
            return run_deployment(settings, args.workers)
        except DeploymentRefused as error:
            raise fail(str(error)) from None

    upgrade_or_exit(settings.database.url)
    use_fast_loop()
    application = build_application(settings)
    serve(application, settings)
    return 0
