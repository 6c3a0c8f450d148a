"""statements: index model_id, so a start finds statements lacking the model's vector without a full scan

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_strength_statement_model_id", "strength_statement", ["model_id"])


def downgrade() -> None:
    op.drop_index("ix_strength_statement_model_id", table_name="strength_statement")
