"""The learning-needs survey ("điều tra nhu cầu học tập", seeds 000-002): the director opens it, the groups are
invited, residents answer in a few taps or typed numbers, a village head answers for a neighbour without a phone,
the results come by topic, village, gender and age, and the most wished topics become next year's draft plan.
Answers are personal data: /mydata shows them and /forget removes them while the totals stay."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select

from bot.channels.telegram.fake import FakeMessage, FakeTelegram, FakeUser
from bot.models import Activity, ActivityKind, ActivityStatus, Area, DateKnown, Person, SurveyAnswer
from tests.conftest import Bot
from tests.journeys import Commune, commune, make_head, onboard, tr
from tests.people import OnZalo

HEALTH = "Topic: health education"
MUSHROOMS = "Trồng nấm rơm"
OPENED = (
    "The survey “{title}” is open with {count} topics. Every group of the center gets an invitation; residents can "
    "also answer by sending /survey. Village heads answer for people without a phone:\n/survey for"
)


async def _open(bot: Bot, place: Commune) -> None:
    """The director asks about law, health and economy (rows 3, 4 and 7), and one topic of their own."""
    director = place.director
    rows = (await bot.say(director, "/survey new"))[-1]
    assert tr("vi", HEALTH) in (rows.text or "")
    await bot.say(director, "3 4 7")
    opened = (await bot.say(director, MUSHROOMS))[-1].text
    title = tr("vi", "Learning needs for {year}", year=2026)
    assert opened == tr("vi", OPENED, title=title, count=4)


async def _resident(bot: Bot, fake: FakeTelegram, lang: str, name: str, village: str, year: str) -> FakeUser:
    user = fake.add_user(name.split()[-1], language_code=lang)
    await onboard(bot, user, name=name, gender="female" if " Thị " in name else "male", village=village, year=year)
    return user


def _button(message: FakeMessage, start: str) -> str:
    found = [b for b in message.buttons if b.startswith(start) or b.startswith(f"✔ {start}")]
    assert len(found) == 1, (start, message.buttons)
    return found[0]


async def _survey_of(bot: Bot, place: Commune) -> tuple[list[Activity], list[tuple[int, str, list[str], str | None]]]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        drafts = list(
            await session.scalars(select(Activity).where(Activity.center_id == place.center_id).order_by(Activity.id))
        )
        answers = [
            (row.person_id, person.full_name or "", row.topics, row.time_of_day)
            for row, person in await session.execute(
                select(SurveyAnswer, Person).join(Person, Person.id == SurveyAnswer.person_id).order_by(SurveyAnswer.id)
            )
        ]
        return drafts, answers


async def test_a_survey_from_start_to_results_and_the_draft_plan(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    place = await commune(bot, fake)
    await _open(bot, place)
    await bot.deliver()
    card = place.groups["Thôn Đông"].bot_messages[-1]
    title = tr("vi", "Learning needs for {year}", year=2026)
    assert (card.text or "").startswith(f"📋 {title}\n")
    assert "http" not in (card.text or "") and card.buttons == [tr("vi", "✍️ Answer the survey")]
    assert card.reply_markup["inline_keyboard"][0][0]["url"].endswith("start=survey")

    # Lan taps two topics, changes her mind on one, and picks the evening (the card's button opens /start survey)
    lan = await _resident(bot, fake, lang, "Nguyễn Thị Lan", "Thôn Đông", "1965")
    asked = (await bot.say(lan, "/start survey"))[-1]
    assert (asked.text or "").startswith(
        tr(lang, "What would you like to learn? Choose as many topics as you wish.", "bà")
    )
    assert asked.buttons[3] == f"4. {MUSHROOMS}" and asked.buttons[-1] == tr(lang, "Done")
    for label in ("1. ", "4. ", "1. "):  # the last one unticks; the question changes in place, never stacks
        assert await bot.press(lan, asked, _button(asked, label)) == []
    assert asked.buttons[0].startswith("1. ") and asked.buttons[3] == f"✔ 4. {MUSHROOMS}"
    time = (await bot.press(lan, asked, tr(lang, "Done")))[-1]
    assert time.buttons == [tr(lang, "Morning"), tr(lang, "Afternoon"), tr(lang, "Evening")]
    thanks = (await bot.press(lan, time, tr(lang, "Evening")))[-1].text or ""
    assert MUSHROOMS in thanks and tr(lang, "Evening").lower() in thanks

    # Bình types the numbers; bad input changes nothing
    binh = await _resident(bot, fake, lang, "Trần Văn Bình", "Thôn Tây", "1990")
    await bot.say(binh, "/survey")
    wrong = (await bot.say(binh, "2 and 9"))[-1].text
    assert wrong == tr(lang, "Please send the numbers of the topics, for example: 1 3 5.")
    await bot.say(binh, "2 4")
    await bot.say(binh, "sáng" if lang == "vi" else "1")  # the morning, as people say it

    # answering again replaces the answer: still one per person
    await bot.say(lan, "/survey")
    await bot.say(lan, "4")
    await bot.say(lan, "3")

    # the head of Thôn Tây answers for Mận, who has no phone: consent first, as /add asks it
    head = await _resident(bot, fake, lang, "Vũ Văn Tâm", "Thôn Tây", "1965")
    await make_head(bot, place.center_id, "Vũ Văn Tâm", place.villages, "Thôn Tây")
    consent = (await bot.say(head, "/survey for"))[-1]
    await bot.press(head, consent, tr(lang, "Yes, they agreed"))
    await bot.say(head, "Nguyễn Thị Mận")  # "Thị": not asked whether female
    asked = (await bot.say(head, "1948"))[-1]  # one village: not asked
    assert (asked.text or "").startswith(
        tr(lang, "What would {name} like to learn? Choose as many topics as they wish.", name="Nguyễn Thị Mận")
    )
    await bot.say(head, "2 4")
    saved = (await bot.press(head, head.private_chat.bot_messages[-1], tr(lang, "Morning")))[-1].text or ""
    assert saved == tr(
        lang,
        "Saved the answer of {name}: {topics}; {time}.\nTo answer for the next person, send:\n/survey for",
        name="Nguyễn Thị Mận",
        topics=f"{tr(lang, HEALTH)}, {MUSHROOMS}",
        time=tr(lang, "Morning").lower(),
    )

    _, answers = await _survey_of(bot, place)
    health_key = answers[1][2][0]
    assert [(name, topics, when) for _, name, topics, when in answers] == [
        ("Nguyễn Thị Lan", ["own:1"], "evening"),
        ("Trần Văn Bình", [health_key, "own:1"], "morning"),
        ("Nguyễn Thị Mận", [health_key, "own:1"], "morning"),
    ]

    # the results: a message, a chart and a spreadsheet (the director reads Vietnamese)
    replies = await bot.say(place.director, "/survey results")
    text = replies[0].text or ""
    vi = lambda m, **f: tr("vi", m, **f)  # noqa: E731
    assert text.splitlines() == [
        vi("Survey “{title}”: {count} people answered.", title=title, count=3),
        "",
        vi("Wishes by topic:"),
        vi("{rank}. {topic}: {count} ({women} women)", rank=1, topic=MUSHROOMS, count=3, women=2),
        vi("{rank}. {topic}: {count} ({women} women)", rank=2, topic=vi(HEALTH), count=2, women=1),
        "",
        vi("Who answered, by village:"),
        f"• Thôn Đông: 1 ({vi('most wished')}: {MUSHROOMS})",
        f"• Thôn Tây: 2 ({vi('most wished')}: {vi(HEALTH)})",
        vi("By gender: {genders}", genders=f"{vi('Female').lower()} 2, {vi('Male').lower()} 1"),
        vi("By age: {bands}", bands=f"{vi('30 to 44')}: 1, {vi('60 and over')}: 2"),
        vi("Time of day: {times}", times=f"{vi('Morning').lower()} 2, {vi('Evening').lower()} 1"),
    ]
    assert replies[1].photo is not None and replies[1].photo.startswith(b"\x89PNG")
    assert replies[2].document is not None
    sheet = load_workbook(io.BytesIO(replies[2].document[1])).active
    assert sheet is not None
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert rows[4] == [MUSHROOMS, 3, 1, 2, 2, 1, 1, 2]  # everyone, Thôn Đông, Thôn Tây, women, men, 30-44, 60+

    # closing, then one tap: the two wished topics become drafts planned for January and February of next year
    closed = (await bot.say(place.director, "/survey close"))[-1]
    assert (closed.text or "").startswith(vi("The survey is closed."))
    planned = (await bot.press(place.director, closed, vi("Make the draft plan")))[-1].text or ""
    assert planned.splitlines()[1:3] == [f"• {MUSHROOMS}: 01/2026", f"• {vi(HEALTH)}: 02/2026"]
    drafts, _ = await _survey_of(bot, place)
    assert [(d.title, d.status, d.date_known, d.kind) for d in drafts] == [
        (MUSHROOMS, ActivityStatus.DRAFT, DateKnown.MONTH, ActivityKind.TALK),
        (vi(HEALTH), ActivityStatus.DRAFT, DateKnown.MONTH, ActivityKind.TALK),
    ]
    assert drafts[0].starts_at == datetime.fromisoformat("2025-12-31T17:00:00+00:00")  # 1 January, Vietnam time
    assert bot.app is not None
    async with bot.app.db.session() as session:
        codes = [await session.scalar(select(Area.code).where(Area.id == d.area_id)) for d in drafts]
    assert codes == ["other", "health"]
    again = (await bot.say(place.director, "/survey plan"))[-1].text
    assert again == vi("The draft plan of this survey was already made. Send /plan to see the month's plan.")
    # a closed survey takes no more answers
    assert (await bot.say(binh, "/survey"))[-1].text == tr(
        lang, "There is no survey open at the moment. Thank you for asking!"
    )


async def test_mydata_shows_the_answer_and_forget_removes_it_while_the_totals_stay(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    await _open(bot, place)
    lan = fake.add_user("Lan", language_code=lang)  # new here: the card's button brought her
    await onboard(bot, lan, name="Nguyễn Thị Lan", village="Thôn Đông", start="/start survey")
    asked = lan.private_chat.bot_messages[-1]  # after her profile, the survey's first question
    assert (asked.text or "").startswith(
        tr(lang, "What would you like to learn? Choose as many topics as you wish.", "bà")
    )
    await bot.say(lan, "2 4")
    await bot.say(lan, "2")  # afternoon
    before = (await bot.say(place.director, "/survey results"))[0].text

    mine = (await bot.say(lan, "/mydata"))[-1]
    line = tr(
        lang,
        "• Survey “{survey}”: {topics}; {time}",
        survey=tr("vi", "Learning needs for {year}", year=2026),
        topics=f"{tr('vi', HEALTH)}, {MUSHROOMS}",
        time=tr(lang, "Afternoon"),
    )
    assert line in (mine.text or "").splitlines()
    assert mine.document is not None and MUSHROOMS in mine.document[1].decode()

    await bot.say(lan, "/forget yes")
    _, answers = await _survey_of(bot, place)
    assert len(answers) == 1 and answers[0][1] == ""  # an anonymous stand-in holds it now
    assert bot.app is not None
    async with bot.app.db.session() as session:
        stand_in = await session.get(Person, answers[0][0])
        assert stand_in is not None and stand_in.anonymous and stand_in.full_name is None
    assert (await bot.say(place.director, "/survey results"))[0].text == before  # same totals, same village and age


async def test_on_zalo_the_topics_are_numbered_lines_and_one_number_ticks_one(both: Bot) -> None:
    assert both.zalo is not None
    place = await commune(both, both.fake)
    await _open(both, place)
    lan = OnZalo(both, both.zalo.add_user("Lan Nguyễn"))
    for answer in ("Xin chào", "1", "Nguyễn Thị Lan", "1965", "3"):
        await lan.say(answer)
    asked = (await lan.say("/survey"))[-1]
    health = tr("vi", HEALTH)
    assert asked.endswith(f"ví dụ: 1 3 5.\n\n1. {tr('vi', 'Topic: law education')}\n2. {health}\n3. "
                          f"{tr('vi', 'Topic: economic development')}\n4. {MUSHROOMS}\n5. Xong")  # fmt: skip
    ticked = (await lan.say("4"))[-1]
    assert f"\n4. ✔ {MUSHROOMS}\n" in ticked
    time = (await lan.say("5"))[-1]
    assert time == "Bà tiện học vào buổi nào nhất?\n\n1. Buổi sáng\n2. Buổi chiều\n3. Buổi tối"
    thanks = (await lan.say("3"))[-1]
    assert thanks.startswith(f"Cảm ơn bà! Đã ghi phiếu của bà: {MUSHROOMS}; buổi tối.")
    _, answers = await _survey_of(both, place)
    assert [(name, topics, when) for _, name, topics, when in answers] == [("Nguyễn Thị Lan", ["own:1"], "evening")]
