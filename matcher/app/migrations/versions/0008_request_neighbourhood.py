"""help_request: the statements nearest each request when it was ranked, and its similarity to each

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for requests ranked before, or without the local metric: compared in the new request's
    # neighbourhood alone, as before.
    with op.batch_alter_table("help_request") as batch:
        batch.add_column(sa.Column("neighbourhood", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("help_request") as batch:
        batch.drop_column("neighbourhood")
