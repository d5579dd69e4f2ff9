"""What a web page says about itself: when it was published and what its title is.

trafilatura takes a page's date from htmldate, which guesses where it finds nothing it can read. Chinese pages print
their date under the headline as 2023年03月10日, which it does not read, and its extensive search then settles on the
year of the copyright line in the footer (© 2021 → 2021-01-01) or on any year in the text. A guessed year is worse
than none: it makes every 今年 of the article that year's. So the date is what the page states, in this order:

1. its metadata: `article:published_time`, `<meta name="PubDate">` (Chinese government sites), `datePublished`
   (JSON-LD or microdata) and the other names publishers use;
2. the date printed just under its headline;
3. what htmldate finds without guessing (the page's markup and URL), which the caller asks trafilatura for.

Its title likewise: `<meta name="ArticleTitle">` (government sites, whose <title> adds the site's name), Open Graph,
JSON-LD, then trafilatura's. Nothing here reads the clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

# Metadata that names the publication date, most specific first (lower-cased names, properties and itemprops).
_DATE_NAMES = (
    "article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "firstpublishedtime",
    "og:published_time",
    "og:release_date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "citation_publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "date",
)
_TITLE_NAMES = ("articletitle", "og:title", "twitter:title")
# A full date: 2023-03-10, 2023/3/10, 2023.03.10, 2023年3月10日; a time or a zone may follow.
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
# How far under the headline its date line may be, in characters of the page's visible text.
_UNDER_HEADLINE = 200
_VISIBLE_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"


def date_in(value: str | None) -> date | None:
    """The first full date written in `value`, as written: a page's 2023-03-10T00:30+08:00 is the 10th where it was
    published, whatever day it was in UTC."""
    m = _DATE.search(value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def stated_date(tree, headline: str | None) -> date | None:
    """The publication date the page states in its metadata, or prints under its headline; None when it states
    none."""
    declared = _declared(tree)
    for name in _DATE_NAMES:
        for value in declared.get(name, []):
            found = date_in(value)
            if found is not None:
                return found
    for value in _json_ld(tree, "datePublished"):
        found = date_in(value)
        if found is not None:
            return found
    return _printed_under(tree, headline)


def stated_title(tree) -> str | None:
    """The article's title as the page's metadata gives it, without the site's name."""
    declared = _declared(tree)
    for name in _TITLE_NAMES:
        for value in declared.get(name, []):
            if value.strip():
                return " ".join(value.split())
    return next((" ".join(value.split()) for value in _json_ld(tree, "headline") if value.strip()), None)


def _declared(tree) -> dict[str, list[str]]:
    """Every <meta> by its name, property or itemprop (lower-cased), and <time> or other elements marked up as the
    publication date, with their values in document order."""
    out: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        value = meta.get("content")
        for attribute in ("name", "property", "itemprop", "http-equiv"):
            name = (meta.get(attribute) or "").strip().lower()
            if name and value:
                out.setdefault(name, []).append(value)
    for element in tree.xpath("//*[@itemprop='datePublished' or (local-name()='time' and @pubdate)]"):
        value = element.get("datetime") or element.get("content") or element.text_content()
        out.setdefault("datepublished", []).append(value)
    return out


def _json_ld(tree, key: str) -> Iterator[str]:
    """The string values of `key` in the page's JSON-LD blocks (objects, lists and @graph alike)."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content())
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python goes
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get(key), str):
                    yield item[key]
                stack.extend(value for value in item.values() if isinstance(value, dict | list))


def _printed_under(tree, headline: str | None) -> date | None:
    """The date in the line under the headline (发布时间：2023年03月10日 来源：…), which a news page's main text
    often leaves out."""
    text = " ".join(" ".join(part.split()) for part in tree.xpath(_VISIBLE_TEXT) if part.strip())
    headlines = [headline or ""] + [" ".join(h.text_content().split()) for h in tree.iter("h1")]
    for candidate in (h for h in headlines if len(h) >= 4):
        at = text.find(candidate)
        if at >= 0:
            after = at + len(candidate)
            found = date_in(text[after : after + _UNDER_HEADLINE])
            if found is not None:
                return found
    return None
