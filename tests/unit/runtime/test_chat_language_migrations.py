"""Migrations 0009 (the outbox's unused payload column goes) and 0010 (a chat keeps its user's Telegram language)
go down and up again on SQLite and PostgreSQL, and neither loses a chat, a follow or a waiting message."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, text

from trackers.runtime.db import create_engine
from trackers.runtime.migrate import alembic_config, upgrade

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _run(url: str, fn):
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(fn)
    finally:
        await engine.dispose()


def _columns(connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


def _seed(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO chat (id, type, language, telegram_language, active, created_at, updated_at) "
            "VALUES (7, 'private', NULL, 'en', true, :now, :now)"
        ),
        {"now": NOW},
    )
    connection.execute(
        text("INSERT INTO subscription (chat_id, kind, target, created_at) VALUES (7, 'all', '', :now)"), {"now": NOW}
    )
    connection.execute(
        text(
            "INSERT INTO notification (chat_id, commitment_key, kind, milestone, text, state, due_at, available_at, "
            "attempts, parts_sent, created_at) VALUES (7, '', 'broadcast', 'b:1', 'hello', 'pending', :now, :now, "
            "0, 0, :now)"
        ),
        {"now": NOW},
    )


def _what_is_kept(connection) -> tuple:
    return (
        connection.execute(text("SELECT id, type FROM chat")).all(),
        connection.execute(text("SELECT chat_id, kind FROM subscription")).all(),
        connection.execute(text("SELECT chat_id, text, state FROM notification")).all(),
    )


def test_the_chat_language_and_payload_migrations_go_down_and_up_keeping_chats_follows_and_messages(database_url):
    upgrade(database_url)
    asyncio.run(_run(database_url, _seed))
    kept = asyncio.run(_run(database_url, _what_is_kept))
    assert kept == ([(7, "private")], [(7, "all")], [(7, "hello", "pending")])

    command.downgrade(alembic_config(database_url), "0008")
    assert "telegram_language" not in asyncio.run(_run(database_url, lambda c: _columns(c, "chat")))
    assert "payload" in asyncio.run(_run(database_url, lambda c: _columns(c, "notification")))
    # Taking the column off the chat table deletes no chat's follows (they cascade from the chat row).
    assert asyncio.run(_run(database_url, _what_is_kept)) == kept

    upgrade(database_url)
    assert "telegram_language" in asyncio.run(_run(database_url, lambda c: _columns(c, "chat")))
    assert "payload" not in asyncio.run(_run(database_url, lambda c: _columns(c, "notification")))
    assert asyncio.run(_run(database_url, _what_is_kept)) == kept
