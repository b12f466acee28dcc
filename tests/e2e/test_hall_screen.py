"""Issue 18, the village hall: the check-in code on the hall's own screen, and staff told when check-in opens.

The page is fetched over HTTP from the bot's own web server (bot/webhook.py), as the hall's laptop would."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import httpx
import pytest
import segno
from sqlalchemy import select

from bot.channels.telegram.fake import FakeMessage, FakeTelegram
from bot.config import Settings
from bot.models import ActivitySession, Center
from bot.webhook import Webhook
from tests.conftest import PUBLIC, Bot, Clock
from tests.journeys import Commune, checkin_code, commune, local, onboard, publish
from tests.people import director_on_zalo

TITLE = "Chuyên đề phòng chống lừa đảo qua mạng"


@pytest.fixture
async def hall(settings: Settings, fake: FakeTelegram, clock: Clock) -> AsyncIterator[Bot]:
    """The bot with a web address (PUBLIC_BASE_URL), so that staff can be given the hall screen's link."""
    harness = Bot(settings.model_copy(update={"public_base_url": PUBLIC}), fake, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
        await asyncio.sleep(0)


def laptop(bot: Bot) -> httpx.AsyncClient:
    """The hall's laptop: a browser that reaches the bot's web server."""
    assert bot.app is not None
    server = Webhook(bot.app, url=None, secret="a secret for tests")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=server.asgi), base_url=PUBLIC)


def hall_link(message: FakeMessage) -> str:
    """The address under the "open the hall screen" button."""
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            if button["text"] == "🖥 Mở màn hình hội trường":
                return str(button["url"])
    raise AssertionError(f"no hall screen button on {message.text!r}")


def shown_code(page: httpx.Response) -> str:
    found = re.search(r'<div class="code" id="code">(\d{4})</div>', page.text)
    assert found is not None, page.text
    return found.group(1)


async def test_staff_open_the_hall_screen_and_see_the_current_code_and_qr(hall: Bot, fake: FakeTelegram) -> None:
    place = await commune(hall, fake)
    activity_id = await publish(hall, place, start="06/10/2025 13:30")
    hall.clock.current = local("06/10/2025 13:10")

    screen = (await hall.say(place.director, f"/checkin {activity_id}"))[-1]
    link = hall_link(screen)
    assert link.startswith(f"{PUBLIC}/hall/") and len(link) > len(f"{PUBLIC}/hall/") + 40  # a long random secret
    async with laptop(hall) as browser:
        page = await browser.get(link)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "private, no-store"
    assert f"<h1>Điểm danh: {TITLE}</h1>" in page.text
    assert "Thứ Hai, 06/10/2025 lúc 13:30 · Hội trường UBND xã" in page.text
    assert "Bà con gõ 4 số này gửi cho Loa Làng, hoặc quét mã QR bằng máy ảnh điện thoại." in page.text
    code = shown_code(page)
    assert code == checkin_code(screen.text)  # the same code as on the staff member's phone
    session_id = int(screen.reply_markup["inline_keyboard"][0][0]["callback_data"].split()[-1])  # type: ignore[index]
    scanned = segno.make(hall.served("telegram").deep_link(f"k{session_id}-{code}"), error="m")
    assert scanned.svg_inline(scale=1, border=2, omitsize=True, title=code) in page.text  # the QR opens the bot on it
    assert '<meta http-equiv="refresh" content="' in page.text  # it reloads by itself, no script
    assert "<script" not in page.text


async def test_a_resident_checks_in_with_the_code_read_off_the_screen(hall: Bot, fake: FakeTelegram) -> None:
    place = await commune(hall, fake)
    activity_id = await publish(hall, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(hall, lan)
    hall.clock.current = local("06/10/2025 13:25")
    link = hall_link((await hall.say(place.director, f"/checkin {activity_id}"))[-1])
    hall.clock.advance(minutes=3)
    async with laptop(hall) as browser:
        code = shown_code(await browser.get(link))
    done = (await hall.say(lan, code))[-1]
    assert done.text is not None and done.text.startswith(f"✅ Đã điểm danh: {TITLE}. Chào mừng bà!")


async def test_the_hall_screen_shows_the_new_code_after_a_minute(hall: Bot, fake: FakeTelegram) -> None:
    place = await commune(hall, fake)
    activity_id = await publish(hall, place, start="06/10/2025 13:30")
    hall.clock.current = local("06/10/2025 13:10").replace(second=20)
    screen = (await hall.say(place.director, f"/checkin {activity_id}"))[-1]
    async with laptop(hall) as browser:
        first = await browser.get(hall_link(screen))
        assert '<meta http-equiv="refresh" content="41">' in first.text  # just after the minute turns
        hall.clock.advance(minutes=1)
        second = await browser.get(hall_link(screen))
    assert shown_code(second) != shown_code(first)
    await hall.deliver()
    assert checkin_code(screen.text) == shown_code(second)  # the phone's screen and the hall's agree


async def test_the_hall_screen_link_expires_with_the_session(hall: Bot, fake: FakeTelegram) -> None:
    place = await commune(hall, fake)
    activity_id = await publish(hall, place, start="06/10/2025 13:30")
    hall.clock.current = local("06/10/2025 14:25")
    link = hall_link((await hall.say(place.director, f"/checkin {activity_id}"))[-1])
    async with laptop(hall) as browser:
        assert (await browser.get(link)).status_code == 200
        hall.clock.current = local("06/10/2025 14:31")  # an hour after the start, check-in has closed
        closed = await browser.get(link)
        assert closed.status_code == 410
        assert "Buổi này đã hết giờ điểm danh." in closed.text and 'class="code"' not in closed.text
        assert "refresh" not in closed.text
        hall.clock.advance(days=1)
        gone = await browser.get(link)
    assert gone.status_code == 404
    assert "Không có trang này, hoặc đường dẫn đã hết hạn." in gone.text
    assert "This page does not exist, or its link has expired." in gone.text


async def test_a_hall_screen_says_when_check_in_opens_after_the_session_moved_later(
    hall: Bot, fake: FakeTelegram
) -> None:
    place = await commune(hall, fake)
    activity_id = await publish(hall, place, start="06/10/2025 13:30")
    hall.clock.current = local("06/10/2025 13:10")
    link = hall_link((await hall.say(place.director, f"/checkin {activity_id}"))[-1])
    assert hall.app is not None
    async with hall.app.db.session() as session, session.begin():  # moved two hours later, as /change does
        moved = await session.scalar(select(ActivitySession).where(ActivitySession.activity_id == activity_id))
        assert moved is not None
        moved.starts_at, moved.ends_at = local("06/10/2025 15:30"), local("06/10/2025 17:30")
    async with laptop(hall) as browser:
        waiting = await browser.get(link)
    assert waiting.status_code == 200 and "Điểm danh mở lúc 15:00, 06/10/2025." in waiting.text
    assert 'class="code"' not in waiting.text and '<meta http-equiv="refresh" content="30">' in waiting.text


async def test_a_hall_screen_says_check_in_closed_once_staff_close_it(hall: Bot, fake: FakeTelegram) -> None:
    place = await commune(hall, fake)
    activity_id = await publish(hall, place, start="06/10/2025 13:30")
    hall.clock.current = local("06/10/2025 13:40")
    link = hall_link((await hall.say(place.director, f"/checkin {activity_id}"))[-1])
    await hall.say(place.director, f"/desk {activity_id}")
    await hall.say(place.director, "/close")
    async with laptop(hall) as browser:
        closed = await browser.get(link)
    assert closed.status_code == 410 and "Buổi này đã hết giờ điểm danh." in closed.text


async def test_a_resident_cannot_open_the_hall_screen_with_a_made_up_link(hall: Bot, fake: FakeTelegram) -> None:
    place = await commune(hall, fake)
    activity_id = await publish(hall, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(hall, lan)
    hall.clock.current = local("06/10/2025 13:10")
    refused = (await hall.say(lan, f"/checkin {activity_id}"))[-1]
    assert refused.reply_markup is None and "hall" not in (refused.text or "")
    async with laptop(hall) as browser:
        for made_up in ("/hall/guessed-token", "/hall/" + "A" * 43, "/hall/" + "x" * 500):
            page = await browser.get(made_up)
            assert page.status_code == 404
            assert "Không có trang này, hoặc đường dẫn đã hết hạn. Xin hỏi cán bộ Trung tâm đường dẫn mới." in page.text
            assert "Please ask the center's staff for the new link." in page.text
            assert 'class="code"' not in page.text


async def test_staff_are_told_once_when_check_in_opens(hall: Bot, fake: FakeTelegram) -> None:
    place = await commune(hall, fake)
    await publish(hall, place, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(hall, lan)
    chat = place.director.private_chat
    hall.clock.current = local("06/10/2025 12:59")
    await hall.deliver()
    before = len(chat.bot_messages)

    hall.clock.current = local("06/10/2025 13:00")  # half an hour before the start
    await hall.deliver()
    told = [m for m in chat.bot_messages[before:] if (m.text or "").startswith("🔔 Đã mở điểm danh")]
    assert len(told) == 1
    assert told[0].text == (
        f"🔔 Đã mở điểm danh: {TITLE}\n🗓 Thứ Hai, 06/10/2025 lúc 13:30\n📍 Hội trường UBND xã\n"
        f"Mã: {checkin_code(told[0].text)} (đổi mỗi phút)\n\n"
        "Xin mở màn hình hội trường trên máy tính hoặc máy chiếu của hội trường: bà con điểm danh ngay tại chỗ "
        "ngồi, không phải xếp hàng."
    )
    async with laptop(hall) as browser:
        page = await browser.get(hall_link(told[0]))
    assert shown_code(page) == checkin_code(told[0].text)
    assert (await hall.say(lan, shown_code(page)))[-1].text.startswith("✅ Đã điểm danh")  # type: ignore[union-attr]

    after = len(chat.bot_messages)
    await hall.restart()
    hall.clock.advance(minutes=5)
    await hall.deliver()
    assert not [m for m in chat.bot_messages[after:] if (m.text or "").startswith("🔔 Đã mở điểm danh")]


async def test_staff_are_not_told_of_a_check_in_that_closed_while_the_bot_was_down(
    hall: Bot, fake: FakeTelegram
) -> None:
    place = await commune(hall, fake)
    await publish(hall, place, start="06/10/2025 13:30")
    await hall.stop()
    hall.clock.current = local("06/10/2025 15:00")
    await hall.start()
    await hall.deliver()
    assert not [m for m in place.director.private_chat.bot_messages if "Đã mở điểm danh" in (m.text or "")]


async def test_without_a_web_address_staff_get_no_hall_screen_link(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    bot.clock.current = local("06/10/2025 13:00")
    await bot.deliver()
    told = place.director.private_chat.bot_messages[-1]
    assert (told.text or "").startswith(f"🔔 Đã mở điểm danh: {TITLE}")
    assert "hội trường:" not in (told.text or "") and told.reply_markup is None
    screen = (await bot.say(place.director, f"/checkin {activity_id}"))[-1]
    assert screen.buttons == ["📷 Hiện mã QR"]


async def test_staff_on_zalo_are_told_with_the_hall_screen_link_written_out(both: Bot) -> None:
    hung = await director_on_zalo(both)
    assert both.app is not None
    async with both.app.db.session() as session:
        center_id = await session.scalar(select(Center.id))
    assert center_id is not None
    activity_id = await publish(both, Commune(center_id, None, {}, {}), start="06/10/2025 13:30")  # type: ignore[arg-type]
    both.clock.current = local("06/10/2025 13:00")
    await both.deliver()
    told = [text for text in hung.read if text.startswith("🔔 Đã mở điểm danh")]
    assert len(told) == 1
    link = re.search(rf"🖥 Mở màn hình hội trường: ({re.escape(PUBLIC)}/hall/\S+)", told[0])
    assert link is not None, told[0]
    screen = (await hung.say(f"/checkin {activity_id}"))[-1]
    assert f"🖥 Mở màn hình hội trường: {link.group(1)}" in screen  # the same link, written out
    async with laptop(both) as browser:
        assert shown_code(await browser.get(link.group(1))) == checkin_code(screen)
