"""Progress arithmetic: how far a commitment has come and whether it will get there in time.

Pure functions over numbers and dates (and a commitment's row, for its target: no database, no I/O, no clock: the
commitment's local date is handed in), so the card, the chart, the "new coverage" message and the coverage matcher
all agree:

    120.3亿元 at the end of 2022 → 500亿元 by the end of 2025 needs about 61% a year;
    the reported 36% a year reaches about 302.6亿元 → at risk.

Less than a year before the deadline a yearly rate is not worth quoting (96个 → 120个 in a month is "926% a
year"): what is left to do is. Once the deadline has passed there is nothing left to forecast: a figure for the
deadline is the result, and without one there is only the last figure.

Values must already be comparable (the same unit, or both normalized): `progress_points` puts a commitment's
figures in its target's unit, and `assessment_for` assesses them against its target and baseline.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from trackers.models import Commitment, Comparator, Evidence, EvidenceKind, Status

DAYS_PER_YEAR = 365.2425
# Units whose figure is itself a rate (GDP growth of 5%): compounding and projection make no sense for them.
RATE_UNITS = frozenset({"%", "百分点", "percent", "pp"})
# An "about" target (5%左右, 1200万人左右) counts as met within this share below it.
APPROX_TOLERANCE = 0.05
# Growth over less than this many years is too noisy to extrapolate from two points.
MIN_YEARS_FOR_OBSERVED_GROWTH = 0.25
# Closer to the deadline than a year (in days: from one year's end to the next counts as a year), the growth needed
# is not annualised: the amount still to go is shown instead.
MIN_DAYS_FOR_NEEDED_GROWTH = 365


@dataclass(frozen=True)
class Point:
    """One reported figure on the way to a target: its date and value, and the growth the coverage gave."""

    as_of: date
    value: float
    growth_percent: float | None = None


@dataclass(frozen=True)
class Goal:
    value: float
    deadline: date | None
    comparator: Comparator | None = Comparator.GE
    is_rate: bool = False
    # As written (亿元): figures set against the target are shown in it.
    unit: str | None = None
    # What is measured: on a lower-is-better subject (失业率, 能耗) an "about" target is a ceiling.
    subject: str = ""

    @property
    def is_cap(self) -> bool:
        """A ceiling to stay under (energy use at most X, CPI up about 3%) rather than a level to reach."""
        if self.comparator in (Comparator.LE, Comparator.LT):
            return True
        return self.comparator == Comparator.APPROX and lower_is_better(self.subject)


class Reason(enum.StrEnum):
    """Why the suggestion is what it is; the bot turns it into one line in the reader's language."""

    NO_PROGRESS = "no_progress"  # nothing reported yet
    REACHED = "reached"  # the target is already met
    FINAL_MET = "final_met"  # a figure at or after the deadline meets the target
    FINAL_MISSED = "final_missed"  # a figure at or after the deadline falls short
    NO_FINAL = "no_final"  # the deadline has passed and the latest figure is from before it
    ON_PACE = "on_pace"  # the growth seen so far reaches the target in time
    BEHIND_PACE = "behind_pace"  # the growth seen so far falls short
    NO_GROWTH = "no_growth"  # one figure and no growth rate: no projection possible
    NO_DEADLINE = "no_deadline"


class GrowthSource(enum.StrEnum):
    REPORTED = "reported"  # the coverage gave it (同比增速36%)
    OBSERVED = "observed"  # computed between two of our own figures


@dataclass(frozen=True)
class Assessment:
    latest: Point | None
    share: float | None  # latest / target: 0.24 means 24% of the target
    needed_growth: float | None  # annual growth still needed from the latest figure to the target by the deadline
    growth: float | None  # annual growth reported or observed, as a fraction (0.36)
    growth_source: GrowthSource | None
    projected: float | None  # the latest figure grown at `growth` until the deadline
    suggestion: Status | None  # ON_TRACK / AT_RISK while running; ACHIEVED / MISSED once the deadline has passed
    reason: Reason
    # Under a year before the deadline, instead of `needed_growth`: target - latest, what is still to go.
    remaining: float | None = None


def years_between(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_YEAR


def compound_growth(start_value: float, end_value: float, years: float) -> float | None:
    """The constant annual growth that takes start_value to end_value in `years`; None when undefined."""
    if years <= 0 or start_value <= 0 or end_value <= 0:
        return None
    return (end_value / start_value) ** (1 / years) - 1


def project(value: float, growth: float, years: float) -> float:
    return value * (1 + growth) ** max(years, 0.0)


def meets(value: float, target: Goal) -> bool:
    """Whether a figure satisfies the target's comparator."""
    match target.comparator:
        case Comparator.LE:
            return value <= target.value
        case Comparator.LT:
            return value < target.value
        case Comparator.GT:
            return value > target.value
        case Comparator.APPROX:
            return value >= target.value * (1 - APPROX_TOLERANCE)
        case _:  # GE, EQ and an unknown comparator: reaching the figure is what counts
            return value >= target.value


def goal_met(value: float, goal: Goal) -> bool:
    """Whether a figure meets the goal, the one judgement the card and the coverage linker share: `meets`, with an
    "about" target on a lower-is-better subject read as a ceiling with the tolerance above it (CPI up about 3%)."""
    if goal.comparator == Comparator.APPROX and lower_is_better(goal.subject):
        return value <= goal.value * (1 + APPROX_TOLERANCE) if goal.value >= 0 else value <= goal.value
    return meets(value, goal)


# Metrics where less is better: a "左右" target on them is a ceiling with some tolerance (CPI 涨幅3%左右).
_LOWER_IS_BETTER = re.compile(r"价格|涨幅|失业率|赤字|能耗|排放|污染|死亡|事故|负债|PM2\.5|发生率")


def lower_is_better(subject: str) -> bool:
    return bool(_LOWER_IS_BETTER.search(subject or ""))


def observed_growth(points: list[Point], baseline: Point | None = None) -> float | None:
    """Annual growth between the earliest figure (or the baseline) and the latest, if far enough apart."""
    series = sorted([*points, *([baseline] if baseline else [])], key=lambda p: p.as_of)
    if len(series) < 2:
        return None
    first, last = series[0], series[-1]
    years = years_between(first.as_of, last.as_of)
    if years < MIN_YEARS_FOR_OBSERVED_GROWTH:
        return None
    return compound_growth(first.value, last.value, years)


def assess(
    target: Goal, points: list[Point], *, today: date | None = None, baseline: Point | None = None
) -> Assessment:
    """Share of target, growth needed versus growth seen, projection at the deadline, and a suggested mark.

    `today` is the commitment's own local date: once it is past the deadline, the assessment looks back instead of
    forward. Without it the latest figure's date stands in (the deadline has passed only if a figure is dated so)."""
    if not points:
        return Assessment(None, None, None, None, None, None, None, Reason.NO_PROGRESS)
    latest = max(points, key=lambda p: p.as_of)
    share = latest.value / target.value if target.value else None
    met = goal_met(latest.value, target)
    deadline = target.deadline
    passed = deadline is not None and today is not None and today > deadline

    def result(
        needed=None, growth=None, source=None, projected=None, suggestion=None, reason=Reason.NO_GROWTH, remaining=None
    ):
        return Assessment(latest, share, needed, growth, source, projected, suggestion, reason, remaining)

    # A figure dated at or after the deadline is the result, not a step on the way.
    if deadline is not None and latest.as_of >= deadline:
        return result(
            suggestion=Status.ACHIEVED if met else Status.MISSED,
            reason=Reason.FINAL_MET if met else Reason.FINAL_MISSED,
        )
    # A level reached early stays reached: achieved once the deadline is behind. A ceiling must still hold at the
    # deadline, and a rate is only this period's reading, so neither counts before it.
    if met and not target.is_cap and not (passed and target.is_rate):
        return result(suggestion=Status.ACHIEVED if passed else None, reason=Reason.REACHED)
    if passed:
        # No figure for the deadline yet: nothing to forecast, and no verdict without it.
        return result(reason=Reason.NO_FINAL)
    if deadline is None:
        return result(reason=Reason.NO_DEADLINE)
    years_left = years_between(latest.as_of, deadline)
    short = (deadline - latest.as_of).days < MIN_DAYS_FOR_NEEDED_GROWTH
    if target.is_rate or (short and target.is_cap):
        # A rate is not compounded, nor is a ceiling annualised over months: the latest reading is what there is.
        return result(
            suggestion=Status.ON_TRACK if met else Status.AT_RISK,
            reason=Reason.ON_PACE if met else Reason.BEHIND_PACE,
        )

    # Less than a year to go: the amount still to do, not a yearly rate blown up from a few months.
    needed = None if short else compound_growth(latest.value, target.value, years_left)
    remaining = target.value - latest.value if short else None
    if latest.growth_percent is not None:
        growth, source = latest.growth_percent / 100, GrowthSource.REPORTED
    else:
        growth = observed_growth(points, baseline)
        source = GrowthSource.OBSERVED if growth is not None else None
    if growth is None:
        # One figure and no growth rate: no projection.
        return result(needed=needed, remaining=remaining, reason=Reason.NO_GROWTH)
    projected = project(latest.value, growth, years_left)
    on_track = goal_met(projected, target)
    return result(
        needed=needed,
        growth=growth,
        source=source,
        projected=projected,
        suggestion=Status.ON_TRACK if on_track else Status.AT_RISK,
        reason=Reason.ON_PACE if on_track else Reason.BEHIND_PACE,
        remaining=remaining,
    )


def is_rate_unit(unit: str | None) -> bool:
    return (unit or "").strip() in RATE_UNITS


def in_target_unit(
    value: float | None,
    unit: str | None,
    value_normalized: float | None,
    *,
    target_value: float | None,
    target_unit: str | None,
    target_value_normalized: float | None,
) -> float | None:
    """A reported figure in the target's own unit (万元 → 亿元 through the normalized values), or None when the
    two cannot be compared (个 against 亿元)."""
    if value is None:
        return None
    if not unit or unit == target_unit:
        return value
    # Same base unit (亿元 and 万元 both end in 元; 万人 and 人 in 人): scale through the normalized values.
    same_base = unit[-1:] == (target_unit or "")[-1:]
    if same_base and value_normalized is not None and target_value and target_value_normalized:
        return value_normalized * target_value / target_value_normalized
    return None


# -- a commitment's progress --------------------------------------------------------------------------------------

# Evidence that reports a figure on the way to the target.
FIGURE_KINDS = (EvidenceKind.PROGRESS, EvidenceKind.OFFICIAL_CLAIM)


def progress_goal(commitment: Commitment) -> Goal | None:
    """The commitment's target as the arithmetic takes it; None when it has no figure to reach."""
    if commitment.value is None:
        return None
    return Goal(
        value=commitment.value,
        deadline=commitment.deadline,
        comparator=commitment.comparator,
        is_rate=is_rate_unit(commitment.unit),
        unit=commitment.unit,
        subject=commitment.subject or "",
    )


def progress_points(commitment: Commitment, evidence: Iterable[Evidence]) -> tuple[list[Point], dict[date, Evidence]]:
    """The figures that can be set against the target, in its unit, oldest first; and the evidence behind each
    date. A figure in another unit of the same base (万亿元 against 亿元) is converted; one that cannot be
    compared (个 against 亿元) is left out."""
    points: list[Point] = []
    behind: dict[date, Evidence] = {}
    for item in evidence:
        if item.kind not in FIGURE_KINDS or item.as_of is None:
            continue
        value = in_target_unit(
            item.value,
            item.unit,
            item.value_normalized,
            target_value=commitment.value,
            target_unit=commitment.unit,
            target_value_normalized=commitment.value_normalized,
        )
        if value is None:
            continue
        points.append(Point(item.as_of, value, item.growth_percent))
        behind[item.as_of] = item
    points.sort(key=lambda p: p.as_of)
    return points, behind


def assessment_for(commitment: Commitment, points: list[Point], *, today: date | None = None) -> Assessment | None:
    """`assess` for a commitment: its target, its baseline when it has one, and `points` from `progress_points`;
    `today` is the commitment's local date (`local_date(now, commitment.timezone)`)."""
    target = progress_goal(commitment)
    if target is None:
        return None
    baseline = None
    if commitment.baseline_value is not None and commitment.baseline_as_of is not None:
        baseline = Point(commitment.baseline_as_of, commitment.baseline_value)
    return assess(target, points, today=today, baseline=baseline)
