"""Helpers for the admin tests: an owner, an admin and a stranger, and a short article written for the tests."""

from __future__ import annotations

from sqlalchemy import select

from trackers.runtime.db import create_engine, create_sessionmaker

OWNER = 1001
EDITOR = 3003
STRANGER = 2002
ANONYMOUS_GROUP_ADMIN = 1087968824

# Written for these tests in the style of municipal news; not taken from any real article.
ARTICLE = """泉城日报 2024-05-10 08:30
东湖区加快建设新能源汽车产业园

记者从南昌市东湖区工信局获悉，东湖区新能源汽车产业园建设全面提速。
到2026年，全区新能源汽车产业规模突破300亿元，带动就业超过2万人。
2023年，全区新能源汽车相关企业实现营业收入85.6亿元，同比增长21%。
"""


async def say(client, text: str, *, user: int = OWNER, language: str = "zh-hans", count: int = 1) -> list[dict]:
    """The user sends `text`; returns the bot's next `count` messages to them."""
    before = await client.messages(user)
    last = before[-1]["message_id"] if before else 0
    await client.send_text(user, text, first_name=f"U{user}", language_code=language)
    after = await client.wait_for_messages(user, count=count, timeout=10, after=last)
    assert len(after) >= count, f"expected {count} answers to {text!r}, got {[m['text'] for m in after]}"
    return after


async def reply_to(client, text: str, **kwargs) -> str:
    return (await say(client, text, **kwargs))[-1]["text"]


async def rows(settings, model, *where) -> list:
    """The rows of `model` in the bot's database, oldest first, as a test reads them (its own connection)."""
    engine = create_engine(settings.database.url)
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.scalars(select(model).where(*where).order_by(model.id))).all())
    finally:
        await engine.dispose()
