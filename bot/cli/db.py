"""`luoshi db upgrade`: bring the database schema up to date."""

from __future__ import annotations

import logging

from bot.cli.common import CONFIG_OPTION, fail, settings_from


def register(subparsers) -> None:
    parser = subparsers.add_parser("db", help="manage the database schema", parents=[CONFIG_OPTION])
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    up = actions.add_parser(
        "upgrade", help="apply migrations up to the newest (or --revision)", parents=[CONFIG_OPTION]
    )
    up.add_argument("--revision", default="heads", help="target revision (default: heads, every branch's newest)")
    # --database, as `luoshi shell` and `luoshi demo` spell it; --url still works.
    up.add_argument("--database", "--url", dest="url", metavar="URL", help="database URL instead of database.url")
    up.set_defaults(func=upgrade_command)


def upgrade_command(args) -> int:
    settings = settings_from(args)
    url = args.url or settings.database.url
    upgrade_or_exit(url, args.revision)
    return 0


def upgrade_or_exit(url: str, revision: str = "heads") -> None:
    # Alembic logs each of its plugins at INFO as it loads. Imported here (for start-up time), it now loads after
    # settings_from has set up logging, so those lines would show: kept quiet, as they were.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    from trackers.runtime.migrate import upgrade

    try:
        upgrade(url, revision)
    except Exception as exc:  # any failure here is reported in one line, not a traceback
        raise upgrade_failed(url, exc) from None


def upgrade_failed(url: str, error: Exception) -> SystemExit:
    """One line for a database that could not be opened or upgraded (no password, no traceback)."""
    return fail(f"database upgrade of {_where(url)} failed: {_reason(error)}", 1)


def _where(url: str) -> str:
    """The database a URL names, without a password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unreadable URL is shown as given
        return url


def _reason(error: Exception) -> str:
    """SQLAlchemy's message without its link to the docs (the file or server is what matters)."""
    original = getattr(error, "orig", None)
    return str(original or error).split("\n(Background on this error")[0].strip() or type(error).__name__
