"""Commitments, their tags, the evidence behind their progress, and their target revisions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trackers.models.base import Base, UtcDateTime, enum_type


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


# The verdicts on an outcome, each set by an admin with evidence (a URL or a quote).
OUTCOMES = frozenset({Status.ACHIEVED, Status.PARTLY_ACHIEVED, Status.MISSED})
# Settled: an outcome, or a target revised away. No countdown, no prompt, no new progress linked.
SETTLED = OUTCOMES | {Status.REVISED}


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


class Commitment(Base):
    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    # The structured target, as written and normalized (亿元 -> CNY in yuan).
    comparator: Mapped[Comparator | None] = mapped_column(enum_type(Comparator))
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
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.NOT_RATED, index=True)
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


class Evidence(Base):
    """The append-only ledger: every progress point and verdict cites its article, quote and date."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_type(EvidenceKind))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    value_normalized: Mapped[float | None] = mapped_column(Float)
    growth_percent: Mapped[float | None] = mapped_column(Float)
    as_of: Mapped[date | None] = mapped_column(Date)
    status: Mapped[Status | None] = mapped_column(enum_type(Status))  # for verdicts
    quote: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)  # Telegram user id; None for automatic
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When followers were told of this progress point (migration 0005); None: not yet, the coverage sweep will.
    announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)

    commitment: Mapped[Commitment] = relationship(back_populates="evidence")


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
