"""The director's numbers: a year of activity whose report table is worked out by hand below, and
/stats, the Excel, CSV and PDF reports all agreeing with it cell by cell; the chart; targets."""

from __future__ import annotations

import csv
import io
import re
import struct
from dataclasses import dataclass
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from bot.channels.telegram.fake import FakeMessage, FakeTelegram
from bot.models import (
    ActivityKind,
    ActivityStatus,
    Area,
    AttendanceMethod,
    BudgetSource,
    Center,
    Gender,
    HeadCount,
    Person,
)
from bot.services import activities, checkin
from tests.conftest import Bot
from tests.journeys import Commune, commune, local, onboard, tr

F, M = Gender.FEMALE, Gender.MALE


@dataclass
class Held:
    """One activity of the year, as the center ran it."""

    title: str
    area: str | None  # the report row's code; None: none chosen
    starts: list[str]  # the local start of each session
    present: list[list[tuple[str, Gender]]]  # per session: (village, gender) of each person checked in
    walk_ins: tuple[int, int] = (0, 0)  # a head count at the first session: (total, women)
    status: ActivityStatus = ActivityStatus.PUBLISHED


YEAR_2025 = [
    # 06:30 on 1 January in Vietnam is still 31 December in UTC: it belongs to January 2025.
    Held("Lớp xóa mù chữ", "literacy", ["01/01/2025 06:30"], [[("Thôn Bắc", F), ("Thôn Bắc", M)]]),
    Held(
        "Phòng chống lừa đảo qua mạng",
        "law",
        ["15/03/2025 08:00"],
        [[("Thôn Đông", F), ("Thôn Đông", F), ("Thôn Tây", F), ("Thôn Tây", M)]],
        walk_ins=(10, 6),
    ),
    Held(
        "Lớp dưỡng sinh",  # one class of three sessions: one class, six learner-visits
        "health",
        ["05/04/2025 06:00", "12/04/2025 06:00", "19/04/2025 06:00"],
        [[("Thôn Đông", F), ("Thôn Tây", F)], [("Thôn Đông", F), ("Thôn Tây", F), ("Thôn Bắc", M)], [("Thôn Bắc", M)]],
    ),
    Held(
        "Kỹ thuật trồng lúa",
        "economy",
        ["20/06/2025 14:00"],
        [[("Thôn Đông", F), ("Thôn Đông", M), ("Thôn Tây", M), ("Thôn Tây", F), ("Thôn Bắc", M)]],
        walk_ins=(3, 1),
    ),
    Held("Hội diễn văn nghệ", "arts_sports", ["02/09/2025 19:00"], [[]], walk_ins=(40, 25)),
    Held("Buổi nói chuyện chưa xếp loại", None, ["15/10/2025 08:00"], [[("Thôn Đông", F), ("Thôn Tây", M)]]),
    # These count nothing: called off, never published, held the year before, not held yet.
    Held(
        "Chuyên đề bị hủy",
        "economy",
        ["10/07/2025 08:00"],
        [[("Thôn Đông", F), ("Thôn Tây", F)]],
        status=ActivityStatus.CANCELLED,
    ),
    Held("Bản nháp", "health", ["01/08/2025 08:00"], [[("Thôn Đông", F)]], status=ActivityStatus.DRAFT),
    Held("Chuyên đề năm trước", "law", ["20/12/2024 08:00"], [[("Thôn Đông", F), ("Thôn Tây", F)]]),
    Held("Lớp tháng Mười Hai", "life_skills", ["20/12/2025 08:00"], [[]]),
]

# The report table, counted by hand from the list above: (row, classes, learner-visits, women).
EXPECTED = {
    1: (1, 2, 1),  # literacy: 2 people, 1 woman
    2: (0, 0, 0),
    3: (1, 14, 9),  # law: 4 people (3 women) + 10 walk-ins (6 women)
    4: (1, 6, 4),  # health: 2 + 3 + 1 visits over three sessions; women 2 + 2 + 0
    5: (0, 0, 0),
    6: (0, 0, 0),
    7: (1, 8, 3),  # economy: 5 people (2 women) + 3 walk-ins (1 woman); the cancelled talk counts nothing
    8: (0, 0, 0),  # life skills: December's class has not been held yet
    9: (0, 0, 0),
    10: (1, 40, 25),  # arts: a head count only
    11: (1, 2, 1),  # no report row chosen
}
TOTAL = (6, 72, 43)
OFFICIAL = {
    1: "Học chương trình xóa mù chữ, giáo dục tiếp tục sau khi biết chữ",
    2: "Học nghề ngắn hạn",
    3: "Chuyên đề Giáo dục pháp luật",
    4: "Chuyên đề Giáo dục sức khỏe",
    5: "Chuyên đề Giáo dục môi trường",
    6: "Chuyên đề Văn hóa xã hội",
    7: "Chuyên đề Phát triển kinh tế",
    8: "Chuyên đề Giáo dục kỹ năng sống",
    9: "Chuyên đề của chương trình khác",
    10: "Các chương trình văn nghệ, thể dục thể thao",
    11: "Hoạt động chưa chọn dòng báo cáo",
}
# Learner-visits by village of residence (named people only): Đông, Tây, Bắc; walk-ins have no village.
VILLAGES = {"Thôn Bắc": (5, 1), "Thôn Tây": (7, 4), "Thôn Đông": (7, 6)}
WALK_INS = (53, 32)
NOW = "20/11/2025 09:00"


async def seed_year(bot: Bot, place: Commune) -> None:
    """The year as the desk and check-ins would have recorded it."""
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        center = await session.get(Center, place.center_id)
        assert center is not None
        areas = {a.code: a.id for a in await session.scalars(select(Area).where(Area.center_id == center.id))}
        for number, held in enumerate(YEAR_2025):
            begins = [local(s) for s in held.starts]
            draft = activities.Draft(
                title=held.title,
                kind=ActivityKind.CLASS if len(begins) > 1 else ActivityKind.TALK,
                sessions=[(b, b + timedelta(hours=2)) for b in begins],
                area_id=areas[held.area] if held.area else None,
                partner="Hội Nông dân xã",
                place="Nhà văn hóa thôn Đông",
                budgets={BudgetSource.OTHER: 1_000_000 * (number + 1)},
            )
            activity = await activities.create(session, center, draft, now=begins[0] - timedelta(days=30), by=None)
            activity.status = held.status
            await session.flush()
            for sitting, present in zip(activity.sessions, held.present, strict=True):
                for index, (village, gender) in enumerate(present):
                    person = Person(
                        center_id=center.id,
                        full_name=f"{held.title} {sitting.id}-{index}",
                        gender=gender,
                        birth_year=1960,
                        village_id=place.villages[village],
                        created_at=sitting.starts_at,
                        roles=[],
                    )
                    session.add(person)
                    await session.flush()
                    await checkin.record(session, sitting, person, sitting.starts_at, AttendanceMethod.DESK)
            if held.walk_ins[0]:
                total, women = held.walk_ins
                session.add(HeadCount(session_id=activity.sessions[0].id, total=total, women=women, at=begins[0]))


def numbers(text: str) -> int:
    return int(re.sub(r"[.,\s]", "", text))


def stats_lines(message: FakeMessage) -> dict[int, str]:
    assert message.text is not None
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^(\d+)\. (.+)$", message.text, re.MULTILINE)}


def counts_text(lang: str, classes: int, visits: int, women: int) -> str:
    if not (classes or visits):
        return "—"
    return tr(
        lang, "{classes} classes, {visits} learner-visits ({women} women)", classes=classes, visits=visits, women=women
    )


async def test_stats_and_the_report_files_agree_with_the_year_counted_by_hand(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    assert (await bot.say(hung, "/population 5550"))[-1].text == "✅ Đã lưu: 5.550 người từ 15 tuổi trở lên."

    answer = await bot.say(hung, "/stats 2025")
    figures = answer[-1]  # the chart first, the text and its buttons last, on screen
    assert "Tổng: 6 lớp, 72 lượt người (43 nữ)" in (figures.text or "")
    assert "Người học ÷ dân số từ 15 tuổi trở lên (2025): 72/5.550 = 1,3%" in (figures.text or "")
    assert await bot.press(hung, figures, "📚 Theo lĩnh vực") == []  # the same message, edited
    table = stats_lines(figures)
    short = {1: "Xóa mù chữ", 3: "Pháp luật", 4: "Sức khỏe", 7: "Kinh tế", 10: "Văn nghệ, thể thao"}
    for row, (classes, visits, women) in EXPECTED.items():
        if not (classes or visits):
            assert row not in table, row  # an empty row is named in one line, not given one of its own
            continue
        label = short.get(row, "Chưa chọn dòng báo cáo" if row == 11 else None)
        shown = table[row]
        assert shown.endswith(": " + counts_text("vi", classes, visits, women)), (row, shown)
        if label:
            assert shown.startswith(label + ":"), shown
    assert "Chưa có hoạt động ở dòng 2, 5, 6, 8, 9." in (figures.text or "")
    assert "Tổng: 6 lớp, 72 lượt người (43 nữ)" in (figures.text or "")
    chart = answer[0].photo
    assert chart is not None and chart.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", chart[16:24])
    assert (width, height) == (1080, 1350)  # upright, for a phone
    assert 20_000 < len(chart) < 1_000_000

    workbook = await _report(bot, hung, "2025")
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [v for v in cells[0] if v] == ["ỦY BAN NHÂN DÂN XÃ THANH BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert any("BÁO CÁO KẾT QUẢ HOẠT ĐỘNG NĂM 2025" in str(v) for row in cells for v in row)
    assert any(v == "Phạm Văn Hùng" for row in cells for v in row)  # the director signs
    rows = {row[0]: row[1:5] for row in cells if isinstance(row[0], int)}
    assert rows == {n: [OFFICIAL[n], *EXPECTED[n]] for n in EXPECTED}
    assert next(row[2:5] for row in cells if row[1] == "Tổng cộng") == list(TOTAL)

    activities_sheet = load_workbook(io.BytesIO(workbook)).worksheets[1]
    listed = [[c.value for c in row] for row in activities_sheet.iter_rows()]
    held = {row[1]: row[5:8] for row in listed if isinstance(row[5], int) and row[0] != "Tổng cộng"}
    assert held == {
        "Lớp xóa mù chữ": [1, 2, 1],
        "Phòng chống lừa đảo qua mạng": [1, 14, 9],
        "Lớp dưỡng sinh": [1, 6, 4],
        "Kỹ thuật trồng lúa": [1, 8, 3],
        "Hội diễn văn nghệ": [1, 40, 25],
        "Buổi nói chuyện chưa xếp loại": [1, 2, 1],
    }
    villages_sheet = load_workbook(io.BytesIO(workbook)).worksheets[2]
    by_village = {
        row[0].value: (row[1].value, row[2].value)
        for row in villages_sheet.iter_rows()
        if isinstance(row[1].value, int)
    }
    assert by_village == {
        **VILLAGES,
        "Người được đếm không ghi tên và người chưa rõ thôn": WALK_INS,
        "Tổng cộng": TOTAL[1:],
    }

    text = (await _report(bot, hung, "2025 csv")).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    official = {int(r[0]): [r[1], *map(int, r[2:5])] for r in lines[: lines.index([])] if r and r[0].isdigit()}
    assert official == {n: [OFFICIAL[n], *EXPECTED[n]] for n in EXPECTED}

    pdf = await _report(bot, hung, "2025 pdf")
    page = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    for row, (classes, visits, women) in EXPECTED.items():
        assert f"{row} {OFFICIAL[row]} {classes} {visits} {women}" in page, row
    assert f"Tổng cộng {TOTAL[0]} {TOTAL[1]} {TOTAL[2]}" in page
    assert "GIÁM ĐỐC" in page and "Phạm Văn Hùng" in page


async def _report(bot: Bot, user, args: str) -> bytes:  # type: ignore[no-untyped-def]
    sent = await bot.say(user, f"/report {args}")
    document = sent[-1].document
    assert document is not None, sent[-1].text
    return document[1]


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_stats_speaks_the_directors_language_and_its_buttons_switch_the_period(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    if lang == "en":
        await bot.say(hung, "/lang en")
    message = (await bot.say(hung, "/stats"))[-1]
    assert message.text is not None
    assert message.text.startswith(
        tr(
            lang,
            "📊 {title}: {period}",
            title="Trung tâm học tập cộng đồng xã Thanh Bình",
            period=tr(lang, "the year {year}", year=2025),
        )
    )
    await bot.press(hung, message, tr(lang, "📚 By area"))
    quarter = await bot.press(hung, message, tr(lang, "This quarter"))
    assert quarter == []  # the same message is edited, and stays on the table
    assert tr(lang, "quarter {quarter}/{year}", quarter=4, year=2025) in (message.text or "")
    assert stats_lines(message)[11].endswith(counts_text(lang, 1, 2, 1))  # October's talk with no row chosen
    october = (await bot.say(hung, "/stats 10 areas"))[-1]
    assert tr(lang, "{month}/{year}", month=10, year=2025) in (october.text or "")
    assert stats_lines(october)[11].endswith(counts_text(lang, 1, 2, 1))
    assert 3 not in stats_lines(message)  # nothing in law this quarter
    await bot.press(hung, message, "◀ " + tr(lang, "quarter {quarter}/{year}", quarter=3, year=2025))
    assert stats_lines(message)[10].endswith(counts_text(lang, 1, 40, 25))
    await bot.press(hung, message, tr(lang, "🏘 By village"))
    assert tr(
        lang,
        "• {village}: {visits} ({women} women); registered {registered}, waiting {waiting}, here {here}",
        village="Thôn Đông",
        visits=0,
        women=0,
        registered=0,
        waiting=0,
        here=0,
    ) in (message.text or "")
    await bot.press(hung, message, tr(lang, "📋 Totals"))
    assert tr(lang, "Total: {counts}", counts=counts_text(lang, 1, 40, 25)) in (message.text or "")


async def test_targets_set_in_chat_show_progress_and_a_resident_cannot_see_stats(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    saved = (await bot.say(hung, "/target 2025 tất cả 53 4350"))[-1].text or ""
    assert saved.startswith("✅ Đã lưu.\nChỉ tiêu năm 2025:\n• Toàn trung tâm: 53 lớp, 4.350 lượt người")
    await bot.say(hung, "/target 2025 pháp luật 8 750")
    await bot.say(hung, "/target 2025 q4 tất cả 13 1050")
    refused = (await bot.say(hung, "/target 2025 thiên văn 8 750"))[-1].text or ""
    assert refused.startswith("Không có lĩnh vực “thiên văn”.")
    message = (await bot.say(hung, "/stats"))[-1]
    assert "• Toàn trung tâm: 6/53 lớp (11%), 72/4.350 lượt người (1,7%)" in (message.text or "")  # the year's
    assert "quý 4" not in (message.text or "")  # one screen: the rest behind "Chỉ tiêu"
    await bot.press(hung, message, "🎯 Chỉ tiêu")
    text = message.text or ""
    assert "• Toàn trung tâm: 6/53 lớp (11%), 72/4.350 lượt người (1,7%)" in text
    assert "• Pháp luật: 1/8 lớp (12%), 14/750 lượt người (1,9%)" in text
    assert "• Toàn trung tâm, quý 4: 1/13 lớp (7,7%), 2/1.050 lượt người (0,19%)" in text

    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    assert (await bot.say(lan, "/stats"))[-1].text.startswith(
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc, cán bộ Trung tâm và trưởng thôn"
    )
    assert (await bot.say(lan, "/report 2025"))[-1].text.startswith(
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc và cán bộ Trung tâm"
    )
    assert (await bot.say(lan, "/target 2025 tất cả 1 1"))[-1].text.startswith(
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc Trung tâm"
    )
