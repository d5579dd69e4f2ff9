"""`luoshi db upgrade`: bring the database schema up to date."""

from __future__ import annotations

from bot.cli.common import CONFIG_OPTION, fail, settings_from
from trackers.runtime.migrate import upgrade


def register(subparsers) -> None:
    parser = subparsers.add_parser("db", help="manage the database schema", parents=[CONFIG_OPTION])
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    up = actions.add_parser(
        "upgrade", help="apply migrations up to the newest (or --revision)", parents=[CONFIG_OPTION]
    )
    up.add_argument("--revision", default="heads", help="target revision (default: heads, every branch's newest)")
    up.add_argument("--url", help="database URL instead of the configured one")
    up.set_defaults(func=upgrade_command)


def upgrade_command(args) -> int:
    settings = settings_from(args)
    url = args.url or settings.database.url
    upgrade_or_exit(url, args.revision)
    return 0


def upgrade_or_exit(url: str, revision: str = "heads") -> None:
    try:
        upgrade(url, revision)
    except Exception as exc:  # any failure here is reported in one line, not a traceback
        raise fail(f"database upgrade failed: {type(exc).__name__}: {exc}", 1) from None
