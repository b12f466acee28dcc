"""300 residents register at once for 100 seats: exactly 100 get one, 200 wait in the order they
arrived, and when 10 give their seat back exactly the first 10 waiting are promoted and told."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Account, Registration, RegistrationStatus
from tests.conftest import Bot
from tests.journeys import commune, publish, residents_with_profiles


async def test_three_hundred_residents_rush_for_a_hundred_seats(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, capacity=100)
    residents = [fake.add_user(f"Người {i}") for i in range(300)]
    await residents_with_profiles(bot, place, residents)
    for user in residents:  # all at once: the bot sees 300 updates waiting
        user.send(f"/register {activity_id}")
    await bot.fake.wait_for(lambda: all(u.private_chat.bot_messages for u in residents), timeout=120)
    await bot.settle()

    async with bot.app.db.session() as session:
        people = {a.person_id: int(a.external_id) for a in await session.scalars(select(Account))}
        rows = list(await session.scalars(select(Registration).order_by(Registration.queued_at, Registration.id)))
    order = [u.id for u in residents]
    seated = [people[r.person_id] for r in rows if r.status is RegistrationStatus.REGISTERED]
    waiting = [people[r.person_id] for r in rows if r.status is RegistrationStatus.WAITLISTED]
    assert sorted(seated, key=order.index) == order[:100]
    assert waiting == order[100:]
    assert (
        residents[100]
        .private_chat.bot_messages[-1]
        .text.startswith("Chuyên đề phòng chống lừa đảo qua mạng đã hết chỗ. Ông đứng thứ 1 trong danh sách chờ")
    )
    assert "Chị đứng thứ 200 trong danh sách chờ" in residents[299].private_chat.bot_messages[-1].text

    for user in residents[:10]:
        user.send(f"/unregister {activity_id}")
    await bot.fake.wait_for(lambda: all(len(u.private_chat.bot_messages) == 2 for u in residents[100:110]), timeout=60)
    await bot.settle()
    for user in residents[100:110]:
        assert user.private_chat.bot_messages[-1].text.startswith("Tin vui: đã có chỗ trống dành cho")
    assert all(len(u.private_chat.bot_messages) == 1 for u in residents[110:])
    async with bot.app.db.session() as session:
        seated_now = {
            people[r.person_id]
            for r in await session.scalars(
                select(Registration).where(Registration.status == RegistrationStatus.REGISTERED)
            )
        }
    assert seated_now == set(order[10:110])
