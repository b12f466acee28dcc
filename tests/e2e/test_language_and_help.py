"""Language choice, /help per role, and the command menus per language and role."""

from __future__ import annotations

from bot.channels.telegram.fake import FakeTelegram
from tests.conftest import Bot
from tests.journeys import chat_menu, default_menu, onboard, person_of, tr


async def test_saved_language_wins_over_the_phone_language(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    choices = (await bot.say(lan, "/lang"))[-1]
    assert choices.buttons == ["Tiếng Việt", "English"]
    done = (await bot.press(lan, choices, "English"))[-1]
    assert done.text == "Done: I will speak English with you from now on."
    assert (await bot.say(lan, "hello?"))[
        -1
    ].text == "Sorry, I didn't understand that. To see what I can do, send:\n/help"
    person = await person_of(bot, lan)
    assert person is not None and person.language == "en"
    assert chat_menu(fake, lan.id)[:8] == ["start", "profile", "events", "my", "lang", "notify", "help", "cancel"]


async def test_phone_language_is_used_until_a_choice_and_unknown_ones_fall_back_to_vietnamese(
    bot: Bot, fake: FakeTelegram
) -> None:
    await bot.create_center()
    english = fake.add_user("John", language_code="en-GB")
    french = fake.add_user("Jean", language_code="fr")
    assert (await bot.say(english, "/start"))[-1].text.startswith("Welcome to Loa Làng!")
    assert (await bot.say(french, "/start"))[-1].text.startswith("Chào mừng đến với Loa Làng!")


async def test_switching_language_before_agreeing_shows_the_notice_again(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    visitor = fake.add_user("Visitor", language_code="vi")
    notice = (await bot.say(visitor, "/start"))[-1]
    english = (await bot.press(visitor, notice, "English"))[-1]
    assert english.text.startswith("Welcome to Loa Làng!")
    assert english.buttons == ["✅ Đồng ý (I agree)", "Tiếng Việt"]
    await bot.press(visitor, english, "✅ Đồng ý (I agree)")
    assert visitor.private_chat.bot_messages[-1].text == "What is your full name?"
    person = await person_of(bot, visitor)
    assert person is not None and person.language == "en"


async def test_an_unsupported_language_is_refused_politely(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan", language_code=lang)
    await onboard(bot, lan)
    refused = (await bot.say(lan, "/lang fr"))[-1]
    assert refused.text == tr(lang, "Sorry, I only speak Vietnamese and English. Choose your language:")
    person = await person_of(bot, lan)
    assert person is not None and person.language is None


async def test_help_differs_for_residents_heads_staff_and_the_director(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    payload = await bot.create_center()
    director = fake.add_user("Hùng", language_code=lang)
    await onboard(bot, director, name="Phạm Văn Hùng", start=f"/start {payload}")
    resident = fake.add_user("Lan", language_code=lang)
    await onboard(bot, resident)

    resident_help = (await bot.say(resident, "/help"))[-1].text
    director_help = (await bot.say(director, "/help"))[-1].text
    assert resident_help.splitlines()[0] == tr(lang, "Here is what you can do:")
    assert director_help.splitlines()[0] == tr(lang, "As the center's director, you can:")
    assert "/appoint" not in resident_help and "/appoint" in director_help
    assert f"/profile — {tr(lang, 'See or change your name, gender, birth year or village')}" in resident_help

    await bot.say(director, "/appoint head Thôn Đông")
    await bot.press(director, director.private_chat.bot_messages[-1], "Nguyễn Thị Lan (1965)")
    await bot.deliver()  # the appointee is told of the role (an outbox row) now, not in the middle of a later answer
    head_help = (await bot.say(resident, "/help"))[-1].text
    assert head_help.splitlines()[0] == tr(lang, "As a village head, you can:")


async def test_command_menus_are_set_per_language_and_role(bot: Bot, fake: FakeTelegram) -> None:
    payload = await bot.create_center()
    assert default_menu(fake, "all_private_chats") == [
        "start",
        "profile",
        "events",
        "my",
        "lang",
        "notify",
        "help",
        "cancel",
        "mydata",
    ]
    assert default_menu(fake, "all_group_chats") == ["help", "link"]
    vi = {
        c["command"]: c["description"]
        for (scope, language), cs in fake.commands.items()
        for c in cs
        if language == "" and "all_private_chats" in scope
    }
    en = {
        c["command"]: c["description"]
        for (scope, language), cs in fake.commands.items()
        for c in cs
        if language == "en" and "all_private_chats" in scope
    }
    assert vi["help"] == "Những việc Loa Làng giúp được" and en["help"] == "What I can do for you"

    director = fake.add_user("Hùng")
    await onboard(bot, director, start=f"/start {payload}")
    assert {"appoint", "remove"} <= set(chat_menu(fake, director.id))
