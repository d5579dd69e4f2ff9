"""The domain's tables: commitments with their structured targets, coverage, evidence, chats, follows,
the delivery outbox and the records that make delivery exactly-once.

Changing a table means a new Alembic migration in `migrations/versions/`; a released migration is never edited.
"""

from trackers.models.base import Base, UtcDateTime, enum_type
from trackers.models.commitments import (
    OUTCOMES,
    SETTLED,
    Commitment,
    CommitmentRevision,
    CommitmentTag,
    Comparator,
    Evidence,
    EvidenceKind,
    Status,
    Tag,
)
from trackers.models.coverage import Article, Feed, FeedItem, PastePart, ReviewItem, ReviewState
from trackers.models.notifications import DeliveryState, Notification
from trackers.models.people import (
    AdminGrant,
    AlertPreference,
    Chat,
    Conversation,
    DigestMode,
    Subscription,
    SubscriptionKind,
)
from trackers.models.runtime import AuditEntry, ProcessedUpdate, SendPace, SweepState

__all__ = [
    "OUTCOMES",
    "SETTLED",
    "AdminGrant",
    "AlertPreference",
    "Article",
    "AuditEntry",
    "Base",
    "Chat",
    "Commitment",
    "CommitmentRevision",
    "CommitmentTag",
    "Comparator",
    "Conversation",
    "DeliveryState",
    "DigestMode",
    "Evidence",
    "EvidenceKind",
    "Feed",
    "FeedItem",
    "Notification",
    "PastePart",
    "ProcessedUpdate",
    "ReviewItem",
    "ReviewState",
    "SendPace",
    "Status",
    "Subscription",
    "SubscriptionKind",
    "SweepState",
    "Tag",
    "UtcDateTime",
    "enum_type",
]
