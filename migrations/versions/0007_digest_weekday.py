"""digest weekday: a chat on a weekly digest chooses the day it comes

Revision ID: 0007
Revises: 0006, 0002 (it alters alert_preference, which 0002 creates on a branch of its own)
Create Date: 2026-11-28 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | tuple[str, ...] | None = ("0006", "0002")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_preference", schema=None) as batch_op:
        # 0 is Monday, the day weekly digests came before there was a choice.
        batch_op.add_column(sa.Column("digest_weekday", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("alert_preference", schema=None) as batch_op:
        batch_op.drop_column("digest_weekday")
