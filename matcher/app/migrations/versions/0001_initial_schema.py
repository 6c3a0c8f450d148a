"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 06:15:09.482358
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("supervisor", sa.Boolean(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("availability", sa.String(length=16), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("visible", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employee")),
    )
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employee_external_id"), ["external_id"], unique=True)
        batch_op.create_index(batch_op.f("ix_employee_unit"), ["unit"], unique=False)

    op.create_table(
        "help_request",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("requester_id", sa.String(length=128), nullable=True),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request")),
    )
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_request_requester_id"), ["requester_id"], unique=False)

    op.create_table(
        "profile_change",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_profile_change")),
    )
    with op.batch_alter_table("profile_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_change_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "match_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=32), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_match_result_employee_id_employee"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_request.id"],
            name=op.f("fk_match_result_request_id_help_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_result")),
    )
    with op.batch_alter_table("match_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_result_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_result_request_id"), ["request_id"], unique=False)

    op.create_table(
        "strength_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_engagement_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_strength_statement_employee_id_employee"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strength_statement")),
    )
    with op.batch_alter_table("strength_statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strength_statement_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_strength_statement_source_engagement_id"), ["source_engagement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("strength_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strength_statement_source_engagement_id"))
        batch_op.drop_index(batch_op.f("ix_strength_statement_employee_id"))

    op.drop_table("strength_statement")
    with op.batch_alter_table("match_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_result_request_id"))
        batch_op.drop_index(batch_op.f("ix_match_result_employee_id"))

    op.drop_table("match_result")
    with op.batch_alter_table("profile_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_change_employee_id"))

    op.drop_table("profile_change")
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_request_requester_id"))

    op.drop_table("help_request")
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employee_unit"))
        batch_op.drop_index(batch_op.f("ix_employee_external_id"))

    op.drop_table("employee")
