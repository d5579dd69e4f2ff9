"""chat telegram language: the Telegram language of the chat's user, when we speak it, for what the outbox writes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | tuple[str, ...] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty for the chats already known: each is filled in the next time its user writes.
    with op.batch_alter_table("chat", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_language", sa.String(length=5), nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+ drops a column itself): copying the table would drop the old one, and with foreign
    # keys on, dropping it deletes every chat's follows and alert preferences (ON DELETE CASCADE).
    with op.batch_alter_table("chat", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("telegram_language")
