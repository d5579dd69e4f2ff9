"""Ids typed by users: one reading for every command that takes one.

A row id is a positive 32-bit integer (the database's INTEGER); a Telegram user id fits a signed 64-bit one. Anything
else (a sign, zero, a number no id reaches) reads as no id, so the handler answers with its
usage or "no such …" instead of handing the database a number it cannot hold.
"""

from __future__ import annotations

import re

ROW_ID_MAX = 2**31 - 1
USER_ID_MAX = 2**63 - 1


def _numbers_up_to(limit: int) -> str:
    """A regular expression for the whole numbers 0 to `limit` (no leading zeros): digit by digit, each number
    below `limit` has a first digit that is smaller than the limit's, after the same leading ones."""
    digits = str(limit)
    options = ["0", rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else ["0"]
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            options.append(rf"{digits[:i]}[{low}-{int(digit) - 1}]\d{{{len(digits) - i - 1}}}")
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


# Button data carries row ids; a forged button must not reach the database with a number no row id can be.
ROW_ID_PATTERN = _numbers_up_to(ROW_ID_MAX)
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
