"""Coverage in: articles stored once, feeds and the items they listed, the admins' review queue."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trackers.models.base import Base, UtcDateTime, enum_type


class Article(Base):
    """A piece of coverage, stored once: by canonical URL and by content hash."""

    __tablename__ = "article"
    __table_args__ = (UniqueConstraint("canonical_url", "content_hash", name="uq_article_url_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str | None] = mapped_column(Text, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    # A changed article at the same URL is a new version; the earlier one stays as evidence.
    version: Mapped[int] = mapped_column(Integer, default=1)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The admin who pasted it (migration 0011): its provenance when it has no outlet or URL.
    pasted_by: Mapped[int | None] = mapped_column(BigInteger)


class PastePart(Base):
    """One message of a long text an admin pasted, which Telegram split into several (at 4,096 characters). The
    parts wait here, in the database so a restart loses none, until the admin has been quiet for a few seconds;
    then they are joined in message order into one document (bot/handlers/pastes.py)."""

    __tablename__ = "paste_part"
    __table_args__ = (UniqueConstraint("chat_id", "message_id", name="uq_paste_part_chat_message"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))  # the channel a forwarded part came from
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Feed(Base):
    """A source polled for new coverage; admins manage the list, the coverage poller reads it."""

    __tablename__ = "feed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text, unique=True)
    interval_minutes: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    # Coverage polling (migration 0005): conditional GET validators, when the feed is next due, and how many
    # polls in a row failed (each failure doubles the wait, up to feeds.backoff_max_minutes).
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(100))
    next_poll_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    error_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The place its coverage is about (migration 0008): extraction's document place, unless an item names another.
    place: Mapped[str | None] = mapped_column(String(100))


class FeedItem(Base):
    """An item a feed listed, remembered so the next poll reads only what is new."""

    __tablename__ = "feed_item"
    __table_args__ = (UniqueConstraint("feed_id", "item_key", name="uq_feed_item_feed_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed.id", ondelete="CASCADE"))
    # sha256 of the item's guid (or its canonical link when it has none).
    item_key: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    # Why the item's article could not be read, if it could not (it is not tried again).
    error: Mapped[str | None] = mapped_column(Text)


class ReviewState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    # A fact a document reported that answers no tracked commitment: kept as the document's evidence, not put to an
    # admin.
    KEPT = "kept"


class ReviewItem(Base):
    """One thing extraction found in an article, waiting for an admin's Confirm / Edit / Reject."""

    __tablename__ = "review_item"
    __table_args__ = (UniqueConstraint("article_id", "kind", "position", name="uq_review_item_article_kind_pos"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "commitment" or "fact"
    position: Mapped[int] = mapped_column(Integer)  # index in the extraction's list of that kind
    # The extracted fields (SCHEMA.md names), edited in place before confirming.
    data: Mapped[dict] = mapped_column(JSON)
    state: Mapped[ReviewState] = mapped_column(enum_type(ReviewState), default=ReviewState.PENDING, index=True)
    # For a fact: the commitment it looks like progress on.
    suggested_commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"))
    # What confirming made: a commitment, or a progress point on one.
    result_commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"))
    result_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
