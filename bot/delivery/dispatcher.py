"""The dispatcher: claims due rows from the outbox, sends them within Telegram's limits, records what happened.

One run (a JobQueue sweep, every `delivery.sweep_seconds`) works until just before the next one is due:
claim a batch, send it, record the results, claim again. Nothing is kept in memory between runs; a row that
cannot be sent in this run goes back to the outbox with the time it may be tried again.

What each answer from Telegram means for the row (PTB's exceptions; BadRequest and TimedOut are NetworkErrors,
so the order of the checks matters):

- ok -> sent, with the message id;
- RetryAfter -> pending again after retry_after (in the database, however long); that chat waits, and when the
  flood is the bot's as a whole every chat waits -- at most `max_pause_seconds` in memory;
- ChatMigrated -> the chat's follows, preferences and waiting rows move to the new id; sent there once;
- Forbidden (blocked, deactivated) -> blocked; the chat is marked inactive and gets nothing more;
- BadRequest (chat not found, bad markup) -> failed, never retried;
- TimedOut after the request went out -> unknown: Telegram may have accepted it, and sending it again could
  make a copy, so it is not resent;
- no connection, a full pool, a 5xx answer -> provably not delivered: pending again, with backoff.

The dispatcher sends through a Bot of its own and keeps the flood limits itself (bot/delivery/limits.py):
PTB's AIORateLimiter pauses every request on one RetryAfter (replies to users too) and knows no per-chat limit,
while the dispatcher needs both scopes, and must never sleep through an hours-long retry_after. The
Application's replies draw on the same FloodLimiter (bot/delivery/ratelimit.py), so the two together stay
within Telegram's overall budget. Its own connection pool also keeps bulk sends from queueing in front of
replies.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.delivery.limits import FloodLimiter, flood_limiter
from bot.render.split import split_html
from bot.request import never_sent
from bot.settings import DeliverySettings
from trackers.models import DeliveryState
from trackers.notifications.outbox import Claimed, Outcome, claim, reap_leases, record_outcomes, skip_stale
from trackers.people.chats import block_chat, inactive_chats, move_chat
from trackers.runtime.sweep_state import record_run

log = logging.getLogger(__name__)

SWEEP_NAME = "dispatch"
# Two chats answering 429 within this many seconds: the flood is the bot's, not one chat's.
GLOBAL_FLOOD_WINDOW = 1.0
# Expired leases are looked for this often (and at once on becoming the dispatcher).
REAP_EVERY = 10.0


@dataclass
class _Effects:
    """Changes to chats that go into the database with the outcomes."""

    blocked: dict[int, str] = field(default_factory=dict)
    migrated: dict[int, int] = field(default_factory=dict)


@dataclass
class RunReport:
    claimed: int = 0
    sent: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class Dispatcher:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: DeliverySettings,
        *,
        instance: str,
        clock: Callable[[], datetime],
        limiter: FloodLimiter | None = None,
        on_moved: Callable[[int, int], None] | None = None,
    ) -> None:
        self.bot = bot
        # Told (chat, person) for each conversation that moved with a group upgraded to a supergroup.
        self.on_moved = on_moved
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.instance = instance
        self.clock = clock
        # Shared with the handlers' replies (bot.delivery.ratelimit) when the Application made one.
        self.limiter = limiter or flood_limiter(settings)
        self._semaphore = asyncio.Semaphore(settings.concurrency)
        self._last_reap = 0.0
        self._recent_floods: list[tuple[float, int]] = []
        self.taken_over = False

    # -- one run --------------------------------------------------------------------------------------------

    async def run(self, budget: float, *, reap_all: bool = False) -> RunReport:
        """Send for up to `budget` seconds. `reap_all`: this process has just become the only dispatcher, so
        every row still marked sending belongs to a sender that is gone."""
        deadline = time.monotonic() + budget
        report = RunReport()
        first = True
        while True:
            now = self.clock()
            remaining = deadline - time.monotonic()
            # Claim no more than the limits let through before the next run.
            room = max(1, int(self.settings.global_per_second * max(remaining, 0.1) * 1.1))
            async with self.sessionmaker.begin() as session:
                if first:
                    await self._housekeeping(session, now, reap_all)
                    await record_run(session, SWEEP_NAME, started=now, finished=None, instance=self.instance)
                rows = await claim(
                    session,
                    now=now,
                    limit=min(self.settings.batch_size, room),
                    lease=timedelta(seconds=self.settings.lease_seconds),
                    instance=self.instance,
                )
                inactive = await inactive_chats(session, (row.chat_id for row in rows))
            first = False
            if not rows:
                break
            report.claimed += len(rows)
            outcomes, effects = await self._send_batch(rows, inactive, deadline)
            now = self.clock()
            async with self.sessionmaker.begin() as session:
                await self._apply_effects(session, effects, now)
                await record_outcomes(session, outcomes, now=now)
            for outcome in outcomes:
                report.outcomes[str(outcome.state.value)] += 1
            report.sent = report.outcomes.get("sent", 0)
            if time.monotonic() >= deadline - 0.05 or len(rows) < min(self.settings.batch_size, room):
                break
        async with self.sessionmaker.begin() as session:
            now = self.clock()
            await record_run(session, SWEEP_NAME, started=now, finished=now, instance=self.instance)
        return report

    async def _housekeeping(self, session: AsyncSession, now: datetime, reap_all: bool) -> None:
        skipped = await skip_stale(session, now=now, max_lateness=timedelta(hours=self.settings.max_lateness_hours))
        if skipped:
            log.warning("%s notifications were too late to send and are recorded as skipped", skipped)
        if reap_all or time.monotonic() - self._last_reap > REAP_EVERY:
            self._last_reap = time.monotonic()
            reaped = await reap_leases(session, now=now, expired_only=not reap_all)
            if reaped:
                log.warning("%s notifications were left mid-send by a stopped sender; sending them again", reaped)

    async def _apply_effects(self, session: AsyncSession, effects: _Effects, now: datetime) -> None:
        for old, new in effects.migrated.items():
            # If the supergroup's own update moves the group at this moment, one of the two gives way (move_chat).
            for user_id in await move_chat(session, old, new, now=now):
                if self.on_moved is not None:
                    self.on_moved(new, user_id)
        for chat_id, reason in effects.blocked.items():
            await block_chat(session, chat_id, reason, now=now)

    # -- sending -------------------------------------------------------------------------------------------

    async def _send_batch(
        self, rows: list[Claimed], inactive: set[int], deadline: float
    ) -> tuple[list[Outcome], _Effects]:
        by_chat: dict[int, list[Claimed]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat_id].append(row)
        outcomes: list[Outcome] = []
        effects = _Effects()
        await asyncio.gather(
            *(self._send_chat(chat_rows, inactive, deadline, outcomes, effects) for chat_rows in by_chat.values())
        )
        return outcomes, effects

    async def _send_chat(
        self, rows: list[Claimed], inactive: set[int], deadline: float, outcomes: list[Outcome], effects: _Effects
    ) -> None:
        """One chat's rows, in order; a chat that stops taking messages stops the rest."""
        for n, row in enumerate(rows):
            if row.chat_id in inactive or row.chat_id in effects.blocked:
                reason = effects.blocked.get(row.chat_id, "chat inactive")
                outcomes.append(Outcome(row.id, DeliveryState.BLOCKED, error=reason))
                continue
            try:
                outcome = await self._send_row(row, deadline, effects)
            except Exception as error:
                # Anything else (an answer the library cannot read, a bug): this row is recorded as maybe sent,
                # never resent, and the batch's other outcomes are kept; were they lost with it, rows already
                # sent would go out again once their lease ran out.
                log.exception("notification %s: unexpected failure while sending; recorded as unknown", row.id)
                outcome = Outcome(
                    row.id,
                    DeliveryState.UNKNOWN,
                    error=f"maybe delivered, not resent: {type(error).__name__}",
                    parts_sent=row.parts_sent,
                )
            outcomes.append(outcome)
            if outcome.state is DeliveryState.PENDING and outcome.available_at is not None:
                # This chat cannot take more now: its later rows wait too, in order.
                for later in rows[n + 1 :]:
                    outcomes.append(
                        Outcome(later.id, DeliveryState.PENDING, available_at=outcome.available_at, error=None)
                    )
                return

    async def _send_row(self, row: Claimed, deadline: float, effects: _Effects) -> Outcome:
        parts = split_html(row.text)
        sent_parts = row.parts_sent
        first_message_id: int | None = None
        while sent_parts < len(parts):
            # Wait for the chat's own limit outside the semaphore, so a slow chat does not hold a sender.
            now = time.monotonic()
            chat_free = self.limiter.chat_free_at(row.chat_id, now)
            if chat_free > deadline:
                return self._later(row, sent_parts, chat_free - now)
            if chat_free > now:
                await asyncio.sleep(chat_free - now)
            async with self._semaphore:
                if not await self.limiter.acquire(row.chat_id, deadline):
                    wait = max(self.limiter.free_at(row.chat_id, time.monotonic()) - time.monotonic(), 0.0)
                    return self._later(row, sent_parts, wait)
                try:
                    try:
                        message = await self.bot.send_message(row.chat_id, parts[sent_parts], parse_mode=ParseMode.HTML)
                    finally:
                        self.limiter.release(row.chat_id)
                except RetryAfter as error:
                    return self._flooded(row, sent_parts, error)
                except ChatMigrated as error:
                    effects.migrated[row.chat_id] = error.new_chat_id
                    log.info("chat %s moved to %s; its messages follow", row.chat_id, error.new_chat_id)
                    return Outcome(row.id, DeliveryState.PENDING, parts_sent=sent_parts, available_at=self.clock())
                except Forbidden as error:
                    effects.blocked[row.chat_id] = f"403: {error.message}"[:200]
                    return Outcome(row.id, DeliveryState.BLOCKED, error=f"403: {error.message}", parts_sent=sent_parts)
                except BadRequest as error:
                    return Outcome(row.id, DeliveryState.FAILED, error=f"400: {error.message}", parts_sent=sent_parts)
                except InvalidToken as error:
                    log.error("the Bot API refused the token; delivery waits: %s", error.message)
                    return self._retry(row, sent_parts, f"token refused: {error.message}")
                except NetworkError as error:  # TimedOut included
                    if never_sent(error):
                        self.limiter.pause_all(self._backoff(1))
                        return self._retry(row, sent_parts, f"not sent: {error.message}")
                    log.warning("notification %s: no answer after sending (%s); recorded as unknown", row.id, error)
                    return Outcome(
                        row.id,
                        DeliveryState.UNKNOWN,
                        error=f"maybe delivered, not resent: {type(error).__name__}: {error.message}",
                        parts_sent=sent_parts,
                    )
                except TelegramError as error:
                    return Outcome(row.id, DeliveryState.FAILED, error=f"{type(error).__name__}: {error.message}")
            first_message_id = first_message_id or message.message_id
            sent_parts += 1
        return Outcome(row.id, DeliveryState.SENT, message_id=first_message_id, parts_sent=sent_parts)

    # -- outcomes that send the row back ---------------------------------------------------------------------

    def _later(self, row: Claimed, parts_sent: int, wait: float) -> Outcome:
        """Not this run: back to pending until the limits have room (not an attempt)."""
        return Outcome(
            row.id,
            DeliveryState.PENDING,
            parts_sent=parts_sent,
            available_at=self.clock() + timedelta(seconds=max(wait, 0.0)),
        )

    def _backoff(self, attempts: int) -> float:
        base = self.settings.retry_base_seconds * 2 ** max(attempts - 1, 0)
        return min(base, self.settings.retry_max_seconds) * random.uniform(0.8, 1.2)

    def _retry(self, row: Claimed, parts_sent: int, error: str) -> Outcome:
        return Outcome(
            row.id,
            DeliveryState.PENDING,
            error=error[:500],
            parts_sent=parts_sent,
            available_at=self.clock() + timedelta(seconds=self._backoff(row.attempts)),
        )

    def _flooded(self, row: Claimed, parts_sent: int, error: RetryAfter) -> Outcome:
        with warnings.catch_warnings():
            # PTB 22 warns that retry_after will become a timedelta; both shapes are handled here.
            warnings.simplefilter("ignore")
            retry_after = error.retry_after
        if isinstance(retry_after, timedelta):
            retry_after = retry_after.total_seconds()
        now = time.monotonic()
        self._recent_floods = [(t, c) for t, c in self._recent_floods if t > now - GLOBAL_FLOOD_WINDOW]
        # The chat just had a message: its own limit. Otherwise, or with several chats at once: the bot's.
        chats = {c for _, c in self._recent_floods} | {row.chat_id}
        self._recent_floods.append((now, row.chat_id))
        own_chat = self.limiter.sent_shortly_before_last(row.chat_id, 1.5 / self.settings.private_per_second)
        self.limiter.pause_chat(row.chat_id, retry_after)
        if len(chats) > 1 or not own_chat:
            self.limiter.flooded(min(retry_after, self.settings.max_pause_seconds))
        log.info("429 for chat %s: retry after %ss", row.chat_id, retry_after)
        return Outcome(
            row.id,
            DeliveryState.PENDING,
            error=f"429: retry after {retry_after:g}s",
            parts_sent=parts_sent,
            available_at=self.clock() + timedelta(seconds=retry_after),
        )
