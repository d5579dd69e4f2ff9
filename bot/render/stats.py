"""/stats as an admin reads it: commitments by status and the bot's other figures."""

from __future__ import annotations

from bot.texts import t
from bot.texts.keys import STATUS


def stats_text(
    language: str, by_status: dict[str, int], *, chats: int, follows: int, articles: int, pending: int
) -> str:
    statuses = (
        "\n".join(f"  {t(language, STATUS.key(status))}: {count}" for status, count in sorted(by_status.items()))
        or "  —"
    )
    return t(
        language,
        "adm_stats",
        total=sum(by_status.values()),
        statuses=statuses,
        chats=chats,
        follows=follows,
        articles=articles,
        pending=pending,
    )
