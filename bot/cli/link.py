"""`luoshi link`: predicted progress links across a folder of articles, for `eval/score.py --links`.

    luoshi link corpus/dev --out links.json            confident links only
    luoshi link corpus/dev --out links.json --review   links an admin would be asked about too
    luoshi link corpus/dev --show                      a listing for people, with scores and verdicts

Every .txt is extracted (its publication date and, when given, its place from the .json beside it); each fact is
linked to the commitments of the articles published before it, the way new coverage meets tracked commitments.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import CONFIG_OPTION, settings_from

if TYPE_CHECKING:
    from trackers.coverage.linking import Link, Pledge, ReportedFigure, Thresholds
    from trackers.extract import Extraction


@dataclass
class _Document:
    name: str  # the .json file name the scorer uses
    published_key: tuple
    extraction: Extraction
    pledges: list[Pledge]
    figures: list[ReportedFigure]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "link",
        help="predict which facts report progress on which commitments, across a folder of articles",
        description="Link the facts of each article to the commitments of earlier ones (eval/score.py --links).",
        parents=[CONFIG_OPTION],
    )
    parser.add_argument("folder", type=Path, help="a folder of .txt articles with .json beside them (published)")
    parser.add_argument("--out", type=Path, help="write the links as JSON here")
    parser.add_argument("--review", action="store_true", help="include links below the confident threshold")
    parser.add_argument("--show", action="store_true", help="print each link with its score")
    parser.set_defaults(func=run)


def _metadata(path: Path) -> dict:
    meta = path.with_suffix(".json")
    if not meta.is_file():
        return {}
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_documents(folder: Path) -> list[_Document]:
    from trackers.coverage.linking import from_extraction
    from trackers.extract import ExtractionError, extract, parse_published, places

    documents = []
    for path in sorted(folder.glob("*.txt")):
        meta = _metadata(path)
        if not meta.get("published"):
            print(
                f"luoshi link: {path.name}: no publication date in {path.with_suffix('.json').name}; skipped",
                file=sys.stderr,
            )
            continue
        try:
            published = parse_published(str(meta["published"]))
            extraction = extract(path.read_bytes(), str(published), place=meta.get("place"))
        except (ExtractionError, OSError) as exc:
            print(f"luoshi link: {path.name}: {exc}; skipped", file=sys.stderr)
            continue
        place = places.document_place(extraction.text, hint=meta.get("place"))
        name = path.with_suffix(".json").name
        pledges, figures = from_extraction(extraction, document_place=place, published=published.start, ref=name)
        key = (published.start, published.end)
        documents.append(_Document(name, key, extraction, pledges, figures))
    return documents


def predict(documents: list[_Document], thresholds: Thresholds, *, with_review: bool) -> list[Link]:
    """Each document's facts against the commitments of every document published no later than it."""
    from trackers.coverage.linking import Decision, best_links

    links: list[Link] = []
    for doc in documents:
        earlier = [
            p
            for other in documents
            if other is not doc and other.published_key <= doc.published_key
            for p in other.pledges
        ]
        for link in best_links(doc.figures, earlier, thresholds):
            decision = link.decision(thresholds)
            if decision is Decision.PROGRESS or (with_review and decision is Decision.REVIEW):
                links.append(link)
    return links


def as_score_entries(links: list[Link]) -> list[dict]:
    return [
        {
            "fact_file": link.figure.ref[0],
            "fact_quote": link.figure.quote,
            "commitment_file": link.pledge.ref[0],
            "commitment_quote": link.pledge.quote,
            "score": link.score,
            "verdict": str(link.verdict.status) if link.verdict else None,
        }
        for link in links
    ]


def run(args: argparse.Namespace) -> int:
    if not args.folder.is_dir():
        print(f"luoshi link: {args.folder} is not a folder", file=sys.stderr)
        return 2
    settings = settings_from(args)
    thresholds = settings.linking.thresholds()
    links = predict(load_documents(args.folder), thresholds, with_review=args.review)
    if args.show or not args.out:
        for link in links:
            verdict = ""
            if link.verdict:
                v = link.verdict
                verdict = f" → {v.status} ({v.reported:g} vs {v.comparator} {v.target:g})"
            print(
                f"{link.score:.2f} {link.figure.ref[0]} 「{link.figure.quote}」 → {link.pledge.ref[0]} "
                f"「{link.pledge.quote}」{verdict}"
            )
    if args.out:
        args.out.write_text(json.dumps(as_score_entries(links), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(links)} links written to {args.out}")
    return 0
