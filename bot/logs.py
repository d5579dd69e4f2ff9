"""Logging that never prints a secret: the bot token is in every Bot API URL and in some error texts."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import IO

# Anything shaped like a bot token (numeric id, colon, 35 url-safe characters), whoever's it is.
TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[secret]")
    return TOKEN_SHAPE.sub("[token]", text)


class RedactingFormatter(logging.Formatter):
    """Redacts the formatted line, traceback included, so no logger can leak a secret through it."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def configure_logging(level: str, secrets: Iterable[str] = (), stream: IO[str] | None = None) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, token included, at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # The dispatcher's sweep runs every second; APScheduler would log each run at INFO.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
