"""The loudspeaker bulletin: the text an announcer reads aloud, for the commune and for each village, with times
and dates spoken the Vietnamese way; /loa for a head and the director, its text file, and the weekly bulletin
sent once before each week, through a restart; during a campaign, the next day's each evening."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.models import ActivityKind, Center, Person
from bot.services import activities
from scheduler import bulletins
from tests.conftest import Bot
from tests.journeys import Commune, commune, local, make_head, onboard
from tests.people import OnZalo

KEEP_FIT = "Lớp dưỡng sinh cho người cao tuổi"
RICE = "Chuyên đề kỹ thuật trồng lúa vụ Đông Xuân 2025-2026"
SCAMS = "Chuyên đề phòng chống lừa đảo qua mạng"


async def _activity(
    bot: Bot,
    commune_: Commune,
    title: str,
    kind: ActivityKind,
    starts: list[str],
    *,
    villages: tuple[str, ...] = (),
    publish: bool = True,
    **fields: object,
) -> int:
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        center = await session.get(Center, commune_.center_id)
        assert center is not None
        draft = activities.Draft(
            title=title,
            kind=kind,
            sessions=[(local(s), local(s) + timedelta(hours=2)) for s in starts],
            village_ids=[commune_.villages[v] for v in villages],
            **fields,  # type: ignore[arg-type]
        )
        activity = await activities.create(session, center, draft, now=bot.clock(), by=None)
        if publish:
            await activities.publish(session, activity, now=bot.clock(), by=None)
        return activity.id


async def _week(bot: Bot, place: Commune) -> None:
    """The week of 6 to 12 October 2025: three activities, one for Thôn Đông, one for Thôn Tây, one for all;
    and what the bulletin leaves out: a draft, and the week after."""
    await _activity(
        bot, place, KEEP_FIT, ActivityKind.CLASS, ["07/10/2025 07:30", "09/10/2025 07:30", "14/10/2025 07:30"],
        villages=("Thôn Đông",), place="Nhà văn hóa thôn Đông", target_group="Người cao tuổi", capacity=30,
    )  # fmt: skip
    await _activity(
        bot, place, RICE, ActivityKind.TALK, ["08/10/2025 13:30"], villages=("Thôn Tây",),
        place="Nhà văn hóa thôn Tây", target_group="Hội viên Hội Nông dân", partner="Hội Nông dân xã",
    )  # fmt: skip
    await _activity(
        bot, place, SCAMS, ActivityKind.TALK, ["11/10/2025 19:00"], place="Hội trường UBND xã", capacity=100,
        partner="Công an xã",
    )  # fmt: skip
    await _activity(bot, place, "Lớp tin học cơ bản", ActivityKind.CLASS, ["10/10/2025 08:00"], publish=False)
    await _activity(bot, place, "Chuyên đề an toàn giao thông", ActivityKind.TALK, ["13/10/2025 08:00"])


HOW = (
    "Cách tham gia: bà con có điện thoại xin đăng ký qua Loa Làng; bà con không có điện thoại xin báo tên với "
    "trưởng thôn."
)
INTRO = (
    "Trung tâm học tập cộng đồng xã Thanh Bình xin thông báo các hoạt động từ thứ Hai, ngày sáu tháng Mười đến "
    "Chủ nhật, ngày mười hai tháng Mười."
)
KEEP_FIT_BLOCK = (
    "Thời gian: bảy giờ ba mươi sáng thứ Ba, ngày bảy tháng Mười và bảy giờ ba mươi sáng thứ Năm, ngày chín "
    "tháng Mười.\n"
    "Gồm tất cả ba buổi.\n"
    "Địa điểm: Nhà văn hóa thôn Đông.\n"
)
RICE_BLOCK = "Thời gian: một giờ ba mươi chiều thứ Tư, ngày tám tháng Mười.\nĐịa điểm: Nhà văn hóa thôn Tây.\n"
SCAMS_BLOCK = (
    "Chuyên đề phòng chống lừa đảo qua mạng.\n"
    "Thời gian: bảy giờ tối thứ Bảy, ngày mười một tháng Mười.\n"
    "Địa điểm: Hội trường Ủy ban nhân dân xã.\n"
    "Đối tượng: mọi người dân.\n"
    f"{HOW}\n"
    "Số chỗ có hạn, chỉ một trăm người."
)
CLOSING = "Trân trọng kính mời bà con đến dự đông đủ.\n\nTrung tâm học tập cộng đồng xã Thanh Bình kính báo."

COMMUNE_TEXT = (
    "Kính thưa bà con nhân dân xã Thanh Bình!\n\n"
    f"{INTRO} Có ba hoạt động.\n\n"
    "Hoạt động thứ nhất: Lớp dưỡng sinh cho người cao tuổi.\n"
    f"{KEEP_FIT_BLOCK}"
    "Đối tượng: Người cao tuổi ở thôn Đông.\n"
    f"{HOW}\n"
    "Số chỗ có hạn, chỉ ba mươi người.\n\n"
    "Hoạt động thứ hai: Chuyên đề kỹ thuật trồng lúa vụ Đông Xuân hai nghìn không trăm hai mươi lăm đến hai nghìn "
    "không trăm hai mươi sáu.\n"
    f"{RICE_BLOCK}"
    "Đối tượng: Hội viên Hội Nông dân ở thôn Tây.\n"
    f"{HOW}\n\n"
    f"Hoạt động thứ ba: {SCAMS_BLOCK}\n\n"
    f"{CLOSING}"
)
DONG_TEXT = (
    "Kính thưa bà con nhân dân thôn Đông!\n\n"
    f"{INTRO} Có hai hoạt động.\n\n"
    "Hoạt động thứ nhất: Lớp dưỡng sinh cho người cao tuổi.\n"
    f"{KEEP_FIT_BLOCK}"
    "Đối tượng: Người cao tuổi.\n"
    f"{HOW}\n"
    "Số chỗ có hạn, chỉ ba mươi người.\n\n"
    f"Hoạt động thứ hai: {SCAMS_BLOCK}\n\n"
    f"{CLOSING}"
)
TAY_TEXT = (
    "Kính thưa bà con nhân dân thôn Tây!\n\n"
    f"{INTRO} Có hai hoạt động.\n\n"
    "Hoạt động thứ nhất: Chuyên đề kỹ thuật trồng lúa vụ Đông Xuân hai nghìn không trăm hai mươi lăm đến hai nghìn "
    "không trăm hai mươi sáu.\n"
    f"{RICE_BLOCK}"
    "Đối tượng: Hội viên Hội Nông dân.\n"
    f"{HOW}\n\n"
    f"Hoạt động thứ hai: {SCAMS_BLOCK}\n\n"
    f"{CLOSING}"
)


async def test_the_weeks_bulletin_for_the_commune_and_each_village_is_written_to_be_read_aloud(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    await _week(bot, place)
    bot.clock.current = local("05/10/2025 06:00")  # a Sunday: the week that follows

    commune_bulletin = (await bot.say(hung, "/loa week all"))[-1]
    assert commune_bulletin.text == COMMUNE_TEXT
    assert commune_bulletin.buttons == ["📄 Tệp văn bản", "🔔 Nhận bản tin hằng tuần"]
    assert (await bot.say(hung, "/loa tuần Thôn Tây"))[-1].text == TAY_TEXT

    tam = fake.add_user("Tâm")
    await onboard(bot, tam, name="Vũ Văn Tâm", gender="male", village="Thôn Đông")
    await make_head(bot, place.center_id, "Vũ Văn Tâm", place.villages, "Thôn Đông")
    menu = (await bot.say(tam, "/loa"))[-1]
    assert menu.text == "Xin chọn bản tin để đọc trên loa truyền thanh:"
    assert menu.buttons == [
        "Tuần tới · Thôn Đông",
        "Ba ngày tới · Thôn Đông",
        "🔔 Nhận bản tin hằng tuần",
    ]  # on a Sunday
    assert (await bot.press(tam, menu, "Tuần tới · Thôn Đông"))[-1].text == DONG_TEXT
    assert (await bot.say(tam, "/loa all"))[-1].text == DONG_TEXT  # a head hears their own village's

    refused = (await bot.say(tam, "/loa Thôn Tây"))[-1]
    assert refused.text == "Xin lỗi, chỉ xem được bản tin của thôn mình phụ trách."
    odd = (await bot.say(tam, "/loa tuần sau nữa"))[-1]
    assert odd.text.startswith("Xin lỗi, Loa Làng chưa hiểu “tuần sau nữa”.")

    days = (await bot.say(hung, "/loa days Thôn Đông"))[-1]  # today and the next two days: nothing yet
    assert days.text == (
        "Kính thưa bà con nhân dân thôn Đông!\n\n"
        "Trung tâm học tập cộng đồng xã Thanh Bình xin thông báo các hoạt động từ Chủ nhật, ngày năm tháng Mười "
        "đến thứ Ba, ngày bảy tháng Mười. Có một hoạt động.\n\n"
        "Hoạt động thứ nhất: Lớp dưỡng sinh cho người cao tuổi.\n"
        "Thời gian: bảy giờ ba mươi sáng thứ Ba, ngày bảy tháng Mười.\n"
        "Gồm tất cả ba buổi.\n"
        "Địa điểm: Nhà văn hóa thôn Đông.\n"
        "Đối tượng: Người cao tuổi.\n"
        f"{HOW}\n"
        "Số chỗ có hạn, chỉ ba mươi người.\n\n"
        f"{CLOSING}"
    )

    sent = (await bot.press(hung, commune_bulletin, "📄 Tệp văn bản"))[-1]
    assert sent.document is not None
    name, content = sent.document
    assert name == "loa-2025-10-06-2025-10-12.txt"
    assert content.decode() == COMMUNE_TEXT + "\n"


async def _listening(bot: Bot, name: str) -> tuple[bool, str | None, str | None]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        person = await session.scalar(select(Person).where(Person.full_name == name))
        assert person is not None
        return person.weekly_bulletin, person.bulletin_week, person.bulletin_day


def _counts(*users: FakeUser) -> tuple[int, ...]:
    return tuple(len(user.private_chat.bot_messages) for user in users)


async def test_the_weekly_bulletin_goes_out_once_on_sunday_evening_to_whoever_turned_it_on(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    await _week(bot, place)
    tam = fake.add_user("Tâm")
    await onboard(bot, tam, name="Vũ Văn Tâm", gender="male", village="Thôn Đông")
    await make_head(bot, place.center_id, "Vũ Văn Tâm", place.villages, "Thôn Đông")
    if lang == "en":
        await bot.say(tam, "/lang en")
    bot.clock.current = local("01/10/2025 09:00")  # a Wednesday

    turned = (await bot.say(tam, "/loa on"))[-1]
    if lang == "vi":
        assert turned.text == (
            "Xong: mỗi Chủ nhật lúc 17:00, Loa Làng sẽ gửi ông bản tin loa truyền thanh cho tuần tới. Trong thời "
            "gian có chiến dịch, mỗi chiều Loa Làng gửi thêm bản tin cho ngày hôm sau. Để thôi nhận, xin gửi:\n/loa off"
        )
    else:
        assert turned.text.startswith("Done: every Sunday at 17:00 Loa Làng will send you the loudspeaker bulletin")
    await bot.say(hung, "/loa bật")
    assert await _listening(bot, "Vũ Văn Tâm") == (True, "2025-W40", "2025-10-01")  # this week counts as told
    assert bot.app is not None
    assert await bulletins.next_due(bot.app.db, bot.clock()) == local("05/10/2025 17:00")
    heard = _counts(tam, hung)

    bot.clock.current = local("05/10/2025 16:59")
    await bot.deliver()
    assert _counts(tam, hung) == heard

    bot.clock.current = local("05/10/2025 17:00")
    await bot.deliver()
    weekly = tam.private_chat.bot_messages[-1]
    if lang == "vi":
        assert weekly.text == f"Bản tin loa truyền thanh cho tuần tới, để đọc cho bà con nghe:\n\n{DONG_TEXT}"
        assert weekly.buttons == ["📄 Tệp văn bản"]
    else:
        assert weekly.text.startswith(
            "The loudspeaker bulletin for the coming week, ready to be read aloud:\n\nDear people of thôn Đông,\n\n"
            "Trung tâm học tập cộng đồng xã Thanh Bình announces the activities from "
            "Monday 6 October to Sunday 12 October. There are 2 activities.\n\n"
            "Activity number 1: Class: Lớp dưỡng sinh cho người cao tuổi.\n"
            "When: 7:30 in the morning, Tuesday 7 October and 7:30 in the morning, Thursday 9 October.\n"
        )
        assert "Where: Hội trường Ủy ban nhân dân xã.\nFor: everyone.\n" in weekly.text
        assert weekly.text.endswith("Announced by Trung tâm học tập cộng đồng xã Thanh Bình.")
        assert weekly.buttons == ["📄 Text file"]
    assert hung.private_chat.bot_messages[-1].text == (
        f"Bản tin loa truyền thanh cho tuần tới, để đọc cho bà con nghe:\n\n{COMMUNE_TEXT}"
    )
    heard = _counts(tam, hung)

    await bot.restart()  # rebuilt from the database: sent once, not again
    await bot.deliver()
    bot.clock.advance(hours=3)
    await bot.deliver()
    assert _counts(tam, hung) == heard
    assert await _listening(bot, "Vũ Văn Tâm") == (True, "2025-W41", "2025-10-01")
    assert await bulletins.next_due(bot.app.db, bot.clock()) == local("12/10/2025 17:00")

    sent = (await bot.press(tam, weekly, weekly.buttons[0]))[-1]
    assert sent.document is not None
    name, content = sent.document
    assert name == "loa-2025-10-06-2025-10-12.txt"
    if lang == "vi":
        assert content.decode() == DONG_TEXT + "\n"

    stopped = (await bot.say(tam, "/loa off"))[-1]
    assert stopped.text.endswith("\n/loa on")
    bot.clock.current = local("12/10/2025 17:00")  # the week after has one activity, but Tâm turned it off
    await bot.deliver()
    assert len(tam.private_chat.bot_messages) == heard[0] + 2
    assert "Chuyên đề an toàn giao thông" in (hung.private_chat.bot_messages[-1].text or "")


async def test_during_a_campaign_the_next_days_bulletin_goes_out_each_evening(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    await _activity(
        bot, place, "Ngày hội đọc sách", ActivityKind.EVENT, ["03/10/2025 08:00"], place="Sân nhà văn hóa xã",
        campaign="Tuần lễ hưởng ứng học tập suốt đời năm 2025",
    )  # fmt: skip
    bot.clock.current = local("01/10/2025 09:00")
    await bot.say(hung, "/loa on")
    before = len(hung.private_chat.bot_messages)

    bot.clock.current = local("01/10/2025 17:00")  # 2 October has nothing: nothing is sent
    await bot.deliver()
    assert len(hung.private_chat.bot_messages) == before
    bot.clock.current = local("02/10/2025 17:00")
    await bot.deliver()
    await bot.deliver()
    assert len(hung.private_chat.bot_messages) == before + 1
    assert hung.private_chat.bot_messages[-1].text == (
        "Bản tin loa truyền thanh cho ngày mai, để đọc cho bà con nghe:\n\n"
        "Kính thưa bà con nhân dân xã Thanh Bình!\n\n"
        "Trung tâm học tập cộng đồng xã Thanh Bình xin thông báo các hoạt động vào thứ Sáu, ngày ba tháng Mười. "
        "Có một hoạt động.\n\n"
        "Hoạt động thứ nhất: Sự kiện: Ngày hội đọc sách.\n"
        "Thời gian: tám giờ sáng thứ Sáu, ngày ba tháng Mười.\n"
        "Địa điểm: Sân nhà văn hóa xã.\n"
        "Đối tượng: mọi người dân.\n"
        f"{HOW}\n\n"
        f"{CLOSING}"
    )
    assert await _listening(bot, "Phạm Văn Hùng") == (True, "2025-W40", "2025-10-03")


async def test_on_zalo_a_head_picks_by_number_and_the_text_file_comes_as_a_link(both: Bot) -> None:
    assert both.zalo is not None and both.zalo.fetch_transport is not None
    place = await commune(both, both.fake)
    await _week(both, place)
    ba = OnZalo(both, both.zalo.add_user("Bác Ba"))
    await ba.say("Xin chào")
    for answer in ("Đồng ý", "Trần Văn Ba", "1958", "Thôn Đông"):
        await ba.say(answer)
    await make_head(both, place.center_id, "Trần Văn Ba", place.villages, "Thôn Đông")
    both.clock.current = local("05/10/2025 06:00")

    menu = (await ba.say("/loa"))[-1]
    assert menu.startswith("Xin chọn bản tin để đọc trên loa truyền thanh:\n\n1. Tuần tới · Thôn Đông")
    shown = (await ba.choose("Tuần tới · Thôn Đông"))[-1]
    assert shown.startswith(DONG_TEXT + "\n\n1. 📄 Tệp văn bản")
    answer = (await ba.choose("📄 Tệp văn bản"))[-1]
    link = re.search(r"(http://loalang\.test/f/\S+)", answer)
    assert link is not None, answer
    async with httpx.AsyncClient(transport=both.zalo.fetch_transport, base_url="http://loalang.test") as web:
        got = await web.get(link.group(1))
    assert got.status_code == 200 and got.text == DONG_TEXT + "\n"
