"""The few repeating jobs the JobQueue holds. They read and write the database; none keeps state in memory."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from bot.context import Context
from trackers.runtime.clock import utcnow
from trackers.runtime.updates import forget_updates_before

# Telegram keeps an unconfirmed update for at most 24 hours; ids older than twice that cannot come back.
INBOX_RETENTION = timedelta(hours=48)

# APScheduler skips a run that starts over a second late by default (misfire_grace_time=1); a sweep that is
# late because the event loop was busy must still run, once.
SWEEP_JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


async def replay_unfinished(context: Context) -> None:
    """Handle again the updates whose process died before their handlers committed (bot.inbox)."""
    bot_data = context.bot_data
    older_than = timedelta(seconds=bot_data.settings.bot.replay_after_seconds)
    await bot_data.inbox.replay(context.bot, context.application.update_queue, older_than=older_than)


async def prune_inbox(context: Context) -> None:
    """Forget update ids old enough that Telegram can no longer deliver them again."""
    async with context.bot_data.transaction() as session:
        await forget_updates_before(session, utcnow() - INBOX_RETENTION)


def repeat(application: Application, sweep, *, every: float, first: float, name: str) -> None:
    """Run `sweep` every `every` seconds, starting `first` seconds from now, never skipped for being late."""
    application.job_queue.run_repeating(
        sweep, interval=timedelta(seconds=every), first=timedelta(seconds=first), name=name, job_kwargs=SWEEP_JOB_KWARGS
    )


def schedule_sweeps(application: Application) -> None:
    repeat(application, prune_inbox, every=3600, first=60, name="prune_inbox")
    replay_every = min(30.0, application.bot_data.settings.bot.replay_after_seconds)
    repeat(application, replay_unfinished, every=replay_every, first=0, name="replay_unfinished")
