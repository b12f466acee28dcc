"""Recording what already happened: a center new to Loa Làng enters last year's activities in chat (the wizard
takes a past date as an activity held, with each session's head count), names from a paper sheet at the desk of
a session long over, and a head count chosen from the sessions already held; the yearly report of that year
then says exactly what was entered. Nothing of it is announced, every row says it was entered afterwards, and
the audit log says who entered it and when. Staff enter this year's; only the director earlier years'."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.models import (
    Activity,
    ActivityKind,
    ActivitySession,
    ActivityStatus,
    Attendance,
    AuditEntry,
    Center,
    Delivery,
    HeadCount,
    Person,
    RoleKind,
)
from bot.services import activities, roles
from tests.conftest import Bot
from tests.journeys import Commune, commune, local, onboard, person_of, tr
from tests.people import OnTelegram, director_on_zalo

# Last year as the center's paper records give it, entered in September 2025 (the tests' clock).
LAW = "Phòng chống lừa đảo qua mạng"
RICE = "Kỹ thuật trồng lúa"
CLASS = "Lớp dưỡng sinh"
SHOW = "Hội diễn văn nghệ"
OFFICIAL = {
    1: "Học chương trình xóa mù chữ, giáo dục tiếp tục sau khi biết chữ",
    2: "Học nghề ngắn hạn",
    3: "Chuyên đề Giáo dục pháp luật",
    4: "Chuyên đề Giáo dục sức khỏe",
    5: "Chuyên đề Giáo dục môi trường",
    6: "Chuyên đề Văn hóa xã hội",
    7: "Chuyên đề Phát triển kinh tế",
    8: "Chuyên đề Giáo dục kỹ năng sống",
    9: "Chuyên đề của chương trình khác",
    10: "Các chương trình văn nghệ, thể dục thể thao",
}
# Counted by hand from what is typed below: (classes, learner-visits, women).
EXPECTED = {
    1: (0, 0, 0),
    2: (0, 0, 0),
    3: (1, 25, 14),  # the law talk: 25 people, 14 women
    4: (1, 27, 19),  # the class: 12 (9) + 10 (8) + Lan and Tư by name (1) + 3 counted at the desk (1)
    5: (0, 0, 0),
    6: (0, 0, 0),
    7: (1, 30, 12),  # the rice talk
    8: (0, 0, 0),
    9: (0, 0, 0),
    10: (1, 45, 27),  # the show: 40 (25), and 5 (2) more counted later from the list of sessions
}
TOTAL = (4, 127, 72)
HELD = {LAW: [1, 25, 14], CLASS: [1, 27, 19], RICE: [1, 30, 12], SHOW: [1, 45, 27]}


async def _record_talk(hung: OnTelegram, title: str, area: str, when: str, place: str, count: str) -> list[str]:
    """A talk held last year, typed in: nine actions."""
    await hung.say("/new")
    await hung.choose("Chuyên đề")
    await hung.say(title)
    await hung.choose(area)
    await hung.say(when)
    await hung.choose("✅ Đúng, đã tổ chức")
    await hung.say(place)
    await hung.say(count)
    return await hung.choose("💾 Ghi nhận đã tổ chức")


async def _report(bot: Bot, user: FakeUser, args: str) -> bytes:
    sent = await bot.say(user, f"/report {args}")
    document = sent[-1].document
    assert document is not None, sent[-1].text
    return document[1]


async def _make_staff(bot: Bot, place: Commune, user: FakeUser) -> None:
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        person = await person_of(bot, user)
        assert person is not None
        staff = await session.get(Person, person.id)
        assert staff is not None
        await roles.grant(session, person=staff, center_id=place.center_id, kind=RoleKind.STAFF, now=bot.clock())


async def test_last_years_records_entered_afterwards_make_its_yearly_report(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    lan, tu = fake.add_user("Lan"), fake.add_user("Tư")
    await onboard(bot, lan)
    await onboard(bot, tu, name="Trần Văn Tư", gender="male", year="1950", village="Thôn Tây")
    hung = OnTelegram(bot, place.director)
    await bot.deliver()
    in_groups = {name: len(group.bot_messages) for name, group in place.groups.items()}

    # A talk: the past date is asked about in plain words, then the attendance as one typed line.
    hung.sent = 0
    await hung.say("/new")
    await hung.choose("Chuyên đề")
    await hung.say(LAW)
    await hung.choose("Chuyên đề Giáo dục pháp luật")
    held = (await hung.say("15/3/2024 8h-10h"))[-1]
    assert held.splitlines()[0] == "✅ Thứ Sáu, 08:00 ngày 15/03/2024, đến 10:00"
    assert held.splitlines()[2].startswith("Ngày này đã qua. Hoạt động này đã được tổ chức rồi")
    await hung.choose("✅ Đúng, đã tổ chức")
    count = (await hung.say("Hội trường UBND xã"))[-1]
    assert count.startswith("✅ Hội trường UBND xã\n\nBuổi 08:00 ngày 15/03/2024 có bao nhiêu người đến?")
    assert "/headcount 25 14" in count.splitlines()
    preview = (await hung.say("/headcount 25 14"))[-1]
    assert (
        preview.splitlines()[0] == "Xin kiểm tra hoạt động đã tổ chức sắp được ghi nhận. Sẽ không gửi thông báo cho ai."
    )
    assert "👥 08:00 ngày 15/03/2024: 25 người, trong đó 14 nữ" in preview.splitlines()
    done = (await hung.choose("💾 Ghi nhận đã tổ chức"))[-1]
    assert done.splitlines() == [
        "Đã ghi nhận hoạt động đã tổ chức (số 1): 25 người, trong đó 14 nữ. Không gửi thông báo cho ai.",
        "Để nhập tên từ tờ ký, gửi:",
        "/desk 1",
    ]
    assert hung.sent <= 9, f"{hung.sent} actions"

    done = await _record_talk(hung, RICE, "Chuyên đề Phát triển kinh tế", "20/6/2024 14h-16h", "Nhà văn hóa", "30 12")
    assert done[-1].startswith("Đã ghi nhận hoạt động đã tổ chức (số 2): 30 người, trong đó 12 nữ.")

    # A class of three weekly sessions: a count for each, the last one's names left for the desk.
    await hung.say("/new")
    await hung.choose("Lớp học")
    await hung.say(CLASS)
    await hung.choose("Chuyên đề Giáo dục sức khỏe")
    await hung.say("6/4/2024 6h")
    await hung.choose("✅ Đúng, đã tổ chức")
    await hung.say("3")
    await hung.choose("1h")
    first = (await hung.say("Nhà văn hóa thôn Đông"))[-1]
    assert "Buổi 06:00 ngày 06/04/2024 · buổi 1/3 có bao nhiêu người đến?" in first
    second = (await hung.say("/headcount 12 9"))[-1]
    assert second.startswith("✅ 06:00 ngày 06/04/2024 · buổi 1/3: 12 người, trong đó 9 nữ\n\n")
    assert (await hung.say("13 20"))[-1].startswith("Số nữ không thể nhiều hơn số người đến.")  # asked again
    await hung.say("10 8")
    preview = (await hung.choose("👤 Nhập tên ở bàn điểm danh"))[-1]
    assert [line for line in preview.splitlines() if line.startswith("👥")] == [
        "👥 06:00 ngày 06/04/2024 · buổi 1/3: 12 người, trong đó 9 nữ",
        "👥 06:00 ngày 13/04/2024 · buổi 2/3: 10 người, trong đó 8 nữ",
        "👥 06:00 ngày 20/04/2024 · buổi 3/3: nhập tên ở bàn điểm danh sau",
    ]
    assert (await hung.choose("💾 Ghi nhận đã tổ chức"))[-1].startswith("Đã ghi nhận hoạt động đã tổ chức (số 3): 22")

    # An event: its report row asked among those that fit.
    await hung.say("/new")
    await hung.choose("Sự kiện")
    await hung.say(SHOW)
    await hung.choose("Các chương trình văn nghệ")
    await hung.say("2/9/2024 19h-22h")
    await hung.choose("✅ Đúng, đã tổ chức")
    await hung.say("Sân vận động xã")
    await hung.say("/headcount 40 25")
    await hung.choose("💾 Ghi nhận đã tổ chức")

    # The desk for the class's last session: long over, so its sessions are offered, the most recent first.
    sessions = (await bot.say(hung.user, "/desk 3"))[-1]
    assert sessions.text == f"Xin chọn buổi của {CLASS}:"
    assert sessions.buttons == [
        "20/04/2024 06:00 · buổi 3/3",
        "13/04/2024 06:00 · buổi 2/3",
        "06/04/2024 06:00 · buổi 1/3",
    ]
    opened = (await bot.press(hung.user, sessions, sessions.buttons[0]))[-1]
    assert opened.text.startswith(f"Bàn điểm danh đã mở, để nhập bổ sung cho buổi đã tổ chức:\n{CLASS}\n")
    found = (await bot.say(hung.user, "nguyen thi lan"))[-1]
    assert (await bot.press(hung.user, found, "Nguyễn Thị Lan (1965, Thôn Đông)"))[-1].text == (
        "✅ Đã điểm danh Nguyễn Thị Lan."
    )
    sheet = (await bot.say(hung.user, "Trần Văn Tư\nNguyễn Thị Lan"))[-1]
    assert sheet.text == "Từ tờ ký: đã điểm danh 1 người."  # Lan counts once
    counted = (await bot.say(hung.user, "/headcount 3 1"))[-1]
    assert counted.text == f"Đã nhập bổ sung cho {CLASS} (06:00 ngày 20/04/2024): 3 người, trong đó 1 nữ."
    closed = (await bot.say(hung.user, "/close"))[-1]
    assert closed.text == "Đã đóng buổi. Có mặt: 2 người có tên và 3 người đếm thêm; 0 người đã đăng ký."

    # Five more people at the show, found on another sheet: no desk open, the sessions held are offered.
    offered = (await bot.say(hung.user, "/headcount 5 2"))[-1]
    assert offered.text == "Xin chọn buổi cần nhập số người. Buổi gần nhất ở trên cùng:"
    assert offered.buttons[:3] == [
        f"02/09/2024 19:00 · {SHOW}",
        f"20/06/2024 14:00 · {RICE}",
        f"20/04/2024 06:00 · buổi 3/3 · {CLASS}",
    ]
    counted = (await bot.press(hung.user, offered, offered.buttons[0]))[-1]
    assert counted.text == f"Đã nhập bổ sung cho {SHOW} (19:00 ngày 02/09/2024): 5 người, trong đó 2 nữ."

    # Never announced: no card in any group, nothing owed to anyone.
    await bot.deliver()
    assert {name: len(group.bot_messages) for name, group in place.groups.items()} == in_groups
    assert bot.app is not None
    async with bot.app.db.session() as session:
        entered = list(await session.scalars(select(Activity).order_by(Activity.id)))
        assert [(a.title, a.status, a.entered_afterwards) for a in entered] == [
            (title, ActivityStatus.FINISHED, True) for title in (LAW, RICE, CLASS, SHOW)
        ]
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 0
        assert set(await session.scalars(select(HeadCount.afterwards))) == {True}
        assert list(await session.scalars(select(Attendance.afterwards))) == [True, True]
        last = await session.scalar(
            select(ActivitySession).where(ActivitySession.starts_at == local("20/04/2024 06:00"))
        )
        assert last is not None and (last.visits, last.women_visits) == (2, 1)  # the class's third session
        director = await person_of(bot, hung.user)
        assert director is not None
        audited = [
            (e.action, e.actor_id, e.at)
            for e in await session.scalars(select(AuditEntry).where(AuditEntry.action.like("%afterwards%")))
        ]
        assert sorted(action for action, _, _ in audited) == [
            "attendance.afterwards",
            "attendance.afterwards",
            "headcount.afterwards",
            "headcount.afterwards",
        ]
        assert {(actor, at) for _, actor, at in audited} == {(director.id, bot.clock())}
        assert (
            await session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "activity.record_held")
            )
            == 4
        )
    log = (await bot.say(hung.user, "/audit"))[-1].text or ""
    assert "Phạm Văn Hùng: ghi nhận hoạt động #4 đã tổ chức (nhập bổ sung)" in log

    # Last year's report says what was entered, cell by cell.
    workbook = await _report(bot, hung.user, "2024")
    cells = [[c.value for c in row] for row in load_workbook(io.BytesIO(workbook)).worksheets[0].iter_rows()]
    assert any("BÁO CÁO KẾT QUẢ HOẠT ĐỘNG NĂM 2024" in str(v) for row in cells for v in row)
    rows = {row[0]: row[1:5] for row in cells if isinstance(row[0], int)}
    assert rows == {n: [OFFICIAL[n], *EXPECTED[n]] for n in EXPECTED}
    assert next(row[2:5] for row in cells if row[1] == "Tổng cộng") == list(TOTAL)
    listed = [[c.value for c in row] for row in load_workbook(io.BytesIO(workbook)).worksheets[1].iter_rows()]
    assert {row[1]: row[5:8] for row in listed if isinstance(row[5], int) and row[0] != "Tổng cộng"} == HELD
    by_village = {
        row[0].value: (row[1].value, row[2].value)
        for row in load_workbook(io.BytesIO(workbook)).worksheets[2].iter_rows()
        if isinstance(row[1].value, int)
    }
    assert by_village["Thôn Đông"] == (1, 1) and by_village["Thôn Tây"] == (1, 0)
    assert by_village["Người được đếm không ghi tên và người chưa rõ thôn"] == (125, 71)
    assert by_village["Tổng cộng"] == TOTAL[1:]
    text = (await _report(bot, hung.user, "2024 csv")).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    official = {int(r[0]): [r[1], *map(int, r[2:5])] for r in lines[: lines.index([])] if r and r[0].isdigit()}
    assert official == {n: [OFFICIAL[n], *EXPECTED[n]] for n in EXPECTED}
    this_year = await _report(bot, hung.user, "2025")  # nothing of it spills into the year it was typed in
    cells = [[c.value for c in row] for row in load_workbook(io.BytesIO(this_year)).worksheets[0].iter_rows()]
    assert next(row[2:5] for row in cells if row[1] == "Tổng cộng") == [0, 0, 0]


EARLIER_YEAR = (
    "{moment} is in an earlier year: only the director records the activities of earlier years. Please check the date."
)
RECORDED = (
    "Recorded as held (number {id}): {total} people counted, {women} of them women. Nothing was announced.\n"
    "To enter names from the sign-in sheet, send:\n/desk {id}"
)


async def _held_last_year(bot: Bot, place: Commune) -> int:
    """A talk announced with the bot last December whose attendance nobody entered: returns its number."""
    assert bot.app is not None
    begins = local("20/12/2024 08:00")
    async with bot.app.db.session() as session, session.begin():
        center = await session.get(Center, place.center_id)
        assert center is not None
        draft = activities.Draft(title="Chuyên đề cuối năm", kind=ActivityKind.TALK, sessions=[(begins, begins)])
        activity = await activities.create(session, center, draft, now=begins, by=None)
        activity.status = ActivityStatus.PUBLISHED
        return activity.id


async def test_staff_record_this_years_sessions_and_only_the_director_reaches_earlier_years(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    thu_user = fake.add_user("Thu", language_code=lang)
    await onboard(bot, thu_user, name="Đinh Thị Thu", year="1985")
    await _make_staff(bot, place, thu_user)
    thu = OnTelegram(bot, thu_user)

    await thu.say("/new")
    await thu.choose(tr(lang, "Talk"))
    await thu.say(LAW)
    await thu.choose(tr(lang, "Topic: law education"))
    moment = {"vi": "08:00 ngày 15/03/2024", "en": "08:00, 15/03/2024"}[lang]
    assert (await thu.say("15/3/2024 8h"))[-1].startswith(tr(lang, EARLIER_YEAR, moment=moment))
    held = (await thu.say("15/9/2025 8h-10h"))[-1]
    assert held.endswith(
        tr(
            lang,
            "That day has already passed. Was this activity already held, and are you recording it now for the "
            "figures and reports? It will not be announced to anyone.",
        )
    )
    await thu.choose(tr(lang, "📅 No, another date"))  # a slip of the date: asked again
    await thu.say("15/9/2025 8h-10h")
    await thu.choose(tr(lang, "✅ Yes, it was held: record it"))
    await thu.say("Hội trường UBND xã")
    await thu.say("20 11")
    await thu.choose(tr(lang, "◀ Back"))  # from the preview: that count again
    preview = (await thu.say("20 12"))[-1]
    assert preview.startswith(tr(lang, "Please check what will be recorded as held. Nothing will be announced."))
    when = {"vi": "08:00 ngày 15/09/2025", "en": "08:00, 15/09/2025"}[lang]
    shown = tr(lang, "{when}: {total} people, {women} of them women", when=when, total=20, women=12)
    assert preview.splitlines()[-1] == f"👥 {shown}"
    done = (await thu.choose(tr(lang, "💾 Record as held")))[-1]
    assert done == tr(lang, RECORDED, id=1, total=20, women=12)

    # Staff reach this year's sessions only; the director, last year's too.
    december = await _held_last_year(bot, place)
    refused = (await thu.say(f"/desk {december}"))[-1]
    assert refused == tr(
        lang,
        "{title} has no session on now or already held that you can enter. Staff enter this year's sessions; the "
        "director, those of any year.",
        you="cô",  # 40 this year
        title="Chuyên đề cuối năm",
    )
    offered = (await bot.say(thu_user, "/headcount 3 1"))[-1]
    assert offered.buttons == [f"15/09/2025 08:00 · {LAW}"]  # not December's
    counted = (await bot.press(thu_user, offered, offered.buttons[0]))[-1]
    assert counted.text == tr(
        lang,
        "Entered afterwards for {title} ({when}): {total} people counted, {women} of them women.",
        title=LAW,
        when=when,
        total=3,
        women=1,
    )
    opened = (await bot.say(place.director, f"/desk {december}"))[-1]
    assert opened.text.startswith("Bàn điểm danh đã mở, để nhập bổ sung cho buổi đã tổ chức:\nChuyên đề cuối năm\n")
    assert (await bot.say(place.director, "/headcount 30 20"))[-1].text.startswith(
        "Đã nhập bổ sung cho Chuyên đề cuối năm"
    )


async def test_a_class_whose_last_weeks_are_still_to_come_is_not_recorded_as_held(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = OnTelegram(bot, place.director)
    await hung.say("/new")
    await hung.choose("Lớp học")
    await hung.say(CLASS)
    await hung.choose("Chuyên đề Giáo dục sức khỏe")
    await hung.say("15/9/2025 6h")
    await hung.choose("✅ Đúng, đã tổ chức")
    refused = (await hung.say("4"))[-1]  # the fourth Monday is 6 October, still to come
    assert refused.startswith("Buổi cuối (06:00 ngày 06/10/2025) chưa diễn ra xong.")
    assert (await hung.say("2"))[-1].startswith("✅ 2 buổi, mỗi tuần một buổi")
    assert await _count(bot, Activity) == 0


async def _count(bot: Bot, model: type) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_director_on_zalo_records_a_past_talk_typing_numbers(both: Bot) -> None:
    hung = await director_on_zalo(both)
    await hung.say("/new")
    await hung.choose("Chuyên đề")
    await hung.say(LAW)
    await hung.choose("Chuyên đề Giáo dục pháp luật")
    held = (await hung.say("hôm qua 8h-10h"))[-1]
    assert "1. ✅ Đúng, đã tổ chức: ghi nhận" in held
    await hung.say("1")
    await hung.say("Hội trường UBND xã")
    preview = (await hung.say("2 1"))[-1]  # two people, one woman: a count, not the second line on show
    assert "👥 08:00 ngày 28/09/2025: 2 người, trong đó 1 nữ" in preview
    await hung.choose("💾 Ghi nhận đã tổ chức")
    assert hung.read[-1].startswith("Đã ghi nhận hoạt động đã tổ chức (số 1): 2 người, trong đó 1 nữ.")
    [activity] = await _all(both)
    assert activity.status is ActivityStatus.FINISHED and activity.entered_afterwards


async def _all(bot: Bot) -> list[Activity]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return list(await session.scalars(select(Activity)))


WHICH_YEAR = (
    "That day has already passed this year.\nTo record an activity already held, write the year too, for example: "
    "{held}\nFor an activity next year, write for example: {next_year}"
)


async def test_names_entered_afterwards_are_among_the_total_typed_in(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    """A talk recorded with "32 20", then two names from its sign-in sheet: 32 people came, not 34."""
    place = await commune(bot, fake)
    lan, tu = fake.add_user("Lan"), fake.add_user("Tư")
    await onboard(bot, lan)
    await onboard(bot, tu, name="Trần Văn Tư", gender="male", year="1950", village="Thôn Tây")
    thu_user = fake.add_user("Thu", language_code=lang)
    await onboard(bot, thu_user, name="Đinh Thị Thu", year="1985")
    await _make_staff(bot, place, thu_user)
    thu = OnTelegram(bot, thu_user)

    await thu.say("/new")
    await thu.choose(tr(lang, "Talk"))
    await thu.say(LAW)
    await thu.choose(tr(lang, "Topic: law education"))
    # A day of this year already past, written without the year: both ways out, built from what was typed.
    asked = (await thu.say("15/9 8h-10h"))[-1]
    assert asked.startswith(tr(lang, WHICH_YEAR, held="15/9/2025 8h", next_year="15/9/2026 8h"))
    await thu.say("15/9/2025 8h-10h")
    await thu.choose(tr(lang, "✅ Yes, it was held: record it"))
    count = (await thu.say("Hội trường UBND xã"))[-1]  # the place is echoed before the attendance question
    assert count.splitlines()[:2] == ["✅ Hội trường UBND xã", ""]
    assert "/headcount 25 14" in count.splitlines()
    await thu.say("32 20")
    done = (await thu.choose(tr(lang, "💾 Record as held")))[-1]
    assert done == tr(lang, RECORDED, id=1, total=32, women=20)

    # Two names from the sheet at the desk: Lan (a woman) found by name, Tư pasted with a name not found.
    opened = (await bot.say(thu_user, "/desk 1"))[-1]
    assert opened.text and LAW in opened.text
    found = (await bot.say(thu_user, "nguyen thi lan"))[-1]
    await bot.press(thu_user, found, "Nguyễn Thị Lan (1965, Thôn Đông)")
    await bot.say(thu_user, "Trần Văn Tư\nNgười Lạ")
    closed = (await bot.say(thu_user, "/close"))[-1]
    assert closed.text == tr(
        lang,
        "Session closed. Present: {named} people by name among the {total} entered; {registered} had registered.",
        you="cô",
        named=2,
        total=32,
        registered=0,
    )
    assert closed.text is not None and (lang != "vi" or "2 người có tên trong số 32 đã nhập" in closed.text)

    assert bot.app is not None
    async with bot.app.db.session() as session:
        [counted] = await session.scalars(select(HeadCount))
        assert (counted.total, counted.women, counted.afterwards) == (30, 19, True)
        [sitting] = await session.scalars(select(ActivitySession))
        assert (sitting.visits, sitting.women_visits) == (2, 1)
        audited = [
            e.detail
            for e in await session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.afterwards"))
        ]
        assert [d.get("counted_in") for d in audited] == [counted.id, counted.id]

    # The year's report: 32 learner-visits, 20 of them women, not 34 (21).
    workbook = await _report(bot, place.director, "2025")
    cells = [[c.value for c in row] for row in load_workbook(io.BytesIO(workbook)).worksheets[0].iter_rows()]
    assert next(row[2:5] for row in cells if row[1] == "Tổng cộng") == [1, 32, 20]
