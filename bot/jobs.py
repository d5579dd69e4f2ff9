"""Every repeating job the JobQueue holds, and when it runs. No job keeps state in memory: each reads the database
(the update log, the outbox, the alert watermark, the feeds due, the progress not yet announced), so a restart loses
nothing and a late run catches up.

    replay_unfinished  every min(30 s, bot.replay_after_seconds)  updates whose process died, handled again
    prune_updates      hourly                                     update ids Telegram can no longer resend, and
                                                                  questions no one answered in time
    dispatch           delivery.sweep_seconds                     send what the outbox holds (the elected instance)
    alert_rules        alerts.sweep_seconds                       deadline alerts, prompts and digests owed
    feeds              feeds.sweep_seconds                        feeds due polled, their articles taken in
    coverage           feeds.coverage_sweep_seconds               followers told of progress just recorded
    pastes             30 s                                       pasted parts joined when their own job was lost
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from telegram.ext import Application

from bot.context import BotData, Context
from bot.delivery.service import RUN_MARGIN, Delivery
from bot.handlers.ingest import join_quiet_pastes
from bot.render.feeds import feed_failing_text, feed_recovered_text
from bot.render.news import render_coverage
from trackers.coverage.polling import poll_feeds
from trackers.notifications.alerts import SWEEP_NAME as ALERTS_SWEEP
from trackers.notifications.news import announce_new_coverage
from trackers.notifications.outbox import Owed, owe
from trackers.people.admins import granted_admins
from trackers.people.conversations import forget_lapsed
from trackers.runtime.clock import utcnow
from trackers.runtime.sweep_state import record_error, record_run
from trackers.runtime.updates import forget_updates_before

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for at most 24 hours; ids older than twice that cannot come back.
UPDATE_RETENTION = timedelta(hours=48)

# APScheduler skips a run that starts over a second late by default (misfire_grace_time=1); a sweep that is
# late because the event loop was busy must still run, once.
SWEEP_JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


def schedule_jobs(application: Application, *, replay: bool = True) -> None:
    """Put every repeating job on the JobQueue (called by build_application). `replay`: not in a receiver, whose
    workers take undone updates from the table themselves (bot.workers)."""
    settings = application.bot_data.settings
    repeat(application, prune_updates, every=3600, first=60, name="prune_updates")
    if replay:
        replay_every = min(30.0, settings.bot.replay_after_seconds)
        repeat(application, replay_unfinished, every=replay_every, first=0, name="replay_unfinished")
    repeat(application, dispatch_sweep, every=settings.delivery.sweep_seconds, first=0.2, name="dispatch")
    repeat(application, alert_sweep, every=settings.alerts.sweep_seconds, first=0.1, name="alert_rules")
    repeat(application, feed_sweep, every=settings.feeds.sweep_seconds, first=1, name="feeds")
    repeat(application, coverage_sweep, every=settings.feeds.coverage_sweep_seconds, first=0.5, name="coverage")
    # Pastes whose own job (set when their last part came) was lost with its process.
    repeat(application, join_quiet_pastes, every=30, first=2, name="pastes")


def repeat(application: Application, sweep, *, every: float, first: float, name: str) -> None:
    """Run `sweep` every `every` seconds, starting `first` seconds from now, never skipped for being late."""
    application.job_queue.run_repeating(
        sweep, interval=timedelta(seconds=every), first=timedelta(seconds=first), name=name, job_kwargs=SWEEP_JOB_KWARGS
    )


# -- the update log ------------------------------------------------------------------------------------------------


async def replay_unfinished(context: Context) -> None:
    """Handle again the updates whose process died before their handlers committed (bot.update_log)."""
    bot_data = context.bot_data
    older_than = timedelta(seconds=bot_data.settings.bot.replay_after_seconds)
    await bot_data.update_log.replay(context.bot, context.application.update_queue, older_than=older_than)


async def prune_updates(context: Context) -> None:
    """Forget update ids old enough that Telegram can no longer deliver them again, and what the bot asked that
    lapsed unanswered (trackers.people.conversations)."""
    async with context.bot_data.transaction() as session:
        await forget_updates_before(session, utcnow() - UPDATE_RETENTION)
        await forget_lapsed(session, now=utcnow())


# -- delivery ------------------------------------------------------------------------------------------------------


async def dispatch_sweep(context: Context) -> None:
    """Send what the outbox holds, until just before the next run."""
    delivery: Delivery = context.bot_data.delivery
    next_run = context.job.next_t if context.job else None
    interval = delivery.settings.delivery.sweep_seconds
    budget = interval - RUN_MARGIN
    if next_run is not None:
        budget = max(min(next_run.timestamp() - time.time() - RUN_MARGIN, interval * 3), 0.2)
    try:
        if delivery.catch_up_pending:
            # The first sweep after start-up (or after taking over): alerts that fell due while no one was
            # sending are enqueued before anything is sent, so the JobQueue's start-up timing cannot skip them.
            await delivery.alerts_once(context.bot_data)
            delivery.catch_up_pending = False
        await delivery.dispatch_once(budget)
    except Exception as error:
        log.exception("the dispatcher failed; it runs again shortly")
        await _record_failure(context.bot_data, "dispatch", error, delivery.instance)


async def alert_sweep(context: Context) -> None:
    """Enqueue every alert that fell due since the last run (deadlines, prompts, digests)."""
    delivery: Delivery = context.bot_data.delivery
    try:
        await delivery.alerts_once(context.bot_data)
    except Exception as error:
        log.exception("the alert rules failed; they run again at the next sweep and catch up")
        await _record_failure(context.bot_data, ALERTS_SWEEP, error, delivery.instance)


async def _record_failure(bot_data: BotData, name: str, error: Exception, instance: str) -> None:
    try:
        async with bot_data.transaction() as session:
            await record_error(session, name, f"{type(error).__name__}: {error}", instance=instance)
    except Exception:
        log.warning("could not record the %s failure", name, exc_info=True)


# -- coverage ------------------------------------------------------------------------------------------------------

FEEDS_SWEEP = "feeds"


async def feed_sweep(context: Context) -> None:
    """Poll the feeds that are due and take in their new articles."""
    bot_data = context.bot_data
    instance = bot_data.delivery.instance if bot_data.delivery is not None else ""
    started = utcnow()
    try:
        report = await poll_feeds(bot_data.sessionmaker, policy=bot_data.settings.polling(), now=utcnow)
    except Exception as error:
        log.exception("the feed sweep failed; due feeds are polled again at the next sweep")
        await _record_failure(bot_data, FEEDS_SWEEP, error, instance)
        return
    # /health shows the sweep, and the last feed error of this run (each feed keeps its own in /feeds list).
    error = f"{report.failed} feed(s) failed; last: {report.errors[-1]}" if report.failed else None
    try:
        async with bot_data.transaction() as session:
            await record_run(session, FEEDS_SWEEP, started=started, finished=utcnow(), instance=instance, error=error)
    except Exception:
        log.warning("could not record the feed sweep", exc_info=True)
    try:
        await _tell_admins_of_feed_health(bot_data, report)
    except Exception:
        log.warning("could not tell the admins about failing feeds", exc_info=True)
    if report.polled or report.failed:
        log.info(
            "feeds: %s polled (%s unchanged), %s failed, %s articles, %s progress points, %s cards",
            report.polled,
            report.not_modified,
            report.failed,
            report.articles,
            report.progress,
            report.cards,
        )


async def _tell_admins_of_feed_health(bot_data: BotData, report) -> None:
    """A feed that starts failing, and one that works again, each told to every admin once, through the outbox."""
    if not report.started_failing and not report.recovered:
        return
    now, settings = utcnow(), bot_data.settings
    async with bot_data.transaction() as session:
        admins = set(settings.bot.owner_ids) | set(settings.bot.admin_ids)
        admins |= {grant.user_id for grant in await granted_admins(session)}
        if not admins:
            return
        for feed_id, name, error in report.started_failing:
            owed = Owed(
                kind="feed_health",
                milestone=f"feed:{feed_id}:failing:{now.isoformat()}",
                text=lambda language, name=name, error=error: feed_failing_text(language, name, error),
                due_at=now,
            )
            await owe(session, owed, sorted(admins), now=now, default_language=settings.bot.language)
        for feed_id, name in report.recovered:
            owed = Owed(
                kind="feed_health",
                milestone=f"feed:{feed_id}:recovered:{now.isoformat()}",
                text=lambda language, name=name: feed_recovered_text(language, name),
                due_at=now,
            )
            await owe(session, owed, sorted(admins), now=now, default_language=settings.bot.language)


async def coverage_sweep(context: Context) -> None:
    """Tell followers about progress recorded since the last run: one message per chat and commitment."""
    settings = context.bot_data.settings
    try:
        async with context.bot_data.transaction() as session:
            await announce_new_coverage(
                session,
                now=utcnow(),
                render=render_coverage,
                default_language=settings.bot.language,
                default_timezone=settings.bot.timezone,
            )
    except Exception:
        log.exception("the coverage sweep failed; unannounced progress is announced at the next sweep")
