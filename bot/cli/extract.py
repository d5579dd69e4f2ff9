"""`luoshi extract`: find the commitments and facts in an article, or in a whole corpus folder.

    luoshi extract article.txt --published 2023-03-05          a listing for people, by section
    luoshi extract article.txt --published 2023-03-05 --json   the SCHEMA.md JSON
    luoshi extract corpus/dev --out predictions/               one JSON per .txt (date and place from the sibling .json)

The listing groups the items by the section of the document they were read in (一、2025年工作回顾; 过去一年; 今年…主要
预期目标), each with its frame: the period it speaks of and whether it reviews or plans it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import CONFIG_OPTION, plural

if TYPE_CHECKING:
    from trackers.extract import Extraction


class _UsageError(Exception):
    """A problem with the command line or the files: one line on stderr, exit status 2."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="find commitments and facts in an article (or a folder of .txt files)",
        description="Find the commitments and facts in Chinese coverage (format: eval/SCHEMA.md).",
        # Accepted as every command accepts it; extraction itself reads no settings.
        parents=[CONFIG_OPTION],
    )
    parser.add_argument("path", type=Path, help="a .txt article, or a folder of them (needs --out)")
    parser.add_argument("--published", help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--place", help="the place the article is about (济南, 浙江省); otherwise the text says")
    parser.add_argument("--json", action="store_true", help="print the SCHEMA.md JSON instead of a listing")
    parser.add_argument("--out", type=Path, help="for a folder: where to write one .json per article")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trackers.extract import ExtractionError, parse_published

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
    published = args.published or _beside(args.path, "published")
    if published is None:
        raise _UsageError(f"{args.path}: give --published YYYY-MM-DD (no {args.path.with_suffix('.json').name})")
    result = _extract(args.path, raw, published, args.place or _beside(args.path, "place"))
    if args.json:
        print(json.dumps(result.to_schema_dict(), ensure_ascii=False, indent=1))
    else:
        print(render(result, args.path.name))
    return 0


def _corpus(args: argparse.Namespace) -> int:
    from trackers.extract import ExtractionError

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
        published = _beside(path, "published") or args.published
        if published is None:
            print(
                f"luoshi extract: {path.name}: no publication date (no .json beside it and no --published)",
                file=sys.stderr,
            )
            failures += 1
            continue
        try:
            result = _extract(path, _read(path), published, _beside(path, "place") or args.place)
        except (_UsageError, ExtractionError) as exc:
            print(f"luoshi extract: {exc}", file=sys.stderr)
            failures += 1
            continue
        doc = result.to_schema_dict()
        (args.out / f"{path.stem}.json").write_text(
            json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"{path.name}: {_count(result.commitments, result.facts)}")
    return 2 if failures else 0


def _extract(path: Path, raw: bytes, published: str, place: str | None) -> Extraction:
    from trackers.extract import ExtractionError, extract

    try:
        return extract(raw, published, place=place)
    except ExtractionError as exc:
        raise _UsageError(f"{path.name}: {exc}") from None


def _beside(path: Path, key: str) -> str | None:
    """A field (published, place) of the .json with the same stem, if there is one."""
    meta = path.with_suffix(".json")
    if not meta.is_file():
        return None
    try:
        value = json.loads(meta.read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def render(result: Extraction, name: str) -> str:
    """A listing for people: the items grouped by the section they were read in, each section with its frame."""
    place = f", {result.place}" if result.place else ""
    # The command line speaks English (as its help and its errors do); what the document says stays as written.
    lines = [f"{name} (published {result.published}{place}): {_count(result.commitments, result.facts)}"]
    numbered = [(COMMITMENT, i, c) for i, c in enumerate(result.commitments, 1)]
    numbered += [(FACT, i, f) for i, f in enumerate(result.facts, 1)]
    numbered.sort(key=lambda entry: (entry[2].start, entry[0]))
    groups: list[tuple[int, list]] = []
    for entry in numbered:
        if not groups or groups[-1][0] != entry[2].section:
            groups.append((entry[2].section, []))
        groups[-1][1].append(entry)
    # Paragraphs that open alike one after another (这五年,… 这五年,…) read as one section.
    merged: list[tuple[int, list]] = []
    for index, entries in groups:
        if merged and _same_frame(result, merged[-1][0], index):
            merged[-1][1].extend(entries)
        else:
            merged.append((index, list(entries)))
    for section_index, entries in merged:
        lines.append("")
        lines.append(_section_header(result, section_index, entries))
        for kind, number, item in entries:
            lines.extend(_commitment(number, item) if kind == COMMITMENT else _fact(number, item))
    return "\n".join(lines)


def _same_frame(result: Extraction, a: int, b: int) -> bool:
    if not (0 <= a < len(result.sections) and 0 <= b < len(result.sections)):
        return a == b
    x, y = result.sections[a], result.sections[b]
    return (x.title, x.mood, x.begin, x.end, x.part) == (y.title, y.mood, y.begin, y.end, y.part)


COMMITMENT, FACT = "commitment", "fact"
_MOODS = {"review": "review of", "plan": "plan for", "news": "news of"}


def _count(commitments: list, facts: list) -> str:
    return f"{plural(len(commitments), COMMITMENT)}, {plural(len(facts), FACT)}"


def _section_header(result: Extraction, index: int, entries: list) -> str:
    section = result.sections[index] if 0 <= index < len(result.sections) else None
    counts = []
    commitments = sum(1 for kind, _, _ in entries if kind == COMMITMENT)
    if commitments:
        counts.append(plural(commitments, COMMITMENT))
    if len(entries) - commitments:
        counts.append(plural(len(entries) - commitments, FACT))
    if section is None or section.mood is None:
        part = f"{section.part} › " if section is not None and section.part else ""
        return f"【{part}whole text】no frame: dates from each sentence or the publication · {', '.join(counts)}"
    title = section.title if not section.part or section.part == section.title else f"{section.part} › {section.title}"
    return f"【{title}】{_MOODS[section.mood]} {_period(section.begin, section.end)} · {', '.join(counts)}"


def _period(begin: str | None, end: str | None) -> str:
    if not end:
        return ""
    if begin and begin[5:] == "01-01" and end[5:] == "12-31":
        return begin[:4] if begin[:4] == end[:4] else f"{begin[:4]}–{end[:4]}"
    return f"{begin} to {end}" if begin else f"to {end}"


def _commitment(number: int, c) -> list[str]:
    lines = [
        f"  commitment {number}: {c.subject or '—'}",
        f"    target: {_figure(c.comparator, c.value, c.value_max, c.unit)}",
    ]
    period = f"{c.period_start} to " if c.period_start else ""
    lines.append(f"    deadline: {period}{c.deadline or 'none given'}")
    if c.parent_plan:
        lines.append(f"    plan: 《{c.parent_plan}》")
    if c.place:
        lines.append(f"    place: {c.place}")
    lines.append(f"    quote: {c.quote}")
    return lines


def _fact(number: int, f) -> list[str]:
    growth = f", growth {f.growth_percent}%" if f.growth_percent is not None else ""
    lines = [
        f"  fact {number}: {f.subject or '—'}",
        f"    value: {_figure(f.comparator, f.value, f.value_max, f.unit)}{growth}",
    ]
    period = f"{f.period_start} to " if f.period_start else ""
    lines.append(f"    as of: {period}{f.as_of}{' (preliminary)' if f.preliminary else ''}")
    if f.place:
        lines.append(f"    place: {f.place}")
    lines.append(f"    quote: {f.quote}")
    return lines


_COMPARATOR_WORDS = {">=": "at least ", ">": "over ", "<=": "at most ", "<": "under ", "~": "about ", "=": ""}


def _figure(comparator, value, value_max, unit) -> str:
    if value is None:
        return "(qualitative)"
    span = f"{value}—{value_max}" if value_max is not None else f"{value}"
    return f"{_COMPARATOR_WORDS.get(comparator or '=', '')}{span} {unit or ''}".rstrip()
