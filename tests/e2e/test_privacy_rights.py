"""A person's rights under the personal data law: to see what is kept (/mydata), to withdraw consent
(/withdraw), to be forgotten (/forget); the director does it for people without a phone, and /audit
shows who did what."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram
from bot.cli import main
from bot.config import Settings
from bot.models import Activity, ActivitySession, Attendance, Delivery, Gender, Person, Registration, RoleKind, Village
from bot.services import activities
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, onboard, person_of, publish

CENTER = "Trung tâm học tập cộng đồng xã Thanh Bình"  # as a chat names it


async def _totals(bot: Bot, director) -> list[str]:  # type: ignore[no-untyped-def]
    text = (await bot.say(director, "/stats 2025"))[-1].text or ""
    return [line for line in text.splitlines() if line.startswith(("Tổng:", "6.", "Người học"))]


async def test_a_resident_sees_everything_kept_about_her_and_a_stranger_sees_nothing(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, f"/register {activity_id}")

    shown = await bot.say(lan, "/mydata")
    assert shown[-1].text is not None and shown[-1].text.startswith("Đây là mọi thông tin Loa Làng đang lưu về bà:")
    assert "• Họ và tên: Nguyễn Thị Lan" in shown[-1].text and "• Thôn: Thôn Đông" in shown[-1].text
    name, content = shown[-1].document  # type: ignore[misc]
    data = json.loads(content)
    assert name == "du-lieu-cua-toi.json"
    assert data["person"]["full_name"] == "Nguyễn Thị Lan" and data["person"]["birth_year"] == 1965
    assert [(a["messenger"], a["id"]) for a in data["messenger_accounts"]] == [("telegram", str(lan.id))]
    assert data["person"]["consent_given_at"]
    assert [r["activity"] for r in data["registrations"]] == ["Chuyên đề phòng chống lừa đảo qua mạng"]
    assert [entry["action"] for entry in data["log"]] == ["consent.given"]  # the log's entries about her too
    assert [m["kind"] for m in data["messages"]] == ["reminder", "reminder"]  # the two reminders she is owed
    assert "• Tin nhắn đã gửi hoặc sắp gửi: 2; mục nhật ký: 1" in shown[-1].text.splitlines()

    stranger = fake.add_user("Khách")
    assert (await bot.say(stranger, "/mydata"))[-1].text == (
        "Loa Làng chưa lưu thông tin gì. Thông tin chỉ được lưu sau khi đồng ý với thông báo về dữ liệu cá "
        "nhân. Để đọc thông báo, gửi:\n/start"
    )
    assert await person_of(bot, stranger) is None


async def test_forgetting_deletes_the_person_gives_her_seat_away_and_keeps_the_totals(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    past = await publish(bot, place, "Lớp dưỡng sinh", start="06/10/2025 13:30")
    coming = await publish(bot, place, start="20/10/2025 13:30", capacity=1)
    today = await publish(bot, place, "Lớp tin học", start="07/10/2025 08:30")  # under way when she asks
    lan, hoa = fake.add_user("Lan"), fake.add_user("Hoa")
    await onboard(bot, lan)
    await onboard(bot, hoa, name="Trần Thị Hoa", village="Thôn Tây")
    await bot.say(lan, f"/register {past}")
    await bot.say(lan, f"/register {coming}")
    await bot.say(hoa, f"/register {coming}")  # full: Hoa waits
    await bot.say(lan, f"/register {today}")
    bot.clock.current = local("06/10/2025 13:20")
    screen = (await bot.say(place.director, f"/checkin {past}"))[-1]
    await bot.say(lan, checkin_code(screen.text))
    bot.clock.current = local("07/10/2025 08:35")
    screen = (await bot.say(place.director, f"/checkin {today}"))[-1]
    await bot.say(lan, checkin_code(screen.text))
    bot.clock.current = local("07/10/2025 09:00")
    before = await _totals(bot, place.director)
    assert "Tổng: 2 lớp, 2 lượt người (2 nữ)" in before
    under_way = "• 07/10 08:30 Lớp tin học: đăng ký 1/100, chờ 0, có mặt 1 (1 nữ), vãng lai 0, đến 100%"
    assert under_way in ((await bot.say(place.director, "/stats"))[-1].text or "").splitlines()

    question = (await bot.say(lan, "/forget"))[-1]
    assert question.buttons == ["🗑 Có, xóa dữ liệu của tôi", "Giữ lại dữ liệu"]
    done = await bot.press(lan, question, "🗑 Có, xóa dữ liệu của tôi")
    assert done[-1].text is not None and done[-1].text.startswith("Xong: dữ liệu cá nhân đã được xóa.")
    await bot.deliver()  # the notice to them goes through the outbox
    assert hoa.private_chat.bot_messages[-1].text.startswith("Tin vui: đã có chỗ trống dành cho bà.")

    assert await person_of(bot, lan) is None  # nothing links her Telegram account to anything any more
    assert bot.app is not None
    async with bot.app.db.session() as session:
        left = (await session.scalars(select(Person).where(Person.forgotten_at.is_not(None), ~Person.anonymous))).one()
        assert (left.full_name, left.gender, left.birth_year, left.village_id, left.phone) == (None,) * 5
        assert left.accounts == []
        visits = (
            await session.execute(
                select(Person, Attendance.at, ActivitySession.starts_at)
                .join(Attendance, Attendance.person_id == Person.id)
                .join(ActivitySession, ActivitySession.id == Attendance.session_id)
            )
        ).all()
        places = (await session.scalars(select(Registration.person_id).order_by(Registration.activity_id))).all()
    # her two visits are held by two anonymous stand-ins: gender and village, what the totals are broken down
    # by, and the session's start for a time, so neither tells when she came nor that both were hers
    assert [(p.anonymous, p.gender, p.village.name, at == start) for p, at, start in visits] == [  # type: ignore[union-attr]
        (True, Gender.FEMALE, "Thôn Đông", True),
        (True, Gender.FEMALE, "Thôn Đông", True),
    ]
    assert visits[0][0].id != visits[1][0].id and len(set(places)) == 4  # Hoa, and three stand-ins for her places
    assert await _totals(bot, place.director) == before
    assert under_way in ((await bot.say(place.director, "/stats"))[-1].text or "").splitlines()  # under way too
    async with bot.app.db.session() as session:  # nothing sent to her account is kept either
        sent = await session.scalar(select(func.count()).select_from(Delivery).where(Delivery.chat == str(lan.id)))
        assert sent == 0
    again = await bot.say(lan, "/start")
    assert "Đồng ý" in again[-1].buttons[0]  # a stranger again: the privacy notice


async def test_withdrawing_consent_stops_every_message_until_she_agrees_again(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30", reminders="1d@19:00")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, "/notify on")
    await bot.say(lan, f"/register {activity_id}")

    question = (await bot.say(lan, "/withdraw"))[-1]
    kept = await bot.press(lan, question, "Không, giữ nguyên")
    assert kept[-1].text == "Sự đồng ý vẫn giữ nguyên."
    question = (await bot.say(lan, "/withdraw"))[-1]
    done = await bot.press(lan, question, "Rút lại sự đồng ý")
    assert done[-1].text is not None and done[-1].text.startswith("Xong: đã rút lại sự đồng ý")
    heard = len(lan.private_chat.bot_messages)
    await publish(bot, place, "Lớp tin học", start="08/10/2025 08:00")  # she had asked for private notices
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():  # the talk she was told about is called off
        called_off = await session.get(Activity, activity_id)
        assert called_off is not None
        await activities.cancel(session, called_off, now=bot.clock(), by=None)
    bot.clock.current = local("05/10/2025 19:05")  # her reminder was due now
    await bot.deliver()
    assert len(lan.private_chat.bot_messages) == heard
    assert (await bot.say(lan, "/events"))[
        -1
    ].text == "Xin đọc và đồng ý với thông báo về dữ liệu cá nhân trước. Để bắt đầu, gửi:\n/start"
    assert (await bot.say(lan, "/mydata"))[-1].text.startswith(
        "Đây là mọi thông tin Loa Làng đang lưu về ông/bà:"  # withdrawn: her data are no longer used, even to greet her
    )  # type: ignore[union-attr]

    notice = (await bot.say(lan, "/start"))[-1]
    welcome = await bot.press(lan, notice, next(b for b in notice.buttons if "Đồng ý" in b))
    assert welcome[0].text is not None and welcome[0].text.startswith("Cảm ơn! Sự đồng ý đã được ghi nhận lúc 19:05")
    person = await person_of(bot, lan)
    assert person is not None and person.full_name == "Nguyễn Thị Lan" and person.consent_withdrawn_at is None


async def test_the_director_erases_someone_without_a_phone_and_the_log_shows_it(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        village = await session.scalar(select(Village).where(Village.name == "Thôn Tây"))
        assert village is not None
        session.add(
            Person(
                center_id=place.center_id,
                full_name="Nguyễn Thị Tư",
                gender=Gender.FEMALE,
                birth_year=1940,
                village_id=village.id,
                created_at=bot.clock(),
                roles=[],
            )
        )
    staff = fake.add_user("Thu")
    await onboard(bot, staff, name="Đinh Thị Thu")
    assert (await bot.say(staff, "/erase Tư"))[-1].text == "Xin lỗi, lệnh này chỉ dành cho Giám đốc Trung tâm:\n/erase"

    found = (await bot.say(place.director, "/erase tu"))[-1]
    assert found.buttons == ["Nguyễn Thị Tư (1940)"]
    shown = (await bot.say(place.director, "/data Tư"))[-1]
    data = (await bot.press(place.director, shown, "Nguyễn Thị Tư (1940)"))[-1]
    assert json.loads(data.document[1])["person"]["full_name"] == "Nguyễn Thị Tư"  # type: ignore[index]
    question = (await bot.press(place.director, found, "Nguyễn Thị Tư (1940)"))[-1]
    done = await bot.press(place.director, question, "🗑 Có, xóa")
    assert (
        done[-1].text
        == "Xong: dữ liệu cá nhân của Nguyễn Thị Tư đã được xóa. Nhật ký có ghi lại việc xóa này và người thực hiện."
    )
    gone = (await bot.say(place.director, "/erase Tư"))[-1].text or ""
    assert gone.startswith("Không tìm thấy người không dùng điện thoại nào tên")

    log = (await bot.say(place.director, "/audit"))[-1].text or ""
    assert "Phạm Văn Hùng: xóa dữ liệu cá nhân của người số" in log
    assert "Phạm Văn Hùng: xem dữ liệu của người số" in log
    assert "Nguyễn Thị Tư" not in log  # the log keeps numbers, never names
    assert (await bot.say(staff, "/audit"))[-1].text == "Xin lỗi, lệnh này chỉ dành cho Giám đốc Trung tâm:\n/audit"


async def test_a_director_hands_the_center_over_and_can_then_be_forgotten(
    bot: Bot,
    fake: FakeTelegram,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    place = await commune(bot, fake)
    for attempt in ("/forget", "/forget yes", "/withdraw yes"):  # a center always has someone answerable
        refused = (await bot.say(place.director, attempt))[-1].text or ""
        assert refused.startswith("Giám đốc chịu trách nhiệm về dữ liệu của Trung tâm")
    person = await person_of(bot, place.director)
    assert person is not None and person.full_name == "Phạm Văn Hùng" and person.consent_withdrawn_at is None
    async with fake.serve() as url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
        monkeypatch.setenv("BOT_TOKEN", fake.token)
        monkeypatch.setenv("BOT_API_BASE_URL", url)
        assert await asyncio.to_thread(main, ["center", "handover", str(place.center_id)]) == 0
    link = re.search(r"\?start=(\S+)", capsys.readouterr().out)
    assert link is not None

    mai = fake.add_user("Mai")
    await onboard(bot, mai, name="Đỗ Thị Mai", start=f"/start {link.group(1)}")
    assert any(
        "Đã nhận vai trò Giám đốc của Trung tâm học tập cộng đồng xã Thanh Bình." in (m.text or "")
        for m in mai.private_chat.bot_messages
    )
    await bot.deliver()  # the notice to Hùng goes through the outbox
    assert place.director.private_chat.bot_messages[-1].text == (
        f"Mai hiện là Giám đốc của {CENTER}, nên ông không còn là Giám đốc nữa. Cảm ơn ông đã "
        "làm việc. Nếu ông tiếp tục tham gia, Giám đốc mới có thể giao vai trò cán bộ."
    )
    assert (await bot.say(place.director, "/audit"))[-1].text == (
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc Trung tâm:\n/audit"
    )
    question = (await bot.say(place.director, "/forget"))[-1]
    done = await bot.press(place.director, question, "🗑 Có, xóa dữ liệu của tôi")
    assert (done[-1].text or "").startswith("Xong: dữ liệu cá nhân đã được xóa.")
    log = (await bot.say(mai, "/audit"))[-1].text or ""
    assert "bỏ vai trò Giám đốc của người số 1" in log  # Mai took the role from Hùng


async def test_someone_who_withdrew_and_comes_back_through_an_invite_link_gets_its_role(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    thu = fake.add_user("Thu")
    await onboard(bot, thu, name="Lý Thị Thu")
    question = (await bot.say(thu, "/withdraw"))[-1]
    await bot.press(thu, question, "Rút lại sự đồng ý")
    await bot.say(place.director, "/appoint staff")
    ask = place.director.private_chat.bot_messages[-1]
    link_text = (await bot.press(place.director, ask, "🔗 Tạo đường dẫn mời dùng một lần"))[-1].text or ""
    payload = link_text.rsplit("?start=", 1)[1].strip()

    notice = (await bot.say(thu, f"/start {payload}"))[-1]
    welcome = await bot.press(thu, notice, next(b for b in notice.buttons if "Đồng ý" in b))
    assert any(
        "Đã nhận vai trò cán bộ của Trung tâm học tập cộng đồng xã Thanh Bình." in (m.text or "") for m in welcome
    )
    person = await person_of(bot, thu)
    assert person is not None and person.consent_withdrawn_at is None
    assert [r.kind for r in person.roles] == [RoleKind.STAFF]
