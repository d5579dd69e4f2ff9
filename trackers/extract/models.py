"""What extraction returns; the field names follow eval/SCHEMA.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ExtractedCommitment:
    quote: str
    subject: str
    comparator: str | None
    value: float | int | None
    unit: str | None
    value_normalized: float | int | None
    unit_normalized: str | None
    deadline: str | None
    period_start: str | None
    value_max: float | int | None = None  # the upper end of a range (50—60亿元)
    parent_plan: str | None = None  # the plan named in the text (《…三年行动计划(2023—2025年)》)
    parent_quote: str | None = None  # the quote of the figure this one is part of (其中 …)
    parent_index: int | None = None  # that figure's index in the same list
    start: int = -1  # offset of the quote in Extraction.text
    place: str | None = None  # the place it is about (places.label): the document's unless its sentence names one
    section: int = -1  # index in Extraction.sections

    def to_schema_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "quote": self.quote,
            "subject": self.subject,
            "comparator": self.comparator,
            "value": self.value,
            "unit": self.unit,
            "value_normalized": self.value_normalized,
            "unit_normalized": self.unit_normalized,
            "deadline": self.deadline,
            "period_start": self.period_start,
        }
        _extras(out, self.value_max, self.parent_plan, self.parent_quote, self.parent_index)
        if self.place:
            out["place"] = self.place
        return out


@dataclass(slots=True)
class ExtractedFact:
    quote: str
    subject: str
    value: float | int | None
    unit: str | None
    value_normalized: float | int | None
    unit_normalized: str | None
    as_of: str | None
    growth_percent: float | int | None
    comparator: str | None = None
    value_max: float | int | None = None
    parent_quote: str | None = None
    parent_index: int | None = None
    start: int = -1
    period_start: str | None = None  # for a figure over a stretch of time: 五年累计…, 1至4月…
    preliminary: bool = False  # 预计: a first estimate of a result
    place: str | None = None
    section: int = -1

    def to_schema_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "quote": self.quote,
            "subject": self.subject,
            "value": self.value,
            "unit": self.unit,
            "value_normalized": self.value_normalized,
            "unit_normalized": self.unit_normalized,
            "as_of": self.as_of,
            "growth_percent": self.growth_percent,
            "comparator": self.comparator,
        }
        if self.period_start:
            out["period_start"] = self.period_start
        if self.preliminary:
            out["preliminary"] = True
        _extras(out, self.value_max, None, self.parent_quote, self.parent_index)
        if self.place:
            out["place"] = self.place
        return out


def _extras(out: dict, value_max, parent_plan, parent_quote, parent_index) -> None:
    # Extra keys only when they carry something; the scorer ignores them and SCHEMA.md allows them.
    if value_max is not None:
        out["value_max"] = value_max
    if parent_plan:
        out["parent_plan"] = parent_plan
    if parent_quote:
        out["parent_quote"] = parent_quote
        out["parent_index"] = parent_index


@dataclass(slots=True)
class Section:
    """A stretch of the document read in one frame: under a heading, or after a paragraph's opening."""

    title: str  # the heading or the opening words (一、2025年工作回顾; 过去一年); "" before any frame
    mood: str | None  # review | plan | news (frames.Mood), None when nothing frames it
    begin: str | None  # the period it speaks of
    end: str | None
    start: int  # offset of its words in Extraction.text
    part: str = ""  # the main heading it lies under (一、2025年工作回顾), when the document has them
    key: object = None  # for the walk: which frame opened it


@dataclass(slots=True)
class Extraction:
    published: str
    text: str  # the text the quotes are taken from (the input, less any HTML markup)
    commitments: list[ExtractedCommitment] = field(default_factory=list)
    facts: list[ExtractedFact] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    place: str | None = None  # the place the document is about, when known

    def to_schema_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "published": self.published,
            "commitments": [c.to_schema_dict() for c in self.commitments],
            "facts": [f.to_schema_dict() for f in self.facts],
        }
        if self.place:
            out["place"] = self.place
        return out
