"""`loalang center add` prints a one-time link; whoever opens it first becomes the director."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.channels.telegram.fake import FakeTelegram
from bot.cli import main
from bot.config import Settings
from bot.models import RoleKind
from bot.services import invites, people
from tests.conftest import Bot
from tests.journeys import onboard, people_count, person_of, tr

USED = "Sorry, this link has already been used or is not valid. Please ask the person who sent it for a new one."


SPOKEN = "Trung tâm học tập cộng đồng xã Thanh Bình"  # the center as a chat names it: no abbreviation


async def test_center_add_prints_a_claim_link_that_makes_its_opener_director(
    bot: Bot,
    fake: FakeTelegram,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    async with fake.serve() as url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
        monkeypatch.setenv("BOT_TOKEN", fake.token)
        monkeypatch.setenv("BOT_API_BASE_URL", url)
        code = await asyncio.to_thread(
            main, ["center", "add", "TTHTCĐ xã Thanh Bình", "--villages", "Thôn Đông,Thôn Tây"]
        )
    assert code == 0
    out = capsys.readouterr().out
    assert re.search(r"Đã tạo Trung tâm số \d+: TTHTCĐ xã Thanh Bình \(2 thôn\)\.", out), out
    link = re.search(r"https://t\.me/loalang_bot\?start=(\S+)", out)
    assert link is not None, out

    director = fake.add_user("Hùng", language_code=lang)
    await onboard(bot, director, name="Phạm Văn Hùng", gender="male", start=f"/start {link.group(1)}")
    person = await person_of(bot, director)
    assert person is not None
    assert [r.kind for r in person.roles] == [RoleKind.DIRECTOR]
    texts = [m.text for m in director.private_chat.bot_messages]
    assert (
        tr(
            lang,
            "You are now the {role} of {center}.",
            role=tr(lang, "director"),
            center="Trung tâm học tập cộng đồng xã Thanh Bình",
        )
        in texts
    )


async def test_a_stranger_opening_a_used_claim_link_is_refused(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    payload = await bot.create_center()
    director = fake.add_user("Hùng", language_code="vi")
    await onboard(bot, director, start=f"/start {payload}")

    stranger = fake.add_user("Mallory", language_code=lang)
    refused = await bot.say(stranger, f"/start {payload}")
    assert [m.text for m in refused] == [tr(lang, USED)]
    assert await people_count(bot) == 1
    # pressing an old "I agree" that carried the link does not help either
    refused = await bot.say(stranger, f"/agree {lang} {payload}")
    assert [m.text for m in refused] == [tr(lang, USED)]
    assert await people_count(bot) == 1


async def test_an_unknown_link_is_refused(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    await bot.create_center()
    someone = fake.add_user("An", language_code=lang)
    refused = await bot.say(someone, "/start inv-doesnotexist")
    assert [m.text for m in refused] == [tr(lang, USED)]
    assert await people_count(bot) == 0


async def test_two_people_pressing_agree_on_one_claim_make_one_director(bot: Bot, fake: FakeTelegram) -> None:
    payload = await bot.create_center()
    first, second = fake.add_user("Một"), fake.add_user("Hai")
    first_notice = (await bot.say(first, f"/start {payload}"))[-1]
    second_notice = (await bot.say(second, f"/start {payload}"))[-1]
    first.press(first_notice, "✅ Đồng ý")
    second.press(second_notice, "✅ Đồng ý")  # both presses arrive before the bot answers either
    await bot.settle()
    assert second.private_chat.bot_messages[-1].text == tr("vi", USED)
    assert await people_count(bot) == 1
    person = await person_of(bot, first)
    assert person is not None and [r.kind for r in person.roles] == [RoleKind.DIRECTOR]


async def test_a_link_is_redeemed_once_even_by_two_transactions_at_the_same_time(bot: Bot) -> None:
    payload = await bot.create_center()
    token = invites.token_of(payload)
    assert token is not None and bot.app is not None
    db = bot.app.db
    async with db.session() as session, session.begin():
        for user_id in (1, 2):
            await people.consent(
                session, channel="telegram", external_id=str(user_id), now=bot.clock(), language=None, center_id=None
            )

    async def redeem(person_id: int) -> bool:
        async with db.session() as session, session.begin():
            return await invites.redeem(session, token, person_id, bot.clock()) is not None

    assert sorted(await asyncio.gather(redeem(1), redeem(2))) == [False, True]
