"""Listen and speak: partner organisations and speakers (an activity names its partner and speaker),
learning-needs surveys and their answers, what people thought of a session, whether a center asks it, and
who gets the loudspeaker bulletin before each week (and the week and day it last went out for)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.models

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("organisation", "speaker", name="partnerkind", native_enum=False, length=20), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["center_id"], ["center.id"], name=op.f("fk_partner_center_id_center"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["partner.id"], name=op.f("fk_partner_organisation_id_partner"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_partner_person_id_person"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("center_id", "kind", "name", name=op.f("uq_partner_center_id")),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_center_id"), ["center_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_person_id"), ["person_id"], unique=False)

    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("opened_at", bot.models.UTCDateTime(), nullable=False),
        sa.Column("closed_at", bot.models.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["center_id"], ["center.id"], name=op.f("fk_survey_center_id_center"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["person.id"], name=op.f("fk_survey_created_by_id_person"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
    )
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_center_id"), ["center_id"], unique=False)

    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("time_of_day", sa.String(length=30), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("at", bot.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["person.id"], name=op.f("fk_survey_answer_entered_by_id_person"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_survey_answer_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_answer_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
        sa.UniqueConstraint("survey_id", "person_id", name=op.f("uq_survey_answer_survey_id")),
    )
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_answer_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_answer_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", bot.models.UTCDateTime(), nullable=False),
        sa.Column("useful", sa.Boolean(), nullable=True),
        sa.Column("word", sa.String(length=500), nullable=True),
        sa.Column("answered_at", bot.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_feedback_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["activity_session.id"],
            name=op.f("fk_feedback_session_id_activity_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("session_id", "person_id", name=op.f("uq_feedback_session_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_session_id"), ["session_id"], unique=False)

    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("speaker_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_activity_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_speaker_id"), ["speaker_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_activity_partner_id_partner"), "partner", ["partner_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_activity_speaker_id_partner"), "partner", ["speaker_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("activity_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback_asked_at", bot.models.UTCDateTime(), nullable=True))

    with op.batch_alter_table("center", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ask_feedback", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weekly_bulletin", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("bulletin_week", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("bulletin_day", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("bulletin_day")
        batch_op.drop_column("bulletin_week")
        batch_op.drop_column("weekly_bulletin")

    with op.batch_alter_table("center", schema=None) as batch_op:
        batch_op.drop_column("ask_feedback")

    with op.batch_alter_table("activity_session", schema=None) as batch_op:
        batch_op.drop_column("feedback_asked_at")

    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_activity_speaker_id_partner"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_activity_partner_id_partner"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_activity_speaker_id"))
        batch_op.drop_index(batch_op.f("ix_activity_partner_id"))
        batch_op.drop_column("speaker_id")
        batch_op.drop_column("partner_id")

    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_session_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_person_id"))

    op.drop_table("feedback")
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answer_survey_id"))
        batch_op.drop_index(batch_op.f("ix_survey_answer_person_id"))

    op.drop_table("survey_answer")
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_center_id"))

    op.drop_table("survey")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_person_id"))
        batch_op.drop_index(batch_op.f("ix_partner_center_id"))

    op.drop_table("partner")
