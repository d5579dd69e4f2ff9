"""The .ics file and the CSV export, read back with a calendar library and the csv module."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from trackers.commitments.calendar import DeadlineEvent, alarm_trigger, build_calendar
from trackers.commitments.export import csv_bytes

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _calendar(events, lead_days=(30, 7, 0)) -> Calendar:
    data = build_calendar(
        events,
        name="落实：关注的期限",
        lead_days=lead_days,
        local_hour=9,
        timezone="Asia/Shanghai",
        alarm_text=lambda event, days: f"{event.summary}：还有{days}天",
        now=NOW,
    )
    assert b"\r\n" in data and all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded per RFC 5545
    return Calendar.from_ical(data)


def test_each_deadline_is_an_all_day_event_with_an_alarm_per_lead_time():
    events = [
        DeadlineEvent(
            3, date(2025, 12, 31), "到期：集成电路产业链群规模（目标：超过500亿元）", "说明", "https://example.org/a"
        ),
        DeadlineEvent(7, date(2026, 12, 3), "到期：老旧小区改造", "说明"),
    ]
    calendar = _calendar(events)
    assert str(calendar["prodid"]) and str(calendar["version"]) == "2.0"
    parsed = list(calendar.walk("VEVENT"))
    assert [str(e["uid"]) for e in parsed] == ["commitment-3@luoshi.invalid", "commitment-7@luoshi.invalid"]
    first = parsed[0]
    assert first.decoded("dtstart") == date(2025, 12, 31) and first.decoded("dtend") == date(2026, 1, 1)
    assert str(first["summary"]).startswith("到期：集成电路") and str(first["url"]) == "https://example.org/a"
    assert first.decoded("dtstamp") == NOW
    alarms = list(first.walk("VALARM"))
    assert sorted(a.decoded("trigger") for a in alarms) == [
        timedelta(days=-30, hours=9),
        timedelta(days=-7, hours=9),
        timedelta(hours=9),
    ]
    assert all(str(a["action"]) == "DISPLAY" and "还有" in str(a["description"]) for a in alarms)
    assert "URL" not in parsed[1]


def test_an_alarm_fires_at_the_local_hour_the_given_days_before():
    assert alarm_trigger(30, 9) == -timedelta(days=29, hours=15)
    assert alarm_trigger(0, 9) == timedelta(hours=9)


def test_text_with_commas_semicolons_and_newlines_survives_the_round_trip():
    tricky = "目标, 期限; 来源\n第二行 <b>&</b>"
    calendar = _calendar([DeadlineEvent(1, date(2026, 1, 1), tricky, tricky)])
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["summary"]) == tricky and str(event["description"]) == tricky


def test_the_csv_starts_with_a_bom_and_reads_back_with_chinese_intact():
    data = csv_bytes(["编号", "事项", "目标"], [[3, "集成电路产业链群规模", 500.0], [4, "含,逗号\n和换行", None]])
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["编号", "事项", "目标"], ["3", "集成电路产业链群规模", "500.0"], ["4", "含,逗号\n和换行", ""]]


def test_cells_that_look_like_formulas_are_defused():
    data = csv_bytes(["a"], [['=HYPERLINK("http://x")'], ["@cmd"], [-5]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("http://x")'] and rows[2] == ["'@cmd"] and rows[3] == ["-5"]
