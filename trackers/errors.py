"""Errors that several services raise; bot/ maps each to a friendly text in the user's language."""

from __future__ import annotations


class UnknownCommitment(LookupError):
    """No commitment answers to this id or reference."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"no commitment {ref}")
        self.ref = ref
        self.commitment_id = ref


class UnknownChat(LookupError):
    """The chat has no row yet (it never wrote to the bot)."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"no chat {chat_id}")
        self.chat_id = chat_id
