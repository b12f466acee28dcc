"""Partners and speakers: the director's roster, an activity naming its speaker, and the speaker who uses the bot
getting the reminder of their session and, after it, how many came (figures, never names)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Account, Activity, ActivityKind, Center, Delivery, DeliveryStatus, Partner, PartnerKind, Person
from bot.services import activities, checkin, partners
from tests.conftest import Bot
from tests.journeys import Commune, commune, local, onboard, publish, tr

SPEAKER = "Thượng úy Nguyễn Văn Bình"
POLICE = "Công an xã"
TALK = "Chuyên đề phòng chống lừa đảo qua mạng"


async def test_a_speaker_gets_the_reminder_and_the_attendance_of_their_session(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    binh = fake.add_user("Bình", language_code=lang)
    await onboard(bot, binh, name="Nguyễn Văn Bình", gender="male", year="1980", village="Thôn Tây")
    activity_id = await publish(bot, place, TALK, start="06/10/2025 13:30", hours=2)

    # The roster: the police post and its officer who gives the talk, linked to the person who uses the bot.
    added = (await bot.say(hung, f"/partners add {POLICE} / {SPEAKER}"))[-1]
    assert added.text.startswith(f"Đã lưu: 🎤 {SPEAKER} ({POLICE})")
    listed = (await bot.say(hung, "/partners"))[-1]
    assert f"🤝 {POLICE}" in listed.text and f"🎤 {SPEAKER} ({POLICE})" in listed.text
    assert f"🔗 Liên kết {SPEAKER}" in listed.buttons
    offered = (await bot.press(hung, listed, f"🔗 Liên kết {SPEAKER}"))[-1]
    done = (await bot.press(hung, offered, "Nguyễn Văn Bình (1980)"))[-1]
    assert done.text == f"Đã xong: 🎤 {SPEAKER} ({POLICE}) · dùng Loa Làng: Nguyễn Văn Bình"
    await bot.deliver()
    told = binh.private_chat.bot_messages[-1].text or ""
    if lang == "vi":
        assert SPEAKER in told
        assert told.endswith("Để xem các buổi, xin gửi:\n/sessions")
    else:
        assert SPEAKER in told and told.endswith("To see your sessions, send:\n/sessions")

    # The activity names its speaker: /change, one tap on the roster.
    await bot.say(hung, f"/change {activity_id}")
    asked = (await bot.press(hung, hung.private_chat.bot_messages[-1], "🤝 Đơn vị phối hợp"))[-1]
    saved = (await bot.press(hung, asked, f"{POLICE} / {SPEAKER}"))[-1]
    assert f"🤝 {POLICE} / {SPEAKER}" in saved.text
    assert bot.app is not None
    async with bot.app.db.session() as session:
        activity = await session.get(Activity, activity_id)
        speaker = await session.scalar(select(Partner).where(Partner.kind == PartnerKind.SPEAKER))
        assert activity is not None and speaker is not None and activity.speaker_id == speaker.id

    # The evening before: the reminder, saying they lead it.
    before = len(binh.private_chat.bot_messages)
    bot.clock.current = local("05/10/2025 19:00")
    await bot.deliver()
    reminder = binh.private_chat.bot_messages[before].text or ""
    first = "⏰ Nhắc chú: chú phụ trách buổi này." if lang == "vi" else "⏰ Reminder: you lead this session."
    assert reminder.splitlines()[0] == first
    assert TALK in reminder and "Hội trường UBND xã" in reminder
    assert not binh.private_chat.bot_messages[before].buttons  # not a seat to keep or register for

    # During the talk the desk counts walk-ins; an hour after it ends the speaker is told how many came.
    bot.clock.current = local("06/10/2025 15:40")
    offered = (await bot.say(hung, "/headcount 25 14"))[-1]
    await bot.press(hung, offered, offered.buttons[0])
    before = len(binh.private_chat.bot_messages)
    bot.clock.current = local("06/10/2025 16:29")
    await bot.deliver()
    assert len(binh.private_chat.bot_messages) == before  # not yet: the desk may still be counting
    bot.clock.current = local("06/10/2025 16:30")
    await bot.deliver()
    assert len(binh.private_chat.bot_messages) == before + 1
    attendance = binh.private_chat.bot_messages[-1].text
    if lang == "vi":
        assert attendance == (
            f"📋 Số người đến: {TALK}\n🗓 Thứ Hai, 06/10/2025 lúc 13:30\nCó 25 người đến, trong đó 14 nữ.\n"
            "Cảm ơn chú đã phụ trách buổi này."
        )
    else:
        assert attendance == (
            f"📋 Attendance: {TALK}\n🗓 Monday, 06/10/2025 at 13:30\n25 people came, 14 of them women.\n"
            "Thank you for leading this session."
        )
    await bot.deliver()
    bot.clock.advance(days=1)
    await bot.deliver()
    assert len(binh.private_chat.bot_messages) == before + 1  # told once

    # Their own list: the session held, with its figures.
    sessions = (await bot.say(binh, "/sessions"))[-1].text or ""
    assert TALK in sessions and ("25 người đến" in sessions if lang == "vi" else "25 people came" in sessions)
    # Someone who leads nothing is told so, politely.
    assert (await bot.say(hung, "/sessions"))[-1].text.startswith("Chưa có buổi nào")

    # /forget: the roster keeps the speaker (the activity names them), but no longer who they were in the bot.
    question = (await bot.say(binh, "/forget"))[-1]
    await bot.press(binh, question, question.buttons[0])
    async with bot.app.db.session() as session:
        speaker = await session.get(Partner, speaker.id)
        assert speaker is not None and speaker.name == SPEAKER and speaker.person_id is None


async def test_a_plan_text_names_the_roster_and_typing_twice_makes_one_entry(bot: Bot, fake: FakeTelegram) -> None:
    """ "Đơn vị phối hợp / Người dạy" as a plan writes it: kept as written, matched to the roster (accents and
    case aside), added when new; a speaker named alone brings their organisation."""
    place = await commune(bot, fake)
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        first, speaker = await partners.match_text(
            session, place.center_id, "Hội Nông dân xã / Ông Trần Văn Tư", bot.clock()
        )
        again, same = await partners.match_text(
            session, place.center_id, "hoi nong dan xa /  ông trần văn tư", bot.clock()
        )
        assert first is not None and speaker is not None and (again, same) == (first, speaker)
        assert speaker.organisation_id == first.id
        alone = await partners.match_text(session, place.center_id, "Ông Trần Văn Tư", bot.clock())
        assert alone == (first, speaker)
        assert len(await partners.roster(session, place.center_id)) == 2
    activity_id = await publish(bot, place, "Kỹ thuật trồng lúa")  # the helper's plan says "Công an xã"
    async with bot.app.db.session() as session:
        activity = await session.get(Activity, activity_id)
        assert activity is not None and activity.partner == "Công an xã" and activity.speaker_id is None
        police = await session.get(Partner, activity.partner_id)
        assert police is not None and police.name == "Công an xã" and police.kind is PartnerKind.ORGANISATION
    refused = (await bot.say(place.director, "/partners link 999"))[-1]
    assert refused.text.startswith("Không tìm thấy")


async def _held(bot: Bot, place: Commune, title: str, start: str, partner: str | None, came: tuple[int, int]) -> None:
    """A talk of the plan, published and held, its walk-ins counted at the desk."""
    assert bot.app is not None
    begins = local(start)
    async with bot.app.db.session() as session, session.begin():
        center = await session.get(Center, place.center_id)
        assert center is not None
        draft = activities.Draft(
            title=title,
            kind=ActivityKind.TALK,
            sessions=[(begins, begins + timedelta(hours=2))],
            place="Hội trường UBND xã",
            partner=partner,
        )
        activity = await activities.create(session, center, draft, now=bot.clock(), by=None)
        await activities.publish(session, activity, now=bot.clock(), by=None)
        checkin.count_heads(
            session, activity.sessions[0], *came, center_id=center.id, now=begins, by=None, afterwards=False
        )


async def test_stats_and_the_report_are_read_per_partner(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    place = await commune(bot, fake)
    hung = place.director
    if lang == "en":
        await bot.say(hung, "/lang en")
    await _held(bot, place, TALK, "06/10/2025 13:30", POLICE, (30, 20))
    await _held(bot, place, "Kỹ thuật trồng lúa", "08/10/2025 08:00", "Hội Nông dân xã / Ông Trần Văn Tư", (12, 5))
    await _held(bot, place, "Đêm văn nghệ", "10/10/2025 19:00", None, (40, 25))
    bot.clock.current = local("15/10/2025 09:00")

    message = (await bot.say(hung, "/stats 2025"))[-1]
    await bot.press(hung, message, tr(lang, "🤝 By partner"))
    lines = (message.text or "").splitlines()
    heading = tr(lang, "🤝 {title} by partner: {period}", title="|", period=tr(lang, "the year {year}", year=2025))
    assert lines[0].startswith(heading.split("|")[0]) and lines[0].endswith(heading.split("|")[1])

    def counted(classes: int, visits: int, women: int) -> str:
        return tr(lang, "{classes} classes, {visits} learner-visits ({women} women)", classes=classes,
                  visits=visits, women=women)  # fmt: skip

    assert lines[3:] == [
        f"• {POLICE}: {counted(1, 30, 20)}",
        f"• Hội Nông dân xã: {counted(1, 12, 5)}",
        f"• {tr(lang, 'No partner named')}: {counted(1, 40, 25)}",  # last, whatever its size
    ]
    assert tr(lang, "🤝 By partner") not in message.buttons  # the view on show
    assert tr(lang, "📋 Totals") in message.buttons

    if lang == "vi":
        workbook = (await bot.say(hung, "/report 2025"))[-1].document
        assert workbook is not None
        sheet = load_workbook(io.BytesIO(workbook[1]))["Đơn vị phối hợp"]
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
        header = next(row for row in cells if row[0] == "Đơn vị phối hợp hoặc người dạy")
        assert header == ["Đơn vị phối hợp hoặc người dạy", "Hoạt động", "Số lượt người tham gia", "Nữ"]
        assert [row for row in cells if isinstance(row[1], int)] == [
            [POLICE, 1, 30, 20],
            ["Hội Nông dân xã", 1, 12, 5],
            ["Không ghi đơn vị phối hợp", 1, 40, 25],
            ["Tổng cộng", 3, 82, 50],
        ]


async def test_the_wizard_offers_the_roster_and_a_typed_name_joins_it(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    await bot.say(hung, "/partners add Hội Nông dân xã / Ông Trần Văn Tư")
    listed = (await bot.say(hung, "/partners"))[-1].text or ""
    assert "/partners link 2" in listed.splitlines()  # typed, where a messenger has no buttons

    kind = (await bot.say(hung, "/new"))[-1]
    await bot.press(hung, kind, "Chuyên đề")
    area = (await bot.say(hung, "Chuyên đề kỹ thuật chăn nuôi"))[-1]
    await bot.press(hung, area, area.buttons[0])
    await bot.say(hung, "6/10 13h30")
    await bot.say(hung, "16h30")
    preview = (await bot.say(hung, "Hội trường UBND xã"))[-1]
    asked = (await bot.press(hung, preview, "🤝 Đơn vị phối hợp"))[-1]
    assert asked.buttons[:3] == ["Hội Nông dân xã", "Hội Nông dân xã / Ông Trần Văn Tư", "Bỏ qua"]
    preview = (await bot.press(hung, asked, "Hội Nông dân xã / Ông Trần Văn Tư"))[-1]
    assert "🤝 Hội Nông dân xã / Ông Trần Văn Tư" in (preview.text or "")
    await bot.press(hung, preview, "📢 Đăng ngay")

    await bot.say(hung, "/new")  # a new name, typed: added to the roster when the activity is saved
    kind = hung.private_chat.bot_messages[-1]
    await bot.press(hung, kind, "Chuyên đề")
    area = (await bot.say(hung, "Chuyên đề chăm sóc sức khỏe"))[-1]
    await bot.press(hung, area, area.buttons[0])
    await bot.say(hung, "7/10 8h")
    await bot.say(hung, "10h")
    preview = (await bot.say(hung, "Hội trường UBND xã"))[-1]
    await bot.press(hung, preview, "🤝 Đơn vị phối hợp")
    preview = (await bot.say(hung, "Trạm Y tế xã"))[-1]
    await bot.press(hung, preview, "📢 Đăng ngay")

    assert bot.app is not None
    async with bot.app.db.session() as session:
        talks = list(await session.scalars(select(Activity).order_by(Activity.id)))
        roster = {p.id: p.name for p in await partners.roster(session, place.center_id)}
    assert [(roster.get(a.partner_id or 0), roster.get(a.speaker_id or 0)) for a in talks] == [
        ("Hội Nông dân xã", "Ông Trần Văn Tư"),
        ("Trạm Y tế xã", None),
    ]


async def test_a_moved_session_owes_the_speaker_at_the_new_time_and_a_replaced_speaker_nothing(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    binh, tu = fake.add_user("Bình"), fake.add_user("Tư")
    await onboard(bot, binh, name="Nguyễn Văn Bình", gender="male", year="1980", village="Thôn Tây")
    await onboard(bot, tu, name="Trần Văn Tư", gender="male", year="1975", village="Thôn Đông")
    activity_id = await publish(bot, place, TALK, start="06/10/2025 13:30", hours=2)
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        activity = await session.get(Activity, activity_id)
        assert activity is not None
        for name, user in ((SPEAKER, binh), ("Ông Trần Văn Tư", tu)):
            speaker = await partners.add(session, place.center_id, PartnerKind.SPEAKER, name, bot.clock())
            person = await session.scalar(select(Person).join(Account).where(Account.external_id == str(user.id)))
            assert person is not None
            partners.link(speaker, person)
        await partners.assign(session, activity, SPEAKER, bot.clock())
        await activities.reschedule(
            session,
            activity,
            now=bot.clock(),
            by=None,
            sessions=[(local("07/10/2025 08:00"), local("07/10/2025 10:00"))],
        )
    async with bot.app.db.session() as session, session.begin():  # the speaker named again: owed the same, once
        activity = await session.get(Activity, activity_id)
        assert activity is not None
        await partners.plan(session, activity, bot.clock())
    assert await _owed(bot, binh.id) == [
        ("notice", local("07/10/2025 11:00")),  # an hour after the new end; none at the old one
        ("reminder", local("06/10/2025 19:00")),
        ("reminder", local("07/10/2025 06:00")),
    ]
    async with bot.app.db.session() as session, session.begin():
        activity = await session.get(Activity, activity_id)
        assert activity is not None
        await partners.assign(session, activity, "Ông Trần Văn Tư", bot.clock())
    assert await _owed(bot, binh.id) == []  # replaced: owed nothing more
    assert [kind for kind, _ in await _owed(bot, tu.id)] == ["notice", "reminder", "reminder"]


async def _owed(bot: Bot, chat: int) -> list[tuple[str, datetime]]:
    """What the outbox still owes this private chat about activities, in order."""
    assert bot.app is not None
    async with bot.app.db.session() as session:
        rows = await session.execute(
            select(Delivery.kind, Delivery.due_at)
            .where(
                Delivery.chat == str(chat),
                Delivery.activity_id.is_not(None),
                Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.RETRY)),
            )
            .order_by(Delivery.kind, Delivery.due_at)
        )
        return [(kind.value, due) for kind, due in rows]
