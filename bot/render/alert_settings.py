"""/alerts as a chat sees it: its lead times, overdue prompts, quiet hours, digest and zone, with a button for each
choice. Each button kind's data and pattern are defined here, beside the keyboard."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.render.buttons import ButtonKind
from bot.render.format import esc, lead_time
from bot.texts import t
from bot.texts.keys import DIGEST, WEEKDAY
from trackers.models import DigestMode
from trackers.people.preferences import Preferences

# Lead times offered as buttons; any of them can be switched on or off.
LEAD_CHOICES = (90, 30, 14, 7, 3, 1, 0)
# Quiet hours offered as buttons: (start hour, end hour), or none.
QUIET_CHOICES = ((22, 7), (23, 8), (0, 8))

LEAD_TIME = ButtonKind("a:l", (r"\d{1,3}",))  # switch this lead time (days) on or off
PROMPTS = ButtonKind("a:o", (r"[01]",))  # overdue prompts on (1) or off (0)
QUIET_HOURS = ButtonKind("a:q", (r"\d{1,2}-\d{1,2}|none",))  # "22-7", or none
DIGEST_MODE = ButtonKind("a:g", ("|".join(mode.value for mode in DigestMode),))
DIGEST_DAY = ButtonKind("a:w", (r"[0-6]",))  # a weekly digest's day, 0 (Monday) to 6


def _quiet(language: str, prefs: Preferences) -> str:
    if prefs.quiet_start is None or prefs.quiet_end is None:
        return t(language, "quiet_none")
    start, end = divmod(prefs.quiet_start, 60), divmod(prefs.quiet_end, 60)
    return f"{start[0]:02d}:{start[1]:02d}—{end[0]:02d}:{end[1]:02d}"


def _digest(language: str, prefs: Preferences) -> str:
    if prefs.digest is DigestMode.WEEKLY:
        return t(language, "digest_weekly_on", day=t(language, WEEKDAY.key(prefs.digest_weekday)))
    return t(language, DIGEST.key(prefs.digest))


def _tick(on: bool, label: str) -> str:
    return f"✓ {label}" if on else label


def alerts_view(language: str, prefs: Preferences) -> tuple[str, InlineKeyboardMarkup]:
    leads = "、".join(lead_time(language, d) for d in prefs.lead_days) if prefs.lead_days else t(language, "days_none")
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

    lead_buttons = [LEAD_TIME.button(_tick(d in prefs.lead_days, lead_time(language, d)), d) for d in LEAD_CHOICES]
    current_quiet = None if prefs.quiet_start is None else (prefs.quiet_start // 60, (prefs.quiet_end or 0) // 60)
    quiet_buttons = [
        QUIET_HOURS.button(
            _tick(current_quiet == choice, f"🌙 {choice[0]:02d}—{choice[1]:02d}"), f"{choice[0]}-{choice[1]}"
        )
        for choice in QUIET_CHOICES
    ]
    quiet_buttons.append(QUIET_HOURS.button(_tick(current_quiet is None, t(language, "quiet_none")), "none"))
    rows = [
        lead_buttons[:4],
        lead_buttons[4:],
        [
            PROMPTS.button(
                t(language, "btn_overdue_on" if prefs.prompts else "btn_overdue_off"), 0 if prefs.prompts else 1
            )
        ],
        quiet_buttons,
        [
            DIGEST_MODE.button(_tick(prefs.digest == mode, t(language, DIGEST.key(mode))), mode.value)
            for mode in DigestMode
        ],
    ]
    if prefs.digest is DigestMode.WEEKLY:
        rows.append(
            [
                DIGEST_DAY.button(_tick(prefs.digest_weekday == day, t(language, WEEKDAY.key(day))), day)
                for day in range(7)
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows)
