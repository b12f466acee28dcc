"""Targets arrive with the plan: seed 002's targets as a CSV of their own, or a "Chỉ tiêu" sheet inside
the plan's workbook. Nothing is saved before the director confirms."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.channels.telegram.fake import FakeTelegram
from bot.cli import main
from bot.models import RoleKind
from bot.services import people, roles
from tests.conftest import Bot
from tests.journeys import commune, onboard

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "chi-tieu-2025.csv"


async def test_the_targets_of_seed_002_are_imported_from_their_csv(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    hung = place.director
    hung.send_document(SAMPLE.name, SAMPLE.read_bytes())
    await bot.settle()
    preview = hung.private_chat.bot_messages[-1]
    assert (preview.text or "").splitlines()[:3] == [
        "Loa Làng sẽ lưu 11 chỉ tiêu:",
        "• 2025, Toàn trung tâm: 53 lớp, 4350 lượt người",
        "• 2025, 7. Chuyên đề Phát triển kinh tế: 8 lớp, 800 lượt người",
    ]
    assert "• 2025, 5. Chuyên đề Giáo dục môi trường: 7 lớp, 800 lượt người" in (preview.text or "")
    assert "• 2025, Toàn trung tâm, quý 4: 13 lớp, 1050 lượt người" in (preview.text or "")
    assert (await bot.say(hung, "/target 2025"))[-1].text.splitlines()[1] == "• chưa có"

    await bot.press(hung, preview, "✅ Lưu 11 chỉ tiêu")
    assert hung.private_chat.bot_messages[-1].text == "Đã lưu 11 chỉ tiêu. Để xem tiến độ thực hiện, gửi:\n/stats"
    listed = (await bot.say(hung, "/target 2025"))[-1].text or ""
    assert "• 9. Chương trình khác: 7 lớp, 450 lượt người" in listed
    assert "• Toàn trung tâm, quý 2: 14 lớp, 1.200 lượt người" in listed


async def test_a_plan_workbook_with_a_targets_sheet_creates_drafts_and_targets_together(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    book = Workbook()
    plan = book.active
    plan.title = "Kế hoạch"
    plan.append(["Ngày", "Giờ", "Nội dung", "Lĩnh vực"])
    plan.append(["10/10/2025", "08:00", "Chuyên đề an toàn giao thông", 3])
    goals = book.create_sheet("Chỉ tiêu")
    goals.append(["Năm", "Quý", "Lĩnh vực", "Số lớp", "Số người"])
    goals.append([2025, None, "Tiểu ban pháp luật", 8, 750])
    goals.append([2025, None, "thiên văn", 1, 10])
    content = io.BytesIO()
    book.save(content)
    hung = place.director
    hung.send_document("ke-hoach-2025.xlsx", content.getvalue())
    await bot.settle()
    preview = hung.private_chat.bot_messages[-1]
    text = preview.text or ""
    assert text.startswith("Loa Làng sẽ tạo 1 hoạt động ở dạng nháp:")
    assert "Loa Làng sẽ lưu 1 chỉ tiêu:\n• 2025, 3. Chuyên đề Giáo dục pháp luật: 8 lớp, 750 lượt người" in text
    assert "• dòng 3: Không có lĩnh vực “thiên văn”." in text
    done = await bot.press(hung, preview, "✅ Tạo 1 hoạt động")
    assert [m.text for m in done] == [
        "Đã tạo 1 hoạt động nháp sẵn sàng để đăng.\nĐể đăng các hoạt động, gửi:\n/publish",
        "Đã lưu 1 chỉ tiêu. Để xem tiến độ thực hiện, gửi:\n/stats",
    ]


async def test_the_command_line_imports_targets_too(
    bot: Bot, fake: FakeTelegram, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    place = await commune(bot, fake)
    arguments = ["plan", "import", str(SAMPLE), "--center", "1", "--yes"]
    assert await asyncio.to_thread(main, arguments, clock=bot.clock) == 0
    out = capsys.readouterr().out
    assert "Loa Làng sẽ lưu 11 chỉ tiêu:" in out and out.rstrip().endswith("Đã lưu 11 chỉ tiêu.")
    listed = (await bot.say(place.director, "/target 2025"))[-1].text or ""
    assert "• Toàn trung tâm: 53 lớp, 4.350 lượt người" in listed


async def test_staff_may_import_plans_but_not_targets(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    mai = fake.add_user("Mai")
    await onboard(bot, mai, name="Lê Thị Mai")
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        person = await people.by_account(session, "telegram", str(mai.id))
        assert person is not None
        await roles.grant(session, person=person, center_id=place.center_id, kind=RoleKind.STAFF, now=bot.clock())
    mai.send_document(SAMPLE.name, SAMPLE.read_bytes())
    await bot.settle()
    assert mai.private_chat.bot_messages[-1].text == (
        "Chỉ Giám đốc Trung tâm mới đặt được chỉ tiêu. Xin nhờ Giám đốc gửi tệp này."
    )
    assert (await bot.say(place.director, "/target 2025"))[-1].text.splitlines()[1] == "• chưa có"
