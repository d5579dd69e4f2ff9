"""A journalist's tools: /alerts (lead times, overdue prompts, quiet hours, digest) with buttons, /calendar (.ics),
/export (CSV) and /tz.

Preferences are kept by trackers.people.preferences; in a group only its admins change them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import time

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import MenuCommand
from bot.context import Context
from bot.handlers.replies import may_change_chat_settings, redraw, reply
from bot.handlers.turn import Turn
from bot.render.alert_settings import DIGEST_DAY, DIGEST_MODE, LEAD_TIME, PROMPTS, QUIET_HOURS, alerts_view
from bot.render.calendar import alarm_texts, calendar_caption, deadline_events
from bot.render.format import esc, shorten
from bot.texts import t
from bot.texts.keys import STATUS
from trackers.commitments import catalog
from trackers.commitments.calendar import build_calendar
from trackers.commitments.export import csv_bytes, followed_rows
from trackers.models import DigestMode
from trackers.people import preferences
from trackers.people.preferences import Preferences
from trackers.runtime.clock import UnknownTimeZone, utcnow, zone

COMMANDS = [
    MenuCommand("alerts", "cmd_alerts"),
    MenuCommand("calendar", "cmd_calendar"),
    MenuCommand("export", "cmd_export"),
    MenuCommand("tz", "cmd_tz"),
]


async def _preferences(turn: Turn) -> Preferences:
    return await preferences.get_preferences(turn.session, turn.chat.id, turn.settings.alert_defaults())


async def alerts(update: Update, context: Context) -> None:
    """/alerts: the chat's alert settings, with buttons to change each."""
    async with Turn.begin(update, context) as turn:
        prefs = await _preferences(turn)
    text, keyboard = alerts_view(turn.language, prefs)
    await reply(update, text, keyboard)


# A change one button under /alerts makes, given the preferences before it.
Change = Callable[[Turn, Preferences], Awaitable[None]]


async def _change_alert(update: Update, context: Context, change: Change) -> None:
    """Make the change a button under /alerts names, then redraw the settings."""
    query = update.callback_query
    allowed = await may_change_chat_settings(update, context)  # before the turn: a call to Telegram
    async with Turn.begin(update, context) as turn:
        if not allowed:
            turn.refuse("group_admins_only")
        else:
            await change(turn, await _preferences(turn))
            prefs = await _preferences(turn)
    if turn.refused:
        return
    text, keyboard = alerts_view(turn.language, prefs)
    await query.answer(t(turn.language, "alerts_saved"))
    await redraw(query, text, keyboard)


async def toggle_lead_time(update: Update, context: Context) -> None:
    """A lead time under /alerts: be reminded that many days before a deadline, or no longer."""
    await _change_alert(update, context, _toggle_lead_time)


async def _toggle_lead_time(turn: Turn, prefs: Preferences) -> None:
    days = set(prefs.lead_days) ^ {int(turn.context.match.group(1))}
    # An empty choice would mean "the defaults" to the preferences service: keep at least one lead time.
    if days:
        await preferences.set_lead_days(turn.session, turn.chat.id, sorted(days), now=utcnow())


async def switch_prompts(update: Update, context: Context) -> None:
    """ "Deadline passed" prompts on or off."""
    await _change_alert(update, context, _switch_prompts)


async def _switch_prompts(turn: Turn, prefs: Preferences) -> None:
    await preferences.set_prompts(turn.session, turn.chat.id, turn.context.match.group(1) == "1", now=utcnow())


async def choose_quiet_hours(update: Update, context: Context) -> None:
    """Quiet hours (22—07 and so on), or none."""
    await _change_alert(update, context, _choose_quiet_hours)


async def _choose_quiet_hours(turn: Turn, prefs: Preferences) -> None:
    value = turn.context.match.group(1)
    if value == "none":
        await preferences.set_quiet_hours(turn.session, turn.chat.id, None, None, now=utcnow())
        return
    start, end = (int(part) for part in value.split("-"))
    if 0 <= start < 24 and 0 <= end < 24 and start != end:
        await preferences.set_quiet_hours(turn.session, turn.chat.id, time(start), time(end), now=utcnow())


async def choose_digest(update: Update, context: Context) -> None:
    """Alerts one by one, or a daily or weekly digest."""
    await _change_alert(update, context, _choose_digest)


async def _choose_digest(turn: Turn, prefs: Preferences) -> None:
    await preferences.set_digest(turn.session, turn.chat.id, DigestMode(turn.context.match.group(1)), now=utcnow())


async def choose_digest_day(update: Update, context: Context) -> None:
    """The day a weekly digest comes."""
    await _change_alert(update, context, _choose_digest_day)


async def _choose_digest_day(turn: Turn, prefs: Preferences) -> None:
    await preferences.set_digest_weekday(turn.session, turn.chat.id, int(turn.context.match.group(1)), now=utcnow())


async def calendar(update: Update, context: Context) -> None:
    """/calendar: an .ics file with every followed deadline and an alarm at each of the chat's lead times."""
    now = utcnow()
    async with Turn.begin(update, context) as turn:
        prefs = await _preferences(turn)
        followed = [c for c in await catalog.followed_commitments(turn.session, turn.chat.id) if c.deadline is not None]
    language = turn.language
    events = deadline_events(language, followed)
    if not events:
        await reply(update, t(language, "calendar_empty"))
        return
    data = build_calendar(
        events,
        name=t(language, "calendar_name"),
        lead_days=prefs.lead_days,
        local_hour=context.bot_data.settings.alerts.local_hour,
        timezone=prefs.timezone,
        alarm_text=alarm_texts(language, followed),
        now=now,
    )
    caption = calendar_caption(language, len(events), prefs.lead_days)
    await update.effective_message.reply_document(InputFile(data, filename="luoshi-deadlines.ics"), caption=caption)


async def export(update: Update, context: Context) -> None:
    """/export: a CSV of followed commitments with targets, deadlines, status and latest progress."""
    now = utcnow()
    async with Turn.begin(update, context) as turn:
        followed = await catalog.followed_commitments(turn.session, turn.chat.id)
        cards = await catalog.get_cards(turn.session, [c.id for c in followed], now=utcnow())
    language = turn.language
    if not cards:
        await reply(update, t(language, "export_empty"))
        return
    rows = followed_rows(cards, now=now, status_name=lambda status: t(language, STATUS.key(status)))
    data = csv_bytes(t(language, "export_columns").split("|"), rows)
    caption = t(language, "export_caption", count=len(cards))
    await update.effective_message.reply_document(InputFile(data, filename="luoshi-following.csv"), caption=caption)


async def set_timezone(update: Update, context: Context) -> None:
    """/tz ZONE: the chat's time zone for deadlines and alerts."""
    wanted = context.args[0] if context.args else ""
    # Asked of Telegram before the turn opens, so the database is not held over the round trip.
    allowed = not wanted or await may_change_chat_settings(update, context)
    zone = _known_zone(wanted) if wanted and allowed else None
    async with Turn.begin(update, context) as turn:
        current = turn.chat.timezone or turn.settings.bot.timezone
        if not allowed:
            turn.refuse("group_admins_only")
        elif zone is not None:
            await preferences.set_timezone(turn.session, turn.chat.id, zone, now=utcnow())
    if turn.refused:
        return
    language = turn.language
    if not wanted:
        await reply(update, t(language, "tz_usage", tz=esc(current)))
    elif zone is None:
        await reply(update, t(language, "tz_unknown", value=esc(shorten(wanted, 40))))
    else:
        await reply(update, t(language, "tz_set", tz=esc(zone)))


def _known_zone(text: str) -> str | None:
    """An IANA zone name as typed, or with its case fixed (asia/shanghai → Asia/Shanghai)."""
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", text):
        return None
    for candidate in (text, "/".join(part[:1].upper() + part[1:] for part in text.split("/"))):
        try:
            zone(candidate)
        except UnknownTimeZone:
            continue
        return candidate
    return None


HANDLERS = [
    CommandHandler("alerts", alerts),
    CommandHandler("calendar", calendar),
    CommandHandler("export", export),
    CommandHandler("tz", set_timezone),
    CallbackQueryHandler(toggle_lead_time, pattern=LEAD_TIME.pattern),
    CallbackQueryHandler(switch_prompts, pattern=PROMPTS.pattern),
    CallbackQueryHandler(choose_quiet_hours, pattern=QUIET_HOURS.pattern),
    CallbackQueryHandler(choose_digest, pattern=DIGEST_MODE.pattern),
    CallbackQueryHandler(choose_digest_day, pattern=DIGEST_DAY.pattern),
]
