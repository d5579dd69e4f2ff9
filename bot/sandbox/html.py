"""Telegram's HTML parse mode, as the Bot API server applies it.

Telegram does not use a browser-style HTML parser: it accepts a fixed set of tags, only four named entities
(``&lt; &gt; &amp; &quot;``) plus numeric ones, and rejects anything else with
``400 Bad Request: can't parse entities: ...``. The rules and error texts below follow tdlib's ``parse_html``
(``td/telegram/MessageEntity.cpp``) so that a message the sandbox accepts is one Telegram would accept too.
Byte offsets in error texts are UTF-8 byte offsets into the markup, as Telegram reports them; entity offsets and
lengths are in UTF-16 code units, as in the Bot API's ``MessageEntity``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Tag name -> entity type. Tags mapped to None need an attribute to decide (span, tg-emoji) or carry none.
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n"


class HtmlParseError(ValueError):
    """The markup would be refused by Telegram; ``str(err)`` is the text after "can't parse entities: "."""


@dataclass
class ParsedHtml:
    text: str
    entities: list[dict] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets (emoji outside the BMP count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(markup: str, index: int) -> int:
    return len(markup[:index].encode("utf-8"))


def _decode_entity(markup: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``markup[pos] == '&'``; None when it is not one Telegram knows.

    Telegram leaves an unknown reference (``&nbsp;``, a bare ``&``) in the text as it is, without an error.
    """
    end = pos + 1
    if markup.startswith("&#", pos):
        end += 1
        is_hex = markup[end : end + 1] in ("x", "X")
        if is_hex:
            end += 1
        digits_start = end
        allowed = "0123456789abcdefABCDEF" if is_hex else "0123456789"
        while end < len(markup) and markup[end] in allowed:
            end += 1
        digits = markup[digits_start:end]
        if not digits or end - pos >= 10:
            return None
        code = int(digits, 16 if is_hex else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(markup) and markup[end].isascii() and markup[end].isalpha():
            end += 1
        char = _NAMED_ENTITIES.get(markup[pos + 1 : end])
        if char is None:
            return None
    if markup[end : end + 1] == ";":
        end += 1
    return char, end


@dataclass
class _OpenTag:
    name: str
    byte_offset: int
    text_offset: int  # in UTF-16 units
    attributes: dict[str, str]


def _parse_attributes(markup: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Read ``name=value`` pairs up to the closing ``>``; return them and the index just past ``>``."""
    attributes: dict[str, str] = {}
    size = len(markup)
    while True:
        while i < size and markup[i] in _SPACES:
            i += 1
        if i >= size:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        if markup[i] == ">":
            return attributes, i + 1
        name_start = i
        while i < size and markup[i] not in _SPACES and markup[i] not in "=>":
            i += 1
        name = markup[name_start:i].lower()
        while i < size and markup[i] in _SPACES:
            i += 1
        if i >= size or markup[i] != "=":
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {begin}'
            )
        i += 1
        while i < size and markup[i] in _SPACES:
            i += 1
        if i >= size:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        if markup[i] in "'\"":
            quote = markup[i]
            i += 1
            value = []
            while i < size and markup[i] != quote:
                decoded = _decode_entity(markup, i) if markup[i] == "&" else None
                if decoded:
                    value.append(decoded[0])
                    i = decoded[1]
                else:
                    value.append(markup[i])
                    i += 1
            if i >= size:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            i += 1
            attributes[name] = "".join(value)
        else:
            # An unquoted "name token": letters, digits, periods and hyphens only.
            token_start = i
            while i < size and (markup[i].isalnum() or markup[i] in ".-"):
                i += 1
            if i >= size or (markup[i] not in _SPACES and markup[i] != ">"):
                raise HtmlParseError(f"Unexpected end of name token at byte offset {_byte_offset(markup, token_start)}")
            attributes[name] = markup[token_start:i].lower()


def _entity_for(tag: _OpenTag, length: int) -> dict | None:
    kind = _TAG_ENTITY[tag.name]
    entity: dict = {"type": kind, "offset": tag.text_offset, "length": length}
    if tag.name == "a":
        url = tag.attributes.get("href", "")
        if not url:
            return None  # Telegram silently drops a link without a usable URL.
        if url.startswith("tg://user?id="):
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(url.split("=", 1)[1] or 0), "is_bot": False, "first_name": ""}
        else:
            entity["url"] = url
    elif tag.name == "code" and "class" in tag.attributes:
        language = tag.attributes["class"].removeprefix("language-")
        if language:
            entity["language"] = language
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    return entity


def parse_html(markup: str) -> ParsedHtml:
    """Return the visible text and the entities of Telegram-HTML ``markup``, or raise :class:`HtmlParseError`."""
    out: list[str] = []
    utf16_offset = 0
    entities: list[dict] = []
    stack: list[_OpenTag] = []
    size = len(markup)
    i = 0
    while i < size:
        char = markup[i]
        if char == "&":
            decoded = _decode_entity(markup, i)
            if decoded:
                out.append(decoded[0])
                utf16_offset += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if char != "<":
            out.append(char)
            utf16_offset += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue

        begin = _byte_offset(markup, i)
        i += 1
        if i < size and markup[i] == "/":
            # An end tag closes the innermost open tag; Telegram insists on proper nesting.
            i += 1
            name_start = i
            while i < size and markup[i] not in _SPACES and markup[i] != ">":
                i += 1
            end_name = markup[name_start:i].lower()
            while i < size and markup[i] in _SPACES:
                i += 1
            if i >= size or markup[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
            i += 1
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
            open_tag = stack.pop()
            if end_name and end_name != open_tag.name:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{open_tag.name}>", found "</{end_name}>"'
                )
            length = utf16_offset - open_tag.text_offset
            if length > 0:
                entity = _entity_for(open_tag, length)
                if entity:
                    entities.append(entity)
            continue

        name_start = i
        while i < size and markup[i] not in _SPACES and markup[i] not in "/>":
            i += 1
        if i >= size:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        name = markup[name_start:i].lower()
        if name not in _TAG_ENTITY:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
        attributes, i = _parse_attributes(markup, i, name, begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlParseError('Tag "span" must have class "tg-spoiler" at byte offset ' + str(begin))
        stack.append(_OpenTag(name, begin, utf16_offset, attributes))

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    # Telegram lists entities by their start, outer ones first.
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedHtml("".join(out), entities)
