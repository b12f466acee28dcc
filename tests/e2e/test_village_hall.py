"""Issue 18, the village hall: what real people stumbled on, each test named for the person it helps."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Registration, RegistrationStatus
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, make_head, onboard, publish


async def test_a_newcomer_who_types_register_is_registered_once_she_has_agreed(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    lan = fake.add_user("Lan", language_code="vi")
    notice = (await bot.say(lan, f"/register {activity_id}"))[-1]
    assert notice.text is not None and "Đồng ý" in notice.text  # the privacy notice first, the talk kept
    await bot.press(lan, notice, "✅ Đồng ý")
    await bot.say(lan, "Nguyễn Thị Lan")
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
    for answer in ("Đồng ý", "Vũ Văn Tâm", "1960", "Thôn Tây"):
        await head.say(answer)
    await make_head(both, place.center_id, "Vũ Văn Tâm", place.villages, "Thôn Tây")
    assert (await head.say("/text"))[
        -1
    ] == "Xin chọn hoạt động:\n\n1. 06/10 13:30 · Chuyên đề phòng chống lừa đảo qua mạng"
    pasted = (await head.say("1"))[-1]
    assert f"DK {activity_id} {place.villages['Thôn Tây']}" in pasted
    await head.say("add")
    assert (await head.say("1"))[-1].startswith("Đang đăng ký cho người không có điện thoại.")


async def test_a_resident_who_registers_from_a_card_sees_the_card_say_so(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await publish(bot, place)
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    card = (await bot.say(lan, "/events"))[1]
    assert card.buttons == ["✍️ Đăng ký", "📅 Thêm vào lịch"]
    await bot.press(lan, card, "✍️ Đăng ký")
    assert card.text.startswith("✅ Đã đăng ký.\n📢 Chuyên đề phòng chống lừa đảo qua mạng")
    assert "✍️ Đã đăng ký: 1/100 (còn 99 chỗ)" in card.text
    assert card.buttons == ["🎫 Vé", "📅 Thêm vào lịch", "🙅 Không đi được"]
    await bot.press(lan, card, "🙅 Không đi được")
    assert card.text.startswith("📢 Chuyên đề") and card.buttons == ["✍️ Đăng ký", "📅 Thêm vào lịch"]


async def test_a_resident_who_has_checked_in_is_no_longer_offered_to_give_back_her_seat(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    await bot.say(lan, f"/register {activity_id}")
    bot.clock.current = local("06/10/2025 13:10")
    screen = (await bot.say(place.director, f"/checkin {activity_id}"))[-1]
    await bot.say(lan, checkin_code(screen.text))
    for listing in ("/my", "/events"):
        card = (await bot.say(lan, listing))[-1]
        assert card.text.startswith("☑️ Đã điểm danh."), listing
        assert card.buttons == ["📅 Thêm vào lịch"], listing


async def test_every_card_a_resident_opens_counts_the_seats_the_group_card_counts(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, capacity=2)
    first, second = fake.add_user("Một"), fake.add_user("Hai")
    for user, name in ((first, "Người Một"), (second, "Người Hai")):
        await onboard(bot, user, name=name)
        await bot.say(user, f"/register {activity_id}")
    hoa = fake.add_user("Hoa", language_code="vi")
    await onboard(bot, hoa, name="Trần Thị Hoa")
    listed = (await bot.say(hoa, "/events"))[-1]
    mine = (await bot.say(place.director, "/events"))[-1]
    pasted = (await bot.say(place.director, f"/text {activity_id}"))[-1]
    for shown in (listed, mine, pasted):
        assert "✍️ Đã đủ 2 chỗ. Vẫn có thể ghi tên chờ." in (shown.text or "")
    assert listed.buttons == ["⏳ Ghi tên chờ", "📅 Thêm vào lịch"]
    waiting = (await bot.press(hoa, listed, "⏳ Ghi tên chờ"))[-1]
    assert "danh sách chờ" in (waiting.text or "")
    assert listed.text.startswith("⏳ Đã ghi tên trong danh sách chờ.") and "Rời danh sách chờ" in listed.buttons


async def test_a_resident_is_asked_if_she_is_still_coming_once_however_many_reminders(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")  # reminders: 1d@19:00 and 2h
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    await bot.say(lan, f"/register {activity_id}")
    asked = []
    for moment in ("05/10/2025 19:00", "06/10/2025 11:30"):
        bot.clock.current = local(moment)
        await bot.deliver()
        reminder = lan.private_chat.bot_messages[-1]
        assert (reminder.text or "").startswith("⏰ Nhắc lịch")
        asked.append("Bà vẫn đến dự chứ ạ?" in (reminder.text or ""))  # born 1965: "bà"
    assert asked == [True, False]
    assert lan.private_chat.bot_messages[-1].buttons == ["🎫 Vé", "📅 Thêm vào lịch", "🙅 Không đi được"]


async def test_staff_find_on_each_card_what_they_can_do_about_it_and_residents_do_not(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    await publish(bot, place)
    director_card = (await bot.say(place.director, "/events"))[-1]
    assert director_card.buttons[-5:] == [
        "👤 Đăng ký giúp người khác",
        "🧾 Bàn điểm danh",
        "📋 Bản chữ để sao chép",
        "✏️ Thay đổi",
        "❌ Hủy hoạt động",
    ]
    head = fake.add_user("Trưởng thôn", language_code="vi")
    await onboard(bot, head, name="Nguyễn Văn Trưởng")
    await make_head(bot, place.center_id, "Nguyễn Văn Trưởng", place.villages, "Thôn Đông")
    head_card = (await bot.say(head, "/events"))[-1]
    assert head_card.buttons[-3:] == ["👤 Đăng ký giúp người khác", "🧾 Bàn điểm danh", "📋 Bản chữ để sao chép"]
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    assert (await bot.say(lan, "/events"))[-1].buttons == ["✍️ Đăng ký", "📅 Thêm vào lịch"]
    pressed = await bot.press(place.director, director_card, "✏️ Thay đổi")
    assert pressed[-1].buttons  # the change menu for this activity, no number typed


async def test_a_resident_who_answers_with_a_button_still_sees_her_answer(bot: Bot, fake: FakeTelegram) -> None:
    await commune(bot, fake)
    lan = fake.add_user("Lan", language_code="vi")
    notice = (await bot.say(lan, "/start"))[-1]
    await bot.press(lan, notice, "✅ Đồng ý")
    await bot.say(lan, "Nguyễn Ngọc Lan")  # no "Thị": her gender is asked
    question = lan.private_chat.bot_messages[-1]
    asked = question.text
    await bot.press(lan, question, "Nữ")
    assert question.text == f"{asked}\n\n✔ Nữ" and question.buttons == []


async def test_a_question_a_resident_answers_by_typing_loses_its_buttons(bot: Bot, fake: FakeTelegram) -> None:
    await commune(bot, fake)
    lan = fake.add_user("Lan", language_code="vi")
    notice = (await bot.say(lan, "/start"))[-1]
    await bot.press(lan, notice, "✅ Đồng ý")
    await bot.say(lan, "Nguyễn Ngọc Lan")
    question = lan.private_chat.bot_messages[-1]
    assert question.buttons
    await bot.say(lan, "nữ")
    assert question.buttons == []


async def test_a_resident_pressing_an_old_button_after_cancelling_is_told_nothing_more_is_needed(
    bot: Bot, fake: FakeTelegram
) -> None:
    await commune(bot, fake)
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    await bot.say(lan, "/profile")
    await bot.say(lan, "-")
    gender = lan.private_chat.bot_messages[-1]
    await bot.say(lan, "/cancel")  # a command, not an answer: the question stays on screen
    refused = await bot.press(lan, gender, "Nam")
    assert [m.text for m in refused] == ["Câu hỏi này đã khép lại, không cần làm gì thêm."]
    assert gender.buttons == [] and "✔" not in (gender.text or "")  # closed, without an answer put on it


async def test_a_village_head_who_counts_walk_ins_before_opening_the_desk_is_offered_the_activities(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    await publish(bot, place)
    offered = (await bot.say(place.director, "/headcount 12 7"))[-1]
    assert offered.text == "Xin chọn hoạt động:"
    assert offered.buttons == ["06/10 13:30 · Chuyên đề phòng chống lừa đảo qua mạng"]


async def test_a_director_who_sends_erase_alone_is_offered_the_people_without_a_phone(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    nobody = (await bot.say(place.director, "/erase"))[-1]
    assert nobody.text == "Trung tâm chưa đăng ký cho ai không có điện thoại."
    activity_id = await publish(bot, place)
    consent = (await bot.say(place.director, f"/add {activity_id}"))[-1]
    await bot.press(place.director, consent, "Có, người đó đã đồng ý")
    await bot.say(place.director, "Hoàng Văn Tư")
    await bot.say(place.director, "nam")
    await bot.say(place.director, "1950")
    await bot.press(place.director, place.director.private_chat.bot_messages[-1], "Thôn Đông")
    offered = (await bot.say(place.director, "/erase"))[-1]
    assert offered.buttons == ["Hoàng Văn Tư (1950)"]


async def test_a_resident_who_types_register_alone_sees_what_she_can_register_for(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await publish(bot, place)
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    shown = await bot.say(lan, "/register")
    assert shown[-1].text.startswith("📢 Chuyên đề phòng chống lừa đảo qua mạng")
    assert shown[-1].buttons[0] == "✍️ Đăng ký"


async def test_a_resident_whose_middle_name_is_thi_is_not_asked_whether_she_is_a_woman(
    bot: Bot, fake: FakeTelegram
) -> None:
    await commune(bot, fake)
    lan = fake.add_user("Lan", language_code="vi")
    notice = (await bot.say(lan, "/start"))[-1]
    await bot.press(lan, notice, "✅ Đồng ý")
    said = await bot.say(lan, "Nguyễn Thị Lan")
    assert [m.text for m in said] == ["Đã ghi: Nguyễn Thị Lan (Nữ).", "Xin cho biết năm sinh, ví dụ: 1965."]
    await bot.say(lan, "1965")
    summary = (await bot.press(lan, lan.private_chat.bot_messages[-1], "Thôn Đông"))[-1]
    assert "• Nữ, sinh năm 1965" in (summary.text or "")  # shown, and /profile corrects it
