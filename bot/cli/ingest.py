"""`luoshi ingest`: the coverage intake without Telegram, for backfilling an archive.

    luoshi ingest article.txt          a file (.txt or .html; date from a .json beside it, else from the text)
    luoshi ingest https://…/a.html     a page, through the safe fetcher
    luoshi ingest archive/             every .txt and .html in a folder, oldest first

Each article is stored once, its facts linked to the tracked commitments (progress recorded above the confident
threshold, review cards for the admins below it), its commitments queued for review. Followers hear of the new
progress from the running bot's next coverage sweep.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import CONFIG_OPTION, in_words, plural, quiet_migrations, settings_from
from bot.cli.db import upgrade_or_exit

if TYPE_CHECKING:
    from bot.settings import Settings
    from trackers.coverage.articles import ArticleText

SUFFIXES = (".txt", ".html", ".htm")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="take in articles from files, a folder or URLs, as the bot does with feeds",
        description="Store articles, link their facts to tracked commitments and queue the rest for review.",
        parents=[CONFIG_OPTION],
    )
    parser.add_argument("sources", nargs="+", help="a .txt/.html file, a folder of them, or an http(s) URL")
    parser.set_defaults(func=run)


def _metadata(path: Path) -> dict:
    meta = path.with_suffix(".json")
    try:
        data = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _from_file(path: Path) -> tuple[ArticleText, str | None]:
    from trackers.coverage.documents import text_from_upload
    from trackers.extract import parse_published

    article = text_from_upload(path.read_bytes(), path.name)
    meta = _metadata(path)
    if meta.get("published"):
        published = parse_published(str(meta["published"])).start
        article = dataclasses.replace(article, published=published)
    return dataclasses.replace(article, source=str(meta.get("source") or "") or None), meta.get("place")


def _expand(sources: list[str]) -> list[str]:
    out: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = [p for p in path.iterdir() if p.suffix.lower() in SUFFIXES]
            # Oldest first, so a follow-up meets the commitments of the articles before it.
            files.sort(key=lambda p: (str(_metadata(p).get("published") or ""), p.name))
            out.extend(str(p) for p in files)
        else:
            out.append(source)
    return out


async def _ingest_all(settings: Settings, sources: list[str]) -> int:
    from trackers.coverage.articles import EmptyArticle, extract_article, text_from_page
    from trackers.coverage.fetch import FetchRefused, fetch
    from trackers.coverage.intake import take_in_article
    from trackers.extract import ExtractionError
    from trackers.runtime.clock import local_date, utcnow
    from trackers.runtime.db import create_engine, create_sessionmaker

    engine = create_engine(settings.database.url, busy_timeout_ms=settings.database.busy_timeout_ms)
    sessionmaker = create_sessionmaker(engine)
    failures = 0
    try:
        for source in _expand(sources):
            place = None
            try:
                if source.startswith(("http://", "https://")):
                    page = await fetch(source, settings.fetch.policy())
                    article = await text_from_page(page.body, page.url)
                else:
                    article, place = _from_file(Path(source))
                today = local_date(utcnow(), settings.bot.timezone)
                extracted = await extract_article(article, today=today, place=place)
                async with sessionmaker.begin() as session:
                    intake = await take_in_article(
                        session,
                        article,
                        extracted,
                        thresholds=settings.linking.thresholds(),
                        now=utcnow(),
                        place_hint=place,
                    )
            except (OSError, FetchRefused, EmptyArticle, ExtractionError) as exc:
                print(f"luoshi ingest: {source}: {in_words(exc)}", file=sys.stderr)
                failures += 1
                continue
            if intake is None:
                print(f"{source}: stored before; nothing new")
                continue
            published = intake.article.published or date.today()
            print(
                f"{source}: article {intake.article.id} ({published}), "
                f"{plural(len(intake.progress), 'progress point')}, {plural(len(intake.cards), 'review card')}"
            )
            for link in intake.links:
                print(f"  {link.score:.2f} 「{link.figure.quote}」 → #{link.pledge.ref} {link.pledge.subject}")
    finally:
        await engine.dispose()
    return 2 if failures else 0


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    quiet_migrations()
    upgrade_or_exit(settings.database.url)
    return asyncio.run(_ingest_all(settings, args.sources))
