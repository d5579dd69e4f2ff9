"""The command menu: each feature module lists its commands; /help and setMyCommands are built from them."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand

from bot.texts import LANGUAGES, t


@dataclass(frozen=True)
class MenuCommand:
    command: str
    description_key: str  # a key in bot.texts


def bot_commands(commands: list[MenuCommand], language: str) -> list[BotCommand]:
    return [BotCommand(c.command, t(language, c.description_key)) for c in commands]


def help_text(commands: list[MenuCommand], language: str) -> str:
    lines = [t(language, "help_header"), ""]
    lines += [f"/{c.command} — {t(language, c.description_key)}" for c in commands]
    lines += ["", t(language, "help_footer")]
    return "\n".join(lines)


async def register_menu(bot, commands: list[MenuCommand], default_language: str) -> None:
    """One menu per language we speak, and the default language's for everyone else."""
    for language in LANGUAGES:
        await bot.set_my_commands(bot_commands(commands, language), language_code=language)
    await bot.set_my_commands(bot_commands(commands, default_language))
