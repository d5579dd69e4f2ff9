"""Alert rules: given the database and `now`, which alerts are due, as outbox rows.

The rules look at a window (the watermark, now]: every alert whose moment falls in it is enqueued, once (the
outbox key stops copies), and the watermark moves to `now` in the same transaction. After downtime the window
is simply longer, so what fell due meanwhile is caught up; what is too late to matter is recorded as skipped.

- deadline: at each lead time (days before the deadline; the chat's own or the default 90/30/7/1/0), at the
  configured local hour in the chat's time zone, on the date (deadline - lead) -- deadlines are dates in the
  commitment's zone, and the reminder comes at the chat's own morning;
- overdue: "deadline passed, no verdict" at +1 and +30 days (settings), for chats with prompts on; once the
  deadline has passed with no verdict the commitment's status becomes OVERDUE (逾期待定);
- stale: "no coverage for N days" for open commitments, to chats that follow them directly, with prompts on;
- digest: chats on a daily or weekly digest get their alerts held, and one message bundling them at the local
  hour (weekly: on the chat's chosen day, Monday unless it chose another).

Quiet hours delay an alert to their end; they never drop it. Texts are rendered by a renderer the bot layer
passes in, so this module knows nothing of Telegram; the outbox asks it for each language the chats read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from trackers.notifications.deadlines import Planner, deadline_alerts, mark_overdue, stale_prompts
from trackers.notifications.digests import bundle_digests
from trackers.notifications.rules import AlertRules, Renderer
from trackers.runtime.sweep_state import record_run, watermark

SWEEP_NAME = "alerts"
# However long the bot was down, the rules look back no further than this.
MAX_WINDOW = timedelta(days=400)


@dataclass
class SweepReport:
    window_start: datetime | None = None
    window_end: datetime | None = None
    enqueued: int = 0
    skipped: int = 0
    marked_overdue: list[int] = field(default_factory=list)
    digests: int = 0


async def run_alert_rules(
    session: AsyncSession, *, now: datetime, rules: AlertRules, render: Renderer, instance: str = "-"
) -> SweepReport:
    """One sweep: everything due in (watermark, now], enqueued; the watermark moved to now."""
    start = await watermark(session, SWEEP_NAME)
    if start is None:
        # First run on this database: what fell due within the lateness limit is still worth sending.
        start = now - rules.max_lateness
    start = max(start, now - MAX_WINDOW)
    report = SweepReport(window_start=start, window_end=now)
    if start < now:
        report.marked_overdue = await mark_overdue(session, now=now)
        planner = Planner(rules, render, now, start)
        await deadline_alerts(session, planner, start, now)
        await stale_prompts(session, planner, start, now)
        await planner.flush(session)
        report.enqueued, report.skipped = planner.enqueued, planner.skipped
    report.digests = await bundle_digests(session, now=now, rules=rules, render=render)
    await record_run(session, SWEEP_NAME, started=now, finished=now, instance=instance, new_watermark=now)
    return report
