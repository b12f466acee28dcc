"""Zalo: residents and village heads use the bot by typing, through the fake Zalo Bot API over HTTP, beside
Telegram and on the same database."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import func, select

from bot.models import Attendance
from tests.conftest import Bot
from tests.journeys import center_with_director, checkin_code, commune, local, make_head, publish, tr
from tests.people import OnZalo, director_on_zalo


async def _present(bot: Bot) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Attendance)) or 0)


async def test_a_zalo_resident_goes_from_her_first_message_to_checked_in_by_typing(both: Bot) -> None:
    assert both.zalo is not None
    place = await commune(both, both.fake)
    activity_id = await publish(both, place, start="06/10/2025 13:30")
    lan = OnZalo(both, both.zalo.add_user("Lan Nguyễn"))

    notice = (await lan.say("Xin chào"))[-1]  # no /start on Zalo: her first words open the bot
    assert "số tài khoản trên ứng dụng nhắn tin này" in notice
    assert notice.endswith("Thông tin chỉ được lưu sau khi nhắn “Đồng ý” hoặc số 1.\n\n1. ✅ Đồng ý\n2. English")
    assert (await lan.say("dong y"))[-1] == "Xin cho biết họ và tên, ví dụ: Nguyễn Thị Lan."
    said = await lan.say("Nguyễn Thị Lan")  # "Thị": she is not asked whether she is a woman
    assert said[-2:] == ["Đã ghi: Nguyễn Thị Lan (Nữ).", "Xin cho biết năm sinh, ví dụ: 1965."]
    assert (await lan.say("1965"))[-1] == "Xin chọn thôn nơi đang sống:\n\n1. Thôn Bắc\n2. Thôn Tây\n3. Thôn Đông"
    profile = (await lan.say("thôn đông"))[-1]
    assert profile.startswith("Thông tin đã lưu:\n• Nguyễn Thị Lan\n• Nữ, sinh năm 1965\n• Thôn Đông")

    listed = await lan.say("hoat dong")
    assert listed[-1].startswith("📢 Chuyên đề phòng chống lừa đảo qua mạng")
    assert listed[-1].endswith("1. ✍️ Đăng ký\n2. 📅 Thêm vào lịch")
    registered = (await lan.say("1"))[-1]
    assert registered.startswith("Đã đăng ký xong cho bà:\nChuyên đề phòng chống lừa đảo qua mạng")

    both.clock.current = local("06/10/2025 13:10")
    screen = (await both.say(place.director, f"/checkin {activity_id}"))[-1]
    done = (await lan.say(checkin_code(screen.text)))[-1]
    assert done.startswith("✅ Đã điểm danh: Chuyên đề phòng chống lừa đảo qua mạng.")
    assert await _present(both) == 1
    assert lan.sent == 8  # nine when issue 17 closed; her middle name now tells her gender


async def test_every_answer_zalo_gets_is_one_zalo_takes(both: Bot) -> None:
    assert both.zalo is not None
    place = await commune(both, both.fake)
    for number in range(5):
        await publish(both, place, title=f"Lớp tập huấn số {number + 1} " + "rất dài " * 30)
    lan = OnZalo(both, both.zalo.add_user("Lan"))
    await lan.say("Xin chào")
    for answer in ("1", "Nguyễn Thị Lan", "1965", "3"):
        await lan.say(answer)
    await lan.say("/events")
    sent = [call for call in both.zalo.calls_to("sendMessage") if call.code == 200]
    assert all(1 <= len(call.params["text"]) <= 2000 for call in sent)
    assert not [call for call in both.zalo.calls if call.code not in (200, 408)]


async def test_a_village_heads_pasted_text_credits_the_village_in_stats(both: Bot) -> None:
    assert both.zalo is not None
    director = await center_with_director(both, both.fake)  # no village group linked: on Zalo there are none
    await both.say(director, "/appoint head")
    await both.press(director, director.private_chat.bot_messages[-1], "Thôn Đông")
    invite = director.private_chat.bot_messages[-1]
    assert invite.buttons[-1] == "🔗 Tạo đường dẫn mời dùng một lần"
    made = (await both.press(director, invite, invite.buttons[-1]))[-1].text or ""
    typed = re.search(r"Zalo, nhắn cho Loa Làng:\n(start \S+)", made)
    assert typed is not None, made

    ba = OnZalo(both, both.zalo.add_user("Bác Ba"))
    await ba.say(typed.group(1))
    await ba.say("Đồng ý")
    for answer in ("Trần Văn Ba", "1958", "Thôn Đông"):
        await ba.say(answer)

    place = await commune_of(both)
    activity_id = await publish(both, place, title="Tập huấn trồng lúa", start="06/10/2025 08:00")
    await both.deliver()
    pasted = ba.read[-1]
    assert pasted.startswith("📢 Tập huấn trồng lúa")
    line = f"DK {activity_id} {place.villages['Thôn Đông']}"
    assert f"Để đăng ký qua Zalo, nhắn cho Loa Làng:\n{line}" in pasted
    assert "https://t.me/loalang_bot?start=a" in pasted  # readers on Telegram have their link too

    # In the village's Zalo group, a resident of the next village reads it and types what it says.
    hoa = OnZalo(both, both.zalo.add_user("Hoa"))
    await hoa.say(line.lower())
    await hoa.say("Đồng ý")
    for answer in ("Lê Thị Hoa", "1970", "Thôn Tây"):
        await hoa.say(answer)
    assert hoa.read[-1].startswith("Đã đăng ký xong cho cô:\nChuyên đề: Tập huấn trồng lúa")

    stats = (await both.say(director, "/stats"))[-1]
    await both.press(director, stats, "🏘 Theo thôn")  # the same message, edited
    text = stats.text or ""
    said = tr("vi", "• {village}: {visits} ({women} women); registered {registered}, waiting {waiting}, here {here}")
    assert said.format(village="Thôn Đông", visits=0, women=0, registered=1, waiting=0, here=0) in text
    assert said.format(village="Thôn Tây", visits=0, women=0, registered=0, waiting=0, here=0) in text


async def test_the_head_of_two_villages_gets_one_text_to_paste(both: Bot) -> None:
    assert both.zalo is not None
    await center_with_director(both, both.fake)
    place = await commune_of(both)
    ba = OnZalo(both, both.zalo.add_user("Bác Ba"))
    await ba.say("Xin chào")
    for answer in ("Đồng ý", "Trần Văn Ba", "1958", "Thôn Đông"):
        await ba.say(answer)
    await make_head(both, place.center_id, "Trần Văn Ba", place.villages, "Thôn Đông", "Thôn Tây")
    before = len(ba.read)
    activity_id = await publish(both, place, title="Tập huấn trồng lúa")
    await both.deliver()
    pasted = [text for text in ba.read[before:] if text.startswith("📢 Tập huấn trồng lúa")]
    assert len(pasted) == 1 and f"DK {activity_id} {place.villages['Thôn Đông']}" in pasted[0]


async def commune_of(bot: Bot):  # type: ignore[no-untyped-def]
    """The center made by center_with_director, as tests.journeys.Commune (no groups)."""
    from bot.models import Center, Village
    from tests.journeys import Commune

    assert bot.app is not None
    async with bot.app.db.session() as session:
        center = await session.scalar(select(Center))
        assert center is not None
        villages = {v.name: v.id for v in await session.scalars(select(Village).where(Village.center_id == center.id))}
    return Commune(center.id, None, {}, villages)  # type: ignore[arg-type]


async def test_what_a_zalo_resident_types_is_read_forgivingly(both: Bot) -> None:
    assert both.zalo is not None
    place = await commune(both, both.fake)
    activity_id = await publish(both, place)
    lan = OnZalo(both, both.zalo.add_user("Lan"))
    await lan.say("Chào cháu")
    for answer in ("ĐỒNG Ý", "Nguyễn Thị Lan", "nữ", "1965", "Thon Dong"):
        await lan.say(answer)
    assert lan.read[-1].startswith("Thông tin đã lưu:\n• Nguyễn Thị Lan\n• Nữ, sinh năm 1965\n• Thôn Đông")

    for typed in ("/my", "my", "MY", "của tôi", "Cua toi"):
        assert (await lan.say(typed)) == [
            "Bà chưa đăng ký hoạt động nào sắp tới. Để xem các hoạt động, gửi:\n/events"
        ], typed
    assert (await lan.say(f"ĐK {activity_id}"))[-1].startswith("Đã đăng ký xong cho bà:\nChuyên đề phòng chống lừa đảo")
    assert (await lan.say(f"huỷ đăng ký {activity_id}"))[-1].startswith("Đã trả lại chỗ của bà ở Chuyên đề")

    understood = "Xin lỗi, Loa Làng chưa hiểu. Có thể nhắn:\n• hoạt động: xem các buổi sắp tới\n• của tôi:"
    assert (await lan.say("hôm nay trời đẹp quá"))[-1].startswith(understood)
    lan.user.send_sticker()
    await both.settle()
    assert lan.read[-1].startswith(understood)

    asked = (await lan.say("forget"))[-1]
    assert "🗑 Có, xóa dữ liệu" in asked
    assert (await lan.say("forget"))[-1] == asked  # typed again, the word asks again: it never confirms
    await lan.say("profile")
    assert lan.read[-1].startswith("Xin cho biết họ và tên, ví dụ: Nguyễn Thị Lan.\n\n1. Giữ nguyên: Nguyễn Thị Lan")
    assert (await lan.say("Huỷ bỏ"))[-1] == "Đã hủy. Chưa có gì được lưu."  # mid-question, words that cancel


async def test_on_zalo_reminders_are_answered_by_number_and_files_come_as_links(both: Bot) -> None:
    assert both.zalo is not None and both.zalo.fetch_transport is not None
    place = await commune(both, both.fake)
    activity_id = await publish(both, place, start="06/10/2025 13:30", reminders="30m")
    lan = OnZalo(both, both.zalo.add_user("Lan"))
    await lan.say("Xin chào")
    for answer in ("1", "Nguyễn Thị Lan", "1965", "3", f"dk {activity_id}"):
        await lan.say(answer)

    both.clock.current = local("06/10/2025 13:00")
    await both.deliver()
    reminder = lan.read[-1]
    assert reminder.startswith("⏰ Nhắc lịch\n📢 Chuyên đề phòng chống lừa đảo qua mạng")
    assert reminder.endswith("Bà vẫn đến dự chứ ạ?\n\n1. ✅ Có, tôi sẽ đến\n2. 🙅 Không đi được")
    assert (await lan.say("2"))[-1].startswith("Đã trả lại chỗ của bà ở Chuyên đề phòng chống lừa đảo qua mạng.")

    answer = (await lan.say("/mydata"))[-1]
    link = re.search(r"(http://loalang\.test/f/\S+)", answer)
    assert link is not None, answer
    async with httpx.AsyncClient(transport=both.zalo.fetch_transport, base_url="http://loalang.test") as web:
        mine = await web.get(link.group(1))
        assert mine.status_code == 200 and "Nguyễn Thị Lan" in mine.text
        assert mine.headers["cache-control"] == "private, no-store"
        both.clock.advance(hours=25)
        assert (await web.get(link.group(1))).status_code == 404  # a day later the link has expired
        assert (await web.get("/f/guessed-token/mydata.json")).status_code == 404


async def test_staff_on_zalo_see_a_new_code_each_minute_and_the_chart_as_a_picture(both: Bot) -> None:
    hung = await director_on_zalo(both)
    place = await commune_of(both)
    activity_id = await publish(both, place, start="06/10/2025 13:30")

    both.clock.current = local("06/10/2025 13:10")
    screen = (await hung.say(f"/checkin {activity_id}"))[-1]
    first = checkin_code(screen)
    both.clock.advance(minutes=1)
    before = len(hung.read)
    await both.deliver()  # the new code, and the reminder half an hour before, which he is told of too
    renewed = next(text for text in hung.read[before:] if text.startswith("Điểm danh: "))
    assert renewed.startswith("Điểm danh: Chuyên đề phòng chống lừa đảo qua mạng\nMã: ")
    assert checkin_code(renewed) != first  # Zalo cannot edit: the new minute's code comes as a new message

    before = len(hung.user.private_chat.bot_messages)
    await hung.say("/stats")
    shown = hung.user.private_chat.bot_messages[before:]
    pictures = [message for message in shown if message.photo is not None]
    assert len(pictures) == 1 and pictures[0].photo.startswith(b"\x89PNG")  # type: ignore[union-attr]
    assert pictures[0].photo_url is not None and pictures[0].photo_url.startswith("http://loalang.test/f/")
    report = (await hung.say("/report 2025 csv"))[-1]
    assert re.search(r"http://loalang\.test/f/\S+\.csv", report), report
