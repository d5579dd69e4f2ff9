"""update chat: each stored update keeps its chat, so several worker processes can take a chat's updates in order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | tuple[str, ...] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNDONE = sa.text("done_at IS NULL")


def upgrade() -> None:
    # In place (a nullable column and an index need no copy of the table on SQLite). Rows stored before this
    # have no chat: the workers take any undone ones as chatless updates, one at a time.
    with op.batch_alter_table("processed_update", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    op.create_index(
        "ix_processed_update_undone",
        "processed_update",
        ["bot_id", "chat_id", "update_id"],
        postgresql_where=UNDONE,
        sqlite_where=UNDONE,
    )


def downgrade() -> None:
    op.drop_index("ix_processed_update_undone", table_name="processed_update")
    with op.batch_alter_table("processed_update", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("chat_id")
