"""Who may use what: a table of every command against every role, walked by sending each command as
each person; and buttons forged or replayed by hand, which must never act for someone else."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeChat, FakeMessage, FakeTelegram, FakeUser
from bot.dispatcher import DENIED
from bot.models import Activity, ActivityStatus, InviteKind, Registration, RegistrationStatus
from bot.services import centers, invites
from handlers import build_registry
from tests.conftest import Bot
from tests.journeys import Commune, commune, onboard, publish, tr

STRANGER, RESIDENT, HEAD, STAFF, DIRECTOR = range(5)
ROLES = {"stranger": STRANGER, "resident": RESIDENT, "head": HEAD, "staff": STAFF, "director": DIRECTOR}

# The least role each command needs. Written out by hand: a command added without a row fails the test.
TABLE = {
    "start": STRANGER, "agree": STRANGER, "lang": STRANGER, "help": STRANGER,
    "mydata": STRANGER, "withdraw": STRANGER, "forget": STRANGER, "connect": STRANGER,
    "profile": RESIDENT, "events": RESIDENT, "ics": RESIDENT, "my": RESIDENT, "register": RESIDENT,
    "coming": RESIDENT, "unregister": RESIDENT, "code": RESIDENT, "ticket": RESIDENT, "notify": RESIDENT,
    "answer": RESIDENT, "back": RESIDENT, "cancel": RESIDENT, "useful": RESIDENT, "sessions": RESIDENT,
    "text": HEAD, "add": HEAD, "ticketok": HEAD, "desk": HEAD, "headcount": HEAD, "close": HEAD,
    "stats": HEAD, "link": HEAD, "loa": HEAD,
    "checkin": STAFF, "checkinqr": STAFF, "new": STAFF, "change": STAFF, "calloff": STAFF, "publish": STAFF,
    "report": STAFF, "budget": STAFF, "plan": STAFF,
    "appoint": DIRECTOR, "remove": DIRECTOR, "reminders": DIRECTOR, "target": DIRECTOR, "population": DIRECTOR,
    "addressees": DIRECTOR, "feedback": DIRECTOR, "survey": RESIDENT, "partners": DIRECTOR,
    "data": DIRECTOR, "erase": DIRECTOR, "audit": DIRECTOR, "retention": DIRECTOR, "campaign": DIRECTOR,
}  # fmt: skip
IN_GROUPS = {"link"}


def _denials(name: str) -> set[str]:
    return {tr("vi", message, command=name) for message in DENIED.values()}


async def _cast(bot: Bot, fake: FakeTelegram) -> tuple[dict[str, FakeUser], FakeChat, Commune]:
    place = await commune(bot, fake)
    people = {"stranger": fake.add_user("Khách"), "director": place.director}
    for role, name, village in (("resident", "Nguyễn Thị Lan", "Thôn Đông"), ("head", "Vũ Văn Tâm", "Thôn Tây"),
                                ("staff", "Đinh Thị Thu", "Thôn Bắc")):  # fmt: skip
        people[role] = fake.add_user(name.split()[-1])
        await onboard(bot, people[role], name=name, village=village)
    await bot.say(place.director, "/appoint head Thôn Tây")
    await bot.press(place.director, place.director.private_chat.bot_messages[-1], "Vũ Văn Tâm (1965)")
    await bot.say(place.director, "/appoint staff")
    await bot.press(place.director, place.director.private_chat.bot_messages[-1], "Đinh Thị Thu (1965)")
    await bot.deliver()  # the appointee is told of the role (an outbox row) now, not in the middle of a later answer
    return people, place.groups["Thôn Tây"], place


async def test_every_command_is_allowed_or_refused_by_role_as_the_table_says(bot: Bot, fake: FakeTelegram) -> None:
    assert set(TABLE) == set(build_registry().commands), "every command needs a row in TABLE"
    people, group, _place = await _cast(bot, fake)
    wrong = []
    for role, user in people.items():
        for name in sorted(TABLE, key=lambda n: n == "agree"):  # a stranger's /agree makes them a resident
            chat = group if name in IN_GROUPS else None
            replies = await bot.say(user, f"/{name}", chat)
            refused = any(message.text in _denials(name) for message in replies)
            if refused != (TABLE[name] > ROLES[role]):
                wrong.append(f"{role} /{name}: {'refused' if refused else 'allowed'}")
            await bot.say(user, "/cancel")
    assert wrong == []


async def test_forged_and_replayed_buttons_never_act_for_someone_else(bot: Bot, fake: FakeTelegram) -> None:
    people, _group, place = await _cast(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    lan, thu = people["resident"], people["staff"]
    hoa = fake.add_user("Hoa")
    await onboard(bot, hoa, name="Trần Thị Hoa")
    card = (await bot.say(hoa, f"/register {activity_id}"))[-1]
    assert card.buttons == ["🙅 Không đi được"]

    # Lan replays Hoa's "can't come" button as her own: it acts on Lan's (absent) registration only.
    forged = await _forge(bot, lan, lan.private_chat.bot_messages[-1], f"/unregister {activity_id}")
    assert forged[-1].text == "Bà chưa đăng ký hoạt động này."
    assert await _status(bot, activity_id) == [RegistrationStatus.REGISTERED]

    # A resident forges staff buttons; staff forge the director's.
    assert (await _forge(bot, lan, lan.private_chat.bot_messages[-1], f"/checkinqr {activity_id}"))[-1].text == (
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc và cán bộ Trung tâm:\n/checkinqr"
    )
    assert (await _forge(bot, thu, thu.private_chat.bot_messages[-1], "/erase #1 yes"))[-1].text == (
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc Trung tâm:\n/erase"
    )

    # Another center's director presses the first center's buttons: nothing of it is reachable.
    other = fake.add_user("Bình")
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        second = await centers.create_center(session, name="TTHTCĐ xã An Hòa", villages=["Xóm Chợ"], now=bot.clock())
        invite = await invites.create(session, center_id=second.id, kind=InviteKind.DIRECTOR, now=bot.clock())
        claim = invites.payload(invite)
    await onboard(bot, other, name="Lê Văn Bình", village="Xóm Chợ", start=f"/start {claim}")
    last = other.private_chat.bot_messages[-1]
    for data, answer in (
        (f"/checkin {activity_id}", "Xin ghi số của một hoạt động của Trung tâm, ví dụ:\n/checkin 12"),
        (f"/calloff {activity_id}", None),
        ("/erase #2 yes", "Người này không thuộc danh sách người không dùng điện thoại của Trung tâm."),
    ):
        replies = await _forge(bot, other, last, data)
        if answer is not None:
            assert replies[-1].text == answer
    assert await _status(bot, activity_id) == [RegistrationStatus.REGISTERED]
    async with bot.app.db.session() as session:
        activity = await session.get(Activity, activity_id)
        assert activity is not None and activity.status is ActivityStatus.PUBLISHED


async def _forge(bot: Bot, user: FakeUser, message: FakeMessage, data: str) -> list[FakeMessage]:
    """A callback query with data of the person's choosing, on a real message of their chat."""
    chat = user.private_chat
    before = len(chat.bot_messages)
    query_id = bot.fake.new_callback_query()
    bot.fake.enqueue(
        "callback_query",
        {"id": query_id, "from": user.to_json(), "message": message.to_json(), "chat_instance": "1", "data": data},
    )
    await bot.settle()
    return chat.bot_messages[before:]


async def _status(bot: Bot, activity_id: int) -> list[RegistrationStatus]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        rows = await session.scalars(select(Registration.status).where(Registration.activity_id == activity_id))
        return list(rows)


async def test_one_centers_director_never_sees_another_centers_people(bot: Bot, fake: FakeTelegram) -> None:
    _people, _group, place = await _cast(bot, fake)
    await publish(bot, place, start="06/10/2025 13:30")
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        second = await centers.create_center(session, name="TTHTCĐ xã An Hòa", villages=["Xóm Chợ"], now=bot.clock())
        invite = await invites.create(session, center_id=second.id, kind=InviteKind.DIRECTOR, now=bot.clock())
        claim = invites.payload(invite)
    binh = fake.add_user("Bình")
    await onboard(bot, binh, name="Lê Văn Bình", village="Xóm Chợ", start=f"/start {claim}")

    picks = (await bot.say(binh, "/appoint staff"))[-1]
    assert not any("Nguyễn Thị Lan" in label or "Đinh Thị Thu" in label for label in picks.buttons)
    assert (await bot.say(binh, "/erase Lan"))[-1].text.startswith("Không tìm thấy người không dùng điện thoại nào tên")  # type: ignore[union-attr]
    stats = (await bot.say(binh, "/stats"))[-1].text or ""
    assert stats.startswith("📊 Trung tâm học tập cộng đồng xã An Hòa") and "lừa đảo" not in stats
    assert "lừa đảo" not in ((await bot.say(binh, "/events"))[-1].text or "")
    other_village = (await bot.say(binh, "/stats Thôn Đông"))[-1].text or ""
    assert other_village.startswith("Chưa hiểu “Thôn Đông”.")  # another center's village is no scope
    log = (await bot.say(binh, "/audit"))[-1].text or ""
    assert "Phạm Văn Hùng" not in log and "Nguyễn Thị Lan" not in log
