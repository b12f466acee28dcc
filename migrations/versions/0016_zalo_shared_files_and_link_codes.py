"""Zalo: pictures and files served as expiring links, one-time codes that link two messengers' accounts, and
when each account was last used

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_shared_file_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_file")),
        sa.UniqueConstraint("token", name=op.f("uq_shared_file_token")),
    )
    op.create_index(op.f("ix_shared_file_expires_at"), "shared_file", ["expires_at"])
    op.create_index(op.f("ix_shared_file_person_id"), "shared_file", ["person_id"])
    op.create_table(
        "link_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_link_code_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_code")),
        sa.UniqueConstraint("code", name=op.f("uq_link_code_code")),
        sa.UniqueConstraint("person_id", name=op.f("uq_link_code_person_id")),
    )
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("used_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("used_at")
    op.drop_table("link_code")
    op.drop_index(op.f("ix_shared_file_person_id"), table_name="shared_file")
    op.drop_index(op.f("ix_shared_file_expires_at"), table_name="shared_file")
    op.drop_table("shared_file")
