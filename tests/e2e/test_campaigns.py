"""Campaigns: the Lifelong Learning Week from the center's own programme (samples/tuan-le-hoc-tap-suot-doi-2025.csv,
seed 003) to the director's summary at its end, with expected against actual participants in the text and in
the file's cells, sent once; /stats for a campaign; /campaign to start one and set its days."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import httpx
from openpyxl import load_workbook
from sqlalchemy import select

from bot.channels.telegram.fake import FakeMessage, FakeTelegram, FakeUser
from bot.models import Activity, ActivityKind, Campaign, Center, HeadCount
from bot.services import activities
from tests.conftest import Bot
from tests.journeys import center_with_director, checkin_code, commune, local, onboard, tr
from tests.people import OnTelegram, director_on_zalo

WEEK = Path(__file__).resolve().parents[2] / "samples" / "tuan-le-hoc-tap-suot-doi-2025.csv"
NAME = "Tuần lễ hưởng ứng học tập suốt đời 2025"
AI = "Chuyên đề: Khái niệm và các loại AI, ứng dụng AI trong các lĩnh vực đời sống và công việc"
DIGITAL = "Chuyên đề: Chuyển đổi số và cuộc sống"
OPENING = "Lễ khai giảng TTHT và hưởng ứng “Tuần lễ hưởng ứng học tập suốt đời”"
CRIME = "Chuyên đề: Giải pháp phòng chống tội phạm"
WRAP_UP = "Tổng kết Tuần lễ hưởng ứng học tập suốt đời năm 2025"
PLACE = "Hội trường Nhà văn hóa UBND xã Thanh Bình"

# What happens at each session, as the desk records it: who checks in with the code, then the walk-ins counted
# at the door (total, women). Lan and Hoa are women, Minh a man.
HELD = {
    AI: ("03/10/2025 07:30", ["lan", "hoa"], (120, 70)),
    DIGITAL: ("05/10/2025 07:30", ["lan"], (89, 50)),
    OPENING: ("06/10/2025 13:30", [], (200, 120)),
    CRIME: ("07/10/2025 07:30", ["minh"], (104, 40)),
}
REGISTERED = {"lan": [AI, DIGITAL], "hoa": [AI], "minh": [AI, CRIME]}
# Worked out by hand: (expected, registered, actual, women) per activity held.
EXPECTED = {
    AI: (150, 3, 122, 72),
    DIGITAL: (120, 1, 90, 51),
    OPENING: (None, 0, 200, 120),
    CRIME: (100, 1, 105, 40),
}
# 4 held, 517 learner-visits, 283 women; of the three talks with an expected figure: 317 came of 370 expected.


async def _ids(bot: Bot) -> dict[str, int]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return {a.title: a.id for a in await session.scalars(select(Activity))}


async def _hold(bot: Bot, director: FakeUser, people: dict[str, FakeUser], activity_id: int, held: tuple) -> None:  # type: ignore[type-arg]
    """A session as the center runs it: check-in opens, people type the code, the door counts walk-ins."""
    start, present, (walk_ins, women) = held
    bot.clock.current = local(start) - timedelta(minutes=10)
    code = checkin_code((await bot.say(director, f"/checkin {activity_id}"))[-1].text)
    for name in present:
        assert (await bot.say(people[name], code))[-1].text.startswith("✅")
    await bot.say(director, f"/desk {activity_id}")
    assert (await bot.say(director, f"/headcount {walk_ins} {women}"))[-1].text.startswith(f"Đã đếm {walk_ins}")
    await bot.say(director, "/close")
    bot.clock.current = local(start) + timedelta(hours=2)


def _new(chat_messages: list[FakeMessage], before: int) -> list[FakeMessage]:
    return chat_messages[before:]


async def test_the_lifelong_learning_week_from_its_programme_to_the_directors_summary_and_file(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    hung.send_document(WEEK.name, WEEK.read_bytes())
    await bot.settle()
    await bot.press(hung, hung.private_chat.bot_messages[-1], "✅ Tạo 5 hoạt động")
    ids = await _ids(bot)
    for title in (AI, DIGITAL, OPENING, CRIME, WRAP_UP):
        assert (await bot.say(hung, f"/publish {ids[title]}"))[-1].text.startswith("Đã đăng!")
    await bot.deliver()
    card = next(m for m in place.groups["Thôn Bắc"].bot_messages if m.text and CRIME in m.text)
    assert f"🎉 Hoạt động của {NAME}" in (card.text or "").splitlines()

    people = {"lan": fake.add_user("Lan"), "hoa": fake.add_user("Hoa"), "minh": fake.add_user("Minh")}
    await onboard(bot, people["lan"])
    await onboard(bot, people["hoa"], name="Trần Thị Hoa", village="Thôn Tây")
    await onboard(bot, people["minh"], name="Lê Văn Minh", gender="male", year="1958", village="Thôn Bắc")
    for name, titles in REGISTERED.items():
        for title in titles:
            await bot.say(people[name], f"/register {ids[title]}")

    for title, held in HELD.items():
        await _hold(bot, hung, people, ids[title], held)

    # Before its end, the campaign's figures are one /stats away.
    figures = (await bot.say(hung, "/stats chiến dịch"))[-1].text or ""
    assert figures.splitlines()[:3] == [
        f"📊 {NAME} (01/10–07/10/2025)",
        "Đã tổ chức 4 hoạt động, 517 lượt người học (283 nữ).",
        "Dự kiến 370 người, thực tế 317 người (86%).",
    ]

    # The morning after its last day, at 07:00, the director gets the summary and its file; not a minute before.
    await bot.restart()  # nothing is kept in memory: the summary owed is read from the database
    bot.clock.current = local("08/10/2025 06:59")
    before = len(hung.private_chat.bot_messages)
    await bot.deliver()
    assert not [m for m in _new(hung.private_chat.bot_messages, before) if m.text and NAME in m.text]
    bot.clock.current = local("08/10/2025 07:00")
    await bot.deliver()
    summary, attached = [m for m in _new(hung.private_chat.bot_messages, before) if m.text and NAME in m.text]
    assert (summary.text or "").splitlines() == [
        f"📊 {NAME} (01/10–07/10/2025) đã kết thúc.",
        "Đã tổ chức 4 hoạt động, 517 lượt người học (283 nữ).",
        "Dự kiến 370 người, thực tế 317 người (86%).",
        "",
        "• 03/10 Chuyên đề: Khái niệm và các loại AI, ứng dụng AI trong các…: dự kiến 150, đăng ký 3, thực tế 122",
        "• 05/10 Chuyên đề: Chuyển đổi số và cuộc sống: dự kiến 120, đăng ký 1, thực tế 90",
        "• 06/10 Lễ khai giảng TTHT và hưởng ứng “Tuần lễ hưởng ứng học tập…”: đăng ký 0, thực tế 200",
        "• 07/10 Chuyên đề: Giải pháp phòng chống tội phạm: dự kiến 100, đăng ký 1, thực tế 105",
        "• 08/10 Tổng kết Tuần lễ hưởng ứng học tập suốt đời năm 2025: chưa diễn ra, đăng ký 0",
    ]
    assert attached.text == f"📎 {NAME}: tệp tổng hợp, để dùng trong buổi tổng kết."
    assert attached.document is not None
    filename, content = attached.document
    assert filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "TTHTCĐ xã Thanh Bình"
    assert rows[1][0] == f"TỔNG HỢP {NAME.upper()}"
    assert rows[4] == ["TT", "Ngày", "Nội dung", "Địa điểm", "Dự kiến", "Đăng ký", "Thực tế", "Nữ"]
    dates = {AI: "03/10/2025", DIGITAL: "05/10/2025", OPENING: "06/10/2025", CRIME: "07/10/2025"}
    for number, (title, (expected, registered, actual, women)) in enumerate(EXPECTED.items(), 1):
        assert rows[4 + number] == [number, dates[title], title, PLACE, expected, registered, actual, women]
    assert rows[9][2:] == ["Tổng cộng", None, 370, 5, 517, 283]
    assert rows[10][2] == "Thực tế so với dự kiến, của các hoạt động có số dự kiến (%)"
    assert rows[10][6] == 85.7

    # Sent once: later runs, and a restart, send it no more.
    count = len(hung.private_chat.bot_messages)
    await bot.restart()
    bot.clock.current = local("08/10/2025 09:00")
    await bot.deliver()
    assert not [m for m in _new(hung.private_chat.bot_messages, count) if m.text and NAME in m.text]
    assert bot.app is not None
    async with bot.app.db.session() as session:
        campaign = await session.scalar(select(Campaign))
        assert campaign is not None and campaign.summary_sent_at == local("08/10/2025 07:00")


async def test_the_director_starts_campaigns_sets_their_days_and_opens_their_figures_from_stats(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    hung = await center_with_director(bot, fake, lang)
    assert (await bot.say(hung, "/campaign"))[-1].text == tr(
        lang,
        "The center has no campaign yet. To start the Lifelong Learning Week (1 to 7 October), send:\n"
        "/campaign new Tuần lễ hưởng ứng học tập suốt đời",
    )
    week = "Tuần lễ hưởng ứng học tập suốt đời"
    assert (await bot.say(hung, f"/campaign new {week}"))[-1].text == tr(
        lang,
        "Done: the campaign {name} runs {days}. Activities join it through the plan's Campaign column. "
        "Its summary will be sent to you the morning after its last day.",
        you="ông",
        name=week,
        days="01/10–07/10/2025",
    )
    bad_days = tr(
        lang, "I could not read these days. Please write the first and the last day, for example 01/11-30/11/2025."
    )
    assert (await bot.say(hung, "/campaign new Tháng hành động 31/11-30/11/2025"))[-1].text == bad_days
    assert (await bot.say(hung, "/campaign new Tháng hành động"))[-1].text == tr(
        lang,
        "Please write the campaign's name and its first and last day, for example:\n"
        "/campaign new Action month 01/11-30/11/2025",
    )
    assert (await bot.say(hung, f"/campaign new {week}"))[-1].text == tr(
        lang, "There is already a campaign called “{name}”.", name=week
    )
    month = "Tháng hành động vì người cao tuổi"
    await bot.say(hung, f"/campaign new {month} 01/10-31/10/2025")

    listing = (await bot.say(hung, "/campaign"))[-1]
    assert (listing.text or "").splitlines()[:3] == [
        tr(lang, "The center's campaigns:"),
        tr(
            lang, "{number}. {name}: {days}, {count} activities", number=1, name=month, days="01/10–31/10/2025", count=0
        ),
        tr(lang, "{number}. {name}: {days}, {count} activities", number=2, name=week, days="01/10–07/10/2025", count=0),
    ]
    assert (await bot.say(hung, "/campaign 2 01/10-08/10/2025"))[-1].text == tr(
        lang,
        "Done: {name} now runs {days}. Its summary will be sent to you the morning after its last day.",
        you="ông",
        name=week,
        days="01/10–08/10/2025",
    )
    assert (await bot.say(hung, "/campaign 7 01/10-08/10/2025"))[-1].text == tr(
        lang, "There is no campaign with that number. To see the list, send:\n/campaign"
    )
    assert (await bot.say(hung, "/campaign 2 8/10"))[-1].text == bad_days

    totals = (await bot.say(hung, "/stats"))[-1]
    campaigns_button = tr(lang, "🎉 Campaigns")
    assert campaigns_button in totals.buttons
    picker = (await bot.press(hung, totals, campaigns_button))[-1]
    assert picker.text == tr(lang, "Which campaign?")
    assert picker.buttons == [f"1. {month}", f"2. {week}"]
    await bot.press(hung, picker, f"2. {week}")  # the list becomes the campaign's figures
    assert picker.text == f"📊 {week} (01/10–08/10/2025)\n" + tr(
        lang, "No activity of this campaign has been announced yet."
    )
    assert (await bot.say(hung, "/stats " + tr(lang, "campaign") + " 9"))[-1].text == tr(
        lang, "There is no such campaign. To see the list, send:\n/campaign"
    )
    typed = (await bot.say(hung, "/stats nguoi cao tuoi"))[-1]  # a campaign's name, accents optional
    assert (typed.text or "").startswith(f"📊 {month} (01/10–31/10/2025)")

    lan = fake.add_user("Lan", language_code=lang)
    await onboard(bot, lan)
    assert (await bot.say(lan, "/campaign new Chiến dịch riêng 01/11-02/11/2025"))[-1].text == tr(
        lang, "Sorry, only the center's director can use /{command}.", command="campaign"
    )
    assert "Chiến dịch riêng" not in ((await bot.say(hung, "/campaign"))[-1].text or "")


async def test_the_wizard_puts_a_new_activity_into_the_coming_campaign_in_one_tap(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    await bot.say(place.director, "/campaign new Tuần lễ hưởng ứng học tập suốt đời")
    week = "Tuần lễ hưởng ứng học tập suốt đời"
    hung = OnTelegram(bot, place.director)
    hung.user.language_code = lang
    await hung.say("/new")
    await hung.choose(tr(lang, "Talk"))
    await hung.say("Chuyên đề học tập suốt đời")
    await hung.choose(tr(lang, "Topic: culture and society"))
    await hung.say("04/10 08h")
    await hung.choose("2h")
    await hung.say("Hội trường UBND xã")
    assert tr(lang, "🎉 Part of: {campaign}", campaign=week) not in hung.read[-1]
    await hung.choose(tr(lang, "🎉 Add to {campaign}", campaign=week))
    assert tr(lang, "🎉 Part of: {campaign}", campaign=week) in hung.read[-1].splitlines()
    await hung.choose(tr(lang, "💾 Keep as draft"))
    assert bot.app is not None
    async with bot.app.db.session() as session:
        [activity] = list(await session.scalars(select(Activity)))
        assert activity.campaign is not None and activity.campaign.name == week


async def test_a_director_on_zalo_gets_the_summary_and_a_link_to_its_file(both: Bot) -> None:
    hung = await director_on_zalo(both)
    await hung.say("/campaign new Tuần lễ hưởng ứng học tập suốt đời")
    assert both.app is not None
    begins = local("04/10/2025 08:00")
    async with both.app.db.session() as session, session.begin():
        center = await session.scalar(select(Center))
        assert center is not None
        draft = activities.Draft(
            title="Chuyên đề học tập suốt đời",
            kind=ActivityKind.TALK,
            sessions=[(begins, begins + timedelta(hours=2))],
            place="Nhà văn hóa thôn Đông",
            expected=50,
            campaign="Tuần lễ hưởng ứng học tập suốt đời",
        )
        activity = await activities.create(session, center, draft, now=both.clock(), by=None)
        await activities.publish(session, activity, now=both.clock(), by=None)
        session.add(HeadCount(session_id=activity.sessions[0].id, total=40, women=25, at=begins))

    both.clock.current = local("08/10/2025 07:00")
    await both.deliver()
    summary, attached = hung.read[-2:]
    assert summary.splitlines()[1:3] == [
        "Đã tổ chức 1 hoạt động, 40 lượt người học (25 nữ).",
        "Dự kiến 50 người, thực tế 40 người (80%).",
    ]
    link = re.search(r"(http://loalang\.test/f/\S+\.xlsx)", attached)
    assert attached.startswith("📎 Tuần lễ hưởng ứng học tập suốt đời: tệp tổng hợp") and link is not None, attached
    assert both.zalo is not None
    async with httpx.AsyncClient(transport=both.zalo.fetch_transport, base_url="http://loalang.test") as web:
        got = await web.get(link.group(1))
    assert got.status_code == 200
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(got.content)).worksheets[0].iter_rows()]
    assert rows[5][2:] == ["Chuyên đề học tập suốt đời", "Nhà văn hóa thôn Đông", 50, 0, 40, 25]


async def test_a_summary_more_than_a_week_late_is_not_sent(bot: Bot, fake: FakeTelegram) -> None:
    hung = await center_with_director(bot, fake)
    await bot.say(hung, "/campaign new Tuần lễ hưởng ứng học tập suốt đời")
    await bot.restart()  # down from before the week until long after it
    bot.clock.current = local("16/10/2025 07:01")  # a week and a minute after it was due
    before = len(hung.private_chat.bot_messages)
    await bot.deliver()
    assert hung.private_chat.bot_messages[before:] == []
    assert bot.app is not None
    async with bot.app.db.session() as session:
        campaign = await session.scalar(select(Campaign))
        assert campaign is not None and campaign.summary_sent_at is None
