"""The month's plan: the director reads October's activities with their states and next steps, moves between
months, and takes the plan as the seed-001 table (read back cell by cell); on Zalo the same by numbered lines,
the file as a link."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.database import Database
from bot.models import ActivityKind, BudgetSource, Center, DateKnown, SharedFile
from bot.services import activities
from tests.conftest import Bot
from tests.journeys import commune, local, onboard, publish
from tests.people import director_on_zalo

ELDERS = "Tổ chức lễ kỷ niệm ngày quốc tế người cao tuổi"
RICE = "Tập huấn kỹ thuật chăm sóc cây lúa"
WOMEN = "Tổ chức kỷ niệm ngày phụ nữ Việt Nam 20/10"
SCAMS = "Chuyên đề phòng chống lừa đảo qua mạng"
TEACHERS = "Giáo dục truyền thống ngày nhà giáo Việt Nam 20/11"


async def draft(
    db: Database,
    center_id: int,
    title: str,
    start: str,
    *,
    known: DateKnown = DateKnown.EXACT,
    now=None,  # type: ignore[no-untyped-def]
    **fields: object,
) -> int:
    """A draft written as the importer writes one; planned only for its month or day with `known`."""
    begins = local(start)
    async with db.session() as session, session.begin():
        center = await session.get(Center, center_id)
        assert center is not None
        made = await activities.create(
            session,
            center,
            activities.Draft(
                title=title, kind=ActivityKind.TALK, sessions=[(begins, begins + timedelta(hours=2))], **fields
            ),  # type: ignore[arg-type]
            now=now or begins - timedelta(days=30),
            by=None,
        )
        made.date_known = known
        return made.id


async def october(bot: Bot, center_id: int) -> dict[str, int]:
    """October as a plan holds it: one for the month, one announced, one ready, one for a day; and November."""
    assert bot.app is not None
    db = bot.app.db
    ids = {
        ELDERS: await draft(
            db, center_id, ELDERS, "01/10/2025 00:00", known=DateKnown.MONTH, expected=60,
            target_group="Người cao tuổi phường", partner="Hội người cao tuổi phường",
            budgets={BudgetSource.STATE: 1_500_000, BudgetSource.SOCIAL: 500_000},
        ),
        RICE: await draft(
            db, center_id, RICE, "09/10/2025 08:00", expected=40, target_group="Người trồng lúa",
            partner="Hội nông dân phường", budgets={BudgetSource.OTHER: 2_000_000},
        ),
        WOMEN: await draft(db, center_id, WOMEN, "20/10/2025 00:00", known=DateKnown.DAY, target_group="Phụ nữ"),
        TEACHERS: await draft(
            db, center_id, TEACHERS, "01/11/2025 00:00", known=DateKnown.MONTH, expected=300, target_group="Học sinh"
        ),
    }  # fmt: skip
    return ids


async def test_the_director_reads_octobers_plan_and_takes_it_as_the_seed_table(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    if lang == "en":
        await bot.say(hung, "/lang en")
    ids = await october(bot, place.center_id)
    ids[SCAMS] = await publish(bot, place, SCAMS, start="06/10/2025 13:30")
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, f"/register {ids[SCAMS]}")

    shown = (await bot.say(hung, "/plan 10/2025"))[-1]
    if lang == "vi":
        assert shown.text == (
            "Kế hoạch tháng 10/2025: 4 hoạt động.\n\n"
            f"📌 Trong tháng 10/2025 · {ELDERS}\nChưa có ngày giờ. Để đặt ngày giờ, gửi:\n/change {ids[ELDERS]}\n\n"
            f"📌 06/10 13:30 · {SCAMS}\nĐã đăng: 1 người đăng ký.\n\n"
            f"📌 09/10 08:00 · {RICE}\nBản nháp này chưa được đăng. Để đăng, gửi:\n/publish {ids[RICE]}\n\n"
            f"📌 20/10 · {WOMEN}\nChưa có giờ. Để đặt giờ, gửi:\n/change {ids[WOMEN]}"
        )
        assert shown.buttons == ["◀ 09/2025", "11/2025 ▶", "📄 Tệp Excel"]
    else:
        assert shown.text.startswith("The plan of 10/2025: 4 activities.\n\n📌 In 10/2025 · ")
        assert f"No time yet. To set it, send:\n/change {ids[WOMEN]}" in shown.text
        assert "Announced: 1 person registered." in shown.text
        assert shown.buttons == ["◀ 09/2025", "11/2025 ▶", "📄 Excel file"]
    typed = (await bot.say(hung, "/plan tháng 10"))[-1]  # the same month, typed as said
    assert typed.text == shown.text

    assert await bot.press(hung, shown, "11/2025 ▶") == []  # the same message turns to November
    november = next(m for m in hung.private_chat.bot_messages if m.message_id == shown.message_id)
    assert f"/change {ids[TEACHERS]}" in november.text and RICE not in november.text
    assert november.buttons[:2] == ["◀ 10/2025", "12/2025 ▶"]

    sent = (await bot.press(hung, typed, typed.buttons[2]))[-1]
    assert sent.document is not None
    name, content = sent.document
    assert name == "ke-hoach-2025-10.xlsx"
    if lang == "vi":
        assert sent.text == (
            "Tháng 10/2025: 4 hoạt động, kinh phí 4.000.000 đồng. Tệp kèm theo là bảng kế hoạch, để dán lên bảng "
            "tin và gửi Ủy ban nhân dân xã."
        )
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row)]
    if lang == "vi":
        assert cells[:3] == [
            ["TTHTCĐ xã Thanh Bình", None, None, None, None, None],
            ["KẾ HOẠCH TỪNG THÁNG", None, None, None, None, None],
            ["Tháng 10/2025", None, None, None, None, None],
        ]
        assert cells[4] == [
            "Tháng", "Nội dung hoạt động", "Số người tham gia", "Đối tượng học", "Đơn vị phối hợp/Người dạy",
            "Kinh phí",
        ]  # fmt: skip
    else:
        assert cells[4] == ["Month", "Activity content", "Participants", "Target group", "Partner or teacher", "Budget"]
    assert cells[5:] == [
        ["10/2025", ELDERS, 60, "Người cao tuổi phường", "Hội người cao tuổi phường", 2_000_000],
        [None, SCAMS, None, None, "Công an xã", None],
        [None, RICE, 40, "Người trồng lúa", "Hội nông dân phường", 2_000_000],
        [None, WOMEN, None, "Phụ nữ", None, None],
        ["Tổng cộng" if lang == "vi" else "Total", None, 100, None, None, 4_000_000],
    ]


async def test_a_quarter_comes_as_one_table_with_each_month_written_once(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    ids = await october(bot, place.center_id)
    sent = (await bot.say(place.director, "/plan quý 4/2025"))[-1]
    assert sent.text.startswith("Quý 4/2025: 4 hoạt động, kinh phí 4.000.000 đồng.")
    assert sent.document is not None and sent.document[0] == "ke-hoach-2025-10-2025-12.xlsx"
    sheet = load_workbook(io.BytesIO(sent.document[1])).active
    assert sheet["A3"].value == "Quý 4/2025"
    rows = [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=6, max_row=sheet.max_row - 1)]
    assert rows == [("10/2025", ELDERS), (None, RICE), (None, WOMEN), ("11/2025", TEACHERS)]
    assert ids[TEACHERS]

    year = (await bot.say(place.director, "/plan 2025-2026"))[-1]
    assert year.document is not None and year.document[0] == "ke-hoach-2025-09-2026-08.xlsx"
    assert load_workbook(io.BytesIO(year.document[1])).active["A3"].value == "Năm học 2025-2026"


async def test_a_month_that_cannot_be_read_is_refused_politely_and_strangers_get_nothing(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    said = (await bot.say(place.director, "/plan tháng 13"))[-1]
    assert said.text == (
        "Xin lỗi, Loa Làng chưa hiểu “tháng 13”. Xin viết tháng cần xem, ví dụ:\n/plan 10/2025\n/plan tháng 10\n"
        "Để nhận tệp kế hoạch cả năm học, gửi:\n/plan 2025-2026"
    )
    empty = (await bot.say(place.director, "/plan 12/2025"))[-1]
    assert empty.text == (
        "Tháng 12/2025 chưa có hoạt động nào trong kế hoạch. Xin gửi tệp kế hoạch, hoặc tạo từng hoạt động bằng "
        "lệnh:\n/new"
    )
    assert empty.buttons == ["◀ 11/2025", "01/2026 ▶"]  # no file of an empty table
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    refused = (await bot.say(lan, "/plan"))[-1]
    assert "/plan" in refused.text and refused.document is None


async def test_on_zalo_the_director_types_the_numbers_and_gets_the_file_as_a_link(both: Bot) -> None:
    hung = await director_on_zalo(both)
    assert both.app is not None
    async with both.app.db.session() as session:
        center_id = await session.scalar(select(Center.id))
    assert center_id is not None
    await october(both, center_id)
    shown = (await hung.say("/plan 10/2025"))[-1]
    assert shown.startswith("Kế hoạch tháng 10/2025: 3 hoạt động.")
    assert shown.endswith("\n\n1. ◀ 09/2025\n2. 11/2025 ▶\n3. 📄 Tệp Excel")
    answer = (await hung.choose("📄 Tệp Excel"))[-1]
    assert answer.startswith("Tháng 10/2025: 3 hoạt động, kinh phí 4.000.000 đồng.")
    link = re.search(r"https?://\S+/f/([\w-]+)/ke-hoach-2025-10\.xlsx", answer)
    assert link is not None, answer
    async with both.app.db.session() as session:
        kept = await session.scalar(select(SharedFile).where(SharedFile.token == link.group(1)))
    assert kept is not None
    assert load_workbook(io.BytesIO(kept.content)).active["B6"].value == ELDERS
