"""Issue 18, the village hall: what real people stumbled on, each test named for the person it helps."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Registration, RegistrationStatus
from tests.conftest import Bot
from tests.journeys import commune, local, make_head, onboard, publish


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
    assert (done[-1].text or "").startswith("Đã đăng ký xong cho bà:\nChuyên đề phòng chống lừa đảo qua mạng")
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
        "• Lưu bao lâu: cho đến khi xóa, và nhiều nhất 24 tháng sau các hoạt động đã tham gia; sau đó chỉ "
        "còn số tổng, không có tên." in notice
    )


async def test_staff_who_send_calloff_alone_pick_the_activity_from_the_soonest(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    ids = [
        await publish(bot, place, f"Lớp học số {n}", start=f"{6 + n:02d}/10/2025 08:00") for n in range(8)
    ]  # fmt: skip
    asked = (await bot.say(place.director, "/calloff"))[-1]
    assert asked.text == "Xin chọn hoạt động:"
    assert asked.buttons == [f"{6 + n:02d}/10 08:00 · Lớp học số {n}" for n in range(6)] + ["➡ Xem thêm"]
    more = await bot.press(place.director, asked, "➡ Xem thêm")
    assert more[-1].buttons == ["12/10 08:00 · Lớp học số 6", "13/10 08:00 · Lớp học số 7"]
    chosen = await bot.press(place.director, more[-1], "13/10 08:00 · Lớp học số 7")
    assert (chosen[-1].text or "").startswith("📢 Lớp học số 7\n🗓 Thứ Hai, 13/10/2025 lúc 08:00")
    assert chosen[-1].buttons == ["Có, hủy hoạt động", "✖ Không"]
    assert len(ids) == 8


async def test_a_village_head_who_sends_text_or_add_alone_picks_from_a_list_not_a_number(
    both: Bot, fake: FakeTelegram
) -> None:
    from tests.people import OnZalo

    assert both.zalo is not None
    place = await commune(both, fake)
    activity_id = await publish(both, place)
    head = OnZalo(both, both.zalo.add_user("Tâm"))
    await head.say("Xin chào")
    for answer in ("Đồng ý", "Vũ Văn Tâm", "2", "1960", "Thôn Tây"):
        await head.say(answer)
    await make_head(both, place.center_id, "Vũ Văn Tâm", place.villages, "Thôn Tây")
    assert (await head.say("/text"))[
        -1
    ] == "Xin chọn hoạt động:\n\n1. 06/10 13:30 · Chuyên đề phòng chống lừa đảo qua mạng"
    pasted = (await head.say("1"))[-1]
    assert f"DK {activity_id} {place.villages['Thôn Tây']}" in pasted
    await head.say("add")
    assert (await head.say("1"))[-1].startswith("Đang đăng ký cho người không có điện thoại.")
