"""People without a phone are not forgotten: the village head who registered them (/add) gets their reminders, one
list per reminder time for everyone they registered, and /my shows the head whom they registered and who came."""

from __future__ import annotations

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.models import Activity
from bot.services import activities
from tests.conftest import Bot
from tests.journeys import Commune, commune, local, onboard, publish, tr

TALK = "Chuyên đề phòng chống lừa đảo qua mạng"
QIGONG = "Lớp dưỡng sinh"


async def _head(bot: Bot, fake: FakeTelegram, place: Commune, lang: str) -> FakeUser:
    head = fake.add_user("Tâm", language_code=lang)
    await onboard(bot, head, name="Vũ Văn Tâm", gender="male", village="Thôn Tây")
    await bot.say(place.director, "/appoint head Thôn Tây")
    await bot.press(place.director, place.director.private_chat.bot_messages[-1], "Vũ Văn Tâm (1965)")
    await bot.deliver()  # the head is told of the role (an outbox row) now, not in the middle of a later answer
    return head


async def _add(bot: Bot, head: FakeUser, lang: str, activity_id: int, name: str, year: str) -> None:
    consent = (await bot.say(head, f"/add {activity_id}"))[-1]
    await bot.press(head, consent, tr(lang, "Yes, they agreed"))
    await bot.say(head, name)  # "Thị", "Văn": the gender is not asked
    await bot.say(head, year)  # the head of one village: the village is not asked


async def _new_messages(bot: Bot, user: FakeUser, at: str) -> list[str]:
    before = len(user.private_chat.bot_messages)
    bot.clock.current = local(at)
    await bot.deliver()
    return [m.text or "" for m in user.private_chat.bot_messages[before:]]


def _list(lang: str, *blocks: tuple[str, str, str]) -> str:
    """A head's list as it should read: who, what, when and where, per activity, between a greeting and a thanks."""
    you = "ông" if lang == "vi" else ""  # Vũ Văn Tâm, born 1965
    lines = [tr(lang, "⏰ Reminder for the people you registered:", you)]
    for what, when, names in blocks:
        lines.append("\n".join([f"📢 {what}", f"🗓 {when}", "📍 Hội trường UBND xã", f"👥 {names}"]))
    lines.append(tr(lang, "Please remind them, so that they come on time. Thank you!", you))
    return "\n\n".join(lines)


def _what(lang: str, title: str) -> str:
    """A talk's title as a card names it: the kind once ("Chuyên đề phòng chống...", "Chuyên đề: Lớp...")."""
    kind = tr(lang, "Talk")
    return title if title.casefold().startswith(kind.casefold()) else f"{kind}: {title}"


def _when(lang: str, day: str) -> str:
    return {"vi": f"Thứ Hai, 06/10/2025 lúc {day}", "en": f"Monday, 06/10/2025 at {day}"}[lang]


def _my(lang: str, *blocks: tuple[str, str, list[tuple[str, str]]]) -> str:
    you = "ông" if lang == "vi" else ""
    lines = [tr(lang, "The people you registered:", you)]
    for what, when, people in blocks:
        rows = [f"📢 {what}", f"🗓 {when}"] + [f"• {name}: {tr(lang, state, you)}" for name, state in people]
        lines.append("\n".join(rows))
    return "\n\n".join(lines)


async def test_the_village_head_gets_one_list_per_reminder_time_for_the_people_without_a_phone(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    talk = await publish(bot, place, TALK, start="06/10/2025 13:30")  # reminded 05/10 at 19:00 and 06/10 at 11:30
    qigong = await publish(bot, place, QIGONG, start="06/10/2025 15:30")  # 05/10 at 19:00 too, and 06/10 at 13:30
    head = await _head(bot, fake, place, lang)
    await _add(bot, head, lang, talk, "Nguyễn Thị Mận", "1948")
    await _add(bot, head, lang, talk, "Lê Văn Bảy", "1950")
    await _add(bot, head, lang, qigong, "Nguyễn Thị Mận", "1948")  # the same person: found, not made again
    await bot.deliver()
    talk_what, qigong_what = _what(lang, TALK), _what(lang, QIGONG)

    assert await _new_messages(bot, head, "05/10/2025 18:59") == []
    # the evening before: one list for both activities and all three places, not one message per person
    assert await _new_messages(bot, head, "05/10/2025 19:00") == [
        _list(
            lang,
            (talk_what, _when(lang, "13:30"), "Lê Văn Bảy, Nguyễn Thị Mận"),
            (qigong_what, _when(lang, "15:30"), "Nguyễn Thị Mận"),
        )
    ]
    # two hours before the talk: the talk alone
    assert await _new_messages(bot, head, "06/10/2025 11:30") == [
        _list(lang, (talk_what, _when(lang, "13:30"), "Lê Văn Bảy, Nguyễn Thị Mận"))
    ]
    seated = [("Lê Văn Bảy", "has a seat"), ("Nguyễn Thị Mận", "has a seat")]
    assert (await bot.say(head, "/my"))[-1].text == _my(
        lang, (talk_what, _when(lang, "13:30"), seated), (qigong_what, _when(lang, "15:30"), seated[1:])
    )

    # Mận comes to the talk and is checked in at the desk; Bảy stays home, and neither goes to the class
    bot.clock.current = local("06/10/2025 13:20")
    hung = place.director
    await bot.say(hung, f"/checkin {talk}")
    await bot.say(hung, f"/desk {talk}")
    found = (await bot.say(hung, "nguyen thi man"))[-1]
    await bot.press(hung, found, found.buttons[0])
    await bot.say(hung, "/close")
    assert await _new_messages(bot, head, "06/10/2025 13:30") == [
        _list(lang, (qigong_what, _when(lang, "15:30"), "Nguyễn Thị Mận"))
    ]
    bot.clock.current = local("06/10/2025 18:00")
    assert (await bot.say(head, "/my"))[-1].text == _my(
        lang,
        (talk_what, _when(lang, "13:30"), [("Lê Văn Bảy", "❌ did not come"), ("Nguyễn Thị Mận", "✅ came")]),
        (qigong_what, _when(lang, "15:30"), [("Nguyễn Thị Mận", "❌ did not come")]),
    )


async def test_a_list_planned_for_an_activity_called_off_is_not_sent(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    talk = await publish(bot, place, TALK, start="06/10/2025 13:30")
    head = await _head(bot, fake, place, "vi")
    await _add(bot, head, "vi", talk, "Nguyễn Thị Mận", "1948")
    await bot.deliver()
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():  # the director calls it off
        activity = await session.get(Activity, talk)
        assert activity is not None
        await activities.cancel(session, activity, now=bot.clock(), by=None)
    await bot.deliver()
    cancelled = len(head.private_chat.bot_messages)
    assert await _new_messages(bot, head, "05/10/2025 19:00") == []
    assert len(head.private_chat.bot_messages) == cancelled


async def test_after_downtime_each_session_is_listed_once(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    talk = await publish(bot, place, TALK, start="06/10/2025 13:30")
    qigong = await publish(bot, place, QIGONG, start="06/10/2025 15:30")
    head = await _head(bot, fake, place, "vi")
    await _add(bot, head, "vi", talk, "Nguyễn Thị Mận", "1948")
    await _add(bot, head, "vi", qigong, "Nguyễn Thị Mận", "1948")
    await bot.deliver()
    # the sender was down from before the evening's list until after the talk's two-hours list was due
    assert await _new_messages(bot, head, "06/10/2025 11:40") == [
        _list("vi", (_what("vi", QIGONG), _when("vi", "15:30"), "Nguyễn Thị Mận")),  # the evening's, less the talk
        _list("vi", (TALK, _when("vi", "13:30"), "Nguyễn Thị Mận")),
    ]
