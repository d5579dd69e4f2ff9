"""Buttons: each kind's callback data is written and read back in one place, so the two cannot drift apart."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton

from bot.handlers.ids import ROW_ID_PATTERN

# Telegram refuses callback data longer than this many bytes.
MAX_DATA_BYTES = 64


@dataclass(frozen=True)
class ButtonKind:
    """One kind of button: its data is `prefix:field:…`, and `pattern` matches exactly that, one group per field.

    `fields` are regular expressions, one per value the button carries; a handler reads them from `context.match`.
    """

    prefix: str
    fields: tuple[str, ...] = ()

    def data(self, *values: object) -> str:
        parts = [str(value) for value in values]
        if len(parts) != len(self.fields) or not all(
            re.fullmatch(field, part) for field, part in zip(self.fields, parts, strict=True)
        ):
            raise ValueError(f"{self.prefix}: {parts} do not fit {self.fields}")
        data = ":".join([self.prefix, *parts])
        if len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"{data!r} is longer than Telegram allows")
        return data

    @property
    def pattern(self) -> str:
        return "^" + ":".join([re.escape(self.prefix), *(f"({field})" for field in self.fields)]) + "$"

    def button(self, label: str, *values: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=self.data(*values))


ID = ROW_ID_PATTERN  # 0 to the largest row id: forged data with a bigger number matches no button


def in_rows(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]
