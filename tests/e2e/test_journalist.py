"""A journalist's tools: alert settings with buttons, the calendar file, the CSV export and the time zone."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import timedelta

from icalendar import Calendar

from tests.e2e.reader_helpers import IC, LATE, SOON


async def test_alerts_shows_the_settings_and_every_button_changes_one(ada, bob):
    text = await ada.text("/alerts")
    assert "到期前提醒：90天、30天、7天、1天、当天" in text
    assert "逾期未评定提示：开" in text and "免打扰：无" in text and "推送方式：即时" in text
    assert "时区：Asia/Shanghai" in text

    assert (await ada.press("14天"))["answer"]["text"] == "已保存"
    assert "90天、30天、14天、7天、1天、当天" in (await ada.latest())["text"]
    await ada.press("✓ 90天")
    assert "到期前提醒：30天、14天" in (await ada.latest())["text"]
    await ada.press("逾期提示：开")
    assert "逾期未评定提示：关" in (await ada.latest())["text"]
    await ada.press("22—07")
    assert "免打扰：22:00—07:00" in (await ada.latest())["text"]
    await ada.press("每周摘要")
    text = (await ada.latest())["text"]
    assert "推送方式：每周摘要（周一）" in text and "✓ 每周摘要" in await ada.keyboard()
    # A weekly digest offers its day: Monday until another is chosen.
    assert "✓ 周一" in await ada.keyboard() and "周日" in await ada.keyboard()
    await ada.press("周五")
    assert "推送方式：每周摘要（周五）" in (await ada.latest())["text"] and "✓ 周五" in await ada.keyboard()
    # The choices survive: a fresh /alerts shows them.
    assert "推送方式：每周摘要（周五）" in await ada.text("/alerts")

    english = await bob.text("/alerts")
    assert "Reminders before a deadline: 90 d, 30 d, 7 d, 1 d, on the day" in english
    await bob.press("daily digest")
    await bob.press("✓ none")  # quiet hours stay off when "none" is pressed again
    text = (await bob.latest())["text"]
    assert "Delivery: daily digest" in text and "Quiet hours: none" in text
    assert "Mon" not in await bob.keyboard()  # the day is offered for a weekly digest only


async def test_calendar_has_one_event_per_followed_deadline_with_alarms_at_the_lead_times(ada, client):
    assert "你关注的承诺都没有期限，或你还没有关注任何承诺" in await ada.text("/calendar")
    await ada.say(f"/follow {IC}")
    await ada.say(f"/follow {SOON}")
    await ada.say("/follow 集成电路")  # brings #4, which has no deadline: no event for it
    await ada.say("/alerts")
    await ada.press("✓ 90天")

    message = (await ada.say("/calendar"))[-1]
    assert message["file"]["file_name"] == "luoshi-deadlines.ics"
    assert "2个期限" in message["caption"] and "30天/7天/1天/当天" in message["caption"]
    data = await client.file_bytes(message["file"]["file_id"])
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    calendar = Calendar.from_ical(data)
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    by_uid = {str(e["uid"]): e for e in events}
    ic = by_uid[f"commitment-{IC}@luoshi.invalid"]
    assert ic.decoded("dtstart").isoformat() == "2025-12-31"
    assert "集成电路产业链群规模" in str(ic["summary"]) and "超过500亿元" in str(ic["summary"])
    triggers = sorted(alarm.decoded("trigger") for alarm in ic.walk("VALARM"))
    assert triggers == [
        timedelta(days=-30, hours=9),
        timedelta(days=-7, hours=9),
        timedelta(days=-1, hours=9),
        timedelta(hours=9),
    ]
    assert all(str(alarm["action"]) == "DISPLAY" and alarm["description"] for alarm in ic.walk("VALARM"))
    assert all(e.get("dtstamp") for e in events)


async def test_export_is_a_csv_with_a_bom_that_reads_back(ada, bob, client):
    assert "你还没有关注任何承诺，没有可导出的内容" in await ada.text("/export")
    await ada.say(f"/follow {IC}")
    await ada.say(f"/follow {LATE}")
    message = (await ada.say("/export"))[-1]
    assert message["file"]["file_name"] == "luoshi-following.csv" and "2个承诺" in message["caption"]
    data = await client.file_bytes(message["file"]["file_id"])
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["编号"] for row in rows] == [str(IC), str(LATE)]
    ic = rows[0]
    assert ic["事项"] == "集成电路产业链群规模" and ic["比较"] == ">" and ic["目标"] == "500" and ic["单位"] == "亿元"
    assert ic["期限"] == "2025-12-31" and ic["状态"] == "逾期待定"
    assert ic["最新进展"] == "120.3" and ic["进展日期"] == "2022-12-31" and ic["完成比例(%)"] == "24.1"
    assert ic["所属规划"].startswith("#1 ")

    await bob.say("/follow all")
    data = await client.file_bytes((await bob.say("/export"))[-1]["file"]["file_id"])
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 8 and {"Subject", "Status", "Share of target (%)"} <= set(rows[0])
    assert "achieved" in {row["Status"] for row in rows}


async def test_tz_sets_the_zone_and_explains_bad_input(ada, bob):
    assert "用法：/tz 时区" in await ada.text("/tz") and "当前：Asia/Shanghai" in await ada.text("/tz")
    assert "时区已设为 Europe/Berlin" in await ada.text("/tz europe/berlin")
    assert "时区：Europe/Berlin" in await ada.text("/alerts")
    assert "不认识时区“Mars/Olympus”" in await ada.text("/tz Mars/Olympus")
    assert "I don't know the time zone “<b>”" in await bob.text("/tz <b>")
    assert "Time zone set to America/New_York" in await bob.text("/tz America/New_York")
