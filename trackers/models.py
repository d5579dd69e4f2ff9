"""The domain's tables: commitments with their structured targets, coverage, evidence, chats, follows,
the delivery outbox and the records that make delivery exactly-once.

Changing a table means a new Alembic migration in `migrations/versions/`; a released migration is never edited.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Named constraints keep migrations portable (SQLite's batch mode needs names to drop or alter them).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC in, timezone-aware UTC out, on every backend.

    SQLite has no time zone type and hands back naive datetimes; naive input is refused so a local time can
    never be stored as if it were UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings (no database ENUM type), so adding a member needs no migration on PostgreSQL.
    return Enum(cls, native_enum=False, length=24, values_callable=lambda members: [m.value for m in members])


class Status(enum.StrEnum):
    """The tracker's own verdict on a commitment; one vocabulary, shown in zh and en."""

    NOT_RATED = "not_rated"  # 未评估
    IN_PROGRESS = "in_progress"  # 推进中
    ON_TRACK = "on_track"  # 按计划
    AT_RISK = "at_risk"  # 有风险
    STALLED = "stalled"  # 已停滞
    ACHIEVED = "achieved"  # 已兑现
    PARTLY_ACHIEVED = "partly_achieved"  # 部分兑现
    MISSED = "missed"  # 未兑现
    REVISED = "revised"  # 已调整
    OVERDUE = "overdue"  # 逾期待定: set when the deadline passes with no verdict


class Comparator(enum.StrEnum):
    GE = ">="
    GT = ">"
    APPROX = "~"
    LE = "<="
    LT = "<"
    EQ = "="


class EvidenceKind(enum.StrEnum):
    PROGRESS = "progress"  # a reported figure on the way to the target
    OFFICIAL_CLAIM = "official_claim"  # what the government says of itself, kept apart from our verdict
    VERDICT = "verdict"  # the tracker's own rating, with its evidence
    NOTE = "note"


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


class Commitment(Base):
    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    # The structured target, as written and normalized (亿元 -> CNY in yuan).
    comparator: Mapped[Comparator | None] = mapped_column(_enum(Comparator))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    value_normalized: Mapped[float | None] = mapped_column(Float)
    unit_normalized: Mapped[str | None] = mapped_column(String(20))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_as_of: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    period_start: Mapped[date | None] = mapped_column(Date)
    # Deadlines are dates in this zone; alerts are timed against it.
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str | None] = mapped_column(String(100), index=True)
    issuer: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"), index=True)
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.NOT_RATED, index=True)
    quote: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    parent: Mapped[Commitment | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Commitment]] = relationship(back_populates="parent")
    tags: Mapped[list[Tag]] = relationship(secondary="commitment_tag", back_populates="commitments")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="commitment", order_by="Evidence.as_of")


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    commitments: Mapped[list[Commitment]] = relationship(secondary="commitment_tag", back_populates="tags")


class CommitmentTag(Base):
    __tablename__ = "commitment_tag"

    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True)


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


class Evidence(Base):
    """The append-only ledger: every progress point and verdict cites its article, quote and date."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(_enum(EvidenceKind))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    value_normalized: Mapped[float | None] = mapped_column(Float)
    growth_percent: Mapped[float | None] = mapped_column(Float)
    as_of: Mapped[date | None] = mapped_column(Date)
    status: Mapped[Status | None] = mapped_column(_enum(Status))  # for verdicts
    quote: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)  # Telegram user id; None for automatic
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When followers were told of this progress point (migration 0005); None: not yet, the coverage sweep will.
    announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)

    commitment: Mapped[Commitment] = relationship(back_populates="evidence")


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
    kind: Mapped[SubscriptionKind] = mapped_column(_enum(SubscriptionKind))
    # Commitment id as text, a tag or a place name; "" for ALL.
    target: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


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
    state: Mapped[DeliveryState] = mapped_column(_enum(DeliveryState), default=DeliveryState.PENDING)
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


class ProcessedUpdate(Base):
    """The update inbox: every update Telegram delivers, stored whole before it is acknowledged.

    A row whose `done_at` stays empty was received but its handler never committed (the process died): it is
    handled again once it is old enough. An id already here when Telegram delivers it again is dropped.

    Update ids are counted per bot, so the key holds the bot's id too: a database that outlives a token change
    (or the shell's sandbox, which counts from 1 each time) must not mistake a new update for an old one.
    """

    __tablename__ = "processed_update"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    # The update as Telegram sent it (JSON), for handling it again after a crash.
    payload: Mapped[str | None] = mapped_column(Text)
    # Set in the handler's own transaction, so its effects and this mark commit together.
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Times it was handed to the handlers again, and when last: an update that kills the process is not retried
    # forever, and one instance's claim keeps the others off it for a while.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


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


# --- What admins do: admin grants, target revisions, the review queue, feeds -------------------------------------


class AdminGrant(Base):
    """Admin rights an owner granted in the chat (owners themselves come from settings, never from here)."""

    __tablename__ = "admin_grant"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    granted_by: Mapped[int] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CommitmentRevision(Base):
    """A commitment's target before and after an edit: the old target stays visible (goalposts moved)."""

    __tablename__ = "commitment_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[int | None] = mapped_column(BigInteger)
    # {"comparator", "value", "unit", "value_normalized", "unit_normalized", "deadline"} before and after.
    old: Mapped[dict] = mapped_column(JSON)
    new: Mapped[dict] = mapped_column(JSON)


class ReviewState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


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
    state: Mapped[ReviewState] = mapped_column(_enum(ReviewState), default=ReviewState.PENDING, index=True)
    # For a fact: the commitment it looks like progress on.
    suggested_commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"))
    # What confirming made: a commitment, or a progress point on one.
    result_commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"))
    result_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[int | None] = mapped_column(BigInteger)


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


# -- Alerts and delivery (migration 0002) ---------------------------------------------------------------------


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
    digest: Mapped[DigestMode] = mapped_column(_enum(DigestMode), default=DigestMode.INSTANT)
    # The day a weekly digest comes, in the chat's zone: 0 is Monday ... 6 is Sunday, as date.weekday().
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


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


# -- Coverage in: feed items seen (migration 0005) ------------------------------------------------------------


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
