"""durable inbox: an update is stored whole before it is acknowledged, and marked done by its handler

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_update_processed_at"))
        batch_op.alter_column("processed_at", new_column_name="received_at")
        batch_op.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
    # A second batch: the first one's table does not have the renamed column yet.
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_update_received_at"), ["received_at"], unique=False)
    # Ids recorded before this migration were handled when they were recorded.
    op.execute("UPDATE processed_update SET done_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_update_received_at"))
        batch_op.drop_column("taken_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("done_at")
        batch_op.drop_column("payload")
        batch_op.alter_column("received_at", new_column_name="processed_at")
    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_update_processed_at"), ["processed_at"], unique=False)
