"""Migration 0014 moves Telegram's ids into accounts and chat references with nothing lost. A database that holds
people (with and without a phone), linked groups, registrations, attendance, a check-in screen, deliveries in
every state and inbox rows goes back to 0013 and up again row for row; then the bot carries on: the delivery
still owed is sent once, and a resident is still recognised."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.channels.telegram.fake import FakeTelegram
from bot.database import Database
from bot.models import (
    Account,
    ActivitySession,
    Attendance,
    Delivery,
    DeliveryStatus,
    GroupChat,
    InboxUpdate,
    OfferedChoices,
    Person,
    Registration,
)
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, onboard, publish

LATER = "Lớp dưỡng sinh cho người cao tuổi"


async def _picture(db: Database) -> dict[str, Any]:
    """Everything 0014 reshapes, and what hangs on it."""
    async with db.session() as session:

        async def rows(query: Any) -> list[tuple[Any, ...]]:
            return sorted(tuple(row) for row in (await session.execute(query)).all())

        return {
            "people": await rows(select(Person.id, Person.full_name, Person.consent_at)),
            "accounts": await rows(select(Account.person_id, Account.channel, Account.external_id)),
            "groups": await rows(select(GroupChat.id, GroupChat.channel, GroupChat.external_id, GroupChat.village_id)),
            "deliveries": await rows(
                select(
                    Delivery.id,
                    Delivery.channel,
                    Delivery.chat,
                    Delivery.is_group,
                    Delivery.kind,
                    Delivery.status,
                    Delivery.message_id,
                    Delivery.person_id,
                    Delivery.attempts,
                )
            ),
            "screens": await rows(
                select(
                    ActivitySession.id,
                    ActivitySession.checkin_channel,
                    ActivitySession.checkin_chat,
                    ActivitySession.checkin_message,
                )
            ),
            "inbox": await rows(select(InboxUpdate.channel, InboxUpdate.update_id, InboxUpdate.handled_at)),
            "registrations": await rows(select(Registration.person_id, Registration.activity_id, Registration.status)),
            "attendance": await rows(select(Attendance.person_id, Attendance.session_id, Attendance.method)),
        }


async def test_going_down_to_0013_and_up_again_loses_nothing_and_the_bot_carries_on(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, "/notify on")
    talk = await publish(bot, place)
    await bot.say(lan, f"/register {talk}")
    now_on = await publish(bot, place, "Chuyên đề an toàn giao thông", start="29/09/2025 09:15")
    screen = (await bot.say(place.director, f"/checkin {now_on}"))[0]
    await bot.say(lan, checkin_code(screen.text))
    await bot.deliver()  # the announcements go out: sent rows with the messages' ids
    await bot.stop()

    db = Database(bot.settings.database_url)
    later = await publish(bot, place, LATER, start="07/10/2025 06:00", db=db)  # owed to every group
    async with db.session() as session, session.begin():
        session.add(Person(center_id=place.center_id, full_name="Nguyễn Thị Mận", created_at=bot.clock()))
        owed = {
            int(d.chat): d
            for d in await session.scalars(
                select(Delivery).where(Delivery.activity_id == later, Delivery.kind == "announce")
            )
        }
        owed[place.groups["Thôn Tây"].id].status = DeliveryStatus.FAILED
        owed[place.groups["Thôn Bắc"].id].status = DeliveryStatus.DROPPED
        owed[place.groups["Xã"].id].status = DeliveryStatus.RETRY
        owed[place.groups["Xã"].id].next_attempt_at = bot.clock() + timedelta(days=30)
        reminder = await session.scalar(  # half sent by a process that died
            select(Delivery).where(Delivery.activity_id == talk, Delivery.kind == "reminder").limit(1)
        )
        assert reminder is not None
        reminder.status, reminder.claimed_by = DeliveryStatus.IN_PROGRESS, 99
        for number, handled in ((700, True), (701, False)):
            session.add(
                InboxUpdate(
                    channel="telegram",
                    update_id=str(number),
                    payload={} if handled else {"update_id": number},
                    received_at=bot.clock(),
                    claimed_by=99,
                    handled_at=bot.clock() if handled else None,
                )
            )
    before = await _picture(db)
    assert {row[5] for row in before["deliveries"]} == set(DeliveryStatus)  # every state is there
    await db.downgrade("0013")
    async with db.engine.connect() as connection:
        lan_id = await connection.scalar(text("SELECT telegram_user_id FROM person WHERE full_name = 'Nguyễn Thị Lan'"))
        groups = set(await connection.scalars(text("SELECT telegram_chat_id FROM group_chat")))
    assert lan_id == lan.id and groups == {group.id for group in place.groups.values()}
    await db.upgrade()
    after = await _picture(db)
    await db.dispose()
    assert after == before
    assert ("telegram", str(lan.id)) in {(channel, external) for _, channel, external in after["accounts"]}
    assert len(after["people"]) == len(after["accounts"]) + 1  # Mận, registered with no phone, has no account

    await bot.start()
    await bot.deliver()
    cards = {name: sum(m.text.startswith(f"📢 {LATER}") for m in g.bot_messages) for name, g in place.groups.items()}
    assert cards == {"Thôn Đông": 1, "Thôn Tây": 0, "Thôn Bắc": 0, "Xã": 0}
    mine = await bot.say(lan, "/my")  # she is known: her visit, and the talk she registered for
    assert mine[0].text == "Bà đã tham gia 1 buổi. Cảm ơn bà!"
    assert any("Chuyên đề phòng chống lừa đảo qua mạng" in (m.text or "") for m in mine[1:])


async def test_going_below_0014_refuses_in_one_line_while_another_messenger_holds_rows(bot: Bot) -> None:
    await bot.create_center()
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        session.add(
            Person(
                full_name="Nguyễn Thị Lan",
                created_at=bot.clock(),
                accounts=[Account(channel="zalo", external_id="e4ea2cd5189df1c3a88c", created_at=bot.clock())],
            )
        )
    await bot.stop()
    db = Database(bot.settings.database_url)
    try:
        async with db.session() as session:
            head = await session.scalar(text("SELECT version_num FROM alembic_version"))
        with pytest.raises(RuntimeError, match=r"^Cannot downgrade below 0014: .*\(1 in account\)"):
            await db.downgrade("0013")
        async with db.session() as session:  # nothing was undone, not even the step down that went before it
            assert [a.external_id for a in await session.scalars(select(Account))] == ["e4ea2cd5189df1c3a88c"]
            assert list(await session.scalars(select(OfferedChoices))) == []  # 0015's table is still there
            assert await session.scalar(text("SELECT version_num FROM alembic_version")) == head
    finally:
        await db.dispose()
