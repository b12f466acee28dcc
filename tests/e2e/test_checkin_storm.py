"""500 residents check in through the fake API within the same few seconds: every one gets a
confirmation, and the count is exactly 500."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Attendance
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, publish, residents_with_profiles


async def test_five_hundred_residents_check_in_at_once(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30", capacity=None)
    residents = [fake.add_user(f"Người {i}") for i in range(500)]
    await residents_with_profiles(bot, place, residents)
    bot.clock.current = local("06/10/2025 13:25")
    screen = (await bot.say(place.director, f"/checkin {activity_id}"))[-1]
    code = checkin_code(screen.text)

    for user in residents:
        user.send(code)
    await fake.wait_for(lambda: all(u.private_chat.bot_messages for u in residents), timeout=120)
    await bot.settle()

    assert all(u.private_chat.bot_messages[-1].text.startswith("✅ Đã điểm danh") for u in residents)
    async with bot.app.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 500
