"""Telegram's HTML rules as the sandbox applies them (texts follow tdlib's parser)."""

import html

import pytest

from bot.sandbox.html import HtmlParseError, parse_html, utf16_len


def test_tags_are_stripped_and_become_entities():
    parsed = parse_html("<b>粗体</b> and <i>italic</i>")
    assert parsed.text == "粗体 and italic"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 7, "length": 6},
    ]


def test_escaped_text_is_accepted_and_decoded():
    source = '<script> & "quotes" 5 < 6'
    assert parse_html(html.escape(source)).text == source


def test_numeric_references_are_decoded_and_unknown_named_ones_kept_literally():
    assert parse_html("&#20013;&#x6587; &nbsp; a & b").text == "中文 &nbsp; a & b"


def test_nested_tags_and_links():
    parsed = parse_html('<b>a <a href="https://example.org/?q=1&amp;r=2">link</a></b>')
    assert parsed.text == "a link"
    assert {"type": "text_link", "offset": 2, "length": 4, "url": "https://example.org/?q=1&r=2"} in parsed.entities


def test_spoiler_span_needs_its_class():
    assert parse_html('<span class="tg-spoiler">x</span>').entities[0]["type"] == "spoiler"
    with pytest.raises(HtmlParseError):
        parse_html("<span>x</span>")


def test_entity_offsets_count_utf16_units():
    parsed = parse_html("😀<b>x</b>")
    assert parsed.entities == [{"type": "bold", "offset": 2, "length": 1}]
    assert utf16_len("😀") == 2


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("1 <2 and 3>", 'Unsupported start tag "2" at byte offset 2'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y', "Unclosed start tag at byte offset 0"),
        ("中<b>x</b >x</i>", "Unexpected end tag at byte offset 13"),
    ],
)
def test_markup_telegram_refuses(markup, error):
    with pytest.raises(HtmlParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == error
