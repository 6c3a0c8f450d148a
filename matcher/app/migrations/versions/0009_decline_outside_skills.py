"""engagement: declined as outside the provider's skills

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every decline before this said nothing about skills: false.
    with op.batch_alter_table("engagement") as batch:
        batch.add_column(sa.Column("outside_skills", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("engagement") as batch:
        batch.drop_column("outside_skills")
