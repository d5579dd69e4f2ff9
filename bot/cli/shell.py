"""`luoshi shell`: chat with the bot in the terminal, against the local Bot API sandbox; no token needed."""

from __future__ import annotations

import asyncio
import logging
import sys

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
    parser.add_argument("--verbose", action="store_true", help="show the bot's log lines")
    parser.set_defaults(func=shell_command)


def shell_command(args) -> int:
    from bot.shell import Persona, Shell, run_interactive, run_script

    settings = settings_from(args)
    if args.database:
        settings = settings.with_changes(sandbox={"database_url": args.database})
    # The bot's log lines would drown the conversation; warnings and errors still show.
    logging.getLogger().setLevel(settings.logging.level if args.verbose else logging.WARNING)

    script: list[str] | None = None
    if args.script:
        try:
            with open(args.script, encoding="utf-8") as handle:
                script = handle.readlines()
        except OSError as exc:
            raise fail(f"cannot read script {args.script}: {exc.strerror}") from None
    elif not sys.stdin.isatty():
        script = sys.stdin.readlines()

    async def main() -> None:
        persona = Persona(user_id=args.user, first_name=args.name, language_code=args.lang)
        async with Shell(settings, persona=persona) as shell:
            if script is None:
                await run_interactive(shell)
            else:
                await run_script(shell, script)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0
