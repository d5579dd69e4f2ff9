"""Fixtures shared by every layer of tests: databases on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trackers.runtime.db import create_engine, create_sessionmaker
from trackers.runtime.migrate import upgrade

PG_ENV = "LUOSHI_TEST_DATABASE_URL"
# Set by CI: a missing PostgreSQL server is then a failure, not a skip.
PG_REQUIRED_ENV = "LUOSHI_TEST_REQUIRE_POSTGRES"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'luoshi.db'}"


async def _pg_execute(admin_url: str, statement: str) -> None:
    import asyncpg

    url = make_url(admin_url)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _postgres_base() -> str:
    """The server's URL, or the test is skipped (failed where CI requires PostgreSQL)."""
    base = os.environ.get(PG_ENV)
    if not base:
        message = f"no PostgreSQL server configured ({PG_ENV} is not set)"
        if os.environ.get(PG_REQUIRED_ENV):
            pytest.fail(message)
        pytest.skip(message)
    return base


@pytest.fixture
def postgres_url() -> str:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    base = _postgres_base()
    name = f"luoshi_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_pg_execute(base, f'CREATE DATABASE "{name}"'))
    except (OSError, Exception) as exc:  # asyncpg raises its own errors for refused logins
        message = f"PostgreSQL at {PG_ENV} is not reachable: {type(exc).__name__}: {exc}"
        if os.environ.get(PG_REQUIRED_ENV):
            pytest.fail(message)
        pytest.skip(message)
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url
    asyncio.run(_pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    """The same test on SQLite and on PostgreSQL, each database empty."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


# Migrating a database takes a few tenths of a second; a test suite of hundreds would spend a minute on it. The
# schema is built once per run, in a template, and each test gets a copy: a file copy on SQLite, CREATE DATABASE …
# TEMPLATE on PostgreSQL.


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "luoshi.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def migrated_sqlite_url(sqlite_template, tmp_path) -> str:
    """A fresh SQLite database at the newest schema."""
    path = tmp_path / "luoshi.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database at the newest schema, for copies (dropped at the end of the run)."""
    base = _postgres_base()
    name = f"luoshi_template_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(base, f'CREATE DATABASE "{name}"'))
    upgrade(make_url(base).set(database=name).render_as_string(hide_password=False))
    yield name
    asyncio.run(_pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def migrated_postgres_url(postgres_template) -> Iterator[str]:
    """A fresh PostgreSQL database at the newest schema, dropped afterwards."""
    base = _postgres_base()
    name = f"luoshi_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(base, f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_url(request) -> str:
    """The same test on SQLite and on PostgreSQL, each database at the newest schema."""
    if request.param == "sqlite":
        return request.getfixturevalue("migrated_sqlite_url")
    return request.getfixturevalue("migrated_postgres_url")


# Tests that call `trackers` services directly need sessions, as a handler would have; the test decides when to commit.


@asynccontextmanager
async def _sessions_on(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def sessions(migrated_url) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a fresh database at the newest schema; the same test on SQLite and on PostgreSQL."""
    async with _sessions_on(migrated_url) as factory:
        yield factory


@pytest.fixture
async def sqlite_sessions(migrated_sqlite_url) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a fresh SQLite database at the newest schema: the one `migrated_sqlite_url` names in this test."""
    async with _sessions_on(migrated_sqlite_url) as factory:
        yield factory


@pytest.fixture
def bot_database_url(request) -> str:
    """The end-to-end bot's database, fresh and at the newest schema: SQLite, or PostgreSQL when
    LUOSHI_TEST_E2E_DATABASE is "postgresql" (`make test-e2e-postgresql`: the same conversations on the database a
    deployment of workers runs on)."""
    if os.environ.get("LUOSHI_TEST_E2E_DATABASE") == "postgresql":
        return request.getfixturevalue("migrated_postgres_url")
    return request.getfixturevalue("migrated_sqlite_url")


@pytest.fixture
async def bot_sessions(bot_database_url) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the end-to-end bot's database, to seed it or to read what the bot wrote."""
    async with _sessions_on(bot_database_url) as factory:
        yield factory
