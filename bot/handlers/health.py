"""/health for admins: the outbox queue, what happened to messages in the last day, when each sweep last ran, and
which feeds are failing."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import Context
from bot.handlers.turn import Turn
from bot.render.health import health_text
from trackers.coverage.feeds import failing_feeds
from trackers.notifications.outbox import outbox_health
from trackers.runtime.clock import utcnow
from trackers.runtime.sweep_state import all_sweeps

# A feed sweep that runs while some feeds fail is a success for the sweep; the feeds are named here, the worst first.
FAILING_FEEDS_SHOWN = 5


async def show_health(update: Update, context: Context) -> None:
    """Show an admin how delivery is doing; anyone else is told politely that it is for admins."""
    settings = context.bot_data.settings.bot
    user = update.effective_user
    now = utcnow()
    # Admins are known by numeric id, never by username.
    allowed = user is not None and user.id in {*settings.owner_ids, *settings.admin_ids}
    async with Turn.begin(update, context) as turn:
        if allowed:
            queue = await outbox_health(turn.session, now=now)
            sweeps = await all_sweeps(turn.session)
            feeds, failing = await failing_feeds(turn.session, limit=FAILING_FEEDS_SHOWN)
        else:
            turn.refuse("health_refused")
    if turn.refused:
        return
    await update.effective_message.reply_text(health_text(turn.language, queue, sweeps, now, feeds, failing))


HANDLERS = [CommandHandler("health", show_health)]
