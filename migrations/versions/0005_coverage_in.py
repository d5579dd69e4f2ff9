"""coverage in: feed polling state, feed items seen, progress announced to followers

Revision ID: 0005
Revises: 0003 (it alters the feed table the admin side's migration creates)
Create Date: 2026-11-28 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
# The feed table comes with the admin side's migration 0003; this one alters it, so it follows that one.
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed", schema=None) as batch_op:
        batch_op.add_column(sa.Column("etag", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_modified", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("error_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index(batch_op.f("ix_feed_next_poll_at"), ["next_poll_at"], unique=False)

    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_evidence_announced_at"), ["announced_at"], unique=False)
    # Progress recorded before this migration is old news: followers are not told of it now.
    op.execute("UPDATE evidence SET announced_at = recorded_at")

    op.create_table(
        "feed_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_feed_item_article_id_article"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["feed_id"], ["feed.id"], name=op.f("fk_feed_item_feed_id_feed"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_item")),
        sa.UniqueConstraint("feed_id", "item_key", name="uq_feed_item_feed_key"),
    )


def downgrade() -> None:
    op.drop_table("feed_item")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_announced_at"))
        batch_op.drop_column("announced_at")
    with op.batch_alter_table("feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_next_poll_at"))
        batch_op.drop_column("error_count")
        batch_op.drop_column("next_poll_at")
        batch_op.drop_column("last_modified")
        batch_op.drop_column("etag")
