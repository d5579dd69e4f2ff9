"""documents: who pasted an article's text, and the parts of a paste Telegram split into several messages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | tuple[str, ...] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pasted_by", sa.BigInteger(), nullable=True))
    op.create_table(
        "paste_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_paste_part_chat_message"),
    )
    op.create_index("ix_paste_part_chat_id", "paste_part", ["chat_id"])


def downgrade() -> None:
    op.drop_index("ix_paste_part_chat_id", table_name="paste_part")
    op.drop_table("paste_part")
    # In place, as 0010 does: copying the table would cascade to the evidence and review cards that point at it.
    with op.batch_alter_table("article", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("pasted_by")
