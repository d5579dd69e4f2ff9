"""The dates an item takes from its own time and its frame: a target's deadline and period, a fact's as-of.

`pub` is the document's publication (trackers.extract.dates.Published): a fact is never dated after it, and a
target framed by a review is none.
"""

from __future__ import annotations

from datetime import date

from trackers.extract.dates import Published, When
from trackers.extract.frames import Frame, Mood


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def deadline_of(when: When | None, frame: Frame | None, pub: Published) -> tuple[str | None, str | None]:
    """The last day of the period a target is for, and its first when a period is named."""
    if when is not None and when.kind == "future":
        return None, None  # 未来, 今后: no date
    if when is not None and when.kind not in ("present", "asof") and when.end is not None:
        period_start = when.begin if (when.kind == "range" or when.whole_year) else None
        if (
            when.kind == "deadline"
            and frame is not None
            and frame.mood is Mood.PLAN
            and frame.end == when.end
            and frame.begin is not None
        ):
            period_start = frame.begin  # 到2030年 inside the 十五五 goals: the plan's period
        return _iso(when.end), _iso(period_start)
    if frame is not None and frame.mood is not Mood.REVIEW and frame.end is not None and frame.end >= pub.start:
        return _iso(frame.end), _iso(frame.begin)
    return None, None


def as_of_date(when: When | None, frame: Frame | None, pub: Published) -> tuple[str, str | None]:
    """The end of the period a fact describes (the publication date when nothing places it), and its start for
    a figure over part of a year (1至4月) or over several (五年累计, 年均, 五年来…)."""
    for t in (when, frame):
        if t is None:
            continue
        if isinstance(t, When) and t.kind == "present":
            return pub.end.isoformat(), None
        end, begin = t.end, t.begin
        if end is None or end > pub.end:
            continue
        period_start = None
        if begin is not None:
            if begin.year == end.year and (end - begin).days < 360:
                period_start = begin
            elif begin.year < end.year:
                # A sum or average over years (五年累计), or any figure a time of several years frames
                # (五年来，…城镇新增就业522万人): a five-year figure, not the last year's (LABELLING.md, "Time").
                period_start = begin
        return end.isoformat(), _iso(period_start)
    return pub.end.isoformat(), None
