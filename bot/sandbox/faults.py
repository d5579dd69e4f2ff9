"""Fault injection: make the next N matching Bot API calls fail the way Telegram or the network does.

A rule matches on the method (any, if None) and the chat (any, if None). Rules are consulted in the order they
were added; the first match is used and its ``times`` counter goes down (``times=None`` never runs out).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

# Kinds that answer with a Bot API error at once.
ERROR_KINDS = ("429", "403", "400", "5xx")
# Kinds that change how (or whether) the answer arrives.
TIMING_KINDS = ("delay", "timeout_after_accept", "drop_connection")
# A kind that answers "ok" with a result the client cannot read (True where a Message belongs), after the call
# took effect: what a broken proxy in front of the Bot API can do.
GARBLED = "garbled_result"
KINDS = (*ERROR_KINDS, *TIMING_KINDS, GARBLED)

_DEFAULT_DESCRIPTIONS = {
    "403": "Forbidden: bot was blocked by the user",
    "400": "Bad Request: chat not found",
}
_ids = itertools.count(1)


@dataclass
class FaultRule:
    kind: str
    method: str | None = None
    chat_id: int | str | None = None
    times: int | None = 1
    retry_after: int = 5
    delay: float = 30.0  # long enough for PTB's default 5 s read timeout to fire first
    description: str | None = None
    migrate_to_chat_id: int | None = None
    status: int = 502  # for "5xx"
    id: int = 0
    used: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.kind == "5xx" and not 500 <= self.status <= 599:
            raise ValueError("status of a 5xx fault must be between 500 and 599")
        if self.chat_id is not None:
            self.chat_id = _normalise_chat(self.chat_id)
        self.id = self.id or next(_ids)

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == _normalise_chat(chat_id)

    def error(self) -> tuple[int, str, dict | None]:
        """The HTTP status, description and ``parameters`` of an error fault."""
        if self.kind == "429":
            return (
                429,
                self.description or f"Too Many Requests: retry after {self.retry_after}",
                {"retry_after": self.retry_after},
            )
        if self.kind == "5xx":
            return self.status, self.description or _status_phrase(self.status), None
        if self.kind == "400" and self.migrate_to_chat_id is not None:
            description = self.description or "Bad Request: group chat was upgraded to a supergroup chat"
            return 400, description, {"migrate_to_chat_id": self.migrate_to_chat_id}
        return int(self.kind), self.description or _DEFAULT_DESCRIPTIONS[self.kind], None

    def view(self) -> dict:
        return asdict(self)


def _normalise_chat(chat_id: int | str | None) -> int | str | None:
    try:
        return int(chat_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return chat_id


def _status_phrase(status: int) -> str:
    phrases = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
    return phrases.get(status, "Server Error")


class FaultBook:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def take(self, method: str, chat_id: int | str | None) -> FaultRule | None:
        """Return the first rule matching this call and use it up once."""
        for rule in self.rules:
            if rule.matches(method, chat_id):
                rule.used += 1
                if rule.times is not None and rule.used >= rule.times:
                    self.rules.remove(rule)
                return rule
        return None
