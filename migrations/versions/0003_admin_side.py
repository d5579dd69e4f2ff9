"""admin side: admin grants, target revisions, review queue, feeds

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_grant",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("granted_by", sa.BigInteger(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_admin_grant")),
    )

    op.create_table(
        "commitment_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.BigInteger(), nullable=True),
        sa.Column("old", sa.JSON(), nullable=False),
        sa.Column("new", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_revision_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_revision")),
    )
    with op.batch_alter_table("commitment_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_revision_commitment_id"), ["commitment_id"], unique=False)

    op.create_table(
        "review_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("pending", "confirmed", "rejected", name="reviewstate", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("suggested_commitment_id", sa.Integer(), nullable=True),
        sa.Column("result_commitment_id", sa.Integer(), nullable=True),
        sa.Column("result_evidence_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["article.id"], name=op.f("fk_review_item_article_id_article"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["suggested_commitment_id"],
            ["commitment.id"],
            name=op.f("fk_review_item_suggested_commitment_id_commitment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["result_commitment_id"],
            ["commitment.id"],
            name=op.f("fk_review_item_result_commitment_id_commitment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["result_evidence_id"],
            ["evidence.id"],
            name=op.f("fk_review_item_result_evidence_id_evidence"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_item")),
        sa.UniqueConstraint("article_id", "kind", "position", name="uq_review_item_article_kind_pos"),
    )
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_item_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_item_state"), ["state"], unique=False)

    op.create_table(
        "feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed")),
        sa.UniqueConstraint("url", name=op.f("uq_feed_url")),
    )


def downgrade() -> None:
    op.drop_table("feed")
    with op.batch_alter_table("review_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_item_state"))
        batch_op.drop_index(batch_op.f("ix_review_item_article_id"))
    op.drop_table("review_item")
    with op.batch_alter_table("commitment_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_revision_commitment_id"))
    op.drop_table("commitment_revision")
    op.drop_table("admin_grant")
