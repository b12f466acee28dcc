"""The check-in desk: people without phones found by name (accents optional), a paper sheet pasted
afterwards, walk-ins counted without names, and closing the session."""

from __future__ import annotations

from bot.channels.telegram.fake import FakeTelegram
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, onboard, publish


async def test_staff_check_people_in_at_the_desk_and_close_the_session(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    lan, hoa = fake.add_user("Lan"), fake.add_user("Hoa")
    await onboard(bot, lan)
    await onboard(bot, hoa, name="Trần Thị Hoa", village="Thôn Tây")
    await bot.say(lan, f"/register {activity_id}")
    bot.clock.current = local("06/10/2025 13:20")
    hung = place.director
    code = checkin_code((await bot.say(hung, f"/checkin {activity_id}"))[-1].text)

    opened = (await bot.say(hung, f"/desk {activity_id}"))[-1]
    assert opened.text.startswith("Bàn điểm danh đã mở:\nChuyên đề phòng chống lừa đảo qua mạng")
    found = (await bot.say(hung, "nguyen thi lan"))[-1]
    assert found.buttons == ["Nguyễn Thị Lan (1965, Thôn Đông)"]
    assert (await bot.press(hung, found, found.buttons[0]))[-1].text == "✅ Đã điểm danh Nguyễn Thị Lan."
    sheet = (await bot.say(hung, "Trần Thị Hoa\nLê Văn Khách\n- Nguyễn Thị Lan"))[-1]
    assert sheet.text.splitlines() == [
        "Từ tờ ký: đã điểm danh 1 người.",
        "Không tìm thấy: Lê Văn Khách",
        "Để đăng ký người chưa có, gửi:",
        "/add",
        "Để đếm người đến không ghi tên, gửi số người đến, rồi số nữ, ví dụ:",
        "/headcount 2 1",
    ]
    assert (await bot.say(hung, "/headcount 5 9"))[-1].text.startswith("Số nữ không thể nhiều hơn số người đến.")
    assert (await bot.say(hung, "/headcount 12 7"))[-1].text == "Đã đếm 12 người đến không đăng ký, trong đó 7 nữ."
    closed = (await bot.say(hung, "/close"))[-1]
    assert closed.text == "Đã đóng buổi. Có mặt: 2 người có tên và 12 người đếm thêm; 1 người đã đăng ký."

    late = fake.add_user("Muộn")
    await onboard(bot, late, name="Người Muộn")
    assert (await bot.say(late, code))[-1].text.startswith("Mã chưa đúng, hoặc chưa đến giờ điểm danh.")
    assert (await bot.say(lan, "/desk 1"))[-1].text.startswith(
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc, cán bộ Trung tâm và trưởng thôn"
    )


async def test_a_walk_in_is_added_by_name_at_the_desk_and_the_desk_stays_open(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    bot.clock.current = local("06/10/2025 13:40")
    hung = place.director
    await bot.say(hung, f"/desk {activity_id}")
    consent = (await bot.say(hung, f"/add {activity_id}"))[-1]
    await bot.press(hung, consent, "Có, người đó đã đồng ý")
    await bot.say(hung, "Đinh Thị Gấm")
    await bot.say(hung, "nữ")
    await bot.say(hung, "1944")
    done = await bot.say(hung, "Thôn Bắc")
    assert done[-1].text == "✅ Đã điểm danh Đinh Thị Gấm."
    closed = (await bot.say(hung, "/close"))[-1]  # still at the desk
    assert closed.text == "Đã đóng buổi. Có mặt: 1 người có tên và 0 người đếm thêm; 0 người đã đăng ký."


async def test_a_class_counts_one_visit_per_session_and_my_shows_them(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    for answer in (
        "/new",
        "lop hoc",
        "Lớp dưỡng sinh",
        "Chuyên đề Giáo dục sức khỏe",
        "thu 7 tuan sau 6h",
        "2",
        "1h",
        "Nhà văn hóa thôn Đông",
    ):
        await bot.say(hung, answer)
    await bot.press(hung, hung.private_chat.bot_messages[-1], "📢 Đăng ngay")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    activity_id = 1
    await bot.say(lan, f"/register {activity_id}")
    for day in ("11/10/2025 06:10", "18/10/2025 06:10"):
        bot.clock.current = local(day)
        await bot.deliver()  # staff are told check-in has opened (scheduler/checkin_codes.py) before the desk
        await bot.say(hung, f"/desk {activity_id}")
        listed = (await bot.say(hung, "Thôn Đông"))[-1]
        assert listed.text == "Đã đăng ký ở Thôn Đông:" and listed.buttons == ["Nguyễn Thị Lan (1965, Thôn Đông)"]
        await bot.press(hung, listed, listed.buttons[0])
        await bot.say(hung, "/close")
    mine = await bot.say(lan, "/my")
    assert mine[0].text == "Bà đã tham gia 2 buổi. Cảm ơn bà!"
