"""The resident's and the village head's journeys, once per messenger (the `channel` parameter), end to end
through each fake Bot API over HTTP: the same steps, pressed on Telegram and typed on Zalo (tests/people.py)."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from sqlalchemy import func, select

from bot.models import Attendance, Person, Registration
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, make_head, publish
from tests.people import OnTelegram, OnZalo, person

TALK = "Chuyên đề phòng chống lừa đảo qua mạng"


@pytest.fixture(params=["telegram", "zalo"])
def channel(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _count(bot: Bot, model: type) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _resident(bot: Bot, channel: str, name: str = "Nguyễn Thị Lan", village: str = "Thôn Đông"):  # type: ignore[no-untyped-def]
    """Agree and answer the profile, choosing what is on show."""
    someone = person(bot, channel, name.split()[-1])
    await someone.say("/start")
    await someone.choose("✅ Đồng ý")
    await someone.say(name)  # "Thị": not asked whether she is a woman
    await someone.say("1965")
    await someone.choose(village)
    assert someone.read[-1].startswith(f"Thông tin đã lưu:\n• {name}\n• Nữ, sinh năm 1965\n• {village}")
    return someone


async def test_a_resident_registers_is_reminded_gives_her_seat_back_and_checks_in(both: Bot, channel: str) -> None:
    place = await commune(both, both.fake)
    talk = await publish(both, place, start="06/10/2025 13:30", capacity=1, reminders="30m")
    lan = await _resident(both, channel)
    await lan.say("/events")
    assert (await lan.choose("✍️ Đăng ký"))[-1].startswith(f"Đã đăng ký xong cho bà:\n{TALK}")
    hoa = await _resident(both, channel, "Trần Thị Hoa", "Thôn Tây")
    waiting = (await hoa.say(f"/register {talk}"))[-1]
    assert waiting.startswith(f"{TALK} đã hết chỗ. Bà đứng thứ 1 trong danh sách chờ")
    assert TALK in (await lan.say("/my"))[-1]

    both.clock.current = local("06/10/2025 13:00")
    await both.deliver()
    assert lan.read[-1].startswith("⏰ Nhắc lịch") and "Bà vẫn đến dự chứ ạ?" in lan.read[-1]
    given = (await lan.choose("🙅 Không đi được"))[-1]
    assert given.startswith(f"Đã trả lại chỗ của bà ở {TALK}.")
    await both.deliver()
    assert any("chỗ" in text and TALK in text for text in hoa.read[-2:])  # the freed seat is hers now

    both.clock.current = local("06/10/2025 13:10")
    screen = (await both.say(place.director, f"/checkin {talk}"))[-1]
    done = (await hoa.say(checkin_code(screen.text)))[-1]
    assert done.startswith(f"✅ Đã điểm danh: {TALK}.")
    assert await _count(both, Attendance) == 1


async def test_a_resident_reads_her_data_switches_language_withdraws_and_is_forgotten(both: Bot, channel: str) -> None:
    await commune(both, both.fake)
    lan = await _resident(both, channel)
    shown = (await lan.say("/mydata"))[-1]
    assert shown.startswith("Đây là mọi thông tin Loa Làng đang lưu về bà:")
    if channel == "zalo":  # no file on Zalo: a link to it, served by the bot, for a day
        link = re.search(r"(http://loalang\.test/f/\S+)", shown)
        assert link is not None and both.zalo is not None
        async with httpx.AsyncClient(transport=both.zalo.fetch_transport) as web:
            data = json.loads((await web.get(link.group(1))).text)
        assert [(a["messenger"], a["id"]) for a in data["messenger_accounts"]] == [("zalo", lan.account)]
    assert (await lan.say("/lang en"))[-1] == "Done: I will speak English with you from now on."
    assert (await lan.say("/lang vi"))[-1].startswith("Xong")
    await lan.say("/withdraw")
    assert (await lan.choose("Rút lại sự đồng ý"))[-1].startswith("Xong: đã rút lại sự đồng ý")
    await lan.say("/forget")
    await lan.choose("🗑 Có, xóa dữ liệu")
    assert await _count(both, Person) == 2  # the director, and the anonymous stand-in that keeps totals


async def test_a_village_head_gets_the_text_to_paste_and_adds_someone_without_a_phone(both: Bot, channel: str) -> None:
    place = await commune(both, both.fake)
    head = await _resident(both, channel, "Vũ Thị Tâm", "Thôn Tây")
    await make_head(both, place.center_id, "Vũ Thị Tâm", place.villages, "Thôn Tây")
    talk = await publish(both, place)

    pasted = (await head.say(f"/text {talk}"))[-1]
    assert pasted.startswith(f"📢 {TALK}\n🗓 Thứ Hai, 06/10/2025 lúc 13:30")
    assert f"Để đăng ký qua Zalo, nhắn cho Loa Làng:\nDK {talk} {place.villages['Thôn Tây']}" in pasted
    assert f"Để đăng ký qua Telegram: https://t.me/loalang_bot?start=a{talk}-v{place.villages['Thôn Tây']}" in pasted

    await head.say(f"/add {talk}")
    await head.choose("Có, người đó đã đồng ý")
    await head.say("Nguyễn Thị Mận")  # "Thị": not asked
    done = (await head.say("1948"))[-1]  # the head's one village: not asked
    assert done.startswith(f"Xong: đã đăng ký cho Nguyễn Thị Mận tham gia {TALK}.")
    assert await _count(both, Registration) == 1
    assert isinstance(head, OnTelegram | OnZalo)
