"""Chats, what they follow, their alert preferences, and admin grants."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trackers.models.base import Base, UtcDateTime, enum_type


class Chat(Base):
    """A Telegram chat the bot talks to (a private chat's id is the user's id; groups are negative)."""

    __tablename__ = "chat"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    # None until the chat chooses (/lang): the user's Telegram language decides meanwhile.
    language: Mapped[str | None] = mapped_column(String(5))
    # That Telegram language when we speak it (zh, en), as last seen from the user writing in the chat (migration
    # 0010): what the outbox writes in for a chat that never chose (trackers.people.chats.reading_language).
    telegram_language: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SubscriptionKind(enum.StrEnum):
    ALL = "all"
    COMMITMENT = "commitment"
    PLAN = "plan"  # a plan and its children
    TAG = "tag"
    PLACE = "place"


class Subscription(Base):
    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("chat_id", "kind", "target", name="uq_subscription_chat_kind_target"),
        # "Who follows this commitment, its plan, its tags or its place": the fan-out query.
        Index("ix_subscription_kind_target", "kind", "target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"))
    kind: Mapped[SubscriptionKind] = mapped_column(enum_type(SubscriptionKind))
    # Commitment id as text, a tag or a place name; "" for ALL.
    target: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DigestMode(enum.StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


class AlertPreference(Base):
    """A chat's alert choices; a chat without a row uses the defaults from settings ([alerts])."""

    __tablename__ = "alert_preference"

    chat_id: Mapped[int] = mapped_column(ForeignKey("chat.id", ondelete="CASCADE"), primary_key=True)
    # Days before a deadline, comma-separated ("90,30,7"); None: the default lead days.
    lead_days: Mapped[str | None] = mapped_column(String(100))
    # "Deadline passed, no verdict" and "no coverage for N days" prompts.
    prompts: Mapped[bool] = mapped_column(Boolean, default=True)
    # Quiet hours in the chat's local time, as minutes after midnight; both None: no quiet hours.
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    digest: Mapped[DigestMode] = mapped_column(enum_type(DigestMode), default=DigestMode.INSTANT)
    # The day a weekly digest comes, in the chat's zone: 0 is Monday ... 6 is Sunday, as date.weekday().
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AdminGrant(Base):
    """Admin rights an owner granted in the chat (owners themselves come from settings, never from here)."""

    __tablename__ = "admin_grant"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    granted_by: Mapped[int] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Conversation(Base):
    """What the bot waits for from one person in one chat: the next answer of a guided /add (its step and the draft
    so far), or the "field value" for a review card whose Edit they pressed.

    Kept here, not in the process's memory, so that it outlives a restart and follows the chat to whichever process
    of a deployment handles its next update; it is written in the same transaction as the update that moved it on.
    """

    __tablename__ = "conversation"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(20))  # "add" or "review_edit"
    step: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
