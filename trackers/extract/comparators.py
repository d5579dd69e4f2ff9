"""Comparators: the words that say whether a figure is a floor, a ceiling, an estimate or exact (SCHEMA.md)."""

from __future__ import annotations

import re

# A suffix is the stronger word: 达到15%以上 is ">=", 控制在5.5%以内 is "<=".
SUFFIX = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "~", "上下": "~"}

# Words right before the number, longest first so 不超过 is not read as 超过.
_PREFIX = {
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "至少": ">=",
    "达到": ">=",
    "达": ">=",
    "不超过": "<=",
    "不高于": "<=",
    "不大于": "<=",
    "最多": "<=",
    "控制在": "<=",
    "超过": ">",
    "突破": ">",
    "高于": ">",
    "多于": ">",
    "大于": ">",
    "逾": ">",
    "超": ">",
    "低于": "<",
    "少于": "<",
    "小于": "<",
    "不到": "<",
    "不足": "<",
    "约": "~",
    "大约": "~",
    "近": "~",
    "接近": "~",
    "预计": "~",
    "估计": "~",
}
# Optional little words between the comparator and the number: 超过了, 达到约, 控制在.
_PREFIX_RE = re.compile(
    "(?P<word>" + "|".join(sorted(map(re.escape, _PREFIX), key=len, reverse=True)) + r")(?:了|约|到|为)?$"
)
_LOOKBACK = 6


def suffix_comparator(word: str | None) -> str | None:
    return SUFFIX.get(word) if word else None


def prefix_comparator(view: str, pos: int) -> tuple[str | None, int]:
    """The comparator that ends right at `pos` and its length, or (None, 0)."""
    m = _PREFIX_RE.search(view, max(0, pos - _LOOKBACK), pos)
    if not m:
        return None, 0
    word = m.group("word")
    # 超 is also the first character of 超额 and 超级; only take it right before the number.
    if word == "超" and m.end() - m.start() > 1:
        return None, 0
    return _PREFIX[word], m.end() - m.start()


def comparator_in(text: str) -> str | None:
    """A comparator word anywhere in a short stretch (used for 总投资预计260亿元)."""
    if "预计" in text or "预期" in text:
        return "~"
    return None
