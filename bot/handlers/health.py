"""/health for admins: the outbox queue, what happened to messages in the last day, when each sweep last ran."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.common import current_chat, language_for
from bot.texts import t
from trackers.notifications.outbox import outbox_health
from trackers.runtime.clock import utcnow
from trackers.runtime.sweep_state import all_sweeps


def _age(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


async def show_health(update: Update, context: Context) -> None:
    """Show an admin how delivery is doing; anyone else is told politely that it is for admins."""
    settings = context.bot_data.settings.bot
    user = update.effective_user
    now = utcnow()
    # Admins are known by numeric id, never by username.
    allowed = user is not None and user.id in {*settings.owner_ids, *settings.admin_ids}
    async with context.bot_data.transaction() as session:
        language = language_for(await current_chat(session, update), update, context)
        if allowed:
            queue = await outbox_health(session, now=now)
            sweeps = await all_sweeps(session)
    if not allowed:
        await update.effective_message.reply_text(t(language, "health_refused"))
        return
    lines = [t(language, "health_header"), ""]
    lines.append(t(language, "health_queue", pending=queue.pending, sending=queue.sending, held=queue.held))
    if queue.oldest_pending_due is not None:
        lines.append(t(language, "health_oldest", age=_age(now - queue.oldest_pending_due)))
    else:
        lines.append(t(language, "health_oldest_none"))
    counts = {state: queue.last_day.get(state, 0) for state in ("sent", "failed", "blocked", "unknown", "skipped")}
    lines.append(t(language, "health_last_day", **counts))
    for sweep in sweeps:
        if sweep.last_started_at is None:
            lines.append(t(language, "health_sweep_never", name=sweep.name))
            continue
        last = sweep.last_finished_at or sweep.last_started_at
        error = ""
        if sweep.last_error:
            error = "\n" + t(language, "health_sweep_error", error=html.escape(sweep.last_error))
        lines.append(t(language, "health_sweep", name=sweep.name, last=_when(last), ago=_age(now - last), error=error))
    leaders = {sweep.instance for sweep in sweeps if sweep.name == "dispatch" and sweep.instance}
    for instance in leaders:
        lines.append(t(language, "health_leader", instance=html.escape(instance)))
    await update.effective_message.reply_text("\n".join(lines))


HANDLERS = [CommandHandler("health", show_health)]
