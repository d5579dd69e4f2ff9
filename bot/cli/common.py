"""What every subcommand shares: the --config option and loading settings with a one-line error."""

from __future__ import annotations

import argparse
import html
import logging
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

CONFIG_OPTION = argparse.ArgumentParser(add_help=False)
CONFIG_OPTION.add_argument(
    "--config",
    metavar="FILE",
    default=argparse.SUPPRESS,
    help="a TOML file of settings over config/default.toml (else LUOSHI_CONFIG)",
)


def fail(message: str, status: int = 2) -> SystemExit:
    """Print one line for the user and give the exit to raise."""
    print(f"luoshi: {message}", file=sys.stderr)
    return SystemExit(status)


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings for this run, or exit 2 with the key and the file that are wrong."""
    # Imported here: settings need pydantic, which `luoshi --help` and `luoshi extract` do without.
    from bot.logs import configure_logging
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings(getattr(args, "config", None))
    except SettingsError as exc:
        raise fail(f"configuration error: {exc}") from None
    secrets = [s.get_secret_value() for s in (settings.token, settings.webhook_secret) if s]
    configure_logging(settings.logging.level, secrets)
    return settings


def in_words(error: Exception) -> str:
    """What went wrong, for the person at the terminal: the file and the reason, never a class name."""
    # Imported here: most commands never meet these errors, and startup stays light.
    from bot.render.errors import ERRORS, error_text

    if isinstance(error, FileNotFoundError):
        return f"no such file: {error.filename}"
    if isinstance(error, IsADirectoryError):
        return f"{error.filename} is a folder"
    if isinstance(error, PermissionError):
        return f"not allowed to read {error.filename}"
    if isinstance(error, OSError):
        return f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    if any(kind in ERRORS for kind in type(error).__mro__):
        # The bot's own English for the domain's errors (a fetch refused, an empty article, an unreadable PDF).
        return html.unescape(re.sub(r"<[^>]+>", "", error_text("en", error)))
    return str(error) or "it failed"


def quiet_migrations() -> None:
    """Commands that only need the schema up to date do not list each migration (`luoshi db upgrade` does)."""
    logging.getLogger("alembic").setLevel(logging.WARNING)


def plural(count: int, noun: str) -> str:
    """1 fact, 2 facts."""
    return f"{count} {noun}" + ("" if count == 1 else "s")
