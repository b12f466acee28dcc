"""A director creates an activity in chat, step by step, with wrong answers, going back, and a preview."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Activity, ActivityKind, ActivityStatus
from tests.conftest import Bot
from tests.journeys import commune, local


async def _activities(bot: Bot) -> list[Activity]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return list(await session.scalars(select(Activity)))


async def test_director_creates_and_publishes_a_talk_for_two_villages(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    say = bot.say

    assert (await say(hung, "/new"))[-1].text.startswith("Tên hoạt động là gì?")
    assert (await say(hung, "ok"))[-1].text == "Xin viết vài chữ."
    kind = (await say(hung, "Chuyên đề phòng chống lừa đảo qua mạng"))[-1]
    assert kind.buttons[:4] == ["Chuyên đề", "Lớp học", "Lớp học nghề", "Sự kiện"]
    area = (await bot.press(hung, kind, "Chuyên đề"))[-1]
    assert area.buttons[2] == "3. Chuyên đề Giáo dục pháp luật"
    when = (await bot.press(hung, area, "3. Chuyên đề Giáo dục pháp luật"))[-1]
    assert when.text.startswith("Hoạt động bắt đầu khi nào?")

    assert (await say(hung, "6/10"))[-1].text == "Hoạt động bắt đầu lúc mấy giờ? Xin ghi thêm giờ, ví dụ: 6/10 13h30."
    assert (await say(hung, "29/9/2025 8h"))[-1].text == (
        "08:00 ngày 29/09/2025 đã qua rồi. Xin gửi một thời điểm sắp tới."
    )
    length = (await say(hung, "thứ 2 tuần sau 13h30"))[-1]
    assert length.text.startswith("Mỗi buổi kéo dài bao lâu?")
    back = (await bot.press(hung, length, "◀ Quay lại"))[-1]
    assert back.text.startswith("Hoạt động bắt đầu khi nào?")
    await say(hung, "6/10 13h30")
    await say(hung, "16h30")
    await say(hung, "Hội trường UBND xã")
    villages = (await say(hung, "Công an xã"))[-1]
    villages = (await bot.press(hung, villages, "Thôn Đông"))[-1]
    assert "✅ Thôn Đông" in villages.buttons
    villages = (await bot.press(hung, villages, "Thôn Tây"))[-1]
    capacity = (await bot.press(hung, villages, "Xong"))[-1]
    assert capacity.text == "Có bao nhiêu chỗ ngồi? Gửi một con số, hoặc dấu - nếu không giới hạn."
    assert (await say(hung, "nhiều"))[-1].text == "Xin gửi số chỗ ngồi, hoặc dấu - nếu không giới hạn."
    preview = (await say(hung, "120"))[-1]
    assert preview.text.splitlines()[:4] == [
        "Xin kiểm tra lại hoạt động:",
        "",
        "📢 Chuyên đề phòng chống lừa đảo qua mạng",
        "🗓 Thứ Hai, 06/10/2025 lúc 13:30",
    ]
    assert "🏘 Thôn Tây, Thôn Đông" in preview.text
    assert await _activities(bot) == []  # nothing exists before the confirmation

    done = (await bot.press(hung, preview, "📢 Đăng ngay"))[-1]
    assert done.text == "Đã đăng! Thông báo đang được gửi tới 3 nhóm và người nhận."
    await bot.deliver()
    got = {name for name, group in place.groups.items() if group.bot_messages[-1].text.startswith("📢 Chuyên đề")}
    assert got == {"Thôn Đông", "Thôn Tây", "Xã"}
    [activity] = await _activities(bot)
    assert activity.kind is ActivityKind.TALK and activity.status is ActivityStatus.PUBLISHED
    assert activity.capacity == 120 and activity.starts_at == local("06/10/2025 13:30")
    assert activity.ends_at == local("06/10/2025 16:30")


async def test_a_weekly_class_gets_its_sessions_and_can_be_kept_as_draft(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    for answer in (
        "/new",
        "Lớp dưỡng sinh cho người cao tuổi",
        "lop hoc",
        "6",
        "thu 7 tuan sau 6h",
        "4",
        "1h",
        "Nhà văn hóa thôn Bắc",
        "-",
        "tất cả",
        "-",
    ):
        await bot.say(hung, answer)
    preview = hung.private_chat.bot_messages[-1]
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
    await bot.say(place.director, "Hội thi nấu ăn")
    cancelled = (await bot.say(place.director, "/cancel"))[-1]
    assert cancelled.text == "Đã hủy. Chưa có gì được lưu."
    assert (await bot.say(place.director, "Hội thi nấu ăn"))[-1].text.startswith("Xin lỗi, Loa Làng chưa hiểu.")
    assert await _activities(bot) == []

    resident = fake.add_user("Lan")
    refused = await bot.say(resident, "/new")
    assert refused[-1].text == "Xin lỗi, lệnh này chỉ dành cho Giám đốc và cán bộ Trung tâm:\n/new"
