"""One day is "1 day", not "1 days": the countdowns on cards and in calendar alarms."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.render.calendar import alarm_texts
from bot.render.format import deadline
from trackers.commitments.calendar import DeadlineEvent
from trackers.models import Commitment

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)  # noon in Shanghai


def _commitment(due: date) -> Commitment:
    return Commitment(id=3, subject="集成电路产业链群规模", deadline=due, timezone="Asia/Shanghai")


@pytest.mark.parametrize(
    ("due", "english", "chinese"),
    [
        (date(2025, 6, 2), "2025-06-02 (1 day left)", "2025-06-02（还剩1天）"),
        (date(2025, 6, 3), "2025-06-03 (2 days left)", "2025-06-03（还剩2天）"),
        (date(2025, 5, 31), "2025-05-31 (1 day ago)", "2025-05-31（已过1天）"),
        (date(2025, 5, 30), "2025-05-30 (2 days ago)", "2025-05-30（已过2天）"),
    ],
)
def test_a_cards_countdown_counts_days_in_each_language(due, english, chinese):
    assert deadline("en", _commitment(due), NOW) == english
    assert deadline("zh", _commitment(due), NOW) == chinese


def test_a_calendar_alarm_the_day_before_says_tomorrow():
    event = DeadlineEvent(commitment_id=3, deadline=date(2025, 6, 2), summary="", description="")
    alarm = alarm_texts("en", [_commitment(date(2025, 6, 2))])
    assert alarm(event, 1) == "集成电路产业链群规模: due tomorrow"
    assert alarm(event, 7) == "集成电路产业链群规模: due in 7 days"
