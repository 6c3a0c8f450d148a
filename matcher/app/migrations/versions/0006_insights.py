"""insights: index help_request by filing time, with the id, so a period's ids are read from the index alone

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02 01:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_help_request_created_at_id", "help_request", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_help_request_created_at_id", table_name="help_request")
