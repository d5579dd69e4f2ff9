"""The `luoshi` command line: one module per subcommand, each with a `register(subparsers)` function."""

# Start-up time: every `luoshi` run, `--help` included, imports all the subcommand modules below, so they define
# only their arguments at module level. What a command needs to run (python-telegram-bot, SQLAlchemy, Alembic,
# pydantic settings, the extractor) is imported inside the function that runs it.

from __future__ import annotations

import argparse
import sys

from bot.cli import db as db_cmd
from bot.cli import demo as demo_cmd
from bot.cli import extract as extract_cmd
from bot.cli import ingest as ingest_cmd
from bot.cli import link as link_cmd
from bot.cli import run as run_cmd
from bot.cli import shell as shell_cmd
from bot.cli.common import CONFIG_OPTION

# Each module adds its own subparser and sets `func` (args -> exit status).
SUBCOMMANDS = [run_cmd, shell_cmd, db_cmd, extract_cmd, demo_cmd, link_cmd, ingest_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="luoshi",
        description="Luoshi (落实): a Telegram bot that keeps track of what governments promise.",
        parents=[CONFIG_OPTION],
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
