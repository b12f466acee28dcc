"""/stats on the day: registrations, the waitlist, who checked in (and how many women), walk-ins and the
attendance rate, for the whole center and by village; a village head sees only their own village."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import ActivitySession, Attendance
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, onboard, publish


async def test_on_the_day_stats_count_the_seated_the_waiting_the_present_and_the_walk_ins(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    activity_id = await publish(bot, place, "Phòng chống lừa đảo", start="06/10/2025 13:30", capacity=2)
    lan, hoa, mai = fake.add_user("Lan"), fake.add_user("Hoa"), fake.add_user("Mai")
    await onboard(bot, lan)  # Thôn Đông
    await onboard(bot, hoa, name="Trần Thị Hoa", village="Thôn Tây")
    await onboard(bot, mai, name="Lê Văn Mai", gender="male", village="Thôn Tây")
    for person in (lan, hoa, mai):
        await bot.say(person, f"/register {activity_id}")  # Mai is third: on the waitlist

    bot.clock.current = local("06/10/2025 13:25")
    screen = (await bot.say(hung, f"/checkin {activity_id}"))[-1]
    code = checkin_code(screen.text)
    await bot.say(lan, code)
    await bot.say(mai, code)  # came although waiting: a walk-in
    await bot.say(hung, f"/desk {activity_id}")
    await bot.say(hung, "/headcount 5 3")
    await bot.say(hung, "/close")
    bot.clock.current = local("06/10/2025 14:00")

    text = (await bot.say(hung, "/stats"))[-1].text or ""
    line = next(line for line in text.splitlines() if "Phòng chống lừa đảo" in line)
    assert line == ("• 06/10 13:30 Phòng chống lừa đảo: đăng ký 2/2, chờ 1, có mặt 7 (4 nữ), vãng lai 6, đến 50%")
    message = (await bot.say(hung, "/stats"))[-1]
    await bot.press(hung, message, "🏘 Theo thôn")
    by_village = (message.text or "").splitlines()
    assert "• Thôn Đông: 1 (1 nữ); đăng ký 1, chờ 0, có mặt 1" in by_village
    assert "• Thôn Tây: 1 (0 nữ); đăng ký 1, chờ 1, có mặt 1" in by_village
    assert "• Người được đếm không ghi tên và người chưa rõ thôn: 5 (3 nữ); đăng ký 0, chờ 0, có mặt 0" in by_village

    await bot.say(hung, "/population 5550")
    head = fake.add_user("Tâm")
    await onboard(bot, head, name="Vũ Văn Tâm", gender="male", village="Thôn Tây")
    await bot.say(hung, "/appoint head Thôn Tây")
    await bot.press(hung, hung.private_chat.bot_messages[-1], "Vũ Văn Tâm (1965)")
    await bot.deliver()  # the appointee is told of the role (an outbox row) now, not in the middle of a later answer
    own = (await bot.say(head, "/stats"))[-1]
    assert (own.text or "").startswith("📊 Thôn Tây: năm 2025")
    assert "• 06/10 13:30 Phòng chống lừa đảo: đăng ký 1, chờ 1, có mặt 1 (0 nữ), vãng lai 1, đến 0%" in (
        own.text or ""
    )
    assert "Tổng: 1 lớp, 1 lượt người (0 nữ)" in (own.text or "")
    assert "Người học ÷ dân số" not in (own.text or "")  # the commune's population is not the village's
    assert "🏘 Theo thôn" not in own.buttons and "🏘 Chọn thôn" not in own.buttons  # one village: nothing to compare
    forged = (await bot.say(head, f"/stats y2025 #v{place.villages['Thôn Đông']}"))[-1]
    assert forged.text == "Chỉ xem được số liệu của thôn mình."


async def test_a_corrected_gender_is_counted_again_and_tallies_equal_the_rows(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    activity_id = await publish(bot, place, "Phòng chống lừa đảo", start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)  # a woman, by mistake
    bot.clock.current = local("06/10/2025 13:25")
    screen = (await bot.say(hung, f"/checkin {activity_id}"))[-1]
    await bot.say(lan, checkin_code(screen.text))
    bot.clock.current = local("06/10/2025 14:00")
    assert "Tổng: 1 lớp, 1 lượt người (1 nữ)" in ((await bot.say(hung, "/stats"))[-1].text or "")

    for answer in ("/profile", "-", "nam", "-", "-"):
        await bot.say(lan, answer)
    assert "Tổng: 1 lớp, 1 lượt người (0 nữ)" in ((await bot.say(hung, "/stats"))[-1].text or "")
    assert bot.app is not None
    async with bot.app.db.session() as session:
        tallies = (
            await session.execute(select(func.sum(ActivitySession.visits), func.sum(ActivitySession.women_visits)))
        ).one()
        rows = await session.scalar(select(func.count()).select_from(Attendance))
    assert tuple(tallies) == (rows, 0) == (1, 0)
