"""Real people press old buttons, forward things, type numbers and have long village names."""

from __future__ import annotations

import pytest

from bot.channels.telegram.fake import FakeTelegram
from bot.cli import main
from bot.models import RoleKind
from tests.conftest import Bot
from tests.journeys import center_with_director, onboard, person_of


async def test_switching_language_on_a_claim_notice_keeps_the_claim(bot: Bot, fake: FakeTelegram) -> None:
    payload = await bot.create_center()
    director = fake.add_user("Hùng", language_code="en")
    notice = (await bot.say(director, f"/start {payload}"))[-1]
    vietnamese = (await bot.press(director, notice, "Tiếng Việt"))[-1]
    await bot.press(director, vietnamese, "✅ Đồng ý")
    person = await person_of(bot, director)
    assert person is not None and [r.kind for r in person.roles] == [RoleKind.DIRECTOR]
    assert person.language == "vi"


async def test_a_question_answered_by_typing_leaves_no_old_button_to_press(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, "/profile")
    await bot.say(lan, "-")
    gender_question = lan.private_chat.bot_messages[-1]
    stale = await bot.say(lan, "nữ")  # typed: the gender buttons go, nothing stale is left on screen
    assert gender_question.buttons == [] and stale[-1].buttons == ["Giữ nguyên: 1965"]
    await bot.say(lan, "1966")
    await bot.say(lan, "Thôn Đông")
    person = await person_of(bot, lan)
    assert person is not None and person.full_name == "Nguyễn Thị Lan" and person.birth_year == 1966


async def test_a_forwarded_message_is_not_taken_as_a_name(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    seller = fake.add_user("Bán")
    said = seller.send("Bán gà", fake.add_group("Chợ"))
    lan = fake.add_user("Lan")
    notice = (await bot.say(lan, "/start"))[-1]
    await bot.press(lan, notice, "✅ Đồng ý")
    refused = await bot.forward(lan, said)
    assert refused[-1].text == "Xin gõ câu trả lời, thay vì chuyển tiếp tin nhắn."
    person = await person_of(bot, lan)
    assert person is not None and person.full_name is None


async def test_numbered_and_very_long_village_names_work(bot: Bot, fake: FakeTelegram) -> None:
    long_name = "Tổ dân phố Khu tập thể Nhà máy Đường Quảng Ngãi số 2"
    await bot.create_center(villages=("Thôn 1", "Thôn 2", "Thôn 5", long_name))
    lan = fake.add_user("Lan")
    await onboard(bot, lan, village=long_name)
    person = await person_of(bot, lan)
    assert person is not None and person.village is not None and person.village.name == long_name

    ba = fake.add_user("Ba")
    await bot.say(ba, "/start")
    await bot.say(ba, "dong y")
    await bot.say(ba, "Lê Văn Ba")
    await bot.say(ba, "nam")
    await bot.say(ba, "1950")
    await bot.say(ba, "5")
    person = await person_of(bot, ba)
    assert person is not None and person.village is not None and person.village.name == "Thôn 5"


@pytest.mark.parametrize("odd", ["²", "١٩٦٥", "99999999999999999999", "\u202e1965", "🙂" * 500])
async def test_odd_digits_and_long_text_are_refused_politely(bot: Bot, fake: FakeTelegram, odd: str) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan")
    notice = (await bot.say(lan, "/start"))[-1]
    await bot.press(lan, notice, "✅ Đồng ý")
    await bot.say(lan, "Nguyễn Thị Lan")
    await bot.say(lan, "nữ")
    answer = await bot.say(lan, odd)
    assert answer[-1].text.startswith("Xin gửi năm sinh gồm bốn chữ số")
    assert (await bot.say(lan, f"/{odd}"))[-1].text.startswith("Xin lỗi, Loa Làng không có lệnh này:\n/")


async def test_with_two_centers_the_profile_asks_which_one_first(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center("TTHTCĐ xã Thanh Bình", ("Thôn Đông",))
    await bot.create_center("TTHTCĐ xã Hồng Thái Tây", ("Thôn Nam",))
    lan = fake.add_user("Lan")
    notice = (await bot.say(lan, "/start"))[-1]
    question = (await bot.press(lan, notice, "✅ Đồng ý"))[-1]
    which = "Xin chọn Trung tâm học tập cộng đồng của xã hoặc phường nơi đang sống:"
    assert question.text == which
    assert (await bot.say(lan, "/profile"))[-1].text == which
    await bot.press(
        lan, lan.private_chat.bot_messages[-1], "Trung tâm học tập cộng đồng xã Hồng Thái Tây"
    )  # as a chat names it
    await bot.say(lan, "Nguyễn Thị Lan")
    await bot.say(lan, "nữ")
    await bot.say(lan, "1965")
    village_question = lan.private_chat.bot_messages[-1]
    assert village_question.buttons == ["Thôn Nam"]


async def test_a_forgotten_appoint_does_not_turn_a_later_forward_into_an_appointment(
    bot: Bot, fake: FakeTelegram
) -> None:
    director = await center_with_director(bot, fake)
    mai = fake.add_user("Mai")
    await onboard(bot, mai, name="Đỗ Thị Mai")
    await bot.say(director, "/appoint staff")
    bot.clock.advance(days=30)
    said = mai.send("Chào anh", fake.add_group("Thôn"))
    await bot.forward(director, said)
    person = await person_of(bot, mai)
    assert person is not None and person.roles == []


def test_center_add_refuses_an_unknown_time_zone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    code = main(["center", "add", "TTHTCĐ xã A", "--villages", "Thôn 1", "--timezone", "Mars/Base"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "Không tạo được Trung tâm: không biết múi giờ “Mars/Base”; xin dùng Asia/Ho_Chi_Minh."
    )


async def test_a_reply_that_would_echo_a_huge_input_still_arrives(bot: Bot, fake: FakeTelegram) -> None:
    """Found by the fuzz test: `/reminders` echoed 4,096 letters back, and Telegram refused the reply."""
    director = await center_with_director(bot, fake)
    refused = await bot.say(director, "/reminders " + "A" * 4096)
    assert (
        refused[-1].text
        == f"Chưa đọc được “{'a' * 40}”. Xin viết ví dụ: 1d@19:00,2h (19:00 hôm trước và 2 giờ trước), "
        "hoặc 30m (30 phút trước)."
    )
