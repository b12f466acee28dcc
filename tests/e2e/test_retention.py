"""Retention: names in activities older than the center's period are detached; every total stays."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Attendance, Delivery, DeliveryKind, Person
from scheduler import retention
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, onboard, publish


async def _stats_2023(bot: Bot, director) -> str:  # type: ignore[no-untyped-def]
    return (await bot.say(director, "/stats 2023"))[-1].text or ""


async def test_old_names_are_detached_after_the_centers_period_and_the_totals_stay(
    bot: Bot, fake: FakeTelegram
) -> None:
    bot.clock.current = local("01/03/2023 08:00")
    place = await commune(bot, fake)
    old = await publish(bot, place, "Lớp trồng nấm", start="10/03/2023 08:00")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(place.director, "/appoint staff")
    await bot.press(place.director, place.director.private_chat.bot_messages[-1], "Nguyễn Thị Lan (1965)")
    await bot.deliver()  # she is told, in 2023
    await bot.say(lan, f"/register {old}")
    bot.clock.current = local("10/03/2023 07:50")
    screen = (await bot.say(place.director, f"/checkin {old}"))[-1]
    await bot.say(lan, checkin_code(screen.text))

    bot.clock.current = local("01/10/2025 08:00")  # 31 months later
    before = await _stats_2023(bot, place.director)
    assert (await bot.say(place.director, "/retention 36"))[-1].text == (
        "Xong: tên người trong các hoạt động đã qua nay được giữ 36 tháng."
    )
    assert bot.app is not None
    assert await retention.run(bot.app.db, bot.clock()) == 0  # 36 months: still kept
    await bot.say(place.director, "/retention 24")
    assert await retention.run(bot.app.db, bot.clock()) == 1

    assert await _stats_2023(bot, place.director) == before
    shown = (await bot.say(lan, "/mydata"))[-1]
    assert "• Số lần đăng ký: 0; số lần điểm danh: 0" in (shown.text or "")  # her old visit is no longer hers
    async with bot.app.db.session() as session:
        visit_owner = await session.scalar(select(Person).join(Attendance, Attendance.person_id == Person.id))
        assert visit_owner is not None and visit_owner.full_name is None and visit_owner.forgotten_at is not None
        assert await session.scalar(select(func.count()).select_from(Attendance)) == 1
        told = select(func.count()).select_from(Delivery).where(Delivery.kind == DeliveryKind.NOTICE)
        assert await session.scalar(told) == 0  # who was given which role in 2023 is gone too
    log = (await bot.say(place.director, "/audit"))[-1].text or ""
    assert "hệ thống: ẩn danh hóa dữ liệu hoạt động cũ của 1 người" in log


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert retention.months_before(datetime(2026, 3, 31, 5, tzinfo=UTC), 1) == datetime(2026, 2, 28, 5, tzinfo=UTC)
    assert retention.months_before(datetime(2026, 1, 15, tzinfo=UTC), 24) == datetime(2024, 1, 15, tzinfo=UTC)
