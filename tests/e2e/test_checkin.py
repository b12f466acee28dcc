"""Self check-in at the venue with a code that changes every minute, and its refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import ActivitySession, Attendance, Center, Registration
from bot.services import checkin
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, onboard, publish


async def _present(bot: Bot) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Attendance)) or 0)


async def test_residents_check_in_with_the_code_of_the_minute_and_count_once(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    bot.clock.current = local("06/10/2025 13:10")

    screen = (await bot.say(place.director, f"/checkin {activity_id}"))[-1]
    assert screen.text.startswith("Điểm danh: Chuyên đề phòng chống lừa đảo qua mạng\nMã: ")
    code = checkin_code(screen.text)
    done = (await bot.say(lan, code))[-1]
    assert done.text.startswith("✅ Đã điểm danh: Chuyên đề phòng chống lừa đảo qua mạng. Chào mừng bà!")
    assert (await bot.say(lan, code))[-1].text == "Bà đã điểm danh Chuyên đề phòng chống lừa đảo qua mạng rồi."
    assert await _present(bot) == 1

    bot.clock.advance(minutes=1)
    await bot.deliver()
    assert screen.edits == 1 and checkin_code(screen.text) != code  # the screen shows the new minute's code
    bot.clock.advance(minutes=2)
    hoa = fake.add_user("Hoa")
    await onboard(bot, hoa, name="Trần Thị Hoa")
    assert (await bot.say(hoa, code))[-1].text == "Mã này đã hết hạn. Xin gõ mã đang hiện bây giờ."
    assert bot.app is not None
    async with bot.app.db.session() as session:
        secret = (await session.scalar(select(Center))).secret  # type: ignore[union-attr]
        [session_id] = [s.id for s in await session.scalars(select(ActivitySession))]
    window = {checkin.code(secret, session_id, checkin.minute_of(local("06/10/2025 13:00")) + m) for m in range(20)}
    wrong = next(f"{n:04d}" for n in range(10000) if f"{n:04d}" not in window)
    assert (await bot.say(hoa, wrong))[-1].text.startswith("Mã chưa đúng")
    assert await _present(bot) == 1


async def test_the_qr_checks_in_and_refuses_another_sessions_code(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    first = await publish(bot, place, start="06/10/2025 13:30")
    second = await publish(bot, place, "Lớp dưỡng sinh", start="06/10/2025 14:00")
    bot.clock.current = local("06/10/2025 13:35")  # both windows are open
    first_screen = (await bot.say(place.director, f"/checkin {first}"))[-1]
    other_screen = (await bot.say(place.director, f"/checkin {second}"))[-1]
    qr = (await bot.press(place.director, first_screen, "📷 Hiện mã QR"))[-1]
    assert qr.photo is not None and qr.photo.startswith(b"\x89PNG")
    button = first_screen.reply_markup["inline_keyboard"][0][0]  # type: ignore[index]
    session_id = int(button["callback_data"].split()[-1])

    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    wrong = await bot.say(lan, f"/start k{session_id}-{checkin_code(other_screen.text)}")
    assert wrong[-1].text == "Mã điểm danh này thuộc hoạt động khác."
    right = await bot.say(lan, f"/start k{session_id}-{checkin_code(qr.text)}")
    assert right[-1].text.startswith("✅ Đã điểm danh: Chuyên đề phòng chống lừa đảo qua mạng.")


async def test_check_in_is_refused_outside_the_window_and_to_residents(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    refused = (await bot.say(lan, f"/checkin {activity_id}"))[-1]
    assert refused.text == "Xin lỗi, lệnh này chỉ dành cho Giám đốc và cán bộ Trung tâm:\n/checkin"
    bot.clock.current = local("06/10/2025 12:30")
    early = (await bot.say(place.director, f"/checkin {activity_id}"))[-1]
    assert early.text.startswith("Điểm danh cho Chuyên đề phòng chống lừa đảo qua mạng mở từ 30 phút trước")
    bot.clock.current = local("06/10/2025 13:40")
    code = checkin_code((await bot.say(place.director, f"/checkin {activity_id}"))[-1].text)
    bot.clock.current = local("06/10/2025 14:31")  # more than an hour after the start
    late = (await bot.say(lan, code))[-1]
    assert late.text.startswith("Mã chưa đúng, hoặc chưa đến giờ điểm danh.")
    assert await _present(bot) == 0


async def test_staff_scan_a_residents_ticket_and_forged_tickets_are_refused(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, f"/register {activity_id}")
    mine = await bot.say(lan, "/my")
    ticket = (await bot.press(lan, mine[1], "🎫 Vé"))[-1]
    assert ticket.photo is not None and ticket.photo.startswith(b"\x89PNG")
    assert ticket.text == "Vé của bà cho Chuyên đề phòng chống lừa đảo qua mạng. Xin đưa vé này ở bàn điểm danh."

    assert bot.app is not None
    async with bot.app.db.session() as session:
        secret = (await session.scalar(select(Center))).secret  # type: ignore[union-attr]
        [registration] = list(await session.scalars(select(Registration)))
    payload = f"t{registration.id}-{checkin.ticket_signature(secret, registration.id)}"  # what the QR holds

    bot.clock.current = local("06/10/2025 13:20")
    await bot.deliver()  # the reminder due at 11:30 goes out now, not in the middle of what follows
    hung = place.director
    forged = await bot.say(hung, f"/start t{registration.id}-000000000000")
    assert forged[-1].text == "Vé này không hợp lệ."
    other = await bot.say(hung, f"/start t{registration.id + 1}-{payload.split('-')[1]}")
    assert other[-1].text == "Vé này không hợp lệ."
    shown = (await bot.say(lan, f"/start {payload}"))[-1]
    assert shown.text == "Đây là vé điểm danh. Xin đưa vé ở bàn điểm danh."

    ask = (await bot.say(hung, f"/start {payload}"))[-1]
    assert ask.text == (
        "Điểm danh cho Nguyễn Thị Lan (1965, Thôn Đông)\ntại Chuyên đề phòng chống lừa đảo qua mạng, đúng không ạ?"
    )
    done = (await bot.press(hung, ask, "✅ Xác nhận"))[-1]
    assert done.text == "✅ Đã điểm danh Nguyễn Thị Lan."
    assert await _present(bot) == 1
    assert (await bot.say(hung, f"/ticketok t{registration.id}-ffffffffffff"))[-1].text == "Vé này không hợp lệ."
    assert (await bot.say(lan, f"/ticketok {payload}"))[-1].text.startswith(
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc, cán bộ"
    )


async def test_staff_who_type_checkin_alone_get_what_is_open_now(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await publish(bot, place, start="06/10/2025 13:30")
    await publish(bot, place, "Lớp dưỡng sinh", start="06/10/2025 14:00")
    bot.clock.current = local("06/10/2025 09:00")
    closed = await bot.say(place.director, "/checkin")
    assert closed[-1].text.startswith("Chưa mở điểm danh cho hoạt động nào")

    bot.clock.current = local("06/10/2025 13:10")  # only the talk's window is open
    await bot.deliver()
    screen = (await bot.say(place.director, "/checkin"))[-1]
    assert screen.text.startswith("Điểm danh: Chuyên đề phòng chống lừa đảo qua mạng\nMã: ")

    bot.clock.current = local("06/10/2025 13:40")  # both are open
    await bot.deliver()  # he is told the class's check-in opened (tests/e2e/test_hall_screen.py), before he asks
    choice = (await bot.say(place.director, "/checkin"))[-1]
    assert choice.buttons == ["13:30 · Chuyên đề phòng chống lừa đảo qua mạng", "14:00 · Lớp dưỡng sinh"]
    opened = await bot.press(place.director, choice, "14:00 · Lớp dưỡng sinh")
    assert opened[-1].text.startswith("Điểm danh: Lớp dưỡng sinh\nMã: ")
