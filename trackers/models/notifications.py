"""The outbox: one row per message owed to a chat."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trackers.models.base import Base, UtcDateTime, enum_type


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed under a lease; a reaper recovers expired leases
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the chat blocked the bot or was deactivated; never retried
    FAILED = "failed"  # 400 and other permanent errors
    UNKNOWN = "unknown"  # accepted-then-timeout: maybe delivered, never blindly resent
    SKIPPED = "skipped"  # too stale to matter after downtime; the reason is kept
    HELD = "held"  # waiting for the chat's daily or weekly digest
    BUNDLED = "bundled"  # delivered inside a digest (bundle_id)


def _available_from_due(context) -> datetime:
    # A row inserted without available_at may be tried as soon as it is due.
    return context.get_current_parameters()["due_at"]


class Notification(Base):
    """The outbox: one row per message owed to a chat, unique per (chat, commitment, kind, milestone)."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("chat_id", "commitment_key", "kind", "milestone", name="uq_notification_key"),
        Index("ix_notification_state_due", "state", "due_at"),
        Index("ix_notification_state_available", "state", "available_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"))
    # The commitment id as text, "" when none: NULLs never collide in a unique key, so the key cannot use them.
    commitment_key: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(30))
    milestone: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[DeliveryState] = mapped_column(enum_type(DeliveryState), default=DeliveryState.PENDING)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Delivery (migration 0002). When the row may next be tried: due_at at first, later after a 429 or a
    # backoff. Claims scan (state, available_at), so rows waiting out a long retry_after cost nothing.
    available_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_available_from_due)
    # Which sender holds the lease, for the admins' view.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # A text over Telegram's limit goes out in parts; a retry continues after the parts already sent.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # For rows held for a digest: the digest notification that carried them.
    bundle_id: Mapped[int | None] = mapped_column(Integer)
    # When the row reached a final state (sent, blocked, failed, unknown, skipped, bundled): /health counts these.
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
