"""What keeps the bot exactly-once across restarts: updates handled, sweep runs, and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from trackers.models.base import Base, UtcDateTime


class ProcessedUpdate(Base):
    """The update log: every update Telegram delivers, stored whole before it is acknowledged.

    A row whose `done_at` stays empty was received but its handler never committed (the process died): it is
    handled again once it is old enough. An id already here when Telegram delivers it again is dropped.

    Update ids are counted per bot, so the key holds the bot's id too: a database that outlives a token change
    (or the shell's sandbox, which counts from 1 each time) must not mistake a new update for an old one.
    """

    __tablename__ = "processed_update"
    __table_args__ = (
        # What the workers ask (bot.workers): the undone updates of this bot, chat by chat, oldest first. Partial:
        # done rows, nearly all of them, stay out of it.
        Index(
            "ix_processed_update_undone",
            "bot_id",
            "chat_id",
            "update_id",
            postgresql_where=text("done_at IS NULL"),
            sqlite_where=text("done_at IS NULL"),
        ),
    )

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    # The update as Telegram sent it (JSON), for handling it again after a crash.
    payload: Mapped[str | None] = mapped_column(Text)
    # The update's chat (None for an update without one), so workers can take a chat's updates in order.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # Set in the handler's own transaction, so its effects and this mark commit together.
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Times it was handed to the handlers again, and when last: an update that kills the process is not retried
    # forever, and one instance's claim keeps the others off it for a while.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SweepState(Base):
    """One row per repeating sweep: when it last ran (for /health) and how far it has looked (its watermark)."""

    __tablename__ = "sweep_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    # Alert rules: every alert falling due at or before this time has been considered.
    watermark: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    instance: Mapped[str | None] = mapped_column(String(64))


class SendPace(Base):
    """One row per bot: the moment its next message may leave, kept where all of a deployment's processes see it.

    Telegram counts a bot's messages together (about 30 a second), whichever process sends them; each process of
    a deployment (bot.workers) takes its sends' moments from this one timeline (trackers.runtime.pace)."""

    __tablename__ = "send_pace"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditEntry(Base):
    """Who did what, including refused attempts."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(100), index=True)
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    detail: Mapped[dict | None] = mapped_column(JSON)
