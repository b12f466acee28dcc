"""Publishing many drafts at once: the director picks a month's, a campaign's or the last import's drafts,
reads where each card goes, confirms once, and the groups get every card; drafts that cannot be announced are
left out, each with its reason."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.channels.telegram.fake import FakeTelegram
from bot.messaging import Choice
from bot.models import Activity, ActivityStatus, Center, DateKnown, GroupChat
from bot.text import clip
from tests.conftest import Bot
from tests.e2e.test_month_plan import draft
from tests.journeys import commune, local, onboard

WEEK = (  # seed 003's Lifelong Learning Week, as one import made them
    ("03/10/2025 07:30", "Chuyên đề: Chuyển đổi số và cuộc sống"),
    ("05/10/2025 07:30", "Chuyên đề: Giải pháp phòng chống tội phạm"),
    ("06/10/2025 13:30", "Lễ khai giảng và hưởng ứng Tuần lễ học tập suốt đời"),
)
CAMPAIGN = "Tuần lễ hưởng ứng học tập suốt đời 2025"
ELDERS = "Tổ chức lễ kỷ niệm ngày quốc tế người cao tuổi"
MEETING = "Họp dân triển khai kế hoạch năm học"
NOWHERE = "Tập huấn phòng cháy chữa cháy"  # a day and time but no place: its card would not say where to go


async def _drafts(bot: Bot, center_id: int, villages: dict[str, int]) -> dict[str, int]:
    assert bot.app is not None
    db, imported = bot.app.db, bot.clock() - timedelta(days=1)
    ids = {}
    for index, (start, title) in enumerate(WEEK):
        only = [villages["Thôn Đông"]] if index == 1 else []
        ids[title] = await draft(
            db, center_id, title, start, now=imported, import_key=f"key{index}", campaign=CAMPAIGN, village_ids=only,
            place="Hội trường Nhà văn hóa UBND xã",
        )  # fmt: skip
    ids[ELDERS] = await draft(db, center_id, ELDERS, "01/10/2025 00:00", known=DateKnown.MONTH)
    ids[MEETING] = await draft(db, center_id, MEETING, "01/10/2025 08:00")
    ids[NOWHERE] = await draft(db, center_id, NOWHERE, "20/10/2025 08:00")
    return ids


async def _statuses(bot: Bot) -> dict[str, ActivityStatus]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return {a.title: a.status for a in await session.scalars(select(Activity))}


async def test_the_director_publishes_octobers_drafts_with_one_confirmation(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    tam = fake.add_user("Tâm")  # the head of Thôn Bắc, whose group the bot has left: he pastes the cards there
    await onboard(bot, tam, name="Vũ Văn Tâm", village="Thôn Bắc")
    await bot.say(hung, "/appoint head Thôn Bắc")
    await bot.press(hung, hung.private_chat.bot_messages[-1], "Vũ Văn Tâm (1965)")
    await bot.deliver()  # the appointee is told of the role (an outbox row) now, not in the middle of a later answer
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        await session.execute(update(GroupChat).where(GroupChat.title == "Nhóm Thôn Bắc").values(active=False))
        await session.execute(update(Center).values(plan_reminded_month="2025-10"))  # October's reminder: not here
    ids = await _drafts(bot, place.center_id, place.villages)
    bot.clock.current = local("01/10/2025 10:00")  # the meeting's time has passed unannounced

    offered = (await bot.say(hung, "/publish"))[-1]
    assert offered.buttons[-3:] == [
        "📢 Đăng cả 3 bản nháp tháng 10/2025",
        clip(f"📢 Đăng cả 3 bản nháp của {CAMPAIGN}", Choice.LONGEST),
        "📢 Đăng cả 3 bản nháp vừa nhập",
    ]
    preview = (await bot.press(hung, offered, "📢 Đăng cả 3 bản nháp tháng 10/2025"))[-1]
    assert preview.text == (
        "Loa Làng sẽ đăng 3 hoạt động:\n\n"
        "1. Chuyên đề: Chuyển đổi số và cuộc sống\n"
        "🗓 Thứ Sáu, 03/10/2025 lúc 07:30\n📍 Hội trường Nhà văn hóa UBND xã\n"
        "👥 Nhóm Thôn Đông, Nhóm Thôn Tây, Nhóm Xã; Thôn Bắc: qua trưởng thôn\n\n"
        "2. Chuyên đề: Giải pháp phòng chống tội phạm\n"
        "🗓 Chủ Nhật, 05/10/2025 lúc 07:30\n📍 Hội trường Nhà văn hóa UBND xã\n"
        "👥 Nhóm Thôn Đông, Nhóm Xã\n\n"
        "3. Chuyên đề: Lễ khai giảng và hưởng ứng Tuần lễ học tập suốt đời\n"
        "🗓 Thứ Hai, 06/10/2025 lúc 13:30\n📍 Hội trường Nhà văn hóa UBND xã\n"
        "👥 Nhóm Thôn Đông, Nhóm Thôn Tây, Nhóm Xã; Thôn Bắc: qua trưởng thôn\n\n"
        "Chưa đăng được:\n"
        f"• {ELDERS}: chưa có ngày giờ\nĐể đặt ngày giờ, gửi:\n/change {ids[ELDERS]}\n"
        f"• {MEETING}: đã qua giờ\n"
        f"• {NOWHERE}: chưa có địa điểm\nĐể đặt địa điểm, gửi:\n/change {ids[NOWHERE]}"
    )
    assert preview.buttons == ["✅ Đăng 3 hoạt động", "✖ Hủy"]
    plan = (await bot.say(hung, "/plan"))[-1]  # the month's plan leads to the same preview
    assert plan.buttons[-1] == "📢 Đăng các bản nháp của tháng"
    preview = (await bot.press(hung, plan, plan.buttons[-1]))[-1]
    assert preview.buttons == ["✅ Đăng 3 hoạt động", "✖ Hủy"] and preview.text.startswith("Loa Làng sẽ đăng 3")
    assert set((await _statuses(bot)).values()) == {ActivityStatus.DRAFT}  # nothing before the confirmation

    late = await draft(bot.app.db, place.center_id, "Thêm sau khi xem", "30/10/2025 08:00")  # type: ignore[union-attr]
    done = (await bot.press(hung, preview, "✅ Đăng 3 hoạt động"))[-1]
    assert done.text == (
        "Đã đăng 3 hoạt động. Thông báo đang được gửi đi.\n\n"
        "Chưa đăng được:\n"
        f"• {ELDERS}: chưa có ngày giờ\nĐể đặt ngày giờ, gửi:\n/change {ids[ELDERS]}\n"
        f"• {MEETING}: đã qua giờ\n"
        f"• {NOWHERE}: chưa có địa điểm\nĐể đặt địa điểm, gửi:\n/change {ids[NOWHERE]}"
    )
    statuses = await _statuses(bot)
    assert [statuses[title] for _, title in WEEK] == [ActivityStatus.PUBLISHED] * 3
    assert statuses[ELDERS] is statuses[MEETING] is statuses["Thêm sau khi xem"] is ActivityStatus.DRAFT
    assert statuses[NOWHERE] is ActivityStatus.DRAFT  # not announced without a place
    assert not any(NOWHERE in m.text for g in place.groups.values() for m in g.bot_messages)
    assert late  # added after the preview: not published by it

    await bot.deliver()
    cards = {name: [m.text or "" for m in group.bot_messages] for name, group in place.groups.items()}
    for key in ("Thôn Đông", "Xã"):
        assert sum(any(title.split(": ")[-1] in text for text in cards[key]) for _, title in WEEK) == 3
    assert sum(any(title.split(": ")[-1] in text for text in cards["Thôn Tây"]) for _, title in WEEK) == 2
    pasted = [m.text or "" for m in tam.private_chat.bot_messages]
    assert sum(any(title.split(": ")[-1] in text for text in pasted) for _, title in WEEK) == 2

    assert preview.buttons == []  # taken off: it cannot be pressed twice
    again = (await bot.say(hung, "/answer confirm yes"))[-1]  # nor typed again
    assert again.text == "Câu hỏi này đã khép lại, không cần làm gì thêm."


async def test_the_last_imports_drafts_in_english_and_a_batch_that_is_not_theirs(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    await bot.say(hung, "/lang en")
    ids = await _drafts(bot, place.center_id, place.villages)
    bot.clock.current = local("01/10/2025 10:00")
    month = (await bot.say(hung, "/publish month 2025-10"))[-1]
    assert month.text.endswith(f"• {NOWHERE}: it has no place yet\nTo set the place, send:\n/change {ids[NOWHERE]}"), (
        month.text
    )
    await bot.say(hung, "/cancel")
    offered = (await bot.say(hung, "/publish"))[-1]
    preview = (await bot.press(hung, offered, "📢 All 3 drafts of the last import"))[-1]
    assert preview.text.startswith(
        "Loa Làng will announce 3 activities:\n\n1. Talk: Chuyên đề: Chuyển đổi số và cuộc sống\n"
    )
    assert "Not announced:" not in preview.text
    done = (await bot.press(hung, preview, "✅ Announce 3 activities"))[-1]
    assert done.text == "Published 3 activities. The announcements are going out now."
    assert [s for t, s in (await _statuses(bot)).items() if t in dict(WEEK).values()] == [ActivityStatus.PUBLISHED] * 3

    refused = (await bot.say(hung, "/publish campaign 999"))[-1]
    assert refused.text.startswith("There are no such drafts in your center.")
    refused = (await bot.say(hung, "/publish month 2025-13"))[-1]
    assert refused.text.startswith("There are no such drafts in your center.")


async def test_a_whole_years_import_is_previewed_in_one_readable_message(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    assert bot.app is not None
    imported = bot.clock() - timedelta(hours=1)
    first, months = None, []
    for index in range(12):  # a day and time each, then twelve months' rows with neither
        day = await draft(
            bot.app.db, place.center_id, f"Chuyên đề số {index + 1}", f"{index + 1:02d}/11/2025 08:00",
            now=imported, import_key=f"d{index}", place="Nhà văn hóa xã",
        )  # fmt: skip
        first = first or day
        months.append(await draft(
            bot.app.db, place.center_id, f"Hoạt động tháng số {index + 1}", f"01/{index % 12 + 1:02d}/2026 00:00",
            known=DateKnown.MONTH, now=imported, import_key=f"m{index}",
        ))  # fmt: skip
    preview = (await bot.say(place.director, f"/publish import {first}"))[-1]
    text = preview.text or ""
    assert len(text) < 4096
    assert text.startswith("Loa Làng sẽ đăng 12 hoạt động:\n\n1. Chuyên đề số 1\n🗓 Thứ Bảy, 01/11/2025 lúc 08:00\n")
    assert "\n\n9. 09/11 08:00 · Chuyên đề số 9\n10. 10/11 08:00 · Chuyên đề số 10\n" in text
    assert text.endswith(f"• Hoạt động tháng số 10: chưa có ngày giờ\nĐể đặt ngày giờ, gửi:\n/change {months[9]}\n"
                         "…và 2 hoạt động nữa. Để xem kế hoạch từng tháng, gửi:\n/plan")  # fmt: skip
    done = (await bot.press(place.director, preview, "✅ Đăng 12 hoạt động"))[-1]
    assert (done.text or "").startswith("Đã đăng 12 hoạt động.")
