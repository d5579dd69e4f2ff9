"""`luoshi extract`: find the commitments and facts in an article, or in a whole corpus folder.

    luoshi extract article.txt --published 2023-03-05          a listing for people
    luoshi extract article.txt --published 2023-03-05 --json   the SCHEMA.md JSON
    luoshi extract corpus/dev --out predictions/               one JSON per .txt (date from the sibling .json)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trackers.extract import Extraction, ExtractionError, extract, parse_published


class _UsageError(Exception):
    """A problem with the command line or the files: one line on stderr, exit status 2."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="find commitments and facts in an article (or a folder of .txt files)",
        description="Find the commitments and facts in Chinese coverage (format: eval/SCHEMA.md).",
    )
    parser.add_argument("path", type=Path, help="a .txt article, or a folder of them (needs --out)")
    parser.add_argument("--published", help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print the SCHEMA.md JSON instead of a listing")
    parser.add_argument("--out", type=Path, help="for a folder: where to write one .json per article")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.published is not None:
            parse_published(args.published)
        if args.path.is_dir():
            return _corpus(args)
        return _single(args)
    except (_UsageError, ExtractionError) as exc:
        print(f"luoshi extract: {exc}", file=sys.stderr)
        return 2


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _UsageError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise _UsageError(f"{path} is a folder; give --out to extract a folder") from None
    except OSError as exc:
        raise _UsageError(f"cannot read {path}: {exc.strerror}") from None


def _single(args: argparse.Namespace) -> int:
    if args.out is not None:
        raise _UsageError("--out is for a folder; for one file the result goes to standard output")
    raw = _read(args.path)
    published = args.published or _published_beside(args.path)
    if published is None:
        raise _UsageError(f"{args.path}: give --published YYYY-MM-DD (no {args.path.with_suffix('.json').name})")
    result = _extract(args.path, raw, published)
    if args.json:
        print(json.dumps(result.to_schema_dict(), ensure_ascii=False, indent=1))
    else:
        print(render(result, args.path.name))
    return 0


def _corpus(args: argparse.Namespace) -> int:
    if args.out is None:
        raise _UsageError(f"{args.path} is a folder: give --out DIR for the predictions")
    texts = sorted(args.path.glob("*.txt"))
    if not texts:
        raise _UsageError(f"no .txt files in {args.path}")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _UsageError(f"cannot create {args.out}: {exc.strerror}") from None
    failures = 0
    for path in texts:
        published = _published_beside(path) or args.published
        if published is None:
            print(f"luoshi extract: {path.name}: no publication date (no .json beside it and no --published)",
                  file=sys.stderr)
            failures += 1
            continue
        try:
            result = _extract(path, _read(path), published)
        except (_UsageError, ExtractionError) as exc:
            print(f"luoshi extract: {exc}", file=sys.stderr)
            failures += 1
            continue
        doc = result.to_schema_dict()
        (args.out / f"{path.stem}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n",
                                                    encoding="utf-8")
        print(f"{path.name}: {len(result.commitments)} commitments, {len(result.facts)} facts")
    return 2 if failures else 0


def _extract(path: Path, raw: bytes, published: str) -> Extraction:
    try:
        return extract(raw, published)
    except ExtractionError as exc:
        raise _UsageError(f"{path.name}: {exc}") from None


def _published_beside(path: Path) -> str | None:
    """The `published` field of the .json with the same stem, if there is one."""
    meta = path.with_suffix(".json")
    if not meta.is_file():
        return None
    try:
        value = json.loads(meta.read_text(encoding="utf-8")).get("published")
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def render(result: Extraction, name: str) -> str:
    """A listing for people: one block per commitment and fact."""
    lines = [f"{name} (发布 {result.published}): {len(result.commitments)} 项承诺, {len(result.facts)} 项事实"]
    for i, c in enumerate(result.commitments, 1):
        lines.append("")
        lines.append(f"承诺 {i}: {c.subject or '—'}")
        lines.append(f"  目标: {_figure(c.comparator, c.value, c.value_max, c.unit)}")
        period = f"{c.period_start} 至 " if c.period_start else ""
        lines.append(f"  期限: {period}{c.deadline or '未说明'}")
        if c.parent_plan:
            lines.append(f"  所属: 《{c.parent_plan}》")
        lines.append(f"  原文: {c.quote}")
    for i, f in enumerate(result.facts, 1):
        lines.append("")
        lines.append(f"事实 {i}: {f.subject or '—'}")
        growth = f", 增长 {f.growth_percent}%" if f.growth_percent is not None else ""
        lines.append(f"  数值: {_figure(f.comparator, f.value, f.value_max, f.unit)}{growth}")
        lines.append(f"  截至: {f.as_of}")
        lines.append(f"  原文: {f.quote}")
    return "\n".join(lines)


_COMPARATOR_WORDS = {">=": "不低于 ", ">": "超过 ", "<=": "不超过 ", "<": "低于 ", "~": "约 ", "=": ""}


def _figure(comparator, value, value_max, unit) -> str:
    if value is None:
        return "（定性目标）"
    span = f"{value}—{value_max}" if value_max is not None else f"{value}"
    return f"{_COMPARATOR_WORDS.get(comparator or '=', '')}{span} {unit or ''}".rstrip()
