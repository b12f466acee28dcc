"""A director creates an activity in chat: few actions, each answer echoed at once, examples ahead of the clock,
only the report rows that fit, the places used before offered, and a preview whose defaults can be changed."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Activity, ActivityKind, ActivityStatus, Center
from bot.services import activities
from tests.conftest import Bot
from tests.journeys import Commune, commune, local, publish, tr
from tests.people import OnTelegram, director_on_zalo

TALK = "Chuyên đề phòng chống lừa đảo qua mạng"


async def _activities(bot: Bot) -> list[Activity]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return list(await session.scalars(select(Activity)))


async def _held_at(bot: Bot, place: Commune, where: str, title: str = "Hội thi nấu ăn") -> None:
    """An activity of this center held at `where`, written as the plan import would."""
    assert bot.app is not None
    begins = local("20/10/2025 08:00")
    async with bot.app.db.session() as session, session.begin():
        center = await session.get(Center, place.center_id)
        assert center is not None
        draft = activities.Draft(title=title, kind=ActivityKind.EVENT, sessions=[(begins, begins)], place=where)
        await activities.create(session, center, draft, now=bot.clock(), by=None)


async def test_a_director_publishes_a_talk_in_eight_actions(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    place = await commune(bot, fake)
    hung = OnTelegram(bot, place.director)
    hung.user.language_code = lang
    await hung.say("/new")
    await hung.choose(tr(lang, "Talk"))
    await hung.say(TALK)
    await hung.choose(tr(lang, "Topic: law education"))
    await hung.say("13/10 13h30")
    await hung.choose("2h")
    await hung.say("Hội trường UBND xã")
    preview = hung.read[-1]
    assert "🏘 " + tr(lang, "All villages") in preview and "🪑 " + tr(lang, "No seat limit") in preview
    assert "⏰ " in preview  # the center's reminders, the evening before and two hours before
    done = (await hung.choose(tr(lang, "📢 Publish now")))[-1]

    assert hung.sent <= 8, f"{hung.sent} actions"
    assert done == tr(lang, "Published! The announcement is going out to {count} chats now.", count=4)
    await bot.deliver()
    assert all(group.bot_messages[-1].text.startswith(f"📢 {TALK}") for group in place.groups.values())
    [activity] = await _activities(bot)
    assert activity.kind is ActivityKind.TALK and activity.status is ActivityStatus.PUBLISHED
    assert activity.starts_at == local("13/10/2025 13:30") and activity.ends_at == local("13/10/2025 15:30")
    assert activity.all_villages and activity.capacity is None and activity.place == "Hội trường UBND xã"


async def test_a_director_on_zalo_publishes_a_talk_typing_numbers(both: Bot) -> None:
    hung = await director_on_zalo(both)
    hung.sent = 0

    kinds = (await hung.say("/new"))[-1]
    assert "1. Chuyên đề" in kinds and "✖ Hủy: /cancel" in kinds
    assert (await hung.say("1"))[-1].startswith("✅ Chuyên đề\n\nTên hoạt động là gì?")
    rows = (await hung.say(TALK))[-1]
    assert rows.startswith(f"✅ {TALK}\n\n") and "1. Chuyên đề Giáo dục pháp luật" in rows
    when = (await hung.say("1"))[-1]
    assert when.startswith("✅ Chuyên đề Giáo dục pháp luật\n\nHoạt động tổ chức khi nào?")
    length = (await hung.say("13/10 13h30"))[-1]
    assert length.startswith("✅ Thứ Hai, 13:30 ngày 13/10/2025\n\n")
    where = (await hung.choose("2h"))[-1]
    assert where.startswith("✅ Từ 13:30 đến 15:30\n\n")
    preview = (await hung.say("Hội trường UBND xã"))[-1]
    assert "📍 Hội trường UBND xã" in preview and "1. 📢 Đăng ngay" in preview
    await hung.choose("📢 Đăng ngay")

    assert hung.sent <= 8, f"{hung.sent} actions"
    assert hung.read[-1].startswith("Đã đăng!")
    [activity] = await _activities(both)
    assert activity.status is ActivityStatus.PUBLISHED and activity.starts_at == local("13/10/2025 13:30")


async def test_the_director_sees_the_date_understood_at_once(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    place = await commune(bot, fake)
    hung = OnTelegram(bot, place.director)
    hung.user.language_code = lang
    await hung.say("/new")
    await hung.choose(tr(lang, "Talk"))
    assert (await hung.say(TALK))[-1].startswith(f"✅ {TALK}\n\n")
    await hung.choose(tr(lang, "Topic: law education"))

    length = (await hung.say("thứ 2 tuần sau 13h30"))[-1]
    understood = {"vi": "✅ Thứ Hai, 13:30 ngày 06/10/2025", "en": "✅ Monday, 13:30 on 06/10/2025"}[lang]
    assert length.splitlines()[0] == understood
    assert length.splitlines()[2] == tr(lang, "How long is each session? For example 2h, 90m, or the end time 16h30.")
    back = (await hung.choose(tr(lang, "◀ Back")))[-1]  # misread: one question back, and the date again
    assert back.startswith(tr(lang, "When? For example: {example}-{until}, or thứ 2 tuần sau 14h.")[:10])
    assert (await hung.say("13/10 13h30"))[-1].splitlines()[0] == understood.replace("06/10", "13/10")
    assert (await hung.say("16h30"))[-1].splitlines()[0] == "✅ " + tr(lang, "From {start} to {end}").format(
        start="13:30", end="16:30"
    )


async def test_a_director_who_writes_the_end_time_with_the_start_is_not_asked_the_length(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    hung = OnTelegram(bot, place.director)
    hung.user.language_code = lang
    await hung.say("/new")
    await hung.choose(tr(lang, "Talk"))
    await hung.say(TALK)
    await hung.choose(tr(lang, "Topic: law education"))
    assert (await hung.say("13/10 13h30-12h"))[-1] == tr(
        lang, "It cannot end at {end}. Please check the start and end times.", end="12:00"
    )
    where = (await hung.say("13/10 13h30 đến 16h30"))[-1]
    understood = {
        "vi": "✅ Thứ Hai, 13:30 ngày 13/10/2025, đến 16:30",
        "en": "✅ Monday, 13:30 on 13/10/2025, until 16:30",
    }
    assert where.splitlines()[0] == understood[lang]
    assert where.splitlines()[2] == tr(lang, "Where? (for example: Hội trường UBND xã)")
    await hung.say("Hội trường UBND xã")
    back = (await hung.choose(tr(lang, "◀ Back")))[-1]
    assert back.startswith(tr(lang, "Where? (for example: Hội trường UBND xã)"))
    back = (await hung.choose(tr(lang, "◀ Back")))[-1]  # the length was never asked: back to the time
    assert back.startswith(tr(lang, "When? For example: {example}-{until}, or thứ 2 tuần sau 14h.")[:10])
    await hung.say("6/10 - 13h30")  # a date and its time, not a range: the length is asked
    await hung.choose("3h")
    await hung.say("Hội trường UBND xã")
    await hung.choose(tr(lang, "📢 Publish now"))
    [activity] = await _activities(bot)
    assert activity.starts_at == local("06/10/2025 13:30") and activity.ends_at == local("06/10/2025 16:30")


async def test_the_example_date_is_in_the_future(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)  # Monday 29/09/2025, 09:00 in Vietnam
    hung = OnTelegram(bot, place.director)
    await hung.say("/new")
    await hung.choose("Chuyên đề")
    await hung.say(TALK)
    when = (await hung.choose("Chuyên đề Giáo dục pháp luật"))[-1]
    assert when.endswith("Hoạt động tổ chức khi nào? Ví dụ: 4/10 8h-10h, hoặc: thứ 2 tuần sau 14h.")  # Saturday
    assert (await hung.say("6/10"))[-1] == "Hoạt động bắt đầu lúc mấy giờ? Xin ghi thêm giờ, ví dụ: 4/10 8h."
    assert (await hung.say("4/10 8h"))[-1].startswith("✅ Thứ Bảy, 08:00 ngày 04/10/2025")  # the example works

    bot.clock.current = local("04/12/2026 10:00")  # a year on, on a Friday: the example moves with the clock
    await hung.say("/cancel")
    await hung.say("/new")
    await hung.choose("Chuyên đề")
    await hung.say(TALK)
    when = (await hung.choose("Chuyên đề Giáo dục pháp luật"))[-1]
    assert when.endswith("Ví dụ: 5/12 8h-10h, hoặc: thứ 2 tuần sau 14h.")
    assert (await hung.say("1/12 8h"))[-1].splitlines() == [  # already held, or next year's: both, as typed
        "Ngày này của năm nay đã qua.",
        "Nếu hoạt động đã tổ chức rồi, để ghi nhận, xin ghi cả năm, ví dụ: 1/12/2026 8h",
        "Nếu là hoạt động của năm sau, xin ghi, ví dụ: 1/12/2027 8h",
    ]
    held = (await hung.say("1/12/2026 8h-10h"))[-1]  # the example works: asked whether it was held
    assert held.splitlines()[2].startswith("Ngày này đã qua. Hoạt động này đã được tổ chức rồi")


async def test_a_talk_is_not_offered_class_rows(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    place = await commune(bot, fake)
    hung = OnTelegram(bot, place.director)
    hung.user.language_code = lang
    await hung.say("/new")
    await hung.choose(tr(lang, "Talk"))
    offered = (await bot.say(hung.user, TALK))[-1].buttons
    assert tr(lang, "Topic: law education") in offered and tr(lang, "Topics of other programmes") in offered
    for class_row in ("Literacy and post-literacy education", "Short vocational training"):
        assert tr(lang, class_row) not in offered

    await hung.choose(tr(lang, "◀ Back"))
    await hung.choose(tr(lang, "◀ Back"))
    await hung.choose(tr(lang, "Class"))
    offered = (await bot.say(hung.user, "Lớp xóa mù chữ"))[-1].buttons
    assert tr(lang, "Literacy and post-literacy education") in offered

    await hung.choose(tr(lang, "◀ Back"))
    await hung.choose(tr(lang, "◀ Back"))
    title = (await hung.choose(tr(lang, "Vocational course")))[-1]  # one row fits: counted under it, not asked
    shown = tr(lang, "Vocational course") + " · " + tr(lang, "Short vocational training")
    assert title.startswith(f"✅ {shown}\n\n")
    when = (await hung.say("Lớp học nghề trồng nấm"))[-1]
    assert when.splitlines()[2].startswith(
        tr(lang, "When? For example: {example}-{until}, or thứ 2 tuần sau 14h.")[:10]
    )


async def test_places_already_used_are_suggested(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await publish(bot, place)
    await publish(bot, place, "Chuyên đề chăm sóc sức khỏe người cao tuổi")  # both at Hội trường UBND xã
    await _held_at(bot, place, "Nhà văn hóa thôn Đông")
    hung = OnTelegram(bot, place.director)
    await hung.say("/new")
    await hung.choose("Chuyên đề")
    await hung.say(TALK)
    await hung.choose("Chuyên đề Giáo dục pháp luật")
    await hung.say("13/10 13h30")
    await hung.choose("2h")
    where = place.director.private_chat.bot_messages[-1]
    assert where.text.endswith("Hoạt động tổ chức ở đâu? Xin chọn nơi đã dùng, hoặc viết tên nơi mới.")
    assert where.buttons == ["Hội trường UBND xã", "Nhà văn hóa thôn Đông", "◀ Quay lại", "✖ Hủy"]  # most used first
    preview = (await hung.choose("Nhà văn hóa thôn Đông"))[-1]
    assert "📍 Nhà văn hóa thôn Đông" in preview

    await hung.choose("◀ Quay lại")  # a new place is typed as before
    assert "📍 Sân bóng thôn Tây" in (await hung.say("Sân bóng thôn Tây"))[-1]
    await hung.choose("◀ Quay lại")
    assert "📍 Hội trường UBND xã" in (await hung.say("hoi truong ubnd xa"))[-1]  # written as it was before


async def test_a_director_changes_the_defaults_on_the_preview_with_wrong_answers_on_the_way(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    say = bot.say

    kind = (await say(hung, "/new"))[-1]
    assert kind.text == "Đây là loại hoạt động nào?" and kind.buttons == [
        "Chuyên đề",
        "Lớp học",
        "Lớp học nghề",
        "Sự kiện",
        "✖ Hủy",
    ]
    assert (await say(hung, "gì đó"))[-1].text == tr("vi", "Please choose one of the buttons.")
    title = (await bot.press(hung, kind, "Chuyên đề"))[-1]
    assert title.buttons[-2:] == ["◀ Quay lại", "✖ Hủy"]
    assert (await say(hung, "ok"))[-1].text == "Xin viết vài chữ."
    area = (await say(hung, TALK))[-1]
    when = (await bot.press(hung, area, "Chuyên đề Giáo dục pháp luật"))[-1]
    assert when.text.startswith("✅ Chuyên đề Giáo dục pháp luật\n\nHoạt động tổ chức khi nào?")
    held = (await say(hung, "29/9/2025 8h"))[-1]  # a past date: held already, or a slip?
    assert held.text.startswith("✅ Thứ Hai, 08:00 ngày 29/09/2025\n\nNgày này đã qua.")
    again = (await bot.press(hung, held, "📅 Không, chọn ngày khác"))[-1]
    assert again.text.startswith("Hoạt động tổ chức khi nào?")
    await say(hung, "6/10 13h30")
    await say(hung, "16h30")
    preview = (await say(hung, "Hội trường UBND xã"))[-1]
    assert preview.text.splitlines()[:4] == [
        "Xin kiểm tra lại hoạt động:",
        "",
        f"📢 {TALK}",
        "🗓 Thứ Hai, 06/10/2025 lúc 13:30",
    ]
    assert "⏰ Nhắc người đăng ký lúc: 19:00 ngày 05/10/2025; 11:30 ngày 06/10/2025" in preview.text
    assert title.buttons == []  # answered by typing: its buttons went

    seats = (await bot.press(hung, preview, "🪑 Số chỗ"))[-1]
    assert seats.text == "Có bao nhiêu chỗ ngồi? Gửi một con số, hoặc dấu - nếu không giới hạn."
    assert (await say(hung, "nhiều"))[-1].text == "Xin gửi số chỗ ngồi, hoặc dấu - nếu không giới hạn."
    preview = (await say(hung, "120"))[-1]
    assert "✍️ Đã đăng ký: 0/120 (còn 120 chỗ)" in preview.text
    villages = (await bot.press(hung, preview, "🏘 Thôn"))[-1]
    villages = (await bot.press(hung, villages, "Thôn Đông"))[-1]
    assert "✅ Thôn Đông" in villages.buttons
    villages = (await bot.press(hung, villages, "Thôn Tây"))[-1]
    preview = (await bot.press(hung, villages, "Xong"))[-1]
    assert "🏘 Thôn Tây, Thôn Đông" in preview.text
    partner = (await bot.press(hung, preview, "🤝 Đơn vị phối hợp"))[-1]
    back = (await bot.press(hung, partner, "◀ Quay lại"))[-1]
    assert back.text.startswith("Xin kiểm tra lại hoạt động:")
    await bot.press(hung, back, "🤝 Đơn vị phối hợp")
    preview = (await say(hung, "Công an xã"))[-1]
    assert "🤝 Công an xã" in preview.text
    reminders = (await bot.press(hung, preview, "⏰ Lời nhắc"))[-1]
    assert (await say(hung, "mai"))[-1].text.startswith("Chưa đọc được “mai”.")
    preview = (await bot.press(hung, reminders, "Bỏ qua"))[-1]
    assert "⏰ Không nhắc lịch" in preview.text
    assert await _activities(bot) == []  # nothing exists before the confirmation

    done = (await bot.press(hung, preview, "📢 Đăng ngay"))[-1]
    assert done.text == "Đã đăng! Thông báo đang được gửi tới 3 nhóm và người nhận."
    await bot.deliver()
    got = {name for name, group in place.groups.items() if group.bot_messages[-1].text.startswith(f"📢 {TALK}")}
    assert got == {"Thôn Đông", "Thôn Tây", "Xã"}
    [activity] = await _activities(bot)
    assert activity.capacity == 120 and activity.partner == "Công an xã" and activity.reminders == ""
    assert activity.ends_at == local("06/10/2025 16:30")


async def test_a_weekly_class_gets_its_sessions_and_can_be_kept_as_draft(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    for answer in ("/new", "lop hoc", "Lớp dưỡng sinh cho người cao tuổi", "6", "thu 7 tuan sau 6h"):
        await bot.say(hung, answer)
    assert (await bot.say(hung, "4"))[-1].text.startswith("✅ 4 buổi, mỗi tuần một buổi\n\n")
    await bot.say(hung, "1h")
    preview = (await bot.say(hung, "Nhà văn hóa thôn Bắc"))[-1]
    assert "(4 buổi)" in preview.text
    done = (await bot.press(hung, preview, "💾 Lưu nháp"))[-1]
    assert done.text.startswith("Đã lưu nháp")
    [activity] = await _activities(bot)
    assert activity.status is ActivityStatus.DRAFT and len(activity.sessions) == 4
    assert [s.starts_at for s in activity.sessions] == [
        local(f"{d} 06:00") for d in ("11/10/2025", "18/10/2025", "25/10/2025", "01/11/2025")
    ]


async def test_cancel_leaves_nothing_behind_and_residents_cannot_start(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await bot.say(place.director, "/new")
    await bot.say(place.director, "su kien")
    await bot.say(place.director, "Hội thi nấu ăn")
    cancelled = (await bot.say(place.director, "/cancel"))[-1]
    assert cancelled.text == "Đã hủy. Chưa có gì được lưu."
    assert (await bot.say(place.director, "Hội thi nấu ăn"))[-1].text.startswith("Xin lỗi, Loa Làng chưa hiểu.")
    assert await _activities(bot) == []

    resident = fake.add_user("Lan")
    refused = await bot.say(resident, "/new")
    assert refused[-1].text == "Xin lỗi, lệnh này chỉ dành cho Giám đốc và cán bộ Trung tâm:\n/new"
