"""A resident opens the bot, reads the privacy notice, agrees, and fills in a short profile."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.models import AuditEntry, Conversation, Gender
from tests.conftest import Bot
from tests.journeys import AGREE, onboard, people_count, person_of, tr


async def test_resident_agrees_and_completes_profile(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan", language_code=lang)

    notice = await bot.say(lan, "/start")
    assert len(notice) == 1
    assert tr(lang, "Nothing about you is stored until you press “Đồng ý” (I agree).") in notice[0].text
    assert "Trung tâm học tập cộng đồng xã Thanh Bình" in notice[0].text  # who keeps the data
    assert tr(lang, AGREE) in notice[0].buttons
    assert await people_count(bot) == 0

    answers = await bot.press(lan, notice[0], tr(lang, AGREE))
    assert answers[-1].text == tr(lang, "What is your full name?")
    assert notice[0].buttons == []  # the pressed notice cannot be pressed twice
    assert fake.callback_answers  # the button's spinner was stopped

    gender_question = (await bot.say(lan, "  Nguyễn   Ngọc Lan "))[-1]  # no "Thị": her gender is asked
    assert gender_question.text == tr(lang, "Are you female or male?")
    assert gender_question.buttons == [tr(lang, "Female"), tr(lang, "Male"), tr(lang, "Other")]
    year_question = (await bot.press(lan, gender_question, tr(lang, "Female")))[-1]
    assert year_question.text == tr(lang, "What year were you born? (for example 1965)")
    village_question = (await bot.say(lan, "1965"))[-1]
    assert village_question.text == tr(lang, "Which village do you live in?")
    assert village_question.buttons == ["Thôn Bắc", "Thôn Tây", "Thôn Đông"]
    saved = (await bot.press(lan, village_question, "Thôn Đông"))[-1]
    assert "Nguyễn Ngọc Lan" in saved.text and "1965" in saved.text and "Thôn Đông" in saved.text

    person = await person_of(bot, lan)
    assert person is not None
    assert (person.full_name, person.gender, person.birth_year) == ("Nguyễn Ngọc Lan", Gender.FEMALE, 1965)
    assert person.consent_at == bot.clock()


async def test_vietnamese_resident_reads_natural_vietnamese(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    ba = fake.add_user("Ba", language_code="vi")
    notice = (await bot.say(ba, "/start"))[-1]
    assert notice.text.startswith("Chào mừng đến với Loa Làng!")
    assert "Quyền, bất cứ lúc nào" in notice.text
    assert notice.buttons == ["✅ Đồng ý", "English"]
    question = await bot.press(ba, notice, "✅ Đồng ý")
    assert question[0].text.startswith("Cảm ơn! Sự đồng ý đã được ghi nhận lúc 09:00 ngày 29/09/2025.")
    assert question[-1].text == "Xin cho biết họ và tên, ví dụ: Nguyễn Thị Lan."


async def test_nothing_personal_is_kept_for_someone_who_never_agrees(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await bot.create_center()
    visitor = fake.add_user("Khách", language_code=lang)
    await bot.say(visitor, "/start")
    refused = await bot.say(visitor, "/profile")
    assert refused[-1].text == tr(lang, "Please send /start and agree to the privacy notice first.")
    await bot.say(visitor, "Nguyễn Văn A")
    assert await people_count(bot) == 0
    assert bot.app is not None
    async with bot.app.db.session() as session:
        for table in (Conversation, AuditEntry):
            assert await session.scalar(select(func.count()).select_from(table)) == 0


async def _at_birth_year(bot: Bot, fake: FakeTelegram, lang: str) -> FakeUser:
    """A resident who agreed and answered her name ("Thị" tells her gender), now asked for the birth year."""
    await bot.create_center()
    lan = fake.add_user("Lan", language_code=lang)
    notice = (await bot.say(lan, "/start"))[-1]
    await bot.press(lan, notice, tr(lang, AGREE))
    await bot.say(lan, "Nguyễn Thị Lan")
    return lan


async def test_birth_year_of_1800_or_abc_is_refused_and_changes_nothing(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    lan = await _at_birth_year(bot, fake, lang)

    expected = tr(
        lang,
        "Please send your birth year as four digits between {low} and {high}, for example 1965.",
        low=1905,
        high=2019,
    )
    for bad in ("1800", "abc", "19655", "2024"):
        answer = await bot.say(lan, bad)
        assert [m.text for m in answer] == [expected]
    done = await bot.say(lan, "1965")
    assert done[-1].text == tr(lang, "Which village do you live in?")


async def test_unknown_village_is_refused_with_the_list_again(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    lan = await _at_birth_year(bot, fake, lang)
    await bot.say(lan, "1965")

    refused = (await bot.say(lan, "Thôn Nam"))[-1]
    assert refused.text == tr(
        lang, "I could not find the village “{typed}”. Please choose your village from the list.", typed="Thôn Nam"
    )
    assert "Thôn Đông" in refused.buttons
    person = await person_of(bot, lan)
    assert person is not None and person.village_id is None and person.full_name is None


async def test_typing_instead_of_pressing_works_the_same(bot: Bot, fake: FakeTelegram) -> None:
    """The next messenger has no buttons: every answer can be typed, accents optional."""
    await bot.create_center()
    hoa = fake.add_user("Hoa", language_code="vi")
    await bot.say(hoa, "/start")
    assert (await bot.say(hoa, "dong y"))[-1].text == "Xin cho biết họ và tên, ví dụ: Nguyễn Thị Lan."
    await bot.say(hoa, "Trần Thị Hoa")
    await bot.say(hoa, "nu")
    await bot.say(hoa, "1958")
    await bot.say(hoa, "thon tay")
    person = await person_of(bot, hoa)
    assert person is not None and person.gender is Gender.FEMALE and person.village is not None
    assert person.village.name == "Thôn Tây"


async def test_a_restart_in_the_middle_of_the_profile_loses_nothing(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    nam = fake.add_user("Nam", language_code="vi")
    notice = (await bot.say(nam, "/start"))[-1]
    await bot.press(nam, notice, "✅ Đồng ý")
    await bot.say(nam, "Lê Hoàng Nam")
    gender_question = nam.private_chat.bot_messages[-1]

    await bot.restart()

    year_question = (await bot.press(nam, gender_question, "Nam"))[-1]
    assert year_question.text == "Xin cho biết năm sinh, ví dụ: 1965."
    await bot.say(nam, "1970")
    await bot.say(nam, "Thôn Bắc")
    person = await person_of(bot, nam)
    assert person is not None
    assert (person.full_name, person.gender, person.birth_year) == ("Lê Hoàng Nam", Gender.MALE, 1970)


async def test_profile_can_be_changed_keeping_some_answers(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan", language_code=lang)
    await onboard(bot, lan)

    name_question = (await bot.say(lan, "/profile"))[-1]
    assert name_question.buttons == [tr(lang, "Keep: {value}", value="Nguyễn Thị Lan")]
    await bot.press(lan, name_question, name_question.buttons[0])
    await bot.press(lan, lan.private_chat.bot_messages[-1], tr(lang, "Female"))
    await bot.say(lan, "-")
    await bot.say(lan, "Thôn Bắc")
    person = await person_of(bot, lan)
    assert person is not None
    assert (person.full_name, person.birth_year, person.village.name) == ("Nguyễn Thị Lan", 1965, "Thôn Bắc")


async def test_welcome_back_for_someone_already_registered(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan", language_code=lang)
    await onboard(bot, lan)
    again = await bot.say(lan, "/start")
    assert [m.text for m in again] == [
        tr(lang, "Welcome back, {name}! Send /help to see what you can do.", you="bà", name="Nguyễn Thị Lan")
    ]
