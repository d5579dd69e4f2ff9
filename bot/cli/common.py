"""What every subcommand shares: the --config option and loading settings with a one-line error."""

from __future__ import annotations

import argparse
import sys

from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

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
    try:
        settings = load_settings(getattr(args, "config", None))
    except SettingsError as exc:
        raise fail(f"configuration error: {exc}") from None
    secrets = [s.get_secret_value() for s in (settings.token, settings.webhook_secret) if s]
    configure_logging(settings.logging.level, secrets)
    return settings
