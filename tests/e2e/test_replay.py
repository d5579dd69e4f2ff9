"""Updates stored and never handled (their process died) are handled by the replay sweep: a stored update that can
no longer be read is given up on its own, and the ones stored after it are still answered."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from trackers.models import ProcessedUpdate


def start_update(update_id: int, user_id: int) -> str:
    """A /start from a private chat, as Telegram sends it."""
    user = {"id": user_id, "is_bot": False, "first_name": "Lin", "language_code": "en"}
    message = {
        "message_id": update_id,
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": user_id, "type": "private", "first_name": "Lin"},
        "from": user,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return json.dumps({"update_id": update_id, "message": message})


async def test_an_unreadable_stored_update_is_given_up_and_the_rest_are_answered(start_bot, client):
    for user in (5101, 5102):
        await client.set_chat(user, "private")
    async with start_bot(bot={"replay_after_seconds": 1}) as app:
        sessions = app.bot_data.sessionmaker
        long_ago = datetime.now(UTC) - timedelta(minutes=5)
        rows = [
            (900_001, '{"update_id": 900001, "message": {"chat": '),  # cut off mid-write
            (900_002, json.dumps({"update_id": 900002, "message": {"text": "no chat, no date"}})),
            (900_003, start_update(900_003, 5101)),
            (900_004, start_update(900_004, 5102)),
        ]
        async with sessions.begin() as session:
            await session.execute(
                insert(ProcessedUpdate),
                [
                    {"bot_id": app.bot.id, "update_id": i, "received_at": long_ago, "payload": p, "attempts": 0}
                    for i, p in rows
                ],
            )
        answered = [await client.wait_for_messages(user, 1, timeout=15) for user in (5101, 5102)]

        async def undone() -> list[int]:
            async with sessions() as session:
                query = select(ProcessedUpdate.update_id).where(ProcessedUpdate.done_at.is_(None))
                return list((await session.scalars(query)).all())

        for _ in range(50):
            if not await undone():
                break
            await asyncio.sleep(0.1)
        left = await undone()
    assert all(len(messages) == 1 for messages in answered)
    assert all("Lin" in messages[0]["text"] for messages in answered)  # the welcome, by name
    assert left == []
