"""Split an HTML message over Telegram's 4,096-character limit into parts that are each valid on their own.

Telegram counts the text after parsing the markup (tags count nothing, an entity such as ``&amp;`` counts one
character), so the length is measured that way -- in UTF-16 code units, the stricter of the possible counts. A cut
never falls inside a tag, an entity or a character; tags open at a cut are closed at the end of one part and
opened again, with their attributes, at the start of the next. Cuts prefer a blank line, then a line break,
then the end of a sentence, then a space.
"""

from __future__ import annotations

import re

LIMIT = 4096
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")
# Break priorities: the text just before the cut ends with one of these.
_BREAKS = (("\n\n",), ("\n",), ("。", "！", "？", "；", ". ", "! ", "? ", "; "), (" ", "，", ", ", "、"))


def _visible(token: str) -> int:
    if token.startswith("<") and token.endswith(">") and len(token) > 1:
        return 0
    if token.startswith("&") and token.endswith(";") and len(token) > 2:
        return 1
    return 2 if ord(token) > 0xFFFF else 1


def visible_length(html: str) -> int:
    return sum(_visible(token) for token in _TOKEN.findall(html))


def _apply_tag(stack: list[tuple[str, str]], token: str) -> None:
    match = _TAG_NAME.match(token)
    if not match:
        return
    name = match.group(1).lower()
    if token.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    elif not token.endswith("/>"):
        stack.append((name, token))


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _break_rank(before: str) -> int | None:
    for rank, endings in enumerate(_BREAKS):
        if before.endswith(endings):
            return rank
    return None


def split_html(html: str, limit: int = LIMIT) -> list[str]:
    """`html` as one part if it fits, else as several, each at most `limit` visible characters."""
    if visible_length(html) <= limit:
        return [html]
    tokens = _TOKEN.findall(html)
    parts: list[str] = []
    stack: list[tuple[str, str]] = []
    start = 0
    while start < len(tokens):
        # Skip whitespace at the start of a part: Telegram would strip it anyway.
        while start < len(tokens) and tokens[start].isspace():
            start += 1
        if start >= len(tokens):
            break
        opening = "".join(token for _, token in stack)
        length, end = 0, start
        best: dict[int, int] = {}  # rank -> last cut position with that rank
        tail = ""
        while end < len(tokens) and length + _visible(tokens[end]) <= limit:
            visible = _visible(tokens[end])
            length += visible
            end += 1
            if not visible:
                continue  # a tag: a cut right before it is as good, and leaves no empty <b></b> behind
            tail = (tail + tokens[end - 1])[-2:]
            rank = _break_rank(tail)
            if rank is not None:
                best[rank] = end
        if end < len(tokens):
            # Prefer the best kind of break that still fills at least half the part.
            half = start + (end - start) // 2
            for rank in sorted(best):
                if best[rank] > half:
                    end = best[rank]
                    break
            else:
                if best:
                    end = max(best.values())
        body = tokens[start:end]
        for token in body:
            if token.startswith("<"):
                _apply_tag(stack, token)
        text = opening + "".join(body).rstrip() + _closing(stack)
        if _TAGS.sub("", text).strip():
            parts.append(text)
        start = end
    return parts
