"""The director's numbers on a phone: /stats answers in one screen, with the details one button away; shares
keep the digits that make them meaningful; long titles are shortened at a word; the chart comes first, so the
text a button edits is the one on screen; a village head is offered nothing about villages they cannot see."""

from __future__ import annotations

import textwrap

import pytest

from bot.channels.telegram.fake import FakeMessage, FakeTelegram
from tests.conftest import Bot
from tests.e2e.test_stats import NOW, seed_year
from tests.journeys import commune, local, make_head, onboard, publish, tr
from tests.people import director_on_zalo

PHONE_COLUMNS = 34  # characters of a chat bubble on a 390 px wide phone, with room to spare
PHONE_LINES = 15  # lines of text that fit one screen above the buttons


def phone_lines(text: str) -> list[str]:
    """The text as a 390 px wide phone wraps it."""
    return [wrapped for line in text.splitlines() for wrapped in (textwrap.wrap(line, PHONE_COLUMNS) or [""])]


def button_rows(message: FakeMessage) -> int:
    return len((message.reply_markup or {}).get("inline_keyboard", []))


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_the_director_sees_stats_in_one_phone_screen(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    for command in ("/target 2025 tất cả 53 4350", "/target 2025 pháp luật 8 750", "/population 5550"):
        await bot.say(hung, command)
    await publish(
        bot,
        place,
        "Chuyên đề: Khái niệm và các loại AI, ứng dụng AI trong các lĩnh vực đời sống",
        start="25/11/2025 08:00",
    )
    if lang == "en":
        await bot.say(hung, "/lang en")

    answer = await bot.say(hung, "/stats")
    assert [m.photo is not None for m in answer] == [True, False]  # the chart first, the text last, on screen
    text = answer[-1].text or ""
    assert len(phone_lines(text)) <= PHONE_LINES, "\n".join(phone_lines(text))
    assert button_rows(answer[-1]) <= 5
    assert tr(lang, "Total: {counts}", counts="").rstrip() in text
    assert "quý 4" not in text and "Pháp luật" not in text  # the rest of the targets is one press away
    for view in ("📅 Coming up", "📚 By area", "🎯 Targets", "🏘 By village"):
        assert await bot.press(hung, answer[-1], tr(lang, view)) == []  # the message on screen is edited
        assert len(phone_lines(answer[-1].text or "")) <= 22, answer[-1].text  # a detail: a screen and a bit
        await bot.press(hung, answer[-1], tr(lang, "📋 Totals"))
        assert answer[-1].text == text


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_a_director_reads_a_tiny_share_as_a_percentage_that_is_not_zero(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    await bot.say(hung, "/target 2025 q4 tất cả 13 6850")  # 2 learner-visits in the quarter so far
    await bot.say(hung, "/population 5550")
    if lang == "en":
        await bot.say(hung, "/lang en")
    text = (await bot.say(hung, "/stats quý 4"))[-1].text or ""
    tiny, small = {"vi": ("2/6.850 lượt người (0,029%)", "1/13 lớp (7,7%)"), "en": ("2/6,850", "1/13")}[lang]
    assert tiny in text and small in text
    if lang == "en":
        assert "2/6,850 learner-visits (0.029%)" in text and "1/13 classes (7.7%)" in text
    ratio = {"vi": "72/5.550 = 1,3%", "en": "72/5,550 = 1.3%"}[lang]
    assert ratio in text


async def test_a_village_head_is_not_offered_a_by_village_view_of_their_one_village(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    bot.clock.current = local("01/10/2025 08:00")
    tam = fake.add_user("Tâm")
    await onboard(bot, tam, name="Vũ Văn Tâm", gender="male", village="Thôn Tây")
    await make_head(bot, place.center_id, "Vũ Văn Tâm", place.villages, "Thôn Tây")
    own = (await bot.say(tam, "/stats"))[-1]
    assert (own.text or "").startswith("📊 Thôn Tây: năm 2025")
    assert "🏘 Theo thôn" not in own.buttons and "🏘 Chọn thôn" not in own.buttons
    assert "🎯 Chỉ tiêu" not in own.buttons  # the center's targets are not a village's to weigh
    assert "📚 Theo lĩnh vực" in own.buttons and "📅 Sắp tới" in own.buttons

    await make_head(bot, place.center_id, "Vũ Văn Tâm", place.villages, "Thôn Đông")
    two = (await bot.say(tam, "/stats"))[-1]
    assert "🏘 Chọn thôn" in two.buttons and "🏘 Theo thôn" not in two.buttons  # one of two, not all three
    assert "🏘 Theo thôn" in (await bot.say(place.director, "/stats"))[-1].buttons


async def test_a_director_reads_a_long_title_shortened_at_a_word_with_its_quote_closed(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    title = "Chuyên đề “Ứng dụng trí tuệ nhân tạo trong các lĩnh vực đời sống và công việc”"
    await publish(bot, place, title, start="06/10/2025 13:30")
    bot.clock.current = local("01/10/2025 08:00")
    text = (await bot.say(place.director, "/stats"))[-1].text or ""
    line = next(line for line in text.splitlines() if "Chuyên đề" in line)
    assert "• 06/10 13:30 Chuyên đề “Ứng dụng trí tuệ nhân tạo…”: đăng ký 0/100" in line, line


async def test_the_caption_promises_a_target_line_only_when_the_chart_draws_one(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    chart = (await bot.say(hung, "/stats"))[0]
    assert chart.photo is not None and chart.text == "Số lượt người học từng tháng và số nữ."
    await bot.say(hung, "/target 2025 tất cả 53 4350")
    chart = (await bot.say(hung, "/stats"))[0]
    assert chart.photo is not None and chart.text == "Số lượt người học từng tháng, số nữ và đường chỉ tiêu."


async def test_a_director_on_zalo_types_a_choices_number_and_reads_the_answer_below_without_a_second_chart(
    both: Bot,
) -> None:
    hung = await director_on_zalo(both)
    before = len(hung.user.private_chat.bot_messages)
    await hung.say("/stats")
    shown = hung.user.private_chat.bot_messages[before:]
    assert [message.photo is not None for message in shown] == [True, False]  # the chart, then the numbers
    assert "\n1. Tháng này\n" in shown[-1].shown
    before = len(hung.user.private_chat.bot_messages)
    await hung.choose("📚 Theo lĩnh vực")
    shown = hung.user.private_chat.bot_messages[before:]
    assert [message.photo is not None for message in shown] == [False]  # a new text, the chart not again
    assert "Kết quả năm" in shown[0].shown
