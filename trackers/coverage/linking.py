"""Linking: which tracked commitment, if any, a newly reported figure is progress on.

A figure reports on a commitment when, all at once:

- it is about the same place (济南 with 济南; a figure for 起步区 is not Jinan's total, and a national figure is not
  Shandong's);
- its subject names the same thing: character-bigram Dice over subjects with places, metric words (规模, 收入,
  增加值, 增速 …) and modifiers (累计, 全年 …) taken out and synonyms folded (国内生产总值 ~ 地区生产总值 ~ GDP,
  集成电路产业链群 ~ 集成电路相关企业);
- it measures the same way: a level in a compatible unit (亿元 with 万亿元, never with 个), a growth rate with a growth
  rate, a ratio with a ratio (a level of 1.4万亿元 is not progress on "growth of 5.5%"; a figure that carries its
  growth, "达到114万亿元,增长8.1%", is progress on a growth target through that growth);
- it falls in the commitment's time: not before the period starts (or, without a period, before the commitment was
  announced: that figure is the baseline), and not after the deadline (a 2023 figure says nothing of a 2022 target).

The score is the subject similarity, lowered when a place is unknown or one place lies within the other, and when a
level is implausibly far from the target. Above `confident` the link is recorded as progress, between `review` and
`confident` an admin decides. A figure dated at the end of the commitment's period closes it: its comparison with
the target is a suggested verdict (achieved / missed), respecting the comparator (以上, 以内, 左右 within a
tolerance); an earlier figure is progress only.

Pure functions: no database, no clock.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from trackers.commitments.progress import Goal, goal_met
from trackers.coverage.subjects import subject_similarity
from trackers.extract import places
from trackers.models import Comparator, Status


class Measure(enum.StrEnum):
    LEVEL = "level"  # an amount: 500亿元, 1301个, 1100万人
    GROWTH = "growth"  # a change over a year: 增长5.5%, 涨幅3%
    GROWTH_SINCE = "growth_since"  # a change since a named base year (较2020年增长101%): not a yearly rate
    RATE = "rate"  # a ratio read as a level: 失业率5.5%, 占比15%
    POINTS = "points"  # percentage points


class Decision(enum.StrEnum):
    PROGRESS = "progress"  # record it
    REVIEW = "review"  # an admin decides
    NONE = "none"


@dataclass(frozen=True)
class Thresholds:
    confident: float = 0.75
    review: float = 0.5


@dataclass(frozen=True)
class Pledge:
    """What linking needs of a commitment. `ref` is the caller's handle (a commitment id, a file and index)."""

    ref: object
    subject: str
    quote: str
    comparator: str | None
    value: float | None
    unit: str | None
    value_normalized: float | None
    unit_normalized: str | None
    deadline: date | None
    period_start: date | None
    announced: date | None  # when the article that made it was published
    place: places.Place | None


@dataclass(frozen=True)
class ReportedFigure:
    """A reported fact, as extraction found it, with its place and its article's date."""

    ref: object
    subject: str
    quote: str
    value: float | None
    unit: str | None
    value_normalized: float | None
    unit_normalized: str | None
    as_of: date | None
    growth_percent: float | None
    comparator: str | None
    place: places.Place | None
    published: date | None
    # Where a figure spans several years (五年累计, 年均, a five-year review's figures): the first day it covers.
    period_start: date | None = None


@dataclass(frozen=True)
class Verdict:
    status: Status  # ACHIEVED or MISSED
    reported: float  # in the target's own unit (亿元, %, 万人)
    target: float
    comparator: str


@dataclass(frozen=True)
class Link:
    pledge: Pledge
    figure: ReportedFigure
    score: float
    subject_score: float
    place: str  # places.relation(): same | unknown
    measure: Measure
    reported: float  # the figure in the target's own unit; for a growth target, the growth in %
    closes_period: bool  # the figure is the result for the commitment's whole period
    verdict: Verdict | None  # set when it closes the period
    # A level reported after the deadline (2026年1—10月…达到380亿元 for a 2025 target): not progress inside the
    # period, but the figure an overdue commitment's verdict needs; kept as evidence when an admin confirms it.
    after_deadline: bool = False

    def decision(self, thresholds: Thresholds) -> Decision:
        if self.score >= thresholds.confident:
            return Decision.PROGRESS
        if self.score >= thresholds.review:
            return Decision.REVIEW
        return Decision.NONE


# -- measures ---------------------------------------------------------------------------------------------------

_GROWTH_WORDS = re.compile(r"增长|增速|增幅|涨幅|上涨|上升|下降|降低|减少|提高|回落")
# A share of growth (对经济增长贡献率超60%) is a ratio, not a growth rate, though its subject says 增长.
_SHARE_OF_GROWTH = re.compile(r"贡献")
_BASE_YEAR = re.compile(r"[较比](?:19|20)\d{2}年(?:末|底)?")


def _percent(unit_normalized: str | None) -> bool:
    return unit_normalized == "percent"


def pledge_measure(pledge: Pledge) -> Measure:
    if pledge.unit_normalized == "pp":
        return Measure.POINTS
    if _percent(pledge.unit_normalized):
        if _BASE_YEAR.search(pledge.quote):
            return Measure.GROWTH_SINCE
        return Measure.GROWTH if _is_growth(pledge.subject) else Measure.RATE
    return Measure.LEVEL


def _is_growth(subject: str) -> bool:
    return bool(_GROWTH_WORDS.search(subject)) and not _SHARE_OF_GROWTH.search(subject)


def figure_views(figure: ReportedFigure) -> list[tuple[Measure, float, str | None]]:
    """The ways a figure can be read: (measure, value, normalized unit). A level that carries its growth
    (达到114万亿元,增长8.1%) is also a growth figure, unless that growth is against a named base year."""
    views: list[tuple[Measure, float, str | None]] = []
    since_base = bool(_BASE_YEAR.search(figure.quote))
    value = figure.value_normalized if figure.value_normalized is not None else figure.value
    if value is not None:
        if figure.unit_normalized == "pp":
            views.append((Measure.POINTS, float(value), "pp"))
        elif _percent(figure.unit_normalized):
            growth = _is_growth(figure.subject) or figure.growth_percent == figure.value
            kind = (Measure.GROWTH_SINCE if since_base else Measure.GROWTH) if growth else Measure.RATE
            views.append((kind, float(value), "percent"))
        else:
            views.append((Measure.LEVEL, float(value), figure.unit_normalized))
    if figure.growth_percent is not None and not any(kind is Measure.GROWTH for kind, _, _ in views):
        kind = Measure.GROWTH_SINCE if since_base else Measure.GROWTH
        views.append((kind, float(figure.growth_percent), "percent"))
    return views


# -- verdicts ---------------------------------------------------------------------------------------------------


def target_met(reported: float, target: float, comparator: str | None, subject: str) -> bool:
    """Whether a result meets the target: 以上 at or above, 以内 at or below, 左右 within the tolerance on the side
    that matters (under a ceiling for prices, over a floor for growth): `progress.goal_met`, which cards use too."""
    kind = Comparator(comparator) if comparator in set(Comparator) else Comparator.GE
    return goal_met(reported, Goal(value=target, deadline=None, comparator=kind, subject=subject))


def verdict_for(pledge: Pledge, reported: float) -> Verdict:
    """Achieved or missed, for a result `reported` in the target's normalized unit; shown in the target's own."""
    target = float(pledge.value_normalized if pledge.value_normalized is not None else pledge.value or 0)
    met = target_met(reported, target, pledge.comparator, pledge.subject)
    scale = float(pledge.value) / target if pledge.value and target else 1.0
    return Verdict(
        Status.ACHIEVED if met else Status.MISSED, reported * scale, target * scale, pledge.comparator or "="
    )


# -- scoring ----------------------------------------------------------------------------------------------------

# A figure for a place within the commitment's (起步区's growth against the national target), or around it, is
# another place's figure: no link. Hierarchy still makes 济南, 济南市 and 山东省济南市 one place. A figure whose place
# is not known at all may be anyone's: at best an admin is asked.
_PLACE_FACTOR = {"same": 1.0, "unknown": 0.7}
# A level this many times off its target is more likely another measure of the same thing (a project's output
# against the whole industry's) than progress.
_PLAUSIBLE_RATIO = 10.0
_IMPLAUSIBLE_FACTOR = 0.6


def _in_time(figure: ReportedFigure, pledge: Pledge) -> tuple[bool, bool]:
    """(within the commitment's time, closes its period)."""
    as_of = figure.as_of or figure.published
    if as_of is None:
        return False, False
    start = pledge.period_start or pledge.announced
    if start is not None and as_of < start:
        return False, False
    if pledge.deadline is not None and as_of > pledge.deadline:
        return False, False
    # A figure over five years (年均增长5.7%, 五年新增就业522万人) says nothing of one year's target inside them.
    if None not in (figure.period_start, pledge.period_start) and figure.period_start < pledge.period_start:
        return False, False
    return True, pledge.deadline is not None and as_of >= pledge.deadline


def score(figure: ReportedFigure, pledge: Pledge, *, after_deadline: bool = False) -> Link | None:
    """The link between a figure and a commitment, or None when they cannot be related at all. With
    `after_deadline`, only a level reported after the commitment's deadline is linked (a later year's growth rate
    says nothing of the target's year)."""
    if pledge.value is None and pledge.value_normalized is None:
        return None  # a qualitative pledge (建成…) has no figure to measure against
    relation = places.relation(figure.place, pledge.place)
    if relation not in _PLACE_FACTOR:
        return None
    measure = pledge_measure(pledge)
    if after_deadline:
        as_of = figure.as_of or figure.published
        if measure is not Measure.LEVEL or pledge.deadline is None or as_of is None or as_of <= pledge.deadline:
            return None
        closes = False
    else:
        in_time, closes = _in_time(figure, pledge)
        if not in_time:
            return None
    view = next(
        (
            (kind, value)
            for kind, value, unit in figure_views(figure)
            if kind is measure and (kind is not Measure.LEVEL or unit == pledge.unit_normalized)
        ),
        None,
    )
    if view is None or measure is Measure.GROWTH_SINCE:
        return None
    reported = view[1]
    similarity = subject_similarity(figure.subject, pledge.subject)
    total = similarity * _PLACE_FACTOR[relation]
    target = pledge.value_normalized if pledge.value_normalized is not None else pledge.value
    if measure is Measure.LEVEL and target and reported > 0:
        ratio = reported / float(target)
        if not 1 / _PLAUSIBLE_RATIO <= ratio <= _PLAUSIBLE_RATIO:
            total *= _IMPLAUSIBLE_FACTOR
    return Link(
        pledge=pledge,
        figure=figure,
        score=round(total, 4),
        subject_score=round(similarity, 4),
        place=relation,
        measure=measure,
        reported=_in_target_unit(reported, pledge, measure),
        closes_period=closes,
        verdict=verdict_for(pledge, reported) if closes else None,
        after_deadline=after_deadline,
    )


def _in_target_unit(reported: float, pledge: Pledge, measure: Measure) -> float:
    """A normalized level back in the target's own unit (12030000000 yuan → 120.3 亿元)."""
    if measure is Measure.LEVEL and pledge.value and pledge.value_normalized:
        return reported * float(pledge.value) / float(pledge.value_normalized)
    return reported


def links_for(
    figure: ReportedFigure, pledges: Iterable[Pledge], thresholds: Thresholds, *, after_deadline: bool = False
) -> list[Link]:
    """The figure's links at or above the review threshold, best first (`after_deadline`: see `score`)."""
    found = [
        link
        for pledge in pledges
        if (link := score(figure, pledge, after_deadline=after_deadline)) and link.score >= thresholds.review
    ]
    found.sort(key=lambda link: link.score, reverse=True)
    return found


def best_links(figures: Iterable[ReportedFigure], pledges: list[Pledge], thresholds: Thresholds) -> list[Link]:
    """For each figure, its best link, and others equally good (a figure may report on two commitments that
    measure the same thing, say an annual target and a plan's)."""
    out: list[Link] = []
    for figure in figures:
        found = links_for(figure, pledges, thresholds)
        if found:
            top = found[0].score
            out.extend(link for link in found if link.score >= top - 1e-9)
    return out


# -- from extraction ----------------------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _place_of(item, extraction, document_place: places.Place | None) -> places.Place | None:
    """The item's place as extraction read it: its own clause's, else the document's. The caller may know the
    document's place better (a feed's, an admin's): items that only took the document's then take the caller's."""
    own = places.parse_place(item.place) if item.place else None
    if own is None or (document_place is not None and item.place == extraction.place):
        return document_place or own
    return own


def from_extraction(
    extraction, *, document_place: places.Place | None, published: date | None, ref: object = None
) -> tuple[list[Pledge], list[ReportedFigure]]:
    """The commitments and facts of one extracted article, ready for linking; refs are (ref, "c"|"f", index)."""
    pledges = [
        Pledge(
            ref=(ref, "c", i),
            subject=c.subject,
            quote=c.quote,
            comparator=c.comparator,
            value=c.value,
            unit=c.unit,
            value_normalized=c.value_normalized,
            unit_normalized=c.unit_normalized,
            deadline=_day(c.deadline),
            period_start=_day(c.period_start),
            announced=published,
            place=_place_of(c, extraction, document_place),
        )
        for i, c in enumerate(extraction.commitments)
    ]
    figures = [
        ReportedFigure(
            ref=(ref, "f", i),
            subject=f.subject,
            quote=f.quote,
            value=f.value,
            unit=f.unit,
            value_normalized=f.value_normalized,
            unit_normalized=f.unit_normalized,
            as_of=_day(f.as_of),
            period_start=_day(f.period_start),
            growth_percent=f.growth_percent,
            comparator=f.comparator,
            place=_place_of(f, extraction, document_place),
            published=published,
        )
        for i, f in enumerate(extraction.facts)
    ]
    return pledges, figures
