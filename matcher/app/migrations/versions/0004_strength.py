"""strength: the match-strength band of each result and of a request's best result

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for requests matched before bands existed: insights count them as "unknown".
    with op.batch_alter_table("help_request") as batch:
        batch.add_column(sa.Column("best_strength", sa.String(length=8), nullable=True))
    with op.batch_alter_table("match_result") as batch:
        batch.add_column(sa.Column("strength", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_result") as batch:
        batch.drop_column("strength")
    with op.batch_alter_table("help_request") as batch:
        batch.drop_column("best_strength")
