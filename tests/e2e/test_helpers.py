"""The director appoints staff and village heads (by forward, from a list, or by invite link) and removes them."""

from __future__ import annotations

from bot.channels.telegram.fake import FakeTelegram
from bot.models import RoleKind
from tests.conftest import Bot
from tests.journeys import center_with_director, chat_menu, onboard, person_of, tr


async def test_director_appoints_staff_by_forwarding_their_message(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    director = await center_with_director(bot, fake, lang)
    mai = fake.add_user("Mai", language_code="vi")
    await onboard(bot, mai, name="Đỗ Thị Mai")
    group = fake.add_group("Thôn Đông")
    said = mai.send("Chào cả thôn", group)

    menu = (await bot.say(director, "/appoint"))[-1]
    ask = (await bot.press(director, menu, tr(lang, "Staff member")))[-1]
    assert "Đỗ Thị Mai (1965)" in ask.buttons
    done = await bot.forward(director, said)
    assert done[-1].text == tr(lang, "Done: {name} is now {role}.", name="Đỗ Thị Mai", role=tr(lang, "staff member"))

    await bot.deliver()  # the notice to them goes through the outbox
    told = mai.private_chat.bot_messages[-1].text
    assert told.startswith("Phạm Văn Hùng đã giao cho bà vai trò cán bộ của Trung tâm học tập cộng đồng xã Thanh Bình.")
    person = await person_of(bot, mai)
    assert person is not None and [r.kind for r in person.roles] == [RoleKind.STAFF]
    assert chat_menu(fake, mai.id) == [
        "start",
        "profile",
        "events",
        "my",
        "add",
        "checkin",
        "desk",
        "lang",
        "notify",
        "help",
        "cancel",
        "new",
        "change",
        "calloff",
        "publish",
        "plan",
        "loa",
        "stats",
        "report",
        "budget",
        "mydata",
    ]  # her role: staff can create and publish, read the numbers and record budgets


async def test_director_picks_a_village_head_from_the_people_who_started_the_bot(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    director = await center_with_director(bot, fake, lang)
    tam = fake.add_user("Tâm", language_code="en")
    await onboard(bot, tam, name="Vũ Văn Tâm", gender="male", year="1960", village="Thôn Tây")

    menu = (await bot.say(director, "/appoint"))[-1]
    villages = (await bot.press(director, menu, tr(lang, "Village head")))[-1]
    assert villages.text == tr(lang, "Head of which village?")
    ask = (await bot.press(director, villages, "Thôn Tây"))[-1]
    done = (await bot.press(director, ask, "Vũ Văn Tâm (1960)"))[-1]
    assert done.text == tr(
        lang, "Done: {name} is now {role}.", name="Vũ Văn Tâm", role=tr(lang, "village head") + " (Thôn Tây)"
    )
    await bot.deliver()  # the notice to them goes through the outbox
    assert tam.private_chat.bot_messages[-1].text.startswith(
        "Phạm Văn Hùng has made you village head (Thôn Tây) of Trung tâm học tập cộng đồng xã Thanh Bình."
    )


async def test_an_invite_link_appoints_whoever_opens_it_once(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    director = await center_with_director(bot, fake, lang)
    await bot.say(director, "/appoint staff")
    ask = director.private_chat.bot_messages[-1]
    link_text = (await bot.press(director, ask, tr(lang, "🔗 Make a one-time invite link")))[-1].text
    payload = link_text.rsplit("?start=", 1)[1].strip()

    thu = fake.add_user("Thu", language_code=lang)
    await onboard(bot, thu, name="Lý Thị Thu", start=f"/start {payload}")
    person = await person_of(bot, thu)
    assert person is not None and [r.kind for r in person.roles] == [RoleKind.STAFF]

    late = fake.add_user("Muộn", language_code=lang)
    refused = await bot.say(late, f"/start {payload}")
    assert refused[-1].text == tr(
        lang, "Sorry, this link has already been used or is not valid. Please ask the person who sent it for a new one."
    )


async def test_a_hidden_forward_or_a_stranger_forward_asks_for_an_invite_link(bot: Bot, fake: FakeTelegram) -> None:
    director = await center_with_director(bot, fake)
    outsider = fake.add_user("Người lạ")
    group = fake.add_group("Chợ")
    said = outsider.send("xin chào", group)
    await bot.say(director, "/appoint staff")

    hidden = await bot.forward(director, said, hidden=True)
    assert hidden[-1].text == tr("vi", "Their privacy settings hide who they are. Please make an invite link instead.")
    unknown = await bot.forward(director, said)
    assert unknown[-1].text.startswith("Người lạ chưa mở Loa Làng của Trung tâm này.")
    assert unknown[-1].buttons == ["🔗 Tạo đường dẫn mời dùng một lần"]


async def test_a_resident_cannot_use_director_commands(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await center_with_director(bot, fake)
    lan = fake.add_user("Lan", language_code=lang)
    await onboard(bot, lan)
    for command in ("/appoint", "/appoint staff", "/remove", "/remove 1", "/appoint pick 1"):
        refused = await bot.say(lan, command)
        name = command.split()[0][1:]
        assert [m.text for m in refused] == [
            tr(lang, "Sorry, only the center's director can use /{command}.", command=name)
        ]
    person = await person_of(bot, lan)
    assert person is not None and person.roles == []


async def test_director_removes_a_helper_who_is_told(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    director = await center_with_director(bot, fake, lang)
    mai = fake.add_user("Mai", language_code="vi")
    await onboard(bot, mai, name="Đỗ Thị Mai")
    await bot.say(director, "/appoint staff")
    await bot.press(director, director.private_chat.bot_messages[-1], "Đỗ Thị Mai (1965)")

    listing = (await bot.say(director, "/remove"))[-1]
    label = f"✖ Đỗ Thị Mai — {tr(lang, 'staff member')}"
    assert listing.buttons == [label]
    done = (await bot.press(director, listing, label))[-1]
    assert done.text == tr(lang, "Done: {name} is no longer {role}.", name="Đỗ Thị Mai", role=tr(lang, "staff member"))
    await bot.deliver()  # the notice to them goes through the outbox
    assert mai.private_chat.bot_messages[-1].text.startswith("Phạm Văn Hùng đã kết thúc vai trò cán bộ của bà")
    person = await person_of(bot, mai)
    assert person is not None and person.roles == []
    refused = await bot.say(mai, "/remove")
    assert refused[-1].text == tr("vi", "Sorry, only the center's director can use /{command}.", command="remove")


async def test_a_role_given_and_taken_back_before_it_is_told_is_told_only_as_ended(
    bot: Bot, fake: FakeTelegram
) -> None:
    director = await center_with_director(bot, fake)
    mai = fake.add_user("Mai", language_code="vi")
    await onboard(bot, mai, name="Đỗ Thị Mai")
    assert bot.app is not None
    bot.app.wakeup.scheduler.pause()  # nothing goes out by itself: only at deliver() below
    await bot.say(director, "/appoint staff")
    await bot.press(director, director.private_chat.bot_messages[-1], "Đỗ Thị Mai (1965)")
    listing = (await bot.say(director, "/remove"))[-1]
    await bot.press(director, listing, "✖ Đỗ Thị Mai — cán bộ")
    before = len(mai.private_chat.bot_messages)
    await bot.deliver()
    told = [m.text for m in mai.private_chat.bot_messages[before:]]
    assert len(told) == 1 and told[0].startswith("Phạm Văn Hùng đã kết thúc vai trò cán bộ của bà")
