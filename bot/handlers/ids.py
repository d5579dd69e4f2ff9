"""Ids typed by users: one reading for every command that takes one.

A row id is a positive 32-bit integer (the database's INTEGER); a Telegram user id fits a signed 64-bit one. Anything
else (a sign, zero, a number no id reaches) reads as no id, so the handler answers with its
usage or "no such …" instead of handing the database a number it cannot hold.
"""

from __future__ import annotations

import re

ROW_ID_MAX = 2**31 - 1
USER_ID_MAX = 2**63 - 1
_DIGITS = re.compile(r"#?([0-9]{1,30})")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＃", "0123456789#")


def parse_id(text: str | None, *, limit: int = ROW_ID_MAX) -> int | None:
    """The id in `text` (a leading # allowed), None unless it is a whole number from 1 to `limit`."""
    match = _DIGITS.fullmatch(_folded(text))
    if match is None:
        return None
    number = int(match.group(1))
    return number if 0 < number <= limit else None


def looks_like_id(text: str | None) -> bool:
    """Digits (with an optional #): meant as an id, even when no row could have it."""
    return _DIGITS.fullmatch(_folded(text)) is not None


def _folded(text: str | None) -> str:
    """Full-width digits and ＃ (a Chinese keyboard's) read as ASCII ones."""
    return (text or "").translate(_FULL_WIDTH).strip()
