"""One person flooding the bot is told once, politely, in their language; the rest waits a minute; others
are not slowed down."""

from __future__ import annotations

from bot.channels.telegram.fake import FakeTelegram
from bot.flood import FloodGuard, Verdict
from tests.conftest import Bot
from tests.journeys import onboard, tr


async def test_a_flood_from_one_person_is_refused_once_politely_and_others_go_on(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    await bot.create_center()
    lan, hoa = fake.add_user("Lan", language_code=lang), fake.add_user("Hoa")
    await onboard(bot, hoa, name="Trần Thị Hoa")
    assert bot.app is not None
    bot.app.dispatcher.flood = FloodGuard(5)  # the product's default is 60 a minute
    for _ in range(5):
        assert (await bot.say(lan, "/help"))[-1].text != tr(lang, SLOW)
    told = await bot.say(lan, "/help")
    assert [m.text for m in told] == [tr(lang, SLOW)]
    assert await bot.say(lan, "/help") == []  # told once; the rest is set aside
    assert (await bot.say(hoa, "/help"))[-1].text != tr("vi", SLOW)  # nobody else waits
    village = fake.add_group("Nhóm Thôn Đông")
    village.add_bot(hoa)
    await bot.settle()
    for _ in range(8):  # chatter in a group is not counted, and nothing is said there
        assert await bot.say(hoa, "Chào cả nhà", village) == []
    assert (await bot.say(hoa, "/help"))[-1].text != tr("vi", SLOW)


async def test_the_warning_speaks_the_language_the_person_chose(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan", language_code="vi")
    await onboard(bot, lan)
    assert (await bot.say(lan, "/lang en"))[-1].text == "Done: I will speak English with you from now on."
    assert bot.app is not None
    bot.app.dispatcher.flood = FloodGuard(2)
    for _ in range(2):
        assert (await bot.say(lan, "/help"))[-1].text != SLOW
    assert [m.text for m in await bot.say(lan, "/help")] == [SLOW]  # English, though the phone speaks Vietnamese


def test_the_guard_lets_a_person_go_on_once_the_minute_has_room() -> None:
    now = [0.0]
    guard = FloodGuard(2, clock=lambda: now[0])
    assert [guard.check(1) for _ in range(4)] == [Verdict.OK, Verdict.OK, Verdict.WARN, Verdict.DROP]
    now[0] = 61.0
    assert guard.check(1) is Verdict.OK


SLOW = "You are sending messages faster than I can read them. Please wait a minute, then try again."
