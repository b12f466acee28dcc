"""Issue 18, the village hall: what real people stumbled on, each test named for the person it helps."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Registration, RegistrationStatus
from tests.conftest import Bot
from tests.journeys import commune, local, onboard, publish


async def test_a_newcomer_who_types_register_is_registered_once_she_has_agreed(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    lan = fake.add_user("Lan", language_code="vi")
    notice = (await bot.say(lan, f"/register {activity_id}"))[-1]
    assert notice.text is not None and "Đồng ý" in notice.text  # the privacy notice first, the talk kept
    await bot.press(lan, notice, "✅ Đồng ý")
    await bot.say(lan, "Nguyễn Thị Lan")
    await bot.press(lan, lan.private_chat.bot_messages[-1], "Nữ")
    await bot.say(lan, "1965")
    done = await bot.press(lan, lan.private_chat.bot_messages[-1], "Thôn Đông")
    assert (done[-1].text or "").startswith("Bạn đã đăng ký Chuyên đề phòng chống lừa đảo qua mạng")
    assert bot.app is not None
    async with bot.app.db.session() as session:
        statuses = list(await session.scalars(select(Registration.status)))
    assert statuses == [RegistrationStatus.REGISTERED]


async def test_staff_shown_a_good_ticket_a_week_early_are_told_when_check_in_opens(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="13/10/2025 13:30")
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    await bot.say(lan, f"/register {activity_id}")
    ticket = (await bot.say(lan, f"/ticket {activity_id}"))[-1]
    bot.clock.current = local("06/10/2025 09:00")
    text, opened = place.director.scan(ticket)  # the director's phone reads the QR and opens the bot on it
    assert text is not None and opened is not None
    await bot.settle()
    early = place.director.private_chat.bot_messages[-1].text
    assert early == (
        "Điểm danh cho Chuyên đề phòng chống lừa đảo qua mạng mở lúc 13:00, 13/10/2025, nửa tiếng trước khi bắt "
        "đầu. Vé này hợp lệ."
    )


async def test_a_resident_reads_in_the_privacy_notice_how_long_her_data_are_kept(bot: Bot, fake: FakeTelegram) -> None:
    await commune(bot, fake)
    lan = fake.add_user("Lan", language_code="vi")
    notice = (await bot.say(lan, "/start"))[-1].text or ""
    assert (
        "• Lưu bao lâu: cho đến khi bạn xóa, và nhiều nhất 24 tháng sau các hoạt động bạn đã tham gia; sau đó chỉ "
        "còn số tổng, không có tên." in notice
    )
