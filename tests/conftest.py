"""Fixtures shared by every layer of tests: databases on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from sqlalchemy.engine import make_url

from trackers.migrate import upgrade

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


@pytest.fixture
def postgres_url() -> str:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        message = f"no PostgreSQL server configured ({PG_ENV} is not set)"
        if os.environ.get(PG_REQUIRED_ENV):
            pytest.fail(message)
        pytest.skip(message)
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
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def migrated_url(database_url) -> str:
    upgrade(database_url)
    return database_url
