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

from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ClauseElement

_DIALECT = asyncpg_dialect()


class Prepared:
    """One statement's SQL for asyncpg ($1, $2, ...) and how to turn named values into its arguments. asyncpg
    prepares a SQL text once per connection and keeps it (its statement cache), so each run is one round trip."""

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("an expanding parameter (IN) changes the SQL with its values: use an array")
        self.sql = compiled.string
        # (name, its value when the caller gives none: the constants SQLAlchemy made parameters, its processor)
        self._arguments = []
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            constant = None if bind.required else bind.effective_value
            self._arguments.append((name, constant, bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)))

    def arguments(self, values: dict[str, Any]) -> list[Any]:
        result = []
        for name, constant, process in self._arguments:
            value = values[name] if name in values or constant is None else constant
            result.append(value if process is None else process(value))
        return result

    async def fetch(self, driver: asyncpg.Connection, **values: Any) -> list[asyncpg.Record]:
        return await driver.fetch(self.sql, *self.arguments(values))

    async def fetchval(self, driver: asyncpg.Connection, **values: Any) -> Any:
        return await driver.fetchval(self.sql, *self.arguments(values))


async def driver_of(connection: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy one (the caller keeps the SQLAlchemy one to close it)."""
    return (await connection.get_raw_connection()).driver_connection
