"""Engines and sessions. SQLite (WAL) is the embedded default; PostgreSQL serves several instances.

Callers own the session's lifecycle (`async with sessionmaker.begin() as session`); functions in `trackers`
take a session and never commit by themselves.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from trackers.runtime import sqlite_inline


def create_engine(
    url: str, *, busy_timeout_ms: int = 5000, echo: bool = False, pool_size: int = 5, durable: bool = True
) -> AsyncEngine:
    """An async engine; on SQLite with WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE transactions.

    `pool_size`: connections kept open; as many as transactions run at once, else each one past it opens and
    closes a connection of its own (on PostgreSQL a connect costs more CPU than the command).
    `durable=False` (PostgreSQL): a commit does not wait for the disk (synchronous_commit off). A server crash may
    then lose the last fraction of a second of commits, never a later one without an earlier one (WAL is written in
    order). SQLite already commits without syncing (WAL with synchronous=NORMAL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _server_engine(url, echo=echo, pool_size=pool_size, durable=durable)

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # sqlite3 on the loop's thread rather than aiosqlite's: see trackers.runtime.sqlite_inline for why.
    options = {"pool_size": pool_size} if parsed.database and parsed.database != ":memory:" else {}
    engine = create_async_engine(parsed.set(drivername=f"sqlite+{sqlite_inline.DRIVER}"), echo=echo, **options)
    timeout = busy_timeout_ms / 1000
    _TURNS[engine.sync_engine] = _Turns(timeout)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from pysqlite, which defers BEGIN until the first write; see below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")  # for the first connection's WAL switch
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # From here SQLite never sleeps in its busy handler, which would stop the event loop: the one wait for
        # another process, the write lock at BEGIN, is taken in begin_immediate with asyncio.sleep.
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:
        # A deferred transaction that reads and then writes fails with SQLITE_BUSY at once when another
        # writer got there first, whatever the busy timeout; taking the write lock up front makes it wait.
        connection.connection.dbapi_connection.begin_immediate(timeout)

    return engine


def _server_engine(url: str, *, echo: bool, pool_size: int, durable: bool) -> AsyncEngine:
    """PostgreSQL: a connection the server has closed (a restart, an idle timeout) is replaced when it is taken
    from the pool. SQLAlchemy's pool_pre_ping would ask the server on every checkout, a round trip each of a
    command's transactions pays (~0.2 ms of CPU); asyncpg already knows when the server closed the socket."""
    # LIFO: the connection used last is handed out first, so a few connections with warm statement caches serve
    # ordinary load and the rest (opened at start, open_pool) wait for bursts. FIFO rotated through all of them,
    # preparing every statement on every connection.
    settings = {} if durable else {"connect_args": {"server_settings": {"synchronous_commit": "off"}}}
    engine = create_async_engine(url, echo=echo, pool_size=pool_size, pool_use_lifo=True, **settings)

    @event.listens_for(engine.sync_engine, "checkout")
    def _drop_closed(dbapi_connection, _record, _proxy) -> None:
        if dbapi_connection.driver_connection.is_closed():
            # The pool discards it and connects again (up to three times).
            raise DisconnectionError("the server closed this connection")

    return engine


class _Turns:
    """The order in which one process's transactions take an SQLite database's write lock.

    Every transaction takes the write lock up front (BEGIN IMMEDIATE). When two connections of one process ask
    for it at once, the loser sleeps in SQLite's busy handler in steps of up to 100 ms, however soon the lock
    frees, and under load most transactions lose: /start at 100 updates a second took 2 s (p50). An asyncio lock
    taken first hands the turn over the moment the holder commits (p50 49 ms there). The busy timeout still
    covers other processes, and bounds the wait for a turn as it bounds the wait for the lock.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        lock = self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        try:
            async with asyncio.timeout(self.timeout):
                await lock.acquire()
        except TimeoutError:
            raise TimeoutError(f"database is locked: no turn to write within {self.timeout:g} s") from None
        try:
            yield
        finally:
            lock.release()


_TURNS: weakref.WeakKeyDictionary[object, _Turns] = weakref.WeakKeyDictionary()


class _TakingTurns(async_sessionmaker[AsyncSession]):
    """`begin()` waits for the process's turn to write before it opens the transaction (SQLite only).

    It commits, rolls back and closes by itself rather than through SQLAlchemy's `begin()` block, which runs its
    cleanup in two tasks of its own so that a cancellation cannot cut it short: five trips through the event loop,
    a third of an empty transaction's CPU. Here the driver runs on this thread (trackers.runtime.sqlite_inline), so
    rolling back and closing never wait, and there is nothing for a cancellation to interrupt."""

    def __init__(self, engine: AsyncEngine, turns: _Turns, **kwargs) -> None:
        super().__init__(engine, **kwargs)
        self._turns = turns

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        async with self._turns.turn():
            session = self()
            try:
                yield session
                await session.commit()  # a flush may run statements: in SQLAlchemy's greenlet, as any statement
            except BaseException:
                session.sync_session.rollback()
                raise
            finally:
                session.sync_session.close()


async def open_pool(engine: AsyncEngine) -> int:
    """Open a PostgreSQL engine's pooled connections now, all at once; how many opened. Opened under load
    instead, they came several at a time whenever more chats were handled at once than before, each a server
    process to start and a handshake, and the CPU they took stalled a worker's updates for 50-150 ms (the
    p99 of a 3-worker deployment at 300 updates a second). SQLite's connections cost nothing to open."""
    if engine.dialect.name != "postgresql":
        return 0
    opened = await asyncio.gather(
        *(engine.connect() for _ in range(engine.sync_engine.pool.size())), return_exceptions=True
    )
    connections = [c for c in opened if not isinstance(c, BaseException)]
    for connection in connections:
        await connection.close()  # back to the pool, open
    return len(connections)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the transaction, as rendering needs them.
    turns = _TURNS.get(engine.sync_engine)
    if turns is not None:
        return _TakingTurns(engine, turns, expire_on_commit=False)
    return async_sessionmaker(engine, expire_on_commit=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"
