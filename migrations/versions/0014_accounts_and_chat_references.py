"""accounts and chat references: one person, whatever the messenger

Telegram's integer ids move out of the tables' shape: a person's Telegram id becomes an account (channel,
external id), and every chat, message and update id is stored with its channel as an opaque string. This is
the one place that still knows what Telegram's ids look like (a negative chat id is a group).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TELEGRAM = "telegram"
TEXT_OF = "CAST({} AS VARCHAR(64))"  # an integer id as the string the channel now stores
INTEGER_OF = "CAST({} AS BIGINT)"


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_account_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_account_channel")),
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_person_id"), ["person_id"], unique=False)
    op.execute(
        "INSERT INTO account (person_id, channel, external_id, created_at) "
        f"SELECT id, '{TELEGRAM}', {TEXT_OF.format('telegram_user_id')}, created_at FROM person "
        "WHERE telegram_user_id IS NOT NULL ORDER BY id"
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint("uq_person_telegram_user_id", type_="unique")
        batch_op.drop_column("telegram_user_id")

    with op.batch_alter_table("group_chat", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
    op.execute(f"UPDATE group_chat SET channel = '{TELEGRAM}', external_id = {TEXT_OF.format('telegram_chat_id')}")
    with op.batch_alter_table("group_chat", schema=None) as batch_op:
        batch_op.drop_constraint("uq_group_chat_telegram_chat_id", type_="unique")
        batch_op.drop_column("telegram_chat_id")
        batch_op.alter_column("channel", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("external_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_group_chat_channel"), ["channel", "external_id"])

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("chat", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("is_group", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.String(length=64), nullable=True))
    op.execute(
        f"UPDATE delivery SET channel = '{TELEGRAM}', chat = {TEXT_OF.format('chat_id')}, "
        f"is_group = (chat_id < 0), message_id = {TEXT_OF.format('telegram_message_id')}"
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint("uq_delivery_activity_id", type_="unique")
        batch_op.drop_index("ix_delivery_chat_id")
        batch_op.drop_column("chat_id")
        batch_op.drop_column("telegram_message_id")
        batch_op.alter_column("channel", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("chat", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("is_group", existing_type=sa.Boolean(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_delivery_activity_id"), ["activity_id", "channel", "chat", "kind", "due_at"]
        )
        batch_op.create_index("ix_delivery_channel_chat", ["channel", "chat"], unique=False)

    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("update_ref", sa.String(length=64), nullable=True))
    op.execute(f"UPDATE inbox_update SET channel = '{TELEGRAM}', update_ref = {TEXT_OF.format('update_id')}")
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.drop_constraint("uq_inbox_update_update_id", type_="unique")
        batch_op.drop_column("update_id")
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.alter_column(
            "update_ref", new_column_name="update_id", existing_type=sa.String(length=64), nullable=False
        )
        batch_op.alter_column("channel", existing_type=sa.String(length=16), nullable=False)
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:  # after the rename, on SQLite
        batch_op.create_unique_constraint(batch_op.f("uq_inbox_update_channel"), ["channel", "update_id"])

    with op.batch_alter_table("activity_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_channel", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("checkin_chat", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("checkin_message", sa.String(length=64), nullable=True))
    op.execute(
        f"UPDATE activity_session SET checkin_channel = '{TELEGRAM}', "
        f"checkin_chat = {TEXT_OF.format('checkin_chat_id')}, "
        f"checkin_message = {TEXT_OF.format('checkin_message_id')} WHERE checkin_chat_id IS NOT NULL"
    )
    with op.batch_alter_table("activity_session", schema=None) as batch_op:
        batch_op.drop_column("checkin_chat_id")
        batch_op.drop_column("checkin_message_id")


def _refuse_other_messengers() -> None:
    """Before 0014 only Telegram existed: what another messenger holds has nowhere to go back to."""
    connection = op.get_bind()
    counts = {
        table: connection.scalar(sa.text(f"SELECT count(*) FROM {table} WHERE {column} <> '{TELEGRAM}'"))
        for table, column in (
            ("account", "channel"),
            ("group_chat", "channel"),
            ("delivery", "channel"),
            ("inbox_update", "channel"),
            ("activity_session", "checkin_channel"),
        )
    }
    doubled = connection.scalar(
        sa.text("SELECT count(*) FROM (SELECT person_id FROM account GROUP BY person_id HAVING count(*) > 1) AS d")
    )
    found = {table: n for table, n in counts.items() if n}
    if found or doubled:
        held = ", ".join(f"{n} in {table}" for table, n in found.items())
        raise RuntimeError(
            "Cannot downgrade below 0014: rows of a messenger other than Telegram would be lost "
            f"({held or f'{doubled} people with more than one account'}); remove them first."
        )


def downgrade() -> None:
    _refuse_other_messengers()
    # Notices to one person came with accounts: code before 0014 cannot read them. Sent ones are history and go;
    # one still owed refuses, so that nobody's good news is lost.
    op.execute("DELETE FROM delivery WHERE kind = 'notice' AND status IN ('sent', 'failed', 'dropped')")
    owed = op.get_bind().scalar(sa.text("SELECT count(*) FROM delivery WHERE kind = 'notice'"))
    if owed:
        raise RuntimeError(f"Cannot downgrade below 0014: {owed} notices are still to be sent; send them first.")
    with op.batch_alter_table("activity_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("checkin_message_id", sa.BigInteger(), nullable=True))
    op.execute(
        f"UPDATE activity_session SET checkin_chat_id = {INTEGER_OF.format('checkin_chat')}, "
        f"checkin_message_id = {INTEGER_OF.format('checkin_message')}"
    )
    with op.batch_alter_table("activity_session", schema=None) as batch_op:
        batch_op.drop_column("checkin_message")
        batch_op.drop_column("checkin_chat")
        batch_op.drop_column("checkin_channel")

    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.drop_constraint("uq_inbox_update_channel", type_="unique")
        batch_op.add_column(sa.Column("update_number", sa.BigInteger(), nullable=True))
    op.execute(f"UPDATE inbox_update SET update_number = {INTEGER_OF.format('update_id')}")
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.drop_column("update_id")
        batch_op.drop_column("channel")
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.alter_column(
            "update_number", new_column_name="update_id", existing_type=sa.BigInteger(), nullable=False
        )
    with op.batch_alter_table("inbox_update", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_inbox_update_update_id"), ["update_id"])

    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_channel_chat")
        batch_op.drop_constraint("uq_delivery_activity_id", type_="unique")
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("telegram_message_id", sa.BigInteger(), nullable=True))
    op.execute(
        f"UPDATE delivery SET chat_id = {INTEGER_OF.format('chat')}, "
        f"telegram_message_id = {INTEGER_OF.format('message_id')}"
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("message_id")
        batch_op.drop_column("is_group")
        batch_op.drop_column("chat")
        batch_op.drop_column("channel")
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_delivery_activity_id"), ["activity_id", "chat_id", "kind", "due_at"]
        )
        batch_op.create_index(batch_op.f("ix_delivery_chat_id"), ["chat_id"], unique=False)

    with op.batch_alter_table("group_chat", schema=None) as batch_op:
        batch_op.drop_constraint("uq_group_chat_channel", type_="unique")
        batch_op.add_column(sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True))
    op.execute(f"UPDATE group_chat SET telegram_chat_id = {INTEGER_OF.format('external_id')}")
    with op.batch_alter_table("group_chat", schema=None) as batch_op:
        batch_op.drop_column("external_id")
        batch_op.drop_column("channel")
        batch_op.alter_column("telegram_chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_group_chat_telegram_chat_id"), ["telegram_chat_id"])

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_user_id", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_person_telegram_user_id"), ["telegram_user_id"])
    op.execute(
        f"UPDATE person SET telegram_user_id = (SELECT {INTEGER_OF.format('external_id')} FROM account "
        "WHERE account.person_id = person.id)"
    )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_person_id"))
    op.drop_table("account")
