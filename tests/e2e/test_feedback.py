"""What people thought: an hour after a session (never at night), those who came are asked once whether it was
useful, answer with a button and may add a word; the director reads the answers per activity and per partner;
/mydata shows them, /forget takes them away while the totals stay."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.models import Feedback, Person
from scheduler import feedback_ask
from tests.conftest import Bot
from tests.e2e.test_journeys_per_channel import _resident
from tests.journeys import checkin_code, commune, local, onboard, publish, tr

TALK = "Chuyên đề phòng chống lừa đảo qua mạng"  # publish's partner: "Công an xã"
WORD = "Rất bổ ích, xin mở thêm buổi nữa"


async def test_those_who_came_are_asked_once_answer_are_counted_and_forgetting_keeps_the_totals(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    activity_id = await publish(bot, place, TALK, start="06/10/2025 13:30", hours=2)  # ends at 15:30
    lan, hoa, tu = fake.add_user("Lan", language_code=lang), fake.add_user("Hoa"), fake.add_user("Tư")
    await onboard(bot, lan)
    await onboard(bot, hoa, name="Trần Thị Hoa", village="Thôn Tây")
    await onboard(bot, tu, name="Lê Văn Tư", gender="male", year="1950")
    switched = (await bot.say(hung, "/feedback on"))[-1]
    assert switched.text == (
        "Xong: một giờ sau mỗi buổi, Loa Làng sẽ hỏi những người đã đến xem buổi đó có ích không. Để thôi hỏi, "
        "gửi:\n/feedback off"
    )
    bot.clock.current = local("06/10/2025 13:20")
    screen = (await bot.say(hung, f"/checkin {activity_id}"))[-1]
    for user in (lan, hoa, tu):
        await bot.say(user, checkin_code(screen.text))
    await bot.say(tu, "/withdraw yes")  # no message goes to him any more: not asked
    assert bot.app is not None
    assert await feedback_ask.next_due(bot.app.db, bot.clock()) == local("06/10/2025 16:30")

    before = {user.first_name: len(user.private_chat.bot_messages) for user in (lan, hoa, tu)}
    bot.clock.current = local("06/10/2025 16:29")
    await bot.deliver()
    assert len(lan.private_chat.bot_messages) == before["Lan"]

    bot.clock.current = local("06/10/2025 16:30")
    await bot.deliver()
    question = lan.private_chat.bot_messages[-1]
    if lang == "vi":
        assert question.text == (f"Cảm ơn bà đã đến dự “{TALK}” ngày 06/10.\nBuổi đó có ích cho bà không ạ?")
        assert question.buttons == ["👍 Có ích", "👎 Chưa có ích"]
    else:
        assert question.text == f"Thank you for coming to “{TALK}” on 06/10.\nWas it useful to you?"
        assert question.buttons == ["👍 Useful", "👎 Not useful"]
    assert len(hoa.private_chat.bot_messages) == before["Hoa"] + 1
    assert len(tu.private_chat.bot_messages) == before["Tư"]

    await bot.restart()  # rebuilt from the database: asked once, not again
    bot.clock.advance(hours=20)
    await bot.deliver()
    assert len(lan.private_chat.bot_messages) == before["Lan"] + 1
    assert len(hoa.private_chat.bot_messages) == before["Hoa"] + 1

    offered = (await bot.press(lan, question, question.buttons[0]))[-1]
    assert offered.text == tr(lang, "Thank you. If you would like to add a few words, please type them now.", "bà")
    assert offered.buttons == [tr(lang, "Skip")]
    thanked = (await bot.say(lan, WORD))[-1]
    assert thanked.text == tr(lang, "Thank you. Your words are saved for the center.", "bà")
    hoa_question = hoa.private_chat.bot_messages[-1]
    await bot.press(hoa, hoa_question, "👎 Chưa có ích")
    skipped = (await bot.press(hoa, hoa.private_chat.bot_messages[-1], "Bỏ qua"))[-1]
    assert skipped.text == "Cảm ơn bà. Đã ghi nhận câu trả lời."
    again = (await bot.say(lan, "/useful 999 yes"))[-1]  # a session she was never asked about
    assert again.text == tr(lang, "That question is closed. Nothing more is needed.")

    counted = [
        "Ý kiến của người học về các hoạt động gần đây:",
        "",
        f"📌 {TALK} (06/10)",
        "đã hỏi 2 người, 👍 có ích 1, 👎 chưa có ích 1",
    ]
    by_partner = [
        "",
        "Theo đơn vị phối hợp:",
        "• Công an xã: đã hỏi 2 người, 👍 có ích 1, 👎 chưa có ích 1",
        "",
        "Sau mỗi buổi, Loa Làng hỏi ý kiến những người đã đến. Để thôi hỏi, gửi:",
        "/feedback off",
    ]
    view = (await bot.say(hung, "/feedback"))[-1]
    assert (view.text or "").splitlines() == [*counted, f"💬 “{WORD}”", *by_partner]

    row = ["06/10/2025", TALK, "Công an xã", "2", "1", "1"]
    assert [*row, WORD] in await _thoughts_sheet(bot, hung)  # the year's report has a sheet of them

    shown = (await bot.say(lan, "/mydata"))[-1]
    _name, content = shown.document  # type: ignore[misc]
    mine = json.loads(content)["feedback"]
    assert [(a["activity"], a["useful"], a["word"]) for a in mine] == [(TALK, True, WORD)]
    assert tr(lang, "• Sessions you were asked about: {count}", count=1) in (shown.text or "").splitlines()

    question = (await bot.say(lan, "/forget"))[-1]
    await bot.press(lan, question, question.buttons[0])
    view = (await bot.say(hung, "/feedback"))[-1]
    assert (view.text or "").splitlines() == [*counted, *by_partner]  # her answer counted, her words gone
    assert [*row, ""] in await _thoughts_sheet(bot, hung)
    async with bot.app.db.session() as session:
        holders = (
            await session.scalars(select(Person).join(Feedback, Feedback.person_id == Person.id).order_by(Person.id))
        ).all()
    assert [(p.anonymous, p.full_name) for p in holders] == [(False, "Trần Thị Hoa"), (True, None)]


async def _thoughts_sheet(bot: Bot, director: FakeUser) -> list[list[str]]:
    """The rows of the year's report (CSV) from the sheet of what people thought on."""
    sent = (await bot.say(director, "/report y2025 csv"))[-1]
    assert sent.document is not None, sent.text
    rows = list(csv.reader(io.StringIO(sent.document[1].decode("utf-8-sig"))))
    return rows[rows.index([tr("vi", "What people thought")]) :]


async def test_a_session_ending_in_the_evening_is_asked_about_the_next_morning_and_not_when_asking_is_off(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    evening = await publish(bot, place, "Lớp dưỡng sinh", start="06/10/2025 17:30", hours=2)  # ends at 19:30
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    bot.clock.current = local("06/10/2025 17:20")
    screen = (await bot.say(place.director, f"/checkin {evening}"))[-1]
    await bot.say(lan, checkin_code(screen.text))
    assert bot.app is not None
    assert await feedback_ask.next_due(bot.app.db, bot.clock()) is None  # off by default: nothing owed
    off = (await bot.say(place.director, "/feedback"))[-1]
    assert off.text == (
        "Chưa có ai được hỏi ý kiến.\n\nHiện Loa Làng không hỏi ý kiến sau các buổi. Để hỏi những người đã đến, "
        "gửi:\n/feedback on"
    )
    await bot.say(place.director, "/feedback bật")
    assert await feedback_ask.next_due(bot.app.db, bot.clock()) == local("07/10/2025 08:00")  # not at 20:30
    before = len(lan.private_chat.bot_messages)
    bot.clock.current = local("06/10/2025 21:00")
    await bot.deliver()
    assert len(lan.private_chat.bot_messages) == before
    bot.clock.current = local("07/10/2025 08:00")
    await bot.deliver()
    assert (lan.private_chat.bot_messages[-1].text or "").startswith("Cảm ơn bà đã đến dự “Lớp dưỡng sinh” ngày 06/10.")
    bad = (await bot.say(place.director, "/feedback hôm qua"))[-1]
    assert bad.text == (
        "Để xem ý kiến, gửi:\n/feedback\nĐể hỏi ý kiến sau mỗi buổi, gửi:\n/feedback on\nĐể thôi hỏi, gửi:\n"
        "/feedback off"
    )


@pytest.fixture(params=["telegram", "zalo"])
def channel(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_the_question_is_pressed_on_telegram_and_typed_as_a_number_on_zalo(both: Bot, channel: str) -> None:
    place = await commune(both, both.fake)
    await both.say(place.director, "/feedback on")
    talk = await publish(both, place, TALK, start="06/10/2025 13:30", hours=2)
    lan = await _resident(both, channel)
    both.clock.current = local("06/10/2025 13:20")
    screen = (await both.say(place.director, f"/checkin {talk}"))[-1]
    await lan.say(checkin_code(screen.text))
    both.clock.current = local("06/10/2025 16:30")
    await both.deliver()
    assert lan.read[-1].startswith(f"Cảm ơn bà đã đến dự “{TALK}” ngày 06/10.\nBuổi đó có ích cho bà không ạ?")
    if channel == "zalo":
        assert lan.read[-1].endswith("\n\n1. 👍 Có ích\n2. 👎 Chưa có ích")
    offered = await lan.choose("👎 Chưa có ích")
    assert offered[-1].startswith("Cảm ơn bà. Nếu muốn góp thêm vài lời, xin bà gõ vào đây.")
    assert (await lan.say("Xin nói chậm hơn"))[-1] == "Cảm ơn bà. Trung tâm đã nhận được ý kiến của bà."
    assert both.app is not None
    async with both.app.db.session() as session:
        answers = (await session.execute(select(Feedback.useful, Feedback.word))).all()
    assert answers == [(False, "Xin nói chậm hơn")]
