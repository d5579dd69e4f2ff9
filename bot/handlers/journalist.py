"""A journalist's tools: /alerts (lead times, overdue prompts, quiet hours, digest) with buttons, /calendar (.ics),
/export (CSV) and /tz.

Preferences are kept by trackers.people.preferences; in a group only its admins change them.
"""

from __future__ import annotations

import re
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import MenuCommand
from bot.context import Context
from bot.handlers.common import current_chat, language_for
from bot.handlers.replies import may_change_chat_settings, redraw, reply
from bot.render.format import esc, shorten, status_label, target
from bot.texts import t
from trackers.commitments import catalog
from trackers.commitments.calendar import DeadlineEvent, build_calendar
from trackers.commitments.export import csv_bytes, followed_rows
from trackers.models import DigestMode
from trackers.people import preferences
from trackers.people.preferences import AlertDefaults, Preferences
from trackers.runtime.clock import UnknownTimeZone, utcnow, zone

COMMANDS = [
    MenuCommand("alerts", "cmd_alerts"),
    MenuCommand("calendar", "cmd_calendar"),
    MenuCommand("export", "cmd_export"),
    MenuCommand("tz", "cmd_tz"),
]

# Lead times offered as buttons; any of them can be switched on or off.
LEAD_CHOICES = (90, 30, 14, 7, 3, 1, 0)
# Quiet hours offered as buttons: (start hour, end hour), or none.
QUIET_CHOICES = ((22, 7), (23, 8), (0, 8))

# Callback data a:WHAT:VALUE — l: toggle a lead time; o: overdue prompts 1/0; q: quiet hours "22-7" or "none";
# g: digest instant/daily/weekly; w: a weekly digest's day, 0 (Monday) to 6.
ALERTS_PATTERN = r"^a:(l|o|q|g|w):(\d{1,3}|[01]|\d{1,2}-\d{1,2}|none|instant|daily|weekly)$"


def _days(language: str, days: int) -> str:
    return t(language, "days_zero") if days == 0 else t(language, "days_n", n=days)


def _quiet(language: str, prefs: Preferences) -> str:
    if prefs.quiet_start is None or prefs.quiet_end is None:
        return t(language, "quiet_none")
    start, end = divmod(prefs.quiet_start, 60), divmod(prefs.quiet_end, 60)
    return f"{start[0]:02d}:{start[1]:02d}—{end[0]:02d}:{end[1]:02d}"


def _digest(language: str, prefs: Preferences) -> str:
    if prefs.digest is DigestMode.WEEKLY:
        return t(language, "digest_weekly_on", day=t(language, f"weekday_{prefs.digest_weekday}"))
    return t(language, f"digest_{prefs.digest.value}")


def _alerts_view(language: str, prefs: Preferences) -> tuple[str, InlineKeyboardMarkup]:
    leads = "、".join(_days(language, d) for d in prefs.lead_days) if prefs.lead_days else t(language, "days_none")
    if language != "zh":
        leads = leads.replace("、", ", ")
    lines = [
        t(language, "alerts_header"),
        "",
        t(language, "alerts_lead", days=leads),
        t(language, "alerts_overdue", state=t(language, "on" if prefs.prompts else "off")),
        t(language, "alerts_quiet", hours=_quiet(language, prefs)),
        t(language, "alerts_digest", mode=_digest(language, prefs)),
        t(language, "alerts_tz", tz=esc(prefs.timezone)),
        "",
        t(language, "alerts_hint"),
    ]

    def tick(on: bool, label: str) -> str:
        return f"✓ {label}" if on else label

    lead_buttons = [
        InlineKeyboardButton(tick(d in prefs.lead_days, _days(language, d)), callback_data=f"a:l:{d}")
        for d in LEAD_CHOICES
    ]
    current_quiet = None if prefs.quiet_start is None else (prefs.quiet_start // 60, (prefs.quiet_end or 0) // 60)
    quiet_buttons = [
        InlineKeyboardButton(
            tick(current_quiet == choice, f"🌙 {choice[0]:02d}—{choice[1]:02d}"),
            callback_data=f"a:q:{choice[0]}-{choice[1]}",
        )
        for choice in QUIET_CHOICES
    ]
    quiet_buttons.append(
        InlineKeyboardButton(tick(current_quiet is None, t(language, "quiet_none")), callback_data="a:q:none")
    )
    rows = [
        lead_buttons[:4],
        lead_buttons[4:],
        [
            InlineKeyboardButton(
                t(language, "btn_overdue_on" if prefs.prompts else "btn_overdue_off"),
                callback_data=f"a:o:{0 if prefs.prompts else 1}",
            )
        ],
        quiet_buttons,
        [
            InlineKeyboardButton(
                tick(prefs.digest == mode, t(language, f"digest_{mode.value}")), callback_data=f"a:g:{mode.value}"
            )
            for mode in DigestMode
        ],
    ]
    if prefs.digest is DigestMode.WEEKLY:
        rows.append(
            [
                InlineKeyboardButton(
                    tick(prefs.digest_weekday == day, t(language, f"weekday_{day}")), callback_data=f"a:w:{day}"
                )
                for day in range(7)
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def alerts(update: Update, context: Context) -> None:
    """/alerts: the chat's alert settings, with buttons to change each."""
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        prefs = await preferences.get_preferences(session, chat.id, context.bot_data.settings.alert_defaults())
    text, keyboard = _alerts_view(language, prefs)
    await reply(update, text, keyboard)


async def change_alert(update: Update, context: Context) -> None:
    """A button under /alerts: change that one setting and redraw."""
    query = update.callback_query
    what, value = context.match.groups()
    allowed = await may_change_chat_settings(update, context)  # before the transaction: a call to Telegram
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        if allowed:
            prefs = await _change_alert(session, chat.id, what, value, context.bot_data.settings.alert_defaults())
    if not allowed:
        await query.answer(t(language, "group_admins_only"), show_alert=True)
        return
    text, keyboard = _alerts_view(language, prefs)
    await query.answer(t(language, "alerts_saved"))
    await redraw(query, text, keyboard)


async def _change_alert(session, chat_id: int, what: str, value: str, defaults: AlertDefaults) -> Preferences:
    """Change the setting a button names; the preferences after."""
    now = utcnow()
    prefs = await preferences.get_preferences(session, chat_id, defaults)
    if what == "l" and value.isdigit():
        days = set(prefs.lead_days) ^ {int(value)}
        # An empty choice would mean "the defaults" to the preferences service: keep at least one lead time.
        if days:
            await preferences.set_lead_days(session, chat_id, sorted(days), now=now)
    elif what == "o":
        await preferences.set_prompts(session, chat_id, value == "1", now=now)
    elif what == "q":
        if value == "none":
            await preferences.set_quiet_hours(session, chat_id, None, None, now=now)
        else:
            start, end = (int(part) for part in value.split("-"))
            if 0 <= start < 24 and 0 <= end < 24 and start != end:
                await preferences.set_quiet_hours(session, chat_id, time(start), time(end), now=now)
    elif what == "g":
        await preferences.set_digest(session, chat_id, DigestMode(value), now=now)
    elif what == "w" and value.isdigit() and int(value) <= 6:
        await preferences.set_digest_weekday(session, chat_id, int(value), now=now)
    return await preferences.get_preferences(session, chat_id, defaults)


async def calendar(update: Update, context: Context) -> None:
    """/calendar: an .ics file with every followed deadline and an alarm at each of the chat's lead times."""
    now = utcnow()
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        prefs = await preferences.get_preferences(session, chat.id, context.bot_data.settings.alert_defaults())
        followed = [c for c in await catalog.followed_commitments(session, chat.id) if c.deadline is not None]
        events = [
            DeadlineEvent(
                commitment_id=c.id,
                deadline=c.deadline,
                summary=_plain(t(language, "calendar_event", subject=esc(c.subject), target=target(language, c))),
                description=_plain(
                    "\n".join(
                        part
                        for part in (
                            esc(c.subject),
                            t(language, "card_status", status=status_label(language, c.status)),
                            esc(c.quote or ""),
                            "/show " + str(c.id),
                        )
                        if part
                    )
                ),
                url=c.source_url if (c.source_url or "").startswith(("http://", "https://")) else None,
            )
            for c in followed
        ]
    if not events:
        await reply(update, t(language, "calendar_empty"))
        return
    subjects = {c.id: shorten(c.subject, 60) for c in followed}

    def alarm_text(event: DeadlineEvent, days: int) -> str:
        key = "calendar_alarm_today" if days == 0 else "calendar_alarm"
        return t(language, key, subject=subjects[event.commitment_id], days=days)

    data = build_calendar(
        events,
        name=t(language, "calendar_name"),
        lead_days=prefs.lead_days,
        local_hour=context.bot_data.settings.alerts.local_hour,
        timezone=prefs.timezone,
        alarm_text=alarm_text,
        now=now,
    )
    leads = "/".join(_days(language, d) for d in prefs.lead_days)
    caption = t(language, "calendar_caption", count=len(events), leads=leads)
    await update.effective_message.reply_document(InputFile(data, filename="luoshi-deadlines.ics"), caption=caption)


async def export(update: Update, context: Context) -> None:
    """/export: a CSV of followed commitments with targets, deadlines, status and latest progress."""
    now = utcnow()
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        followed = await catalog.followed_commitments(session, chat.id)
        cards = await catalog.get_cards(session, [c.id for c in followed])
    if not cards:
        await reply(update, t(language, "export_empty"))
        return
    rows = followed_rows(cards, now=now, status_name=lambda status: t(language, f"status_{status.value}"))
    data = csv_bytes(t(language, "export_columns").split("|"), rows)
    caption = t(language, "export_caption", count=len(cards))
    await update.effective_message.reply_document(InputFile(data, filename="luoshi-following.csv"), caption=caption)


async def set_timezone(update: Update, context: Context) -> None:
    """/tz ZONE: the chat's time zone for deadlines and alerts."""
    wanted = context.args[0] if context.args else ""
    # Asked of Telegram before the transaction opens, so the database is not held over the round trip.
    allowed = bool(wanted) and await may_change_chat_settings(update, context)
    zone = _known_zone(wanted) if allowed else None
    async with context.bot_data.transaction() as session:
        chat = await current_chat(session, update)
        language = language_for(chat, update, context)
        current = chat.timezone or context.bot_data.settings.bot.timezone
        if zone is not None:
            await preferences.set_timezone(session, chat.id, zone, now=utcnow())
    if not wanted:
        await reply(update, t(language, "tz_usage", tz=esc(current)))
    elif not allowed:
        await reply(update, t(language, "group_admins_only"))
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


def _plain(text: str) -> str:
    """Calendar text is not HTML: drop the tags our texts carry and undo the escapes."""
    text = re.sub(r"</?(b|i|code|a)[^>]*>", "", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


HANDLERS = [
    CommandHandler("alerts", alerts),
    CommandHandler("calendar", calendar),
    CommandHandler("export", export),
    CommandHandler("tz", set_timezone),
    CallbackQueryHandler(change_alert, pattern=ALERTS_PATTERN),
]
