"""Statements a process runs many times a second on a connection of its own, compiled once by SQLAlchemy and run on
asyncpg's connection directly.

A worker claims chats in every round and a deployment's processes take a moment on the send pace for every send.
Through SQLAlchemy's execution path (connection, execution context, result) one such statement cost ~200 µs of the
process's CPU, through asyncpg alone ~80 µs (a worker's lock statement, 500 runs each): more than half of what
claiming cost a worker. The statements are still written in SQLAlchemy Core, and their values go through the
column types' bind processing (UtcDateTime refuses a naive time here as everywhere), so they read like the rest.

    TAKE = Prepared(update(...).where(t.c.bot_id == bindparam("bot")).returning(...))
    rows = await TAKE.fetch(driver, bot=7)   # driver: an asyncpg Connection
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import ClauseElement

if TYPE_CHECKING:
    import asyncpg

T = TypeVar("T")
_REQUIRED = object()

# asyncpg and SQLAlchemy's dialect for it are loaded on first use: a process on SQLite builds these statements
# (they are module constants) but never runs them, and loading both cost it ~2.7 MB.


@functools.cache
def _dialect():
    from sqlalchemy.dialects.postgresql.asyncpg import dialect

    return dialect()


@functools.cache
def database_errors() -> tuple[type[BaseException], ...]:
    """What a statement run here raises when the database cannot be had or refuses: SQLAlchemy's errors
    (connecting through an engine), asyncpg's own (InternalClientError: a connection the server dropped while it
    was idle, met by the next statement), and the socket's. For `except database_errors() as error:`."""
    import asyncpg

    return (SQLAlchemyError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)


class Prepared:
    """One statement's SQL for asyncpg ($1, $2, ...) and how to turn named values into its arguments. asyncpg
    prepares a SQL text once per connection and keeps it (its statement cache), so each run is one round trip."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._sql: str | None = None
        # (name, its value when the caller gives none (_REQUIRED: the caller must): the constants SQLAlchemy made
        # parameters, None among them (`payload=None`), its processor)
        self._arguments: list[tuple[str, Any, Callable | None]] = []

    @property
    def sql(self) -> str:
        return self._compiled()

    def _compiled(self) -> str:
        """The SQL, compiled on first use (and the arguments' order and processors with it)."""
        if self._sql is None:
            dialect = _dialect()
            compiled = self.statement.compile(dialect=dialect)
            if "POSTCOMPILE" in compiled.string:
                raise ValueError("an expanding parameter (IN) changes the SQL with its values: use an array")
            for name in compiled.positiontup:
                bind = compiled.binds[name]
                constant = _REQUIRED if bind.required else bind.effective_value
                self._arguments.append((name, constant, bind.type.dialect_impl(dialect).bind_processor(dialect)))
            self._sql = compiled.string
        return self._sql

    def arguments(self, values: dict[str, Any]) -> list[Any]:
        self._compiled()
        result = []
        for name, constant, process in self._arguments:
            value = values[name] if name in values or constant is _REQUIRED else constant
            result.append(value if process is None else process(value))
        return result

    async def fetch(self, driver: asyncpg.Connection, **values: Any) -> list[asyncpg.Record]:
        return await driver.fetch(self.sql, *self.arguments(values))

    async def fetchval(self, driver: asyncpg.Connection, **values: Any) -> Any:
        return await driver.fetchval(self.sql, *self.arguments(values))


async def driver_of(connection: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy one (the caller keeps the SQLAlchemy one to close it)."""
    return (await connection.get_raw_connection()).driver_connection


@contextlib.asynccontextmanager
async def pooled_driver(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """The asyncpg connection of one of the engine's pooled connections, for statements that commit on their own
    (no transaction is opened on it); back to the pool afterwards. A statement cut short (a timeout, a cancel)
    is cancelled on the server by asyncpg and leaves the connection usable; one the server closed is replaced at
    the next checkout (trackers.runtime.db)."""
    async with engine.connect() as connection:
        yield await driver_of(connection)


class OwnConnection:
    """A connection a process keeps for its hot statements, outside the engine's pool: taking one from the pool
    for each statement cost more CPU than the statement (~110-160 µs a checkout). Opened by `open` (at start),
    else on first use, and again after a failure or once the server has closed it; one statement at a time. Its
    statements run outside any transaction, each committed on its own. `durable=False`: a commit does not wait for
    the disk (for statements whose last few moments may be lost in a server crash without harm)."""

    def __init__(self, engine: AsyncEngine, *, durable: bool = True) -> None:
        settings = {} if durable else {"server_settings": {"synchronous_commit": "off"}}
        self._engine = create_async_engine(engine.url, poolclass=NullPool, connect_args=settings)
        self._connection: AsyncConnection | None = None
        self._driver: asyncpg.Connection | None = None
        self._using = asyncio.Lock()
        # Counts the connections opened: one statement that succeeded on the same generation as another ran on
        # the same server backend, with no server restart between the two (a restart ends every connection).
        self.generation = 0

    async def open(self) -> bool:
        """Connect now, at start, rather than in the first statement's time (a new server process and a
        handshake: ~10 ms of CPU between the two, which came on top of the first updates under load). Whether it
        connected: if the database is out of reach, the first statement tries again and raises."""
        try:
            await self.run(_connected)
        except database_errors():
            return False
        return True

    async def run(self, statement: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """`await statement(driver, *args, **kwargs)` on this connection; raises one of database_errors() when the
        database cannot be had or refuses."""
        async with self._using:
            try:
                if self._driver is None or self._driver.is_closed():
                    await self._drop()
                    self._connection = await self._engine.connect()
                    self._driver = await driver_of(self._connection)
                    self.generation += 1
                return await statement(self._driver, *args, **kwargs)
            except BaseException:
                await self._drop()  # broken, or left mid-statement by a cancel: the next statement connects anew
                raise

    async def _drop(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()

    async def close(self) -> None:
        async with self._using:
            await self._drop()
        await self._engine.dispose()


async def _connected(_driver: asyncpg.Connection) -> None:
    """No statement: `OwnConnection.open` only connects."""
