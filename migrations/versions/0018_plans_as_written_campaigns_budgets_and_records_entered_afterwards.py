"""Plans as written, campaigns, budgets by source and records entered afterwards: an activity may know only
its day or month; campaigns become rows with their days (the free-text campaign moves there); an activity's
budget is kept per source, planned and spent (the one planned figure moves to "other"); registrations keep the
village whose group brought them; attendance and head counts typed in later say so; the center keeps its
reports' addressees and the month whose plan reminder went out.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.models

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

activity = sa.table(
    "activity",
    sa.column("id", sa.Integer),
    sa.column("center_id", sa.Integer),
    sa.column("campaign", sa.String),
    sa.column("campaign_id", sa.Integer),
    sa.column("budget_vnd", sa.BigInteger),
)
campaign = sa.table(
    "campaign",
    sa.column("id", sa.Integer),
    sa.column("center_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("created_at", bot.models.UTCDateTime),
)
budget = sa.table(
    "activity_budget",
    sa.column("activity_id", sa.Integer),
    sa.column("source", sa.String),
    sa.column("planned_vnd", sa.BigInteger),
)


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("summary_sent_at", bot.models.UTCDateTime(), nullable=True),
        sa.Column("created_at", bot.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"], ["center.id"], name=op.f("fk_campaign_center_id_center"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
        sa.UniqueConstraint("center_id", "name", name=op.f("uq_campaign_center_id")),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_center_id"), ["center_id"], unique=False)

    op.create_table(
        "activity_budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("state", "social", "learners", "other", name="budgetsource", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("planned_vnd", sa.BigInteger(), nullable=True),
        sa.Column("spent_vnd", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_activity_budget_activity_id_activity"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_budget")),
        sa.UniqueConstraint("activity_id", "source", name=op.f("uq_activity_budget_activity_id")),
    )
    with op.batch_alter_table("activity_budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_budget_activity_id"), ["activity_id"], unique=False)

    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "date_known",
                sa.Enum("exact", "day", "month", name="dateknown", native_enum=False, length=20),
                server_default="exact",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("entered_afterwards", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f("ix_activity_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_activity_campaign_id_campaign"), "campaign", ["campaign_id"], ["id"], ondelete="SET NULL"
        )

    connection = op.get_bind()
    now = datetime.now(UTC)
    named = connection.execute(
        sa.select(activity.c.center_id, activity.c.campaign).where(activity.c.campaign.is_not(None)).distinct()
    ).all()
    for center_id, name in named:
        made = connection.execute(
            campaign.insert().values(center_id=center_id, name=name, created_at=now).returning(campaign.c.id)
        ).scalar_one()
        connection.execute(
            activity.update()
            .where(activity.c.center_id == center_id, activity.c.campaign == name)
            .values(campaign_id=made)
        )
    planned = connection.execute(
        sa.select(activity.c.id, activity.c.budget_vnd).where(activity.c.budget_vnd.is_not(None))
    ).all()
    if planned:
        connection.execute(
            budget.insert(), [{"activity_id": a, "source": "other", "planned_vnd": vnd} for a, vnd in planned]
        )

    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("campaign")
        batch_op.drop_column("budget_vnd")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("afterwards", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("center", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_addressees", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("plan_reminded_month", sa.String(length=7), nullable=True))

    with op.batch_alter_table("head_count", schema=None) as batch_op:
        batch_op.add_column(sa.Column("afterwards", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("via_village_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_registration_via_village_id_village"), "village", ["via_village_id"], ["id"]
        )
    # a place credited to a village other than the person's own came through that village's card
    connection.execute(
        sa.text(
            "UPDATE registration SET via_village_id = village_id WHERE village_id IS NOT NULL AND village_id <> "
            "COALESCE((SELECT person.village_id FROM person WHERE person.id = registration.person_id), -1)"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_registration_via_village_id_village"), type_="foreignkey")
        batch_op.drop_column("via_village_id")

    with op.batch_alter_table("head_count", schema=None) as batch_op:
        batch_op.drop_column("afterwards")

    with op.batch_alter_table("center", schema=None) as batch_op:
        batch_op.drop_column("plan_reminded_month")
        batch_op.drop_column("report_addressees")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("afterwards")

    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("budget_vnd", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("campaign", sa.String(length=300), nullable=True))
        batch_op.drop_constraint(batch_op.f("fk_activity_campaign_id_campaign"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_activity_campaign_id"))
        batch_op.drop_column("entered_afterwards")
        batch_op.drop_column("date_known")
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("activity_budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_budget_activity_id"))
    op.drop_table("activity_budget")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_center_id"))
    op.drop_table("campaign")
