"""alerts and delivery: chat alert preferences, sweep state, outbox retry and lease columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 02:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_preference",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("lead_days", sa.String(length=100), nullable=True),
        sa.Column("prompts", sa.Boolean(), nullable=False),
        sa.Column("quiet_start", sa.Integer(), nullable=True),
        sa.Column("quiet_end", sa.Integer(), nullable=True),
        sa.Column(
            "digest",
            sa.Enum("instant", "daily", "weekly", name="digestmode", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chat.id"], name=op.f("fk_alert_preference_chat_id_chat"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_alert_preference")),
    )
    op.create_table(
        "sweep_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("watermark", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("instance", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sweep_state")),
    )

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("available_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("parts_sent", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("bundle_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    # Rows written before this migration may be tried as soon as they are due.
    op.execute("UPDATE notification SET available_at = due_at")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("available_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index("ix_notification_state_available", ["state", "available_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_finished_at"), ["finished_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_finished_at"))
        batch_op.drop_index("ix_notification_state_available")
        batch_op.drop_column("finished_at")
        batch_op.drop_column("bundle_id")
        batch_op.drop_column("parts_sent")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("available_at")
    op.drop_table("sweep_state")
    op.drop_table("alert_preference")
