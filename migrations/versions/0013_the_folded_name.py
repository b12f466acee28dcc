"""the folded name, searched in SQL

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 05:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.text import fold

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

person = sa.table("person", sa.column("id", sa.Integer), sa.column("full_name"), sa.column("name_key"))


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_person_center_id_name_key", ["center_id", "name_key"], unique=False)
    connection = op.get_bind()
    named = connection.execute(sa.select(person.c.id, person.c.full_name).where(person.c.full_name.is_not(None)))
    rows = [{"key": row.id, "folded": fold(row.full_name)} for row in named]
    if rows:
        connection.execute(
            person.update().where(person.c.id == sa.bindparam("key")).values(name_key=sa.bindparam("folded")), rows
        )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_center_id_name_key")
        batch_op.drop_column("name_key")
