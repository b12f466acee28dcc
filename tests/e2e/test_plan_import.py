"""Both sample plans import correctly: the number of activities, their local times and their areas.
Nothing is created before confirmation, and importing twice creates nothing new."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.cli import main
from bot.models import Activity, ActivityKind, ActivityStatus, BudgetSource, DateKnown
from tests.conftest import Bot
from tests.journeys import commune, local, onboard, tr

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
WEEK = SAMPLES / "tuan-le-hoc-tap-suot-doi-2025.csv"
MONTHLY = SAMPLES / "ke-hoach-tung-thang-2025-2026.csv"


async def _activities(bot: Bot) -> list[Activity]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return sorted(await session.scalars(select(Activity)), key=lambda a: a.starts_at)


async def _import(bot: Bot, path: Path, *extra: str) -> int:
    return await asyncio.to_thread(main, ["plan", "import", str(path), "--center", "1", *extra], clock=bot.clock)


async def test_the_lifelong_learning_week_sample_imports_its_five_activities(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await bot.create_center()
    assert await _import(bot, WEEK, "--yes") == 0
    out = capsys.readouterr().out
    assert "Loa Làng sẽ tạo 5 hoạt động ở dạng nháp:" in out
    assert "• 06/10/2025 13:30 — Lễ khai giảng TTHT" in out
    made = await _activities(bot)
    assert [a.starts_at for a in made] == [
        local("03/10/2025 07:30"),
        local("05/10/2025 07:30"),
        local("06/10/2025 13:30"),
        local("07/10/2025 07:30"),
        local("08/10/2025 14:00"),
    ]
    assert [a.area.code for a in made if a.area] == ["culture", "economy", "other", "law", "other"]
    assert [a.expected for a in made] == [150, 120, None, 100, None]
    assert {a.status for a in made} == {ActivityStatus.DRAFT}
    assert made[2].kind is ActivityKind.EVENT and made[2].campaign is not None
    assert made[2].campaign.name == "Tuần lễ hưởng ứng học tập suốt đời 2025"

    assert await _import(bot, WEEK, "--yes") == 1  # nothing created: a script sees it
    again = capsys.readouterr()
    assert "5 dòng đã được nhập trước đây nên được bỏ qua." in again.out
    assert again.err == "Không tạo gì: mọi dòng của tệp này đã được nhập trước đây.\n"
    assert len(await _activities(bot)) == 5


async def test_the_monthly_plan_sample_imports_a_years_activities(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await bot.create_center()
    assert await _import(bot, MONTHLY, "--yes") == 0
    made = await _activities(bot)
    assert len(made) == 34
    assert made[0].title == "Tổ chức lễ kỷ niệm ngày quốc tế người cao tuổi"
    assert made[0].starts_at == local("01/10/2025 08:00")
    assert made[-1].starts_at == local("17/08/2026 08:00")
    by_area: dict[str, int] = {}
    for activity in made:
        assert activity.area is not None
        by_area[activity.area.code or ""] = by_area.get(activity.area.code or "", 0) + 1
    assert by_area == {
        "law": 5, "arts_sports": 6, "health": 4, "environment": 3,
        "culture": 5, "other": 1, "economy": 8, "life_skills": 2,
    }  # fmt: skip
    rice = next(a for a in made if a.title == "Tập huấn kỹ thuật chăm sóc cây lúa")
    assert [(b.source, b.planned_vnd) for b in rice.budgets] == [(BudgetSource.OTHER, 2_000_000)]
    assert rice.partner == "Hội nông dân phường"


async def test_an_xlsx_plan_with_bad_rows_reports_them_and_creates_nothing_until_confirmed(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.create_center()
    book = Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH THÁNG 10"])
    sheet.append(["Ngày", "Giờ", "Nội dung", "Lĩnh vực"])
    sheet.append(["06/10/2025", "13:30", "Chuyên đề phòng chống lừa đảo", "3"])
    sheet.append(["31/09/2025", "08:00", "Ngày không có", ""])
    sheet.append(["07/10/2025", "", "Thiếu giờ", ""])
    sheet.append(["01/09/2025", "08:00", "Đã qua", ""])
    sheet.append(["09/10/2025", "08:00", "Sai lĩnh vực", "99"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(buffer.getvalue())

    monkeypatch.setattr("bot.cli._interactive", lambda: True)  # a person at a terminal
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "k")
    assert await _import(bot, path) == 1
    said = capsys.readouterr()
    assert asked == ["Tạo các hoạt động này? [c/K] "]
    assert said.err == "Chưa tạo gì.\n"
    out = said.out
    assert "Loa Làng sẽ tạo 2 hoạt động ở dạng nháp:" in out
    assert "• 07/10/2025 (chưa có giờ) — Thiếu giờ [" in out  # a day without a time: planned for that day
    assert "• dòng 4: ngày 31/09/2025 không có trên lịch" in out
    assert "Các dòng sau chưa nhập được:\n" in out
    assert "• dòng 6: đã qua: để ghi nhận hoạt động đã tổ chức, xin thêm cột Số người dự và Nữ" in out
    assert "• dòng 7: lĩnh vực “99” không có: dùng số từ 1 đến 10" in out
    assert await _activities(bot) == []

    monkeypatch.setattr("builtins.input", lambda prompt: "có")
    assert await _import(bot, path) == 0
    assert [(a.title, a.date_known) for a in await _activities(bot)] == [
        ("Chuyên đề phòng chống lừa đảo", DateKnown.EXACT),
        ("Thiếu giờ", DateKnown.DAY),
    ]


async def test_a_file_that_is_not_a_plan_is_refused_in_one_line(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    await bot.create_center()
    broken = tmp_path / "ke-hoach.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert await _import(bot, broken) == 2
    assert (
        capsys.readouterr().err.strip() == "Không mở được tệp này. Xin lưu lại dưới dạng .xlsx hoặc .csv rồi gửi lại."
    )


async def test_the_director_sends_the_plan_file_in_chat_confirms_and_publishes_a_draft(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    hung.send_document(WEEK.name, WEEK.read_bytes())
    await bot.settle()
    preview = hung.private_chat.bot_messages[-1]
    assert preview.text.startswith("Loa Làng sẽ tạo 5 hoạt động ở dạng nháp:")
    assert preview.buttons == ["✅ Tạo 5 hoạt động", "✖ Hủy"]
    assert await _activities(bot) == []

    done = (await bot.press(hung, preview, "✅ Tạo 5 hoạt động"))[-1]
    assert done.text == "Đã tạo 5 hoạt động nháp sẵn sàng để đăng.\nĐể đăng các hoạt động, gửi:\n/publish"
    assert len(await _activities(bot)) == 5

    drafts = (await bot.say(hung, "/publish"))[-1]
    assert drafts.buttons[0].startswith("03/10 07:30 Chuyên đề: Khái niệm và các loại AI")
    published = (await bot.press(hung, drafts, drafts.buttons[0]))[-1]
    assert published.text.startswith("Đã đăng!")
    await bot.deliver()
    assert place.groups["Thôn Bắc"].bot_messages[-1].text.startswith("📢 Chuyên đề: Khái niệm và các loại AI")


async def test_a_resident_sending_a_file_is_thanked_but_nothing_is_read(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    lan.send_document(WEEK.name, WEEK.read_bytes())
    await bot.settle()
    assert lan.private_chat.bot_messages[-1].text == (
        "Cảm ơn, nhưng Loa Làng chỉ đọc tệp kế hoạch của Giám đốc và cán bộ Trung tâm."
    )
    assert await _activities(bot) == []


SEED_001 = SAMPLES / "ke-hoach-tung-thang-2017-2018.xlsx"
OVER = "already over: to record it as held, add the columns Số người dự and Nữ (and Danh sách for names)"


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


async def test_a_past_years_plan_sent_today_is_refused_in_one_line_per_reason_and_says_nothing_was_created(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    bot.clock.current = local("07/12/2026 09:00")  # the 2017-2018 plan is long over: every row is refused
    hung = place.director
    hung.language_code = lang
    hung.send_document(SEED_001.name, SEED_001.read_bytes())
    await bot.settle()
    reply = hung.private_chat.bot_messages[-1]
    assert reply.text == "\n".join(  # the rows were read, so not "could not read"; the closing line is there
        [
            tr(lang, "These rows cannot be imported:"),
            tr(lang, "• rows {rows}: {reason}", rows="3–36", reason=tr(lang, OVER)),
            "",
            tr(lang, "Nothing was created: no row could be imported (the reasons are above)."),
        ]
    )
    assert await _activities(bot) == []


async def test_a_long_plan_in_chat_stays_within_one_message_with_its_closing_line(
    bot: Bot, fake: FakeTelegram, lang: str, tmp_path: Path
) -> None:
    place = await commune(bot, fake)  # 29/09/2025
    hung = place.director
    hung.language_code = lang
    header = ["Ngày", "Giờ", "Nội dung", "Lĩnh vực"]
    past = [[f"{d:02d}/09/2025", "08:00", f"Chuyên đề đã qua số {d}", ""] for d in range(1, 29)]
    strange = [["06/10/2025", "08:00", f"Lĩnh vực lạ số {n}", f"lĩnh vực số {n + 20}"] for n in range(150)]
    path = _xlsx(tmp_path / "ke-hoach-dai.xlsx", header, past + strange)
    hung.send_document(path.name, path.read_bytes())
    await bot.settle()
    text = hung.private_chat.bot_messages[-1].text
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    lines = text.splitlines()
    assert lines[0] == tr(lang, "These rows cannot be imported:")
    assert lines[1] == tr(lang, "• rows {rows}: {reason}", rows="2–29", reason=tr(lang, OVER))  # 28 rows, one line
    assert tr(lang, "… and {count} more rows.", count=150 - (len(lines) - 5)) == lines[-3]  # the rest counted
    assert lines[-1] == tr(lang, "Nothing was created: no row could be imported (the reasons are above).")

    # drafts with long names: fewer are listed, the rest counted, and the buttons come with the whole message
    long_names = [
        ["06/10/2025", "08:00", f"Chuyên đề số {n}: " + "tuyên truyền pháp luật " * 12, ""] for n in range(60)
    ]
    path = _xlsx(tmp_path / "ke-hoach-ten-dai.xlsx", header, long_names + past)
    hung.send_document(path.name, path.read_bytes())
    await bot.settle()
    preview = hung.private_chat.bot_messages[-1]
    assert len(preview.text) <= 4096 and preview.buttons[0] == tr(lang, "✅ Create {count} activities", count=60)
    listed = sum(line.startswith("• 06/10/2025") for line in preview.text.splitlines())
    assert 0 < listed < 60
    assert tr(lang, "… and {count} more.", count=60 - listed) in preview.text.splitlines()
    assert preview.text.endswith(tr(lang, "• rows {rows}: {reason}", rows="62–89", reason=tr(lang, OVER)))


async def test_area_guesses_for_seed_titles_and_a_held_row_shows_its_report_row(
    bot: Bot, fake: FakeTelegram, cli_env: None, lang: str, tmp_path: Path
) -> None:
    place = await commune(bot, fake)  # 29/09/2025
    hung = place.director
    hung.language_code = lang
    titles = {
        "Tập huấn kỹ thuật chăm sóc cây lúa": "economy",
        "Hướng dẫn kỹ thuật phòng trừ sâu bệnh trên lúa": "economy",
        "Học tập về luật giao thông hưởng ứng tháng an toàn giao thông": "law",
        "Phổ biến pháp luật: Quyền trẻ em": "law",
        "Tuyên truyền phòng chống tệ nạn xã hội": "law",
        "Tuyên truyền phòng chống ma túy": "law",
        "Chuyên đề an ninh mạng cho người cao tuổi": "law",
        "Tuyên truyền phòng chống HIV/ AIDS": "health",
        "Lớp bồi dưỡng tin học": "life_skills",
        "Vệ sinh môi trường": "environment",
    }
    rows: list[list[object]] = [["10/2025", title, None, None] for title in titles]
    rows.append(["09/2025", "Chuyên đề phòng chống lừa đảo qua mạng", 40, 25])  # held, recorded afterwards
    path = _xlsx(tmp_path / "ke-hoach-2025.xlsx", ["Tháng", "Nội dung hoạt động", "Số người dự", "Nữ"], rows)
    hung.send_document(path.name, path.read_bytes())
    await bot.settle()
    preview = hung.private_chat.bot_messages[-1]
    law = f"{tr(lang, 'Topic: law education')} {tr(lang, '(guessed)')}"
    when = tr(lang, "{month} (no day or time yet)", month="09/2025")
    present = tr(lang, "{total} present, {women} women", total=40, women=25)
    assert f"• {when} — Chuyên đề phòng chống lừa đảo qua mạng [{law}]: {present}" in preview.text.splitlines()

    create = tr(lang, "✅ Create {count} activities", count=11)
    await bot.press(hung, preview, create)
    made = {a.title: a.area.code if a.area else None for a in await _activities(bot)}
    assert made == titles | {"Chuyên đề phòng chống lừa đảo qua mạng": "law"}  # not rice's economy
