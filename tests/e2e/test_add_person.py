"""A village head registers elderly residents who have no phone; nobody is created twice."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Gender, Person, Registration
from tests.conftest import Bot
from tests.journeys import commune, onboard, publish


async def _village_head(bot: Bot, fake: FakeTelegram, place) -> object:  # type: ignore[no-untyped-def]
    head = fake.add_user("Tâm")
    await onboard(bot, head, name="Vũ Văn Tâm", gender="male", village="Thôn Tây")
    await bot.say(place.director, "/appoint head Thôn Tây")
    await bot.press(place.director, place.director.private_chat.bot_messages[-1], "Vũ Văn Tâm (1965)")
    await bot.deliver()  # the head is told of the role (an outbox row) now, not in the middle of a later answer
    return head


async def _add(bot: Bot, head, activity_id: int, name: str, year: str) -> list:  # type: ignore[no-untyped-def]
    consent = (await bot.say(head, f"/add {activity_id}"))[-1]
    await bot.press(head, consent, "Có, người đó đã đồng ý")
    await bot.say(head, name)  # "Thị": a woman, not asked
    return await bot.say(head, year)  # a head of one village registers its people: the village is not asked


async def test_a_village_head_registers_someone_without_a_phone_once(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    head = await _village_head(bot, fake, place)

    done = await _add(bot, head, activity_id, "Nguyễn Thị Mận", "1948")
    assert done[-1].text == (
        "Xong: đã đăng ký cho Nguyễn Thị Mận tham gia Chuyên đề phòng chống lừa đảo qua mạng.\n"
        f"Để đăng ký người tiếp theo, gửi:\n/add {activity_id}"
    )
    again = await _add(bot, head, activity_id, "nguyen thi man", "1948")  # typed without accents
    assert again[-1].text == "Nguyễn Thị Mận đã được đăng ký Chuyên đề phòng chống lừa đảo qua mạng từ trước."

    assert bot.app is not None
    async with bot.app.db.session() as session:
        [man] = list(await session.scalars(select(Person).where(Person.full_name == "Nguyễn Thị Mận")))
        registrations = list(await session.scalars(select(Registration)))
    assert man.accounts == [] and man.gender is Gender.FEMALE and man.registered_by_id is not None
    assert man.consent_at == bot.clock()
    assert [r.person_id for r in registrations] == [man.id]


async def test_a_close_match_is_asked_about_not_guessed(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    other = await publish(bot, place, "Lớp dưỡng sinh", start="07/10/2025 06:00")
    head = await _village_head(bot, fake, place)
    await _add(bot, head, activity_id, "Nguyễn Thị Mận", "1948")
    asked = await _add(bot, head, other, "Nguyễn Thị Mận", "1949")
    assert asked[-1].text == "Loa Làng đã có Nguyễn Thị Mận, sinh năm 1948, ở Thôn Tây. Có phải cùng một người không?"
    await bot.press(head, asked[-1], "Không, người khác")
    assert bot.app is not None
    async with bot.app.db.session() as session:
        assert len(list(await session.scalars(select(Person).where(Person.full_name == "Nguyễn Thị Mận")))) == 2


async def test_without_consent_nothing_is_kept_and_residents_cannot_add(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    head = await _village_head(bot, fake, place)
    consent = (await bot.say(head, f"/add {activity_id}"))[-1]
    refused = (await bot.press(head, consent, "Không"))[-1]
    assert refused.text == "Vậy Loa Làng sẽ không lưu tên người đó. Chưa có gì được lưu."
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    denied = (await bot.say(lan, f"/add {activity_id}"))[-1]
    assert denied.text == "Xin lỗi, lệnh này chỉ dành cho Giám đốc, cán bộ Trung tâm và trưởng thôn:\n/add"
