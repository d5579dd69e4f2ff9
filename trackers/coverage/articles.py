"""Coverage in: an article is stored once, found again by its canonical URL or by the hash of its text.

Text arrives four ways (a fetched page, a pasted or forwarded message, an uploaded file, read in
trackers/coverage/documents.py); all end here as plain text with, where known, a URL, a title and a publication date.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.coverage import pages
from trackers.extract import Extraction, extract
from trackers.models import Article

# Tracking parameters say who shared a link, not what it points at.
_TRACKING = re.compile(r"^(?:utm_\w+|spm|from|share\w*|fbclid|gclid|isappinstalled)$", re.I)
# A date near the top of a news page: 2023-03-05, 2023/3/5, 2023年3月5日.
_TOP = 400


class EmptyArticle(ValueError):
    """Nothing readable: no text, or text too short to hold a commitment."""


@dataclass(frozen=True)
class ArticleText:
    text: str
    url: str | None = None
    title: str | None = None
    published: date | None = None
    source: str | None = None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no default port, no tracking parameters, sorted query."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    )
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, query, ""))


def content_hash(text: str) -> str:
    """The same words with different spacing or line breaks are the same article."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def published_in(text: str) -> date | None:
    """The first date near the top of the text: news pages print their date under the headline."""
    return pages.date_in(text[:_TOP])


def text_from_html(body: bytes | str, url: str | None = None) -> ArticleText:
    """The main text of a web page (menus, footers and scripts left out), its title and the date it states
    (trackers/coverage/pages.py: never a guess). CPU-bound."""
    import trafilatura  # imported here: it loads lxml and its models, which only fetched pages need
    from trafilatura.settings import set_date_params
    from trafilatura.utils import load_html

    tree = load_html(body)
    if tree is None:
        raise EmptyArticle(url or "page")
    title = pages.stated_title(tree)
    # htmldate without its extensive search, which guesses a date from any year on the page.
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={**set_date_params(extensive=False), "url": url},
    )
    if document is None or not (document.text or "").strip():
        raise EmptyArticle(url or "page")
    title = title or document.title
    published = pages.stated_date(tree, title) or published_in(document.text) or pages.date_in(document.date)
    return ArticleText(text=document.text.strip(), url=url, title=title, published=published, source=document.sitename)


async def text_from_page(body: bytes, url: str) -> ArticleText:
    # Off the event loop: a large page takes trafilatura tens of milliseconds.
    return await asyncio.to_thread(text_from_html, body, url)


def __getattr__(name: str):
    # Uploaded files are read in trackers/coverage/documents.py, which imports this module; callers that still
    # import text_from_upload from here get it from there.
    if name == "text_from_upload":
        from trackers.coverage.documents import text_from_upload

        return text_from_upload
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MIN_ARTICLE_CHARS = 10


@dataclass(frozen=True)
class Extracted:
    """An article's extraction, made before the transaction that stores it."""

    published: date  # the article's date, or the day it was taken in when it shows none
    extraction: Extraction


async def extract_article(article: ArticleText, *, today: date, place: str | None = None) -> Extracted:
    """Extract before storing, off the event loop. On a long article extraction takes a good part of a second, and a
    transaction held open that long keeps every other writer waiting (on SQLite, the whole bot). An article already
    stored is extracted for nothing; that is rare (feed items are checked against the ones seen first).

    `place` is where the article is about when the caller knows it (a feed's, a file's); otherwise the text says.
    Raises EmptyArticle for a text too short to store, ExtractionError for one that cannot be read."""
    text = article.text.strip()
    if len(text) < MIN_ARTICLE_CHARS:
        raise EmptyArticle(text)
    published = article.published or today
    return Extracted(published, await asyncio.to_thread(extract, text, published.isoformat(), place))


async def store_article(
    session: AsyncSession, article: ArticleText, *, now: datetime, min_chars: int = MIN_ARTICLE_CHARS
) -> tuple[Article, bool]:
    """The stored article and True if it is new; the same text (by hash) or URL+text is never stored twice.

    A changed text at a known URL is stored as the next version; the earlier one stays as evidence.
    """
    text = article.text.strip()
    if len(text) < min_chars:
        raise EmptyArticle(text)
    digest = content_hash(text)
    existing = await session.scalar(select(Article).where(Article.content_hash == digest).limit(1))
    if existing is not None:
        return existing, False
    url = canonical_url(article.url) if article.url else None
    version = 1
    if url:
        version = (await session.scalar(select(func.max(Article.version)).where(Article.canonical_url == url))) or 0
        version += 1
    row = Article(
        canonical_url=url,
        content_hash=digest,
        title=(article.title or "")[:500] or None,
        published=article.published,
        source=(article.source or "")[:200] or None,
        text=text,
        version=version,
        fetched_at=now,
    )
    session.add(row)
    await session.flush()
    return row, True


async def known_urls(session: AsyncSession, urls: list[str]) -> set[str]:
    """Which of these (canonical) URLs are already stored."""
    if not urls:
        return set()
    rows = await session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(urls)))
    return set(rows.all())
