"""Goalpost shifts: a later article restating a tracked target with another value or a later deadline. Flagged
for an admin to look at, never applied by itself.

Pure functions: no database, no clock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from trackers.commitments.progress import lower_is_better
from trackers.coverage.linking import Pledge, Thresholds, pledge_measure
from trackers.coverage.subjects import subject_similarity
from trackers.extract import places
from trackers.models import Comparator


class ShiftKind(enum.StrEnum):
    LOWER = "lower"  # less ambitious: a lower level, or a higher ceiling
    HIGHER = "higher"
    LATER = "later"  # the deadline moved out
    EARLIER = "earlier"


@dataclass(frozen=True)
class Shift:
    """A later article states a tracked target differently: for an admin to look at, never applied by itself."""

    old: Pledge
    new: Pledge
    kinds: tuple[ShiftKind, ...]
    subject_score: float


_SAME_VALUE = 0.005


def restatement(new: Pledge, old: Pledge, thresholds: Thresholds | None = None) -> Shift | None:
    """A shift when `new` restates `old` (same place, measure and subject, while `old` still runs) with another
    value or a later deadline. A new period's target (2023's growth target after 2022's) is not a shift."""
    thresholds = thresholds or Thresholds()
    if new.value is None or old.value is None:
        return None
    if places.relation(new.place, old.place) not in ("same", "unknown"):
        return None
    if pledge_measure(new) is not pledge_measure(old) or new.unit_normalized != old.unit_normalized:
        return None
    if old.deadline is not None:
        starts = new.period_start or new.announced
        if starts is not None and starts > old.deadline:
            return None
    similarity = subject_similarity(new.subject, old.subject)
    if similarity < thresholds.confident:
        return None
    kinds: list[ShiftKind] = []
    a = float(old.value_normalized if old.value_normalized is not None else old.value)
    b = float(new.value_normalized if new.value_normalized is not None else new.value)
    if abs(a - b) > _SAME_VALUE * max(abs(a), abs(b)):
        ceiling = old.comparator in (Comparator.LE, Comparator.LT) or (
            old.comparator == Comparator.APPROX and lower_is_better(old.subject)
        )
        less_ambitious = b > a if ceiling else b < a
        kinds.append(ShiftKind.LOWER if less_ambitious else ShiftKind.HIGHER)
    if old.deadline and new.deadline and new.deadline != old.deadline:
        kinds.append(ShiftKind.LATER if new.deadline > old.deadline else ShiftKind.EARLIER)
    if not kinds:
        return None
    return Shift(old=old, new=new, kinds=tuple(kinds), subject_score=round(similarity, 4))


def same_commitment(new: Pledge, old: Pledge, thresholds: Thresholds | None = None) -> bool:
    """Whether `new` is a commitment already tracked as `old`: the same place, indicator and period (its value
    may differ: then it is also a restatement). Confirming it again would track one promise twice."""
    thresholds = thresholds or Thresholds()
    if places.relation(new.place, old.place) != "same":
        return False
    if (new.value is None) != (old.value is None):
        return False
    if new.value is not None and (
        pledge_measure(new) is not pledge_measure(old) or new.unit_normalized != old.unit_normalized
    ):
        return False
    if new.deadline != old.deadline:
        return False
    if new.period_start is not None and old.period_start is not None and new.period_start != old.period_start:
        return False
    return subject_similarity(new.subject, old.subject) >= thresholds.confident
