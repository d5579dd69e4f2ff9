"""Everything the bot says, one module per language. Text from users or articles is escaped where it enters."""

from __future__ import annotations

from bot.texts import en, zh

LANGUAGES = {"zh": zh.TEXTS, "en": en.TEXTS}


def t(language: str, key: str, **values: object) -> str:
    """The text `key` in `language` (falling back to Chinese), with `values` filled in."""
    catalog = LANGUAGES.get(language, zh.TEXTS)
    template = catalog.get(key) or zh.TEXTS[key]
    return template.format(**values) if values else template


def language_from_telegram(language_code: str | None) -> str | None:
    """Telegram's language_code (an IETF tag such as "en-GB" or "zh-hans") to one of ours, if we speak it."""
    if not language_code:
        return None
    primary = language_code.lower().split("-")[0]
    return primary if primary in LANGUAGES else None
