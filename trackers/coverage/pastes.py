"""A long text pasted into a chat, which Telegram split into several messages (at 4,096 characters each), made
one document again.

Each message is stored as a part when it arrives; once the sender has been quiet for a few seconds the parts are
joined in message order and taken out. Stored, not held in memory, so a restart between two parts loses neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import PastePart

# Telegram cuts a long text into messages of at most 4,096 characters, at a line break when there is one before the
# limit, and trims each part, so the break is lost. A part that stops short of the limit was cut at a line break
# (a heading or a paragraph's end): the parts join with one. A part of full length was cut inside a sentence of
# Chinese text, which has no spaces to cut at: the two halves join as they are (or with a space between two Latin
# words).
TELEGRAM_LIMIT = 4096
_FULL = TELEGRAM_LIMIT - 8
_SENTENCE_END = tuple("。！？；：…”」』）)!?;:")


@dataclass(frozen=True)
class Paste:
    chat_id: int
    user_id: int
    text: str
    source: str | None  # the channel the parts were forwarded from, if they were
    parts: int


async def add_part(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int,
    message_id: int,
    text: str,
    source: str | None,
    now: datetime,
) -> int:
    """Store one message of a paste; how many parts the chat's paste has now. A message stored before (Telegram
    delivered it again) is not stored twice."""
    known = await session.scalar(
        select(PastePart.id).where(PastePart.chat_id == chat_id, PastePart.message_id == message_id)
    )
    if known is None:
        session.add(
            PastePart(
                chat_id=chat_id,
                user_id=user_id,
                message_id=message_id,
                text=text,
                source=source[:200] if source else None,
                received_at=now,
            )
        )
        await session.flush()
    return await session.scalar(select(func.count()).where(PastePart.chat_id == chat_id)) or 0


def split_like_telegram(text: str) -> list[str]:
    """A long text cut as Telegram's apps cut it: at the last line break before the limit (else at the limit), each
    part trimmed. The inverse of `join_parts`, for the shell's :paste and for tests."""
    text = text.strip()
    parts = []
    while len(text) > TELEGRAM_LIMIT:
        cut = text.rfind("\n", 0, TELEGRAM_LIMIT)
        cut = cut if cut > 0 else TELEGRAM_LIMIT
        parts.append(text[:cut].strip())
        text = text[cut:].strip()
    return [*parts, text] if text else parts


def join_parts(texts: list[str]) -> str:
    joined = ""
    for previous, text in zip(["", *texts], texts, strict=False):
        if not joined:
            joined = text
        elif len(previous) < _FULL or previous.rstrip().endswith(_SENTENCE_END):
            joined = joined.rstrip() + "\n" + text.lstrip()
        elif previous[-1:].isascii() and previous[-1:].isalnum() and text[:1].isascii() and text[:1].isalnum():
            joined += " " + text
        else:
            joined += text
    return joined


async def quiet_since(session: AsyncSession, chat_id: int) -> datetime | None:
    """When the chat's newest part arrived; None when it has none."""
    return await session.scalar(select(func.max(PastePart.received_at)).where(PastePart.chat_id == chat_id))


async def take_paste(session: AsyncSession, chat_id: int) -> Paste | None:
    """The chat's parts joined in message order, and taken out."""
    parts = list(
        await session.scalars(select(PastePart).where(PastePart.chat_id == chat_id).order_by(PastePart.message_id))
    )
    if not parts:
        return None
    await session.execute(delete(PastePart).where(PastePart.id.in_([part.id for part in parts])))
    return Paste(
        chat_id=chat_id,
        user_id=parts[0].user_id,
        text=join_parts([part.text for part in parts]),
        source=next((part.source for part in parts if part.source), None),
        parts=len(parts),
    )


async def quiet_chats(session: AsyncSession, *, now: datetime, quiet: timedelta) -> list[int]:
    """Chats whose paste has had no new part for `quiet`: ready to be joined (after a restart, say)."""
    rows = await session.execute(
        select(PastePart.chat_id).group_by(PastePart.chat_id).having(func.max(PastePart.received_at) <= now - quiet)
    )
    return [chat_id for (chat_id,) in rows.all()]
