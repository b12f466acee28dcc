"""One person on Telegram and Zalo: linked with a one-time code, counted once, reached where they wrote last."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.models import Attendance, Registration
from bot.services import people
from tests.conftest import Bot
from tests.journeys import checkin_code, commune, local, onboard, people_count, person_of, publish
from tests.people import OnZalo


async def _count(bot: Bot, model: type) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_person_registers_on_telegram_checks_in_on_zalo_and_counts_once(both: Bot) -> None:
    assert both.zalo is not None
    place = await commune(both, both.fake)
    activity_id = await publish(both, place, start="06/10/2025 13:30")
    lan = both.fake.add_user("Lan", language_code="vi")
    await onboard(both, lan)
    before = await people_count(both)

    offer = (await both.say(lan, "/connect"))[-1].text or ""
    code = re.search(r"connect (\d{8})", offer)
    assert code is not None, offer
    on_zalo = OnZalo(both, both.zalo.add_user("Lan Nguyễn"))
    asked = (await on_zalo.say(f"Connect {code.group(1)}"))[-1]  # typed on Zalo, no slash
    assert asked == (
        "Mã này nối tài khoản này với Nguyễn Thị Lan, sinh năm 1965, ở Thôn Đông. Có đúng là cùng một người không?\n\n"
        "1. Đúng, là tôi\n2. Không"
    )
    joined = (await on_zalo.say("1"))[-1]
    assert joined.startswith("Xong: hai tài khoản này giờ là của cùng một người, Nguyễn Thị Lan.")
    assert await people_count(both) == before
    assert (await on_zalo.say(f"connect {code.group(1)}"))[-1].startswith("Mã này không đúng")  # it worked once

    registered = (await both.say(lan, f"/register {activity_id}"))[-1].text or ""
    assert registered.startswith("Đã đăng ký xong cho bà:\nChuyên đề phòng chống lừa đảo qua mạng")
    assert "Chuyên đề phòng chống lừa đảo qua mạng" in (await on_zalo.say("cua toi"))[-1]  # her /my, on Zalo

    both.clock.current = local("06/10/2025 13:10")
    screen = (await both.say(place.director, f"/checkin {activity_id}"))[-1]
    done = (await on_zalo.say(checkin_code(screen.text)))[-1]
    assert done.startswith("✅ Đã điểm danh: Chuyên đề phòng chống lừa đảo qua mạng.")
    again = (await both.say(lan, checkin_code(screen.text)))[-1].text
    assert again == "Bà đã điểm danh Chuyên đề phòng chống lừa đảo qua mạng rồi."
    assert await _count(both, Attendance) == 1 and await _count(both, Registration) == 1

    person = await person_of(both, lan)
    assert person is not None and people.chat_of(person) is not None
    assert people.chat_of(person).channel == "telegram"  # type: ignore[union-attr]  # she wrote there last


async def test_two_profiles_made_apart_are_joined_and_what_both_hold_counts_once(both: Bot) -> None:
    assert both.zalo is not None
    place = await commune(both, both.fake)
    activity_id = await publish(both, place, start="06/10/2025 13:30")
    hoa = both.fake.add_user("Hoa", language_code="vi")
    await onboard(both, hoa, name="Lê Thị Hoa")
    await both.say(hoa, f"/register {activity_id}")
    on_zalo = OnZalo(both, both.zalo.add_user("Hoa"))
    await on_zalo.say("Xin chào")
    for answer in ("Đồng ý", "Lê Thị Hoa", "1970", "1"):
        await on_zalo.say(answer)
    await on_zalo.say(f"dk {activity_id}")
    assert await people_count(both) == 3 and await _count(both, Registration) == 2  # the director, Hoa twice

    code = re.search(r"connect (\d{8})", (await both.say(hoa, "/connect"))[-1].text or "")
    assert code is not None
    await on_zalo.say(f"/connect {code.group(1)}")
    assert (await on_zalo.choose("Đúng, là tôi"))[-1].startswith("Xong:")
    assert await people_count(both) == 2 and await _count(both, Registration) == 1
    assert (await on_zalo.say("connect 00000000"))[-1].startswith("Mã này không đúng hoặc đã hết hạn.")


async def test_a_code_passed_around_joins_nobody_by_surprise(both: Bot) -> None:
    assert both.zalo is not None
    place = await commune(both, both.fake)
    mallory = both.fake.add_user("Mallory", language_code="vi")
    await onboard(both, mallory, name="Lò Văn Mạnh", gender="male")
    code = re.search(r"connect (\d{8})", (await both.say(mallory, "/connect"))[-1].text or "")
    assert code is not None
    # Lan, on Zalo, already uses the bot under her own name and types the code someone posted in a group.
    lan = OnZalo(both, both.zalo.add_user("Lan"))
    await lan.say("Xin chào")
    for answer in ("Đồng ý", "Nguyễn Thị Lan", "1965", "1"):
        await lan.say(answer)
    refused = (await lan.say(f"connect {code.group(1)}"))[-1]
    assert refused.startswith("Tài khoản này thuộc về một người khác ở Trung tâm")
    # A newcomer is shown whose account it is, and says no: nothing is joined, nothing is kept.
    newcomer = OnZalo(both, both.zalo.add_user("Khách"))
    asked = (await newcomer.say(f"connect {code.group(1)}"))[-1]
    assert asked.startswith("Mã này nối tài khoản này với Lò Văn Mạnh, sinh năm 1965")
    assert (await newcomer.choose("Không"))[-1] == "Chưa nối gì cả."
    assert await people_count(both) == 3  # the director, Mạnh and Lan
    # Someone who withdrew her consent and types a code is told so, not failed on.
    await lan.say("/withdraw")
    await lan.choose("Rút lại sự đồng ý")
    assert (await lan.say(f"connect {code.group(1)}"))[-1].startswith("Tài khoản này thuộc về một người khác")
    assert place.center_id is not None
