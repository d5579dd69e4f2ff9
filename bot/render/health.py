"""/health as an admin reads it: the outbox queue, what happened to messages in the last day, each sweep's last run,
the feeds that are failing."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from bot.render.feeds import feed_error_text
from bot.texts import t
from trackers.models import Feed, SweepState
from trackers.notifications.outbox import OutboxHealth

OUTCOMES = ("sent", "failed", "blocked", "unknown", "skipped")


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


def health_text(
    language: str,
    queue: OutboxHealth,
    sweeps: list[SweepState],
    now: datetime,
    failing_feeds: list[Feed] = (),
    failing_total: int = 0,
) -> str:
    lines = [t(language, "health_header"), ""]
    lines.append(t(language, "health_queue", pending=queue.pending, sending=queue.sending, held=queue.held))
    if queue.oldest_pending_due is not None:
        lines.append(t(language, "health_oldest", age=_age(now - queue.oldest_pending_due)))
    else:
        lines.append(t(language, "health_oldest_none"))
    counts = {state: queue.last_day.get(state, 0) for state in OUTCOMES}
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
    if failing_total:
        lines.append(t(language, "health_feeds_failing", count=failing_total))
        for feed in failing_feeds:
            since = _age(now - feed.last_error_at) if feed.last_error_at else "?"
            error = feed_error_text(language, feed.last_error) if feed.last_error else ""
            lines.append(
                t(
                    language,
                    "health_feed_failing",
                    id=feed.id,
                    name=html.escape(feed.name),
                    error=error,
                    times=feed.error_count,
                    ago=since,
                )
            )
        if failing_total > len(failing_feeds):
            lines.append(t(language, "health_feeds_more", count=failing_total - len(failing_feeds)))
    leaders = {sweep.instance for sweep in sweeps if sweep.name == "dispatch" and sweep.instance}
    for instance in leaders:
        lines.append(t(language, "health_leader", instance=html.escape(instance)))
    return "\n".join(lines)
