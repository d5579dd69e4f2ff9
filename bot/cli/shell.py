"""`luoshi shell`: chat with the bot in the terminal, against the local Bot API sandbox; no token needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from bot.cli.common import CONFIG_OPTION, fail, settings_from


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "shell",
        help="chat with the bot in the terminal (no Telegram token needed)",
        description="Start the local Bot API sandbox and the bot, and chat with it as a Telegram user. "
        "Type :help inside for the shell's own commands. With --script, or with input from a pipe, the "
        "lines are replayed and the transcript printed.",
        parents=[CONFIG_OPTION],
    )
    parser.add_argument("--script", metavar="FILE", help="replay the lines of FILE and print the transcript")
    parser.add_argument("--user", type=int, default=1001, help="your Telegram user id (default 1001)")
    parser.add_argument("--name", default="Ada", help="your first name (default Ada)")
    parser.add_argument("--lang", default="zh-hans", help="your Telegram language code (default zh-hans)")
    parser.add_argument("--database", metavar="URL", help="database URL instead of sandbox.database_url")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print the bot's log lines here instead of writing warnings and errors to shell.log",
    )
    parser.set_defaults(func=shell_command)


def shell_command(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.db import upgrade_failed
    from bot.shell import Persona, Shell, run_interactive, run_script

    settings = settings_from(args)
    if args.database:
        settings = settings.with_changes(sandbox={"database_url": args.database})

    script: list[str] | None = None
    if args.script:
        try:
            with open(args.script, encoding="utf-8") as handle:
                script = handle.readlines()
        except OSError as exc:
            raise fail(f"cannot read script {args.script}: {exc.strerror}") from None
    elif not sys.stdin.isatty():
        script = sys.stdin.readlines()
    log_file = None if args.verbose else _log_to_file(settings.sandbox.database_url)

    async def main() -> None:
        persona = Persona(user_id=args.user, first_name=args.name, language_code=args.lang)
        shell = Shell(settings, persona=persona)
        if log_file is not None:
            shell.notes.append(f"(shell) the bot's warnings and errors go to {log_file}")
        async with contextlib.AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(shell)
            except (SQLAlchemyError, OSError) as exc:
                # The shell's database could not be opened or upgraded: one line, as `luoshi run` says it.
                raise upgrade_failed(settings.sandbox.database_url, exc) from None
            if script is None:
                await run_interactive(shell)
            else:
                await run_script(shell, script)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0


def _log_to_file(database_url: str) -> Path:
    """The bot's log lines would break into the conversation: warnings and errors go to shell.log beside the
    shell's database (or in the current directory when the database is not a file), with the same redaction."""
    from sqlalchemy.engine import make_url

    database = make_url(database_url).database if database_url.startswith("sqlite") else None
    folder = Path(database).parent if database and database != ":memory:" else Path()
    path = folder / "shell.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:  # the database's folder cannot be made or written either: said in one line
        raise fail(f"cannot write the shell's log {path}: {exc.strerror or exc}", 1) from None
    root = logging.getLogger()
    handler.setFormatter(root.handlers[0].formatter if root.handlers else None)
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    return path
