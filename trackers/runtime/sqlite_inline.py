"""SQLite for asyncio on the event loop's own thread: SQLAlchemy's async engine over the sqlite3 module, no thread.

Why not aiosqlite, which SQLAlchemy's `sqlite+aiosqlite` dialect uses: it runs every call on a thread of its own
and hands the result back through the loop, and SQLAlchemy's adapter makes three or four such calls a statement
(cursor, execute, fetch, close). On a 2-core machine one hand-over costs ~170 µs of CPU; the statement itself
(a row by its key from a local file) costs ~1.5 µs. A command's two transactions made some thirty hand-overs,
most of the bot's CPU per update. Here each call runs where it is made.

What that costs: a statement blocks the loop while it runs. Luoshi's are short (rows by key, small pages); a long
one (a fan-out of 100,000 alerts) holds the only write lock anyway, so other updates' transactions would wait for
it either way. What must not block the loop is waiting for another process's write lock (a `luoshi ingest` beside
the bot): these connections have no busy timeout, and `begin_immediate` retries with `asyncio.sleep` until the
configured timeout instead of sleeping in SQLite's busy handler.

The URL stays `sqlite+aiosqlite://` for users; trackers.runtime.db picks this dialect for it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

from sqlalchemy import exc, pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.interfaces import AdaptedConnection
from sqlalchemy.util import await_

DRIVER = "luoshi_inline"
# The first wait for another process's write lock, doubled each time up to the longest.
FIRST_WAIT, LONGEST_WAIT = 0.002, 0.05
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class InlineCursor(sqlite3.Cursor):
    """sqlite3's cursor as an async driver's cursor looks to SQLAlchemy.

    SQLAlchemy's async engine checks that a statement was awaited (else it takes the driver for a blocking one),
    so each execute runs in a coroutine that returns without ever suspending: the cost of a function call, not a
    trip through the loop. Rows are read as they are asked for, so a result has nothing to fetch ahead."""

    def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        return await_(self._run(super().execute, operation, parameters))

    def executemany(self, operation: str, parameters: Any) -> InlineCursor:
        return await_(self._run(super().executemany, operation, parameters))

    @staticmethod
    async def _run(call, operation: str, parameters: Any) -> InlineCursor:
        return call(operation, parameters)

    async def _async_soft_close(self) -> None:
        pass


class InlineConnection(AdaptedConnection):
    """A sqlite3 connection as SQLAlchemy's async engine expects a driver connection: every call is the sqlite3
    call itself, made on the loop's thread."""

    __slots__ = ("dbapi",)

    def __init__(self, dbapi: InlineModule, connection: sqlite3.Connection) -> None:
        self.dbapi = dbapi
        self._connection = connection

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection.isolation_level = value

    def cursor(self, server_side: bool = False) -> InlineCursor:
        return self._connection.cursor(InlineCursor)

    def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        return self.cursor().execute(operation, parameters)

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._connection.create_function(*args, **kwargs)

    def commit(self) -> None:
        self._connection.commit()

    def rollback(self) -> None:
        self._connection.rollback()

    def close(self) -> None:
        self._connection.close()

    def begin_immediate(self, timeout: float) -> None:
        """BEGIN IMMEDIATE, waiting up to `timeout` seconds for the write lock without blocking the loop."""
        wait, deadline = FIRST_WAIT, None
        while True:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF not in _BUSY:
                    raise
                now = time.monotonic()
                deadline = deadline if deadline is not None else now + timeout
                if now >= deadline:
                    # As SQLAlchemy raises it, so callers that catch SQLAlchemyError see it too.
                    raise exc.OperationalError("BEGIN IMMEDIATE", (), error) from error
            await_(asyncio.sleep(wait))
            wait = min(wait * 2, LONGEST_WAIT)


class InlineModule:
    """The DBAPI module SQLAlchemy sees: sqlite3's names, and `connect` giving an InlineConnection."""

    paramstyle = "qmark"

    def __init__(self) -> None:
        self.sqlite = sqlite3
        for name in (
            "DataError",
            "DatabaseError",
            "Error",
            "IntegrityError",
            "InterfaceError",
            "InternalError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "Warning",
            "sqlite_version",
            "sqlite_version_info",
            "version_info",
            "PARSE_COLNAMES",
            "PARSE_DECLTYPES",
            "Binary",
        ):
            if hasattr(sqlite3, name):
                setattr(self, name, getattr(sqlite3, name))

    def connect(self, *args: Any, **kwargs: Any) -> InlineConnection:
        # The pool may close a connection from another thread (a garbage-collected session at exit).
        kwargs["check_same_thread"] = False
        return InlineConnection(self, sqlite3.connect(*args, **kwargs))


class _ExecutionContext(SQLiteDialect_pysqlite.execution_ctx_cls):
    def create_server_side_cursor(self) -> InlineCursor:
        # A sqlite3 cursor reads its rows as they are fetched, which is all `stream()` asks of one.
        return self._dbapi_connection.cursor(server_side=True)


class SQLiteDialect_inline(SQLiteDialect_pysqlite):
    driver = DRIVER
    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = True
    execution_ctx_cls = _ExecutionContext

    @classmethod
    def import_dbapi(cls) -> InlineModule:
        return InlineModule()

    @classmethod
    def get_pool_class(cls, url):
        # As SQLAlchemy's aiosqlite dialect: a queue of connections for a file, one shared for :memory:.
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def get_driver_connection(self, connection: InlineConnection) -> sqlite3.Connection:
        return connection._connection


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialect_inline")
