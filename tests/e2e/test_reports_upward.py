"""The reports a center sends upward, month and quarter, read back cell by cell from the files /report sends,
and the budget by source recorded with /budget and summed into them.

A small center's autumn, worked out by hand below: October has a talk of the Lifelong Learning Week (three
people and ten walk-ins) and the first two sessions of a class whose third session is in November; November
has a talk on rice; September has a show (outside both reports); a talk called off in October and drafts
planned for November and January count nothing, but the drafts are the next period's plan.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.channels.telegram.fake import FakeTelegram, FakeUser
from bot.cli import main
from bot.models import (
    ActivityKind,
    ActivityStatus,
    Area,
    AttendanceMethod,
    AuditEntry,
    BudgetSource,
    Campaign,
    Center,
    DateKnown,
    Gender,
    HeadCount,
    Person,
)
from bot.services import activities, budgets, checkin
from handlers.budget import AGAIN, ASK, HOW
from tests.conftest import Bot
from tests.journeys import Commune, commune, local, tr

F, M = Gender.FEMALE, Gender.MALE
SOURCES = ("State budget", "Social contributions", "Learners' contributions", "Other sources")
LINE = "• {source}: planned {planned}, spent {spent}"
WEEK = "Tuần lễ hưởng ứng học tập suốt đời năm 2025"


@dataclass
class Held:
    title: str
    area: str
    starts: list[str]
    present: list[list[tuple[str, Gender]]]
    walk_ins: tuple[int, int] = (0, 0)
    status: ActivityStatus = ActivityStatus.PUBLISHED
    money: dict[BudgetSource, tuple[int | None, int | None]] | None = None
    campaign: bool = False
    known: DateKnown = DateKnown.EXACT


AUTUMN = [
    Held(
        "Hội diễn văn nghệ", "arts_sports", ["25/09/2025 19:00"], [[]], (40, 25),
        money={BudgetSource.STATE: (3_000_000, 3_000_000)},
    ),
    # The talk's state budget and learners' contributions are typed in chat (`_ready`).
    Held(
        "Phòng chống lừa đảo qua mạng", "law", ["03/10/2025 08:00"],
        [[("Thôn Đông", F), ("Thôn Đông", M), ("Thôn Tây", F)]], (10, 6), campaign=True,
    ),
    Held(
        "Lớp dưỡng sinh",
        "health",
        ["10/10/2025 06:00", "17/10/2025 06:00", "07/11/2025 06:00"],
        [[("Thôn Đông", F), ("Thôn Tây", F)], [("Thôn Bắc", M)], [("Thôn Đông", F)]],
        money={BudgetSource.SOCIAL: (1_000_000, 800_000)},
    ),
    Held(
        "Chuyên đề bị hủy", "law", ["20/10/2025 08:00"], [[("Thôn Bắc", F)]],
        status=ActivityStatus.CANCELLED, money={BudgetSource.STATE: (9_999_999, None)},
    ),
    Held(
        "Kỹ thuật trồng lúa", "economy", ["15/11/2025 14:00"], [[("Thôn Đông", M), ("Thôn Tây", F)]], (5, 2),
        money={BudgetSource.OTHER: (500_000, None)},
    ),
    Held(
        "Tập huấn trồng nấm", "economy", ["20/11/2025 08:00"], [[]],
        status=ActivityStatus.DRAFT, money={BudgetSource.STATE: (700_000, None)},
    ),
    Held(
        "Chuyên đề phòng chống cháy nổ", "law", ["01/01/2026 00:00"], [[]],
        status=ActivityStatus.DRAFT, known=DateKnown.MONTH,
    ),
]  # fmt: skip
NOW = "20/11/2025 09:00"

# Counted by hand. October: the talk (3 people, 2 women, + 10 walk-ins, 6 women) and the class's first two
# sessions (2 women, then a man). The quarter adds the class's November session (a woman) and the rice talk
# (a man and a woman, + 5 walk-ins, 2 women). Rows: (number, classes, learner-visits, women).
OCTOBER = {3: (1, 13, 8), 4: (1, 3, 2)}
QUARTER = {3: (1, 13, 8), 4: (1, 4, 3), 7: (1, 7, 3)}
ROWS = {
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
}
# Budget by source, (planned, spent): the activities that count and start in the period; the show is
# September's, the called-off talk and the draft count nothing.
OCTOBER_MONEY = {
    "Ngân sách nhà nước": [2_000_000, 1_500_000],
    "Xã hội hóa": [1_000_000, 800_000],
    "Người học đóng góp": [300_000, 300_000],
    "Nguồn khác": [0, 0],
    "Tổng cộng": [3_300_000, 2_600_000],
}
QUARTER_MONEY = {**OCTOBER_MONEY, "Nguồn khác": [500_000, 0], "Tổng cộng": [3_800_000, 2_600_000]}


async def seed_autumn(bot: Bot, place: Commune) -> dict[str, int]:
    """The autumn as the desk and check-ins recorded it; returns each activity's id by title."""
    assert bot.app is not None
    ids = {}
    async with bot.app.db.session() as session, session.begin():
        center = await session.get(Center, place.center_id)
        assert center is not None
        areas = {a.code: a.id for a in await session.scalars(select(Area).where(Area.center_id == center.id))}
        week = Campaign(center_id=center.id, name=WEEK, created_at=local("01/09/2025 08:00"))
        session.add(week)
        await session.flush()
        for held in AUTUMN:
            begins = [local(s) for s in held.starts]
            draft = activities.Draft(
                title=held.title,
                kind=ActivityKind.CLASS if len(begins) > 1 else ActivityKind.TALK,
                sessions=[(b, b + timedelta(hours=2)) for b in begins],
                area_id=areas[held.area],
                place="Nhà văn hóa thôn Đông",
            )
            activity = await activities.create(session, center, draft, now=local("01/09/2025 08:00"), by=None)
            activity.status = held.status
            activity.date_known = held.known
            activity.campaign_id = week.id if held.campaign else None
            await session.flush()
            ids[held.title] = activity.id
            for source, (planned, spent) in (held.money or {}).items():
                money = budgets.Money(planned, spent)
                await budgets.record(session, activity, source, money, by=None, now=begins[0])
            for sitting, present in zip(activity.sessions, held.present, strict=False):
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
    return ids


async def _file(bot: Bot, user: FakeUser, args: str) -> bytes:
    sent = await bot.say(user, f"/report {args}")
    assert sent[-1].document is not None, sent[-1].text
    return sent[-1].document[1]


def _cells(workbook: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _texts(cells: list[list[object]]) -> list[str]:
    """The first column's text lines (paragraphs, the number line, headings), in order."""
    return [row[0] for row in cells if isinstance(row[0], str)]


async def _ready(bot: Bot, fake: FakeTelegram) -> tuple[Commune, dict[str, int]]:
    place = await commune(bot, fake)
    ids = await seed_autumn(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    assert (await bot.say(hung, "/population 5550"))[-1].text == "✅ Đã lưu: 5.550 người từ 15 tuổi trở lên."
    talk = ids["Phòng chống lừa đảo qua mạng"]
    await bot.say(hung, f"/budget {talk} nn 2000000 1500000")
    await bot.say(hung, f"/budget {talk} nh 300k chi 300.000")
    return place, ids


async def test_the_monthly_report_is_the_document_a_center_sends_upward_cell_by_cell(
    bot: Bot, fake: FakeTelegram
) -> None:
    place, _ids = await _ready(bot, fake)
    hung = place.director
    question = (await bot.say(hung, "/report"))[-1]
    assert question.text == "Xin chọn báo cáo cần lập. Báo cáo gửi bằng tệp Excel, kèm nút để lấy tệp PDF hoặc CSV."
    assert question.buttons == [
        "Tháng này (tháng 11 năm 2025)",
        "Tháng trước (tháng 10 năm 2025)",
        "Quý này (quý IV năm 2025)",
        "Năm nay (năm 2025)",
    ]
    sent = (await bot.press(hung, question, "Tháng trước (tháng 10 năm 2025)"))[-1]
    assert (
        sent.text
        == "Báo cáo tháng 10 năm 2025 của Trung tâm học tập cộng đồng xã Thanh Bình: 2 lớp, 16 lượt người (10 nữ)."
    )
    assert sent.buttons == ["CSV", "PDF"]
    assert sent.document is not None and sent.document[0] == "bao-cao-2025-10.xlsx"
    cells = _cells(sent.document[1])

    assert [v for v in cells[0] if v] == ["ỦY BAN NHÂN DÂN XÃ THANH BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert [v for v in cells[1] if v] == ["TRUNG TÂM HỌC TẬP CỘNG ĐỒNG", "Độc lập - Tự do - Hạnh phúc"]
    assert [v for v in cells[3] if v] == ["Số: …/BC-TTHTCĐ", "Thanh Bình, ngày 20 tháng 11 năm 2025"]
    texts = _texts(cells)
    narrative = texts[texts.index("BÁO CÁO KẾT QUẢ HOẠT ĐỘNG THÁNG 10 NĂM 2025") :]
    assert narrative[: narrative.index("Kết quả cụ thể theo từng loại hoạt động:") + 1] == [
        "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG THÁNG 10 NĂM 2025",
        "Kính gửi:",
        "- Ủy ban nhân dân xã Thanh Bình.",
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
        "Trung tâm học tập cộng đồng phục vụ 3 thôn, với 5.550 người từ 15 tuổi trở lên.",
        "II. KẾT QUẢ",
        "Trong tháng 10 năm 2025, Trung tâm đã tổ chức 2 lớp (chuyên đề) với 16 lượt người tham gia, "
        "trong đó 10 lượt nữ.",
        f"{WEEK}: 1 hoạt động, 13 lượt người tham gia (8 lượt nữ).",
        "Kết quả cụ thể theo từng loại hoạt động:",
    ]
    table = {row[0]: row[1:5] for row in cells if isinstance(row[0], int)}
    assert table == {n: [name, *OCTOBER.get(n, (0, 0, 0))] for n, name in ROWS.items()}
    assert next(row[2:5] for row in cells if row[1] == "Tổng cộng") == [2, 16, 10]
    assert "Tỷ lệ người học/dân số từ 15 tuổi trở lên: 16/5.550 = 0,3 %" in texts
    money_at = texts.index("KINH PHÍ THEO NGUỒN")
    assert cells[[row[0] for row in cells].index("KINH PHÍ THEO NGUỒN") + 1][1:4] == [
        "Nguồn kinh phí",
        "Dự kiến (đồng)",
        "Đã chi (đồng)",
    ]
    money = {row[1]: row[2:4] for row in cells if row[0] is None and row[1] in OCTOBER_MONEY}
    assert money == OCTOBER_MONEY
    assert texts[money_at + 1 :] == [
        "III. PHƯƠNG HƯỚNG THÁNG TỚI",
        "Có 2 hoạt động dự kiến trong tháng 11 năm 2025:",
        "- 15/11/2025: Kỹ thuật trồng lúa",
        "- 20/11/2025: Tập huấn trồng nấm",
    ]
    signature = [v for row in cells for v in row[2:] if isinstance(v, str)]
    assert "GIÁM ĐỐC" in signature and "Phạm Văn Hùng" in signature

    text = (await _file(bot, hung, "m2025-10 csv")).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    first = lines[: lines.index([])]
    assert {int(r[0]): [r[1], *map(int, r[2:5])] for r in first if r and r[0].isdigit()} == {
        n: [name, *OCTOBER.get(n, (0, 0, 0))] for n, name in ROWS.items()
    }
    assert {r[1]: [int(r[2]), int(r[3])] for r in first if len(r) > 3 and r[1] in OCTOBER_MONEY} == OCTOBER_MONEY
    assert ["Số: …/BC-TTHTCĐ"] in first and ["Thanh Bình, ngày 20 tháng 11 năm 2025"] in first

    pdf = await _file(bot, hung, "10/2025 pdf")
    pages = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG THÁNG 10 NĂM 2025" in pages
    for row, (classes, visits, women) in OCTOBER.items():
        assert f"{row} {ROWS[row]} {classes} {visits} {women}" in pages, row
    assert "Ngân sách nhà nước 2.000.000 1.500.000" in pages
    assert "Tổng cộng 3.300.000 2.600.000" in pages
    assert "Kính gửi:" in pages and "GIÁM ĐỐC" in pages and "Phạm Văn Hùng" in pages


async def test_the_quarterly_report_and_addressees_set_by_the_director(bot: Bot, fake: FakeTelegram) -> None:
    place, _ids = await _ready(bot, fake)
    hung = place.director
    shown = (await bot.say(hung, "/addressees"))[-1].text or ""
    assert shown.startswith("Báo cáo được gửi đến:\n- Ủy ban nhân dân xã Thanh Bình\n(mặc định, theo tên xã)")
    typed = "/addressees Ủy ban nhân dân xã Thanh Bình; Phòng Giáo dục và Đào tạo huyện Đông Triều"
    assert (await bot.say(hung, typed))[-1].text == (
        "✅ Đã lưu. Báo cáo được gửi đến:\n- Ủy ban nhân dân xã Thanh Bình\n"
        "- Phòng Giáo dục và Đào tạo huyện Đông Triều"
    )
    refused = (await bot.say(hung, "/addressees " + "; ".join(["Ủy ban"] * 7)))[-1].text or ""
    assert refused.startswith("Xin viết nhiều nhất sáu nơi nhận")

    question = (await bot.say(hung, "/report"))[-1]
    sent = (await bot.press(hung, question, "Quý này (quý IV năm 2025)"))[-1]
    assert (
        sent.text
        == "Báo cáo quý IV năm 2025 của Trung tâm học tập cộng đồng xã Thanh Bình: 3 lớp, 24 lượt người (14 nữ)."
    )
    assert sent.document is not None and sent.document[0] == "bao-cao-2025-Q4.xlsx"
    cells = _cells(sent.document[1])
    texts = _texts(cells)
    at = texts.index("BÁO CÁO KẾT QUẢ HOẠT ĐỘNG QUÝ IV NĂM 2025")
    assert texts[at + 1 : at + 4] == [
        "Kính gửi:",
        "- Ủy ban nhân dân xã Thanh Bình;",
        "- Phòng Giáo dục và Đào tạo huyện Đông Triều.",
    ]
    assert (
        "Trong quý IV năm 2025, Trung tâm đã tổ chức 3 lớp (chuyên đề) với 24 lượt người tham gia, trong đó 14 lượt nữ."
        in texts
    )
    table = {row[0]: row[1:5] for row in cells if isinstance(row[0], int)}
    assert table == {n: [name, *QUARTER.get(n, (0, 0, 0))] for n, name in ROWS.items()}
    assert next(row[2:5] for row in cells if row[1] == "Tổng cộng") == [3, 24, 14]
    assert "Tỷ lệ người học/dân số từ 15 tuổi trở lên: 24/5.550 = 0,4 %" in texts
    assert {row[1]: row[2:4] for row in cells if row[0] is None and row[1] in QUARTER_MONEY} == QUARTER_MONEY
    assert texts[texts.index("KINH PHÍ THEO NGUỒN") + 1 :] == [
        "III. PHƯƠNG HƯỚNG QUÝ TỚI",
        "Có 1 hoạt động dự kiến trong quý I năm 2026:",
        "- tháng 1/2026: Chuyên đề phòng chống cháy nổ",  # planned for the month only
    ]
    # Typed periods reach the same file; a future year, or nonsense, is answered politely.
    assert _cells(await _file(bot, hung, "quý 4")) == cells
    for typed in ("2026", "quý 9", "hôm qua"):
        assert ((await bot.say(hung, f"/report {typed}"))[-1].text or "").startswith(
            "Xin viết tháng, quý hoặc năm của báo cáo"
        ), typed


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_staff_record_an_activitys_budget_by_source_and_it_is_audited(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    ids = await seed_autumn(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    if lang == "en":
        await bot.say(hung, "/lang en")
    talk = ids["Phòng chống lừa đảo qua mạng"]
    shown = (await bot.say(hung, f"/budget {talk}"))[-1]
    none = tr(lang, "not recorded")
    assert (shown.text or "").startswith(
        "\n".join(
            [
                tr(lang, "The money of “{title}” (number {id}):", title="Phòng chống lừa đảo qua mạng", id=talk),
                *(
                    tr(
                        lang,
                        "• {source}: planned {planned}, spent {spent}",
                        source=tr(lang, s),
                        planned=none,
                        spent=none,
                    )
                    for s in SOURCES
                ),
            ]
        )
    )
    assert shown.buttons == [tr(lang, s) for s in SOURCES]
    saved = (await bot.say(hung, f"/budget {talk} nn 2.000.000 1500000"))[-1].text or ""
    amount = {"vi": "{} đồng", "en": "{} VND"}[lang]
    state = tr(
        lang,
        "• {source}: planned {planned}, spent {spent}",
        source=tr(lang, "State budget"),
        planned=amount.format("2.000.000" if lang == "vi" else "2,000,000"),
        spent=amount.format("1.500.000" if lang == "vi" else "1,500,000"),
    )
    assert saved.startswith(tr(lang, "✅ Saved.")) and state in saved
    # Spent named with "chi", a unit apart; "-" keeps the planned amount.
    await bot.say(hung, f"/budget {talk} nh 1,5 tr chi 200k")
    await bot.say(hung, f"/budget {talk} người học - 300.000")
    refused = (await bot.say(hung, f"/budget {talk} nn nhiều tiền"))[-1].text or ""
    assert refused == tr(lang, HOW, id=talk)
    assert (await bot.say(hung, "/budget 99999"))[-1].text == tr(
        lang, "Please write the number of one of your center's activities, like /budget 12. /events lists them."
    )

    assert bot.app is not None
    async with bot.app.db.session() as session:
        money = await budgets.of_activity(session, talk)
        entries = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "activity.budget")
        )
    assert money[BudgetSource.STATE] == budgets.Money(2_000_000, 1_500_000)
    assert money[BudgetSource.LEARNERS] == budgets.Money(1_500_000, 300_000)
    assert money[BudgetSource.SOCIAL] == budgets.Money() and money[BudgetSource.OTHER] == budgets.Money()
    assert entries == 3 + 5  # three typed here; the seed's five rows were recorded the same way
    audit = (await bot.say(hung, "/audit"))[-1].text or ""
    assert tr(lang, "recorded the budget of activity #{activity_id}", activity_id=talk) in audit


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_a_sources_button_asks_for_the_amounts_and_the_next_message_saves_them(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    ids = await seed_autumn(bot, place)
    bot.clock.current = local(NOW)
    hung = place.director
    if lang == "en":
        await bot.say(hung, "/lang en")
    talk, title = ids["Phòng chống lừa đảo qua mạng"], "Phòng chống lừa đảo qua mạng"
    shown = (await bot.say(hung, f"/budget {talk}"))[-1]
    asked = (await bot.press(hung, shown, tr(lang, "Social contributions")))[-1]
    social = tr(lang, "Social contributions").lower()
    assert asked.text == tr(lang, ASK, source=social, title=title)
    assert asked.buttons == [tr(lang, "✖ Cancel")]
    # Typed as the director would, not as a command: a unit apart, then saved and the question ends.
    saved = (await bot.say(hung, "3 triệu"))[-1].text or ""
    amount = {"vi": "{} đồng", "en": "{} VND"}[lang]
    three = amount.format("3.000.000" if lang == "vi" else "3,000,000")
    line = tr(lang, LINE, source=tr(lang, "Social contributions"), planned=three, spent=tr(lang, "not recorded"))
    assert saved.startswith(tr(lang, "✅ Saved.")) and line in saved
    assert (await bot.say(hung, "3 triệu"))[-1].text == tr(
        lang, "I didn't understand that. Send /help to see what I can do."
    )
    # Both amounts at once; then "-" keeps the planned amount and sets the spent one.
    await bot.press(hung, (await bot.say(hung, f"/budget {talk}"))[-1], tr(lang, "State budget"))
    await bot.say(hung, "3 triệu 1,5 triệu")
    await bot.say(hung, f"/budget {talk} nh")
    refused = (await bot.say(hung, "nhiều tiền"))[-1]
    assert refused.text == tr(lang, AGAIN) and refused.buttons == [tr(lang, "✖ Cancel")]
    await bot.say(hung, "- 500k")  # still asked after a refusal
    # /cancel leaves the question: nothing saved, and what is typed next is not read as amounts.
    await bot.say(hung, f"/budget {talk} khac")
    assert (await bot.say(hung, "/cancel"))[-1].text == tr(lang, "Cancelled. Nothing was saved.")
    await bot.say(hung, "700k")
    # A question left open by typing the whole command instead: the command saves, the question is gone.
    await bot.say(hung, f"/budget {talk} khac")
    await bot.say(hung, f"/budget {talk} khac 100k")
    assert (await bot.say(hung, "900k"))[-1].text == tr(
        lang, "I didn't understand that. Send /help to see what I can do."
    )

    assert bot.app is not None
    async with bot.app.db.session() as session:
        money = await budgets.of_activity(session, talk)
    assert money[BudgetSource.SOCIAL] == budgets.Money(3_000_000, None)
    assert money[BudgetSource.STATE] == budgets.Money(3_000_000, 1_500_000)
    assert money[BudgetSource.LEARNERS] == budgets.Money(None, 500_000)
    assert money[BudgetSource.OTHER] == budgets.Money(100_000, None)


async def test_the_command_line_writes_a_quarters_report(
    bot: Bot, fake: FakeTelegram, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    place, _ids = await _ready(bot, fake)
    target = tmp_path / "bao-cao-quy-4.xlsx"
    arguments = ["report", "--center", str(place.center_id), "--period", "2025-Q4", "-o", str(target)]
    assert await asyncio.to_thread(main, arguments, clock=lambda: local(NOW)) == 0
    cells = _cells(target.read_bytes())
    assert "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG QUÝ IV NĂM 2025" in _texts(cells)
    assert {row[0]: row[1:5] for row in cells if isinstance(row[0], int)} == {
        n: [name, *QUARTER.get(n, (0, 0, 0))] for n, name in ROWS.items()
    }
    assert {row[1]: row[2:4] for row in cells if row[0] is None and row[1] in QUARTER_MONEY} == QUARTER_MONEY
    month = tmp_path / "thang-10.csv"
    arguments = ["report", "--center", str(place.center_id), "--period", "2025-10", "--format", "csv", "-o", str(month)]
    assert await asyncio.to_thread(main, arguments, clock=lambda: local(NOW)) == 0
    assert "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG THÁNG 10 NĂM 2025" in month.read_text("utf-8-sig")
    with pytest.raises(SystemExit) as refused:
        await asyncio.to_thread(main, ["report", "--center", "1", "--period", "2025-13", "-o", str(month)])
    assert refused.value.code == 2
    assert "expected 2025-10 (a month), 2025-Q4 (a quarter) or 2025 (a year)" in capsys.readouterr().err


def test_amounts_are_read_as_people_write_them() -> None:
    assert budgets.parse_amount("2000000") == 2_000_000
    assert budgets.parse_amount("2.000.000") == 2_000_000
    assert budgets.parse_amount("2,000,000") == 2_000_000
    assert budgets.parse_amount("1,5 tr") == 1_500_000
    assert budgets.parse_amount("2 triệu") == 2_000_000
    assert budgets.parse_amount("500k") == 500_000
    assert budgets.parse_amount("300 nghìn") == 300_000
    assert budgets.parse_amount("0") == 0
    for odd in ("nhiều", "2.00.000", "-5", "²", "1" * 13):
        assert budgets.parse_amount(odd) is None, odd
