"""Followed commitments as CSV: one row each with its target, deadline, status and latest progress.

UTF-8 with a byte-order mark, because spreadsheet programs (Excel above all) read a CSV without one in the
system's legacy code page and turn 集成电路 into mojibake.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from datetime import datetime

from trackers.commitments.catalog import Card, days_left
from trackers.models import Status

# A cell starting with one of these is read as a formula by spreadsheet programs; text from articles must not be.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Comparators as a spreadsheet shows them: "=" and ">=" would start a formula (and be escaped with a quote).
_COMPARATORS = {">": ">", ">=": "≥", "=": "＝", "<=": "≤", "<": "<", "~": "≈"}


def _number(value: float | None) -> float | int | None:
    """500.0 as 500: targets are typed as whole numbers far more often than not."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def followed_rows(cards: list[Card], *, now: datetime, status_name: Callable[[Status], str]) -> list[list[object]]:
    """Rows in the order of the columns: id, subject, comparator, target, unit, deadline, days left, status,
    latest value, its date, share of target in percent, place, issuer, plan, source of the latest figure."""
    rows = []
    for card in cards:
        c = card.commitment
        assessment = card.assessment
        latest = assessment.latest if assessment else None
        share = round(assessment.share * 100, 1) if assessment and assessment.share is not None else None
        source = card.latest_evidence.source_url if card.latest_evidence else None
        if source is None and card.latest_evidence and card.sources:
            article = card.sources.get(card.latest_evidence.article_id)
            source = (article.canonical_url or article.source) if article else None
        rows.append(
            [
                c.id,
                c.subject,
                _COMPARATORS.get(c.comparator.value, c.comparator.value) if c.comparator else "",
                _number(c.value),
                c.unit,
                c.deadline.isoformat() if c.deadline else None,
                days_left(c, now),
                status_name(c.status),
                _number(latest.value) if latest else None,
                latest.as_of.isoformat() if latest else None,
                share,
                c.place,
                c.issuer,
                f"#{card.parent.id} {card.parent.subject}" if card.parent else None,
                source,
            ]
        )
    return rows


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
