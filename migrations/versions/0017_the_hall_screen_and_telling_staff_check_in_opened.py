"""The hall screen: each session's secret link to a page that shows the check-in code on the hall's screen, and
when staff were told that its check-in opened

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-14 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity_session") as batch:
        batch.add_column(sa.Column("hall_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("checkin_told_at", sa.DateTime(), nullable=True))
        batch.create_unique_constraint(batch.f("uq_activity_session_hall_token"), ["hall_token"])


def downgrade() -> None:
    with op.batch_alter_table("activity_session") as batch:
        batch.drop_constraint(batch.f("uq_activity_session_hall_token"), type_="unique")
        batch.drop_column("checkin_told_at")
        batch.drop_column("hall_token")
