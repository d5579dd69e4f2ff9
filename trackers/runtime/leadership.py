"""One elected sender and sweeper per database, taken over at once when its holder dies.

Telegram's flood limits are the bot's, not a process's: two senders would share one budget without knowing it.
So one process dispatches and runs the alert rules; the others answer updates. The lock dies with its holder:

- PostgreSQL: a session advisory lock on a connection kept for it. When the process dies, its connection
  closes and PostgreSQL releases the lock; another instance takes it on its next sweep.
- SQLite: an exclusive `flock` on a file beside the database; the kernel releases it when the process dies.

Claims stay safe without the lock too (SKIP LOCKED on PostgreSQL), so an overlap during a takeover cannot send a
row twice; the lock is about sharing Telegram's budget and not doing the same sweep twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import zlib

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


class Leadership:
    def __init__(self, engine: AsyncEngine, name: str = "delivery") -> None:
        self.engine = engine
        self.name = name
        self.key = zlib.crc32(f"luoshi:{name}".encode())  # fits PostgreSQL's bigint advisory key
        self._connection: AsyncConnection | None = None
        self._file: int | None = None
        self.held = False

    async def ensure(self) -> bool:
        """True when this process leads (taking the lock if it is free); cheap to call every sweep."""
        if self.engine.dialect.name == "postgresql":
            return await self._ensure_postgres()
        return self._ensure_file()

    def _ensure_file(self) -> bool:
        if self.held:
            return True
        database = make_url(str(self.engine.url)).database
        if not database or database == ":memory:":
            self.held = True  # a private database: nobody else can share it
            return True
        path = f"{database}.{self.name}.lock"
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            return False
        self._file, self.held = descriptor, True
        return True

    async def _ensure_postgres(self) -> bool:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                return self.held
            except Exception:  # the connection broke: the lock went with it
                log.warning("lost the %s lock's connection; leadership dropped", self.name)
                await self._drop_connection()
        try:
            connection = await self.engine.connect()
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            acquired = (
                await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            ).scalar_one()
        except Exception:
            log.warning("could not ask for the %s lock", self.name, exc_info=True)
            return False
        if not acquired:
            await connection.close()
            return False
        self._connection, self.held = connection, True
        return True

    async def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.invalidate()
            with contextlib.suppress(Exception):
                await self._connection.close()
        self._connection, self.held = None, False

    async def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            await self._drop_connection()
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
                os.close(self._file)
            self._file = None
        self.held = False
