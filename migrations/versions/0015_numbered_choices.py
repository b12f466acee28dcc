"""numbered choices: what a number typed in a chat without buttons picks

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offered_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat", sa.String(length=64), nullable=False),
        sa.Column("commands", sa.JSON(), nullable=False),
        sa.Column("offered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offered_choices")),
        sa.UniqueConstraint("channel", "chat", name=op.f("uq_offered_choices_channel")),
    )


def downgrade() -> None:
    op.drop_table("offered_choices")
