"""The update log as the bot uses it: nothing Telegram delivers is lost to a crash, nothing is handled twice.

PTB acknowledges updates (the next getUpdates' offset, or a webhook's 200) once they are queued in memory, before
any handler runs, so a process killed in between loses them. Here:

- `LoggingBot.get_updates` stores each batch whole (one transaction) before handing it to PTB's Updater, whose next
  call acknowledges it; `LoggingQueue.put` does the same for an update that arrives by webhook, before its 200.
- An update already stored when it arrives again is a redelivery; the guard drops it (`is_redelivery`).
- While an update is handled, the first transaction that commits also marks it done, so its effects and the mark
  commit together (a SQLAlchemy `before_commit` hook, found through a context variable; on PostgreSQL a handler's
  turn carries the mark in its first statement instead, `mark_to_carry`). An update whose handlers commit nothing
  is marked done in a batch once they return.
- A sweep (`replay`, at start and every half minute) queues the updates stored more than
  `bot.replay_after_seconds` ago and never marked done: their process died. That wait is longer than any handler
  runs, so an update another live instance is still handling is left to it; a claim keeps two instances from
  taking the same one. Each is tried at most `MAX_ATTEMPTS` times.

A handler that commits twice for one update is marked done by the first commit: a crash between the two leaves
the second undone, and it is not retried.

Split across processes (bot.workers, PostgreSQL): a receiver stores updates here and wakes the workers (NOTIFY in
the storing transaction) without handling them; workers take them from the table chat by chat. Its stores do not
wait for the disk, and its acknowledgements wait for a flush instead (`UpdateLog.offset_to_send`). A worker's log is
`exclusive`: a handler whose commit finds its update already done (another worker raced it) is rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from telegram import Update
from telegram.error import NetworkError
from telegram.ext import ExtBot

from bot.update_chats import chat_of
from trackers.runtime.claims import channel, wake_payload
from trackers.runtime.prepared import OwnConnection, database_errors
from trackers.runtime.updates import (
    MARK_ONE_DONE,
    MAX_ATTEMPTS,
    DoneMark,
    flush_stored,
    mark_done,
    mark_one_done_params,
    record_updates,
    store_updates,
    take_unfinished,
)

log = logging.getLogger(__name__)

# A receiver whose flush failed tries again after this long (the database is out of reach; nothing is acknowledged
# meanwhile).
FLUSH_RETRY_SECONDS = 1.0
# How long a receiver whose unsure updates fill a whole getUpdates answer waits for their flush before it polls.
ROOM_WAIT_SECONDS = 1.0
GET_UPDATES_LIMIT = 100  # Telegram's most, and its default
CLOSE_WAIT_SECONDS = 5.0  # how long a closing receiver waits for its last flush


@dataclass
class _Handling:
    """The update the current task is handling, and whether a commit has marked it done yet."""

    log: UpdateLog
    update_id: int
    marked: bool = False
    redelivery: bool = False


class UpdateHandledElsewhere(RuntimeError):
    """The update was marked done by someone else while this handler ran: its effects must not commit twice."""


_HANDLING: contextvars.ContextVar[_Handling | None] = contextvars.ContextVar("luoshi_handling", default=None)
_PENDING_MARK = "luoshi_update_mark"


class UpdateLog:
    def __init__(self, *, role: str = "all") -> None:
        self._sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self._own: OwnConnection | None = None  # PostgreSQL's connection for storing batches
        # A receiver's (PostgreSQL): a connection whose commits wait for the disk, and the updates it stored that
        # are not known to be on disk yet, by id: (that connection's generation, the store's count) at storing.
        self._durable: OwnConnection | None = None
        self._unsure: dict[int, tuple[int, int]] = {}
        self._stores = 0  # batches stored so far, counted
        self._flushed = 0  # the count of the last store a flush covered
        self._flushing: asyncio.Task | None = None
        self.bot_id: int | None = None
        # "all": this process receives and handles; "receiver": it stores and wakes the workers; "worker": it
        # handles what a receiver stored (bot.workers).
        self.role = role
        self.announces = False  # set on PostgreSQL for a receiver, in open()
        self.workers = 1  # how many workers a receiver's notifications address (bot.workers sets it)
        # id() of Update objects already stored (by getUpdates or replay), so the queue does not store them again,
        # and of the ones that were stored before they arrived (redeliveries), for the guard to drop.
        self._stored: set[int] = set()
        self._redelivered: set[int] = set()
        # Updates handled without a commit of their own, waiting to be marked done in one transaction.
        self._to_mark: set[int] = set()
        self._marker: asyncio.Task | None = None
        # Ids this process has queued or is handling and has not marked done: the replay sweep renews their claim
        # so that no instance (this one included) takes them for orphans, however long the queue.
        self._in_flight: set[int] = set()

    def open(self, sessionmaker: async_sessionmaker[AsyncSession], bot_id: int) -> None:
        self._sessionmaker, self.bot_id = sessionmaker, bot_id
        engine = sessionmaker.kw["bind"]
        on_postgresql = engine.dialect.name == "postgresql"
        self.announces = self.role == "receiver" and on_postgresql
        # A batch is stored by one INSERT, atomic on its own: on PostgreSQL it runs on a connection kept for it,
        # without BEGIN and COMMIT, as one prepared statement (with the workers' NOTIFY, for a receiver).
        # SQLite's transactions are calls in the loop's thread, not worth a connection of their own. A worker
        # stores nothing.
        if on_postgresql and self.role == "receiver":
            # Its batches commit without waiting for the disk, and what it acknowledges waits for a flush instead
            # (see "a receiver's acknowledgements" below).
            self._own, self._durable = OwnConnection(engine, durable=False), OwnConnection(engine)
        else:
            self._own = OwnConnection(engine) if on_postgresql and self.role != "worker" else None

    async def connect(self) -> None:
        """Open the storing connection now (PostgreSQL), not when the first batch comes."""
        for connection in (self._own, self._durable):
            if connection is not None:
                await connection.open()

    @property
    def exclusive(self) -> bool:
        return self.role == "worker"

    async def close(self) -> None:
        """Let the last batch of done marks reach the database, and close the connection kept for storing."""
        await self.flush()
        if self._flushing is not None:
            # A flush that cannot reach the database is given up: its updates were not acknowledged, and Telegram
            # sends them again after the restart.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(self._flushing, return_exceptions=True), CLOSE_WAIT_SECONDS)
        for connection in (self._own, self._durable):
            if connection is not None:
                await connection.close()

    async def flush(self) -> None:
        """Wait until the done marks queued so far are committed (or failed): a worker does, before it lets another
        take the chat."""
        while self._marker is not None and not self._marker.done():
            await asyncio.gather(self._marker, return_exceptions=True)

    # -- arriving ---------------------------------------------------------------------------------------------

    async def receive(self, updates: Sequence[Update], *, payloads: dict[int, str] | None = None) -> None:
        """Store updates before they are acknowledged; raises NetworkError (so they are not) when it cannot.

        `payloads`: the updates' JSON as Telegram sent it, by id, when the caller has it (else it is written out)."""
        if not updates:
            return
        # Each update's chat, so workers can take a chat's updates in order (bot.workers).
        chats = {u.update_id: u.effective_chat.id for u in updates if u.effective_chat is not None}
        new = await self._store([(u.update_id, _payload(u, payloads)) for u in updates], chats)
        for update in updates:
            self._stored.add(id(update))
            if update.update_id in new:
                new.discard(update.update_id)  # the same id twice in one batch: the second is a redelivery
                if self.role == "all":  # a receiver's are the workers' to handle
                    self._in_flight.add(update.update_id)
            else:
                self._redelivered.add(id(update))

    async def receive_raw(self, batch: Sequence[dict], bot: ExtBot) -> None:
        """A receiver's getUpdates batch as Telegram sent it, stored like `receive`'s (and the workers woken), with
        each update's chat read from the JSON (bot.update_chats): nothing in a receiver reads PTB's objects."""
        if batch:
            chats = {raw["update_id"]: chat_of(raw, bot) for raw in batch}
            await self._store([(raw["update_id"], json.dumps(raw)) for raw in batch], chats, durable=False)
            if self._durable is not None:
                self._stored_unsure([raw["update_id"] for raw in batch])

    def already_stored(self, updates: Sequence[Update]) -> None:
        """These updates were stored by `receive_raw`: the queue must not store them again."""
        self._stored.update(id(update) for update in updates)

    async def _store(
        self, rows: list[tuple[int, str]], chats: dict[int, int | None], *, durable: bool = True
    ) -> set[int]:
        """Store (update id, JSON) rows in one transaction; the ids that were not stored before. `durable=False`:
        a receiver's getUpdates batch, whose commit does not wait for the disk."""
        if self._sessionmaker is None:
            raise NetworkError("the update log is not open yet")
        now = datetime.now(UTC)
        try:
            if self._own is None:
                async with self._sessionmaker.begin() as session:
                    new = await record_updates(session, self.bot_id, rows, now=now, chats=chats)
            else:
                said = wake_payload([chats.get(i) for i, _ in rows], self.workers) if self.announces else None
                announce = None if said is None else (channel(self.bot_id), said)
                own = self._durable if durable and self._durable is not None else self._own
                new = await own.run(store_updates, self.bot_id, rows, now=now, chats=chats, announce=announce)
        except database_errors() as error:
            # PTB's polling loop retries a NetworkError with backoff, without acknowledging; a webhook answers 500
            # and Telegram sends the update again.
            log.error("updates could not be stored, so they are not acknowledged: %s", type(error).__name__)
            raise NetworkError(f"the update log could not store updates ({type(error).__name__})") from error
        return new

    # -- a receiver's acknowledgements (PostgreSQL) ----------------------------------------------------------
    # A getUpdates batch is committed without waiting for the disk, so the workers have it at once: on a shared
    # host a flush sometimes took 100-500 ms, and each one held up every update behind it. Telegram keeps an
    # update until a getUpdates offset passes it, so the offset passes only updates known to be on disk: after
    # each store a flush runs on a second connection whose commits wait for the disk (normally done long before
    # the next poll). While one is still waiting, the offset stays at the first update not known on disk, and
    # Telegram sends those again with the new ones; they are stored again (nothing new, no one woken), and PTB's
    # Updater is handed only the new ones.
    #
    # A flush vouches only for stores made while its connection was open: a server restart in between would
    # end that connection, and the flush would fail. An update stored under an earlier connection stays unsure
    # until Telegram sends it again and it is stored and flushed anew.

    def offset_to_send(self, asked: int | None) -> int | None:
        """The getUpdates offset that acknowledges no update not known to be on disk, for PTB's `asked`."""
        if asked is None or not self._unsure:
            return asked
        return min(asked, min(self._unsure))

    async def room_to_poll(self, limit: int) -> None:
        """Before a poll: when as many updates are unsure as Telegram's answer may hold, it could hold nothing
        but those, sent again; wait (up to a second) for the flush instead of fetching them again and again."""
        if len(self._unsure) >= limit and self._flushing is not None and not self._flushing.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._flushing), ROOM_WAIT_SECONDS)

    def _stored_unsure(self, update_ids: Sequence[int]) -> None:
        self._stores += 1
        generation = self._durable.generation
        for update_id in update_ids:
            self._unsure[update_id] = (generation, self._stores)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_stores(), name="luoshi-flush-stored")

    async def _flush_stores(self) -> None:
        while self._flushed < self._stores:
            stores = self._stores
            try:
                await self._durable.run(flush_stored)
            except database_errors() as error:
                log.warning("stored updates not flushed to disk, not acknowledged yet: %s", type(error).__name__)
                await asyncio.sleep(FLUSH_RETRY_SECONDS)
                continue
            generation = self._durable.generation
            self._unsure = {
                update_id: (at_generation, store)
                for update_id, (at_generation, store) in self._unsure.items()
                if at_generation != generation or store > stores
            }
            self._flushed = stores

    def take_stored(self, update: object) -> bool:
        """True (once) for an update already stored by getUpdates or replay."""
        if id(update) in self._stored:
            self._stored.discard(id(update))
            return True
        return False

    def forget_redelivery(self, update: Update) -> None:
        self._redelivered.discard(id(update))

    def is_redelivery(self, update: Update) -> bool:
        """True for an update Telegram delivered again; it is neither handled nor marked done."""
        if id(update) not in self._redelivered:
            return False
        self._redelivered.discard(id(update))
        handling = _HANDLING.get()
        if handling is not None:
            handling.marked = handling.redelivery = True  # nothing to mark: the first copy's handler does
        return True

    # -- handling ---------------------------------------------------------------------------------------------

    def handling(self, update: Update) -> _Handling:
        """Called by the update processor in the update's own task, before its handlers run."""
        handling = _Handling(self, update.update_id)
        _HANDLING.set(handling)
        return handling

    def handled(self, handling: _Handling) -> None:
        """The update's handlers returned (or raised): mark it done if no commit did."""
        if handling.redelivery:
            return
        if handling.marked or self._sessionmaker is None:
            self._in_flight.discard(handling.update_id)
            return
        handling.marked = True
        self._to_mark.add(handling.update_id)
        if self._marker is None or self._marker.done():
            # A context of its own: this task's commits must not count as the update's.
            self._marker = asyncio.create_task(self._mark(), name="update-log", context=contextvars.Context())

    async def _mark(self) -> None:
        while self._to_mark:
            batch, self._to_mark = sorted(self._to_mark), set()
            try:
                async with self._sessionmaker.begin() as session:
                    await mark_done(session, self.bot_id, batch, now=datetime.now(UTC))
            except SQLAlchemyError:
                # Handled again once stale: a repeated answer, no lost one.
                log.exception("updates %s could not be marked done", batch)
            self._in_flight.difference_update(batch)

    # -- after a crash ----------------------------------------------------------------------------------------

    async def replay(self, bot: ExtBot, queue: asyncio.Queue, *, older_than: timedelta) -> int:
        """Queue updates stored more than `older_than` ago whose handlers never committed; how many."""
        if self._sessionmaker is None:
            return 0
        now = datetime.now(UTC)
        async with self._sessionmaker.begin() as session:
            again, given_up = await take_unfinished(
                session, self.bot_id, now=now, stale_before=now - older_than, holding=self._in_flight
            )
        if given_up:
            log.warning("updates %s were given up: handling them failed %d times", given_up, MAX_ATTEMPTS)
        unreadable = []
        for update_id, payload in again:
            update = read_stored(update_id, payload, bot)
            if update is None:
                unreadable.append(update_id)
                continue
            self._stored.add(id(update))
            self._in_flight.add(update_id)
            await queue.put(update)
        if unreadable:
            # Done, so that they stop coming back; the others in the batch are handled as if they were not there.
            async with self._sessionmaker.begin() as session:
                await mark_done(session, self.bot_id, unreadable, now=datetime.now(UTC))
        queued = len(again) - len(unreadable)
        if queued:
            log.warning("%d updates received earlier and never handled (the process died) are handled now", queued)
        return queued


def read_stored(update_id: int, payload: str, bot: ExtBot) -> Update | None:
    """A stored update as PTB's Update, or None (logged) if it can no longer be read: written by another version,
    or damaged. One such row must not stop the updates stored after it."""
    try:
        return Update.de_json(json.loads(payload), bot)
    except Exception:  # whatever the JSON or PTB's parser makes of it
        log.exception("stored update %s cannot be read; it is given up", update_id)
        return None


def _payload(update: Update, payloads: dict[int, str] | None) -> str:
    raw = payloads.get(update.update_id) if payloads else None
    return raw if raw is not None else update.to_json()


def mark_to_carry(session: AsyncSession) -> DoneMark | None:
    """The update this task is handling, for the first statement of `session`'s transaction to mark done (on
    PostgreSQL; bot.handlers.turn); None when there is nothing to mark or it is on its way already."""
    if _PENDING_MARK in session.info:
        return None
    return mark_alone(session.bind)


def mark_alone(engine: AsyncEngine) -> DoneMark | None:
    """The update this task is handling, for a statement that commits on its own to mark done (on PostgreSQL;
    bot.handlers.turn.language_of); None when there is nothing to mark or it is marked already. The statement's
    caller then calls `marked_alone`."""
    handling = _HANDLING.get()
    if handling is None or handling.marked or handling.log.bot_id is None or engine.dialect.name != "postgresql":
        return None
    return DoneMark(handling.log.bot_id, handling.update_id, datetime.now(UTC))


def _unless_done_elsewhere(handling: _Handling, marked: bool) -> None:
    """A worker whose statement found its update done already stops there: another worker handled it and
    committed first (it took the chat after this worker's lock connection died)."""
    if not marked and handling.log.exclusive:
        raise UpdateHandledElsewhere(f"update {handling.update_id} was handled elsewhere meanwhile")


def marked_alone(mark: DoneMark) -> None:
    """`mark` was carried by a statement that has committed: the update is handled, unless it was done elsewhere."""
    handling = _HANDLING.get()
    _unless_done_elsewhere(handling, mark.marked)
    handling.marked = True


def carried(session: AsyncSession, mark: DoneMark) -> None:
    """`mark` has run in `session`'s transaction: its commit marks the update done (no statement of its own).
    As at commit, a worker's update found done already was handled elsewhere: this transaction must not commit."""
    if mark.marked is None:
        return  # not carried (SQLite): the commit marks it
    handling = _HANDLING.get()
    _unless_done_elsewhere(handling, mark.marked)
    session.info[_PENDING_MARK] = handling


@event.listens_for(Session, "before_commit")
def _mark_with_its_effects(session: Session) -> None:
    handling = _HANDLING.get()
    if handling is None or handling.marked or handling.log.bot_id is None or _PENDING_MARK in session.info:
        return
    params = mark_one_done_params(handling.log.bot_id, handling.update_id, datetime.now(UTC))
    marked = session.connection().execute(MARK_ONE_DONE, params).rowcount
    _unless_done_elsewhere(handling, bool(marked))  # raising here rolls these effects back
    session.info[_PENDING_MARK] = handling


@event.listens_for(Session, "after_commit")
def _marked(session: Session) -> None:
    handling = session.info.pop(_PENDING_MARK, None)
    if handling is not None:
        handling.marked = True


@event.listens_for(Session, "after_rollback")
def _not_marked(session: Session) -> None:
    session.info.pop(_PENDING_MARK, None)


class LoggingBot(ExtBot):
    """PTB's bot, storing every batch of updates before PTB's Updater acknowledges it with its next call."""

    __slots__ = ("_raw_updates", "update_log")

    def __init__(self, *args, update_log: UpdateLog, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.update_log = update_log
            # The last getUpdates answer's updates as Telegram sent them, by id (see _post).
            self._raw_updates: dict[int, str] = {}

    async def _post(self, endpoint: str, data=None, **kwargs):
        receiving = endpoint == "getUpdates" and self.update_log.role == "receiver"
        asked = data.get("offset") if receiving and data else None
        if receiving:
            await self.update_log.room_to_poll((data or {}).get("limit") or GET_UPDATES_LIMIT)
            if (offset := self.update_log.offset_to_send(asked)) != asked:
                data = {**data, "offset": offset}  # not past an update not yet on disk (UpdateLog.offset_to_send)
        result = await super()._post(endpoint, data, **kwargs)
        if receiving and isinstance(result, list):
            batch = [raw for raw in result if isinstance(raw, dict) and type(raw.get("update_id")) is int]
            await self.update_log.receive_raw(batch, self)
            # A receiver stores the batch as it came and hands PTB's Updater only the ids: it needs them to
            # acknowledge the batch (its next call's offset), and no handler here reads the rest. Ids below the
            # offset it asked for were sent again (not on disk yet when asked): it has had them.
            return [{"update_id": raw["update_id"]} for raw in batch if asked is None or raw["update_id"] >= asked]
        if endpoint == "getUpdates" and isinstance(result, list):
            # What is stored is Telegram's own JSON, kept here before PTB parses it: writing the parsed Update
            # back out (Update.to_json) cost as much CPU as parsing it.
            self._raw_updates.clear()
            self._raw_updates.update((raw["update_id"], json.dumps(raw)) for raw in result if "update_id" in raw)
        return result

    async def get_updates(self, *args, **kwargs) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        if self.update_log.role == "receiver":
            self.update_log.already_stored(updates)  # by _post
            return updates
        raw = self._raw_updates.copy()
        self._raw_updates.clear()
        await self.update_log.receive(updates, payloads=raw)
        return updates


class LoggingQueue(asyncio.Queue):
    """The Application's update queue: an update that did not come through getUpdates (a webhook's) is stored
    before it is queued, so before the webhook answers Telegram."""

    def __init__(self, update_log: UpdateLog) -> None:
        super().__init__()
        self.update_log = update_log

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not self.update_log.take_stored(item):
            await self.update_log.receive([item])
            self.update_log.take_stored(item)
        await super().put(item)


class ReceivingQueue(LoggingQueue):
    """A receiver's update queue: updates are stored (and the workers woken), never handled here."""

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            if not self.update_log.take_stored(item):
                await self.update_log.receive([item])
                self.update_log.take_stored(item)
            self.update_log.forget_redelivery(item)
            return
        await super().put(item)
