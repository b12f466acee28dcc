"""The core needs nothing of Telegram: on a second channel with text alone (no buttons, no edits, string ids;
tests/text_channel.py), a director claims the center and a resident agrees, fills in the profile, registers from
the numbered list of coming activities and checks in with the code staff show, all by typing; the director's
/stats counts her. Choices arrive as numbered lines, and a typed number does what the button would."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.channels.telegram.fake import FakeTelegram
from bot.config import Settings
from bot.models import ActivityKind, Center
from bot.services import activities
from handlers.profile import gender_in_name
from tests.conftest import Bot, Clock
from tests.journeys import tr
from tests.text_channel import TextChannel

TALK = "Chuyên đề phòng chống lừa đảo qua mạng"


@pytest.fixture
async def texting(settings: Settings, fake: FakeTelegram, clock: Clock) -> AsyncIterator[tuple[Bot, TextChannel]]:
    channel = TextChannel()
    harness = Bot(settings, fake, clock, more_channels=(channel,))
    await harness.start()
    assert harness.app is not None
    channel.dispatcher = harness.app.dispatcher
    try:
        yield harness, channel
    finally:
        await harness.stop()


async def _profile(text: TextChannel, who: str, lang: str, name: str, gender: str, year: str) -> list[str]:
    """Agree, then the four questions: choices by their numbers, the rest typed."""
    agreed = await text.pick(who, tr(lang, "✅ Đồng ý (I agree)"), language=lang)
    assert tr(lang, "What is your full name?") in agreed[-1]
    await text.say(who, name, language=lang)
    if gender_in_name(name) is None:  # "Thị", "Văn": not asked
        await text.pick(who, gender, language=lang)
    await text.say(who, year, language=lang)
    return await text.pick(who, "Thôn Đông", language=lang)


async def test_a_resident_and_the_director_do_everything_by_typing_on_a_channel_without_buttons(
    texting: tuple[Bot, TextChannel], lang: str
) -> None:
    bot, text = texting
    payload = await bot.create_center()
    notice = await text.say("hung", f"/start {payload}", language=lang)
    assert "\n\n1. " + tr(lang, "✅ Đồng ý (I agree)") + "\n" in notice[-1]  # the button, as a numbered line
    await _profile(text, "hung", lang, "Phạm Văn Hùng", tr(lang, "Male"), "1970")

    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():  # a talk that starts in twenty minutes
        center = await session.get(Center, 1)
        assert center is not None
        begins = bot.clock() + timedelta(minutes=20)
        draft = activities.Draft(title=TALK, kind=ActivityKind.TALK, sessions=[(begins, begins + timedelta(hours=2))])
        activity = await activities.create(session, center, draft, now=bot.clock(), by=None)
        await activities.publish(session, activity, now=bot.clock(), by=None)

    await text.say("lan", "/start", language=lang)
    profiled = await _profile(text, "lan", lang, "Nguyễn Thị Lan", tr(lang, "Female"), "1965")
    assert "Nguyễn Thị Lan" in profiled[-1]
    cards = await text.say("lan", "/events", language=lang)
    card = next(card for card in cards if TALK in card)
    number = re.search(rf"^(\d+)\. {re.escape(tr(lang, '✍️ Register'))}$", card, flags=re.MULTILINE)
    assert number is not None, card
    registered = await text.say("lan", number.group(1), language=lang)
    done = tr(lang, "You are registered for {title}, {when}. I will remind you before it starts.", you="bà")
    assert registered[0].startswith(done.split("{title}")[0])
    assert TALK in registered[0].splitlines()[1]

    screen = await text.say("hung", f"/checkin {activity.id}", language=lang)
    code = re.search(r": ([0-9]{4})\b", screen[-1])  # "Mã: 1234", "Code: 1234"
    assert code is not None, screen
    checked = await text.say("lan", code.group(1), language=lang)
    assert checked[-1].startswith(tr(lang, "✅ Checked in: {title}. Welcome!", you="bà", title=TALK))
    answers = await text.say("hung", "/stats", language=lang)  # beside, maybe, the announcement sent in private
    figures = next(answer for answer in answers if answer.startswith("📊")).splitlines()
    today = next(line for line in figures if TALK in line)
    total = next(line for line in figures if line.startswith(tr(lang, "Total: {counts}").split("{")[0]))
    assert (today.split(": ", 1)[1], total) == {
        "vi": ("đăng ký 1, chờ 0, có mặt 1 (1 nữ), vãng lai 0, đến 100%", "Tổng: 0 lớp, 1 lượt người (1 nữ)"),
        "en": (
            "registered 1, waiting 0, checked in 1 (1 women), walk-ins 0, came 100%",
            "Total: 0 classes, 1 learner-visits (1 women)",
        ),
    }[lang]
