"""Village groups: the bot introduces itself, a helper links the group, and being removed or
migrated is recorded without breaking anything."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeChat, FakeTelegram, FakeUser
from bot.models import GroupChat
from tests.conftest import Bot
from tests.journeys import onboard, person_of, tr


async def _group_of(bot: Bot, chat_id: int) -> GroupChat | None:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return await session.scalar(select(GroupChat).where(GroupChat.external_id == str(chat_id)))


async def _people(bot: Bot, fake: FakeTelegram, locale: str = "vi") -> dict[str, FakeUser]:
    payload = await bot.create_center(locale=locale)
    director = fake.add_user("Hùng")
    await onboard(bot, director, name="Phạm Văn Hùng", gender="male", start=f"/start {payload}")
    head = fake.add_user("Tâm")
    await onboard(bot, head, name="Vũ Văn Tâm", gender="male", village="Thôn Tây")
    await bot.say(director, "/appoint head Thôn Tây")
    await bot.press(director, director.private_chat.bot_messages[-1], "Vũ Văn Tâm (1965)")
    await bot.deliver()  # the appointee is told of the role (an outbox row) now, not in the middle of a later answer
    resident = fake.add_user("Lan")
    await onboard(bot, resident)
    return {"director": director, "head": head, "resident": resident}


async def _added(bot: Bot, group: FakeChat, by: FakeUser) -> None:
    group.add_bot(by)
    await bot.settle()


async def test_bot_introduces_itself_in_the_center_language(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await bot.create_center(locale=lang)
    head = fake.add_user("Tâm", language_code="en" if lang == "vi" else "vi")  # the adder's phone does not matter
    await onboard(bot, head, name="Vũ Văn Tâm", village="Thôn Tây")
    group = fake.add_group("Thôn Tây - thông báo")
    await _added(bot, group, head)
    assert [m.text for m in group.bot_messages] == [
        tr(
            lang,
            (
                "Hello everyone! I am Loa Làng, the loudspeaker of the community learning center. I will post "
                "talks, classes and events here, with buttons to register.\n\nThe director, a staff member or "
                "the village head: please send /link here to tell me which village this group is for."
            ),
        )
    ]
    stored = await _group_of(bot, group.id)
    assert stored is not None and stored.active and stored.center_id is None


async def test_village_head_links_the_group_of_their_village_with_one_command(bot: Bot, fake: FakeTelegram) -> None:
    people = await _people(bot, fake)
    group = fake.add_group("Thôn Tây")
    await _added(bot, group, people["head"])
    done = await bot.say(people["head"], "/link Thôn Tây", group)
    assert [m.text for m in done] == ["Xong! Từ nay nhóm này sẽ nhận thông báo dành cho Thôn Tây."]
    stored = await _group_of(bot, group.id)
    assert stored is not None and stored.village is not None and stored.village.name == "Thôn Tây"


async def test_village_head_cannot_link_another_village_or_the_commune(bot: Bot, fake: FakeTelegram) -> None:
    people = await _people(bot, fake)
    group = fake.add_group("Thôn Đông")
    await _added(bot, group, people["head"])
    other = await bot.say(people["head"], "/link thon dong", group)
    assert other[-1].text == "Xin lỗi, trưởng thôn chỉ gắn được nhóm với thôn của mình."
    whole = await bot.say(people["head"], "/link all", group)
    assert whole[-1].text == "Chỉ Giám đốc hoặc cán bộ Trung tâm mới gắn được nhóm với cả xã."
    offered = await bot.say(people["head"], "/link", group)
    assert offered[-1].buttons == ["Thôn Tây"]
    stored = await _group_of(bot, group.id)
    assert stored is not None and stored.center_id is None


async def test_village_head_cannot_take_over_a_group_the_director_linked(bot: Bot, fake: FakeTelegram) -> None:
    people = await _people(bot, fake)
    group = fake.add_group("Cả xã")
    await _added(bot, group, people["director"])
    await bot.say(people["director"], "/link all", group)
    refused = await bot.say(people["head"], "/link Thôn Tây", group)
    assert refused[-1].text == "Nhóm này đã được Giám đốc hoặc cán bộ gắn; chỉ họ mới đổi được."
    stored = await _group_of(bot, group.id)
    assert stored is not None and stored.village_id is None


async def test_a_resident_cannot_link_a_group(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    people = await _people(bot, fake, locale=lang)
    group = fake.add_group("Thôn Đông")
    await _added(bot, group, people["resident"])
    refused = await bot.say(people["resident"], "/link Thôn Đông", group)
    assert [m.text for m in refused] == [
        tr(lang, "Sorry, only the center's director, staff and village heads can use /{command}.", command="link")
    ]
    stranger = fake.add_user("Lạ", language_code=lang)  # an unlinked group of an unknown person: DEFAULT_LOCALE
    refused = await bot.say(stranger, "/link Thôn Đông", group)
    assert refused[-1].text == tr(
        "vi", "Sorry, only the center's director, staff and village heads can use /{command}.", command="link"
    )
    stored = await _group_of(bot, group.id)
    assert stored is not None and stored.center_id is None


async def test_director_links_a_group_to_the_whole_commune_by_button(bot: Bot, fake: FakeTelegram) -> None:
    people = await _people(bot, fake)
    group = fake.add_group("Xã Thanh Bình")
    await _added(bot, group, people["director"])
    choices = (await bot.say(people["director"], "/link", group))[-1]
    assert choices.buttons == ["Thôn Bắc", "Thôn Tây", "Thôn Đông", "Cả xã"]
    done = await bot.press(people["director"], choices, "Cả xã")
    assert done[-1].text == "Xong! Từ nay nhóm này sẽ nhận thông báo dành cho cả xã."
    stored = await _group_of(bot, group.id)
    assert stored is not None and stored.center_id is not None and stored.village_id is None


async def test_link_in_a_private_chat_points_to_the_group(bot: Bot, fake: FakeTelegram) -> None:
    people = await _people(bot, fake)
    refused = await bot.say(people["director"], "/link")
    assert refused[-1].text == "Xin gửi lệnh này ngay trong nhóm cần gắn:\n/link"


async def test_removal_and_migration_are_recorded(bot: Bot, fake: FakeTelegram) -> None:
    people = await _people(bot, fake)
    group = fake.add_group("Thôn Tây")
    await _added(bot, group, people["head"])
    await bot.say(people["head"], "/link Thôn Tây", group)

    supergroup = group.migrate_to_supergroup()
    await bot.settle()
    moved = await _group_of(bot, supergroup.id)
    assert moved is not None and moved.village is not None and moved.village.name == "Thôn Tây"
    assert await _group_of(bot, group.id) is None
    answer = await bot.say(people["head"], "/help", supergroup)
    assert answer[-1].text.splitlines()[1:] == [
        "/help — Những việc Loa Làng giúp được",
        "/link — Gắn nhóm này với một thôn hoặc cả xã",
    ], "the bot still answers in the supergroup"

    supergroup.remove_bot(people["head"])
    await bot.settle()
    gone = await _group_of(bot, supergroup.id)
    assert gone is not None and not gone.active


async def test_a_person_blocking_the_bot_is_recorded_and_nothing_breaks(bot: Bot, fake: FakeTelegram) -> None:
    people = await _people(bot, fake)
    lan = people["resident"]
    lan.block_bot()
    await bot.settle()
    person = await person_of(bot, lan)
    assert person is not None and person.blocked_at == bot.clock()
    # the director's action still completes although one person can no longer be written to
    await bot.say(people["director"], "/appoint staff")
    done = await bot.press(
        people["director"], people["director"].private_chat.bot_messages[-1], "Nguyễn Thị Lan (1965)"
    )
    assert done[-1].text.startswith("Xong: từ nay Nguyễn Thị Lan là cán bộ")
    lan.unblock_bot()
    await bot.settle()
    person = await person_of(bot, lan)
    assert person is not None and person.blocked_at is None
