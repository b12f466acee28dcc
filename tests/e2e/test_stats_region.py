"""A province's officer sees the totals of its centers summed, one center at a time if they choose, and a
report with one block of rows per center; the command line writes the same report for a center."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.cli import main
from bot.models import Village
from tests.conftest import Bot
from tests.e2e.test_stats import EXPECTED, NOW, OFFICIAL, TOTAL, seed_year
from tests.journeys import Commune, commune, local, person_of


async def _second_center(bot: Bot, place: Commune) -> Commune:
    await bot.create_center(name="TTHTCĐ xã Hồng Thái Tây")
    assert bot.app is not None
    async with bot.app.db.session() as session:
        villages = {v.name: v.id for v in await session.scalars(select(Village).where(Village.center_id == 2))}
    return Commune(2, place.director, {}, villages)


async def test_a_province_officer_sees_its_centers_summed_and_one_block_per_center(
    bot: Bot, fake: FakeTelegram, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    await seed_year(bot, await _second_center(bot, place))
    assert await asyncio.to_thread(main, ["region", "add", "Tỉnh Quảng Ninh", "--centers", "1,2"]) == 0
    assert await asyncio.to_thread(main, ["region", "officer", "1"]) == 0
    link = re.search(r"/start inv-\S+", capsys.readouterr().out).group(0)  # type: ignore[union-attr]

    await bot.say(place.director, "/target 2025 tất cả 10 100")  # only Thanh Bình sets a target
    await bot.say(place.director, "/population 5550")
    binh = fake.add_user("Bình")
    notice = (await bot.say(binh, link))[-1]
    assert (notice.text or "").startswith("Chào mừng đến với Loa Làng! Đường dẫn này dành cho cán bộ phụ trách")
    welcome = await bot.press(binh, notice, "✅ Đồng ý")
    assert welcome[-1].text.startswith("Đã nhận vai trò cán bộ phụ trách Tỉnh Quảng Ninh.")
    officer_only = "Cán bộ phụ trách địa bàn xem được số liệu và báo cáo năm, bằng các lệnh:\n/stats\n/report"
    assert (await bot.say(binh, "/events"))[-1].text == officer_only

    bot.clock.current = local(NOW)
    message = (await bot.say(binh, "/stats 2025"))[-1]
    text = message.text or ""
    assert text.startswith("📊 Tỉnh Quảng Ninh: năm 2025")
    assert "Tổng: 12 lớp, 144 lượt người (86 nữ)" in text
    # the target and the population are Thanh Bình's alone, so they are compared with its work alone
    assert "• Toàn địa bàn: 6/10 lớp (60%), 72/100 lượt người (72%)" in text
    assert "Người học ÷ dân số từ 15 tuổi trở lên (2025): 72/5.550 = 1,3%" in text
    assert "📅 Sắp tới" not in message.buttons and "🏘 Theo thôn" not in message.buttons  # a center's, not a province's
    await bot.press(binh, message, "📚 Theo lĩnh vực")
    assert "3. Pháp luật: 2 lớp, 28 lượt người (18 nữ)" in (message.text or "")
    picker = (await bot.press(binh, message, "🏢 Chọn trung tâm"))[-1]
    assert picker.buttons == ["TTHTCĐ xã Hồng Thái Tây", "TTHTCĐ xã Thanh Bình"]
    await bot.press(binh, picker, "TTHTCĐ xã Hồng Thái Tây")
    assert (picker.text or "").startswith("📊 Trung tâm học tập cộng đồng xã Hồng Thái Tây: năm 2025")
    assert "Tổng: 6 lớp, 72 lượt người (43 nữ)" in (picker.text or "")
    assert (await bot.say(binh, "/stats y2025 #c999"))[-1].text == "Trung tâm đó không thuộc địa bàn phụ trách."

    sent = (await bot.say(binh, "/report 2025"))[-1]
    assert sent.document is not None
    cells = [[c.value for c in row] for row in load_workbook(io.BytesIO(sent.document[1])).worksheets[0].iter_rows()]
    blocks = [row[1] for row in cells if row[0] is None and row[1] and row[2] is None]
    assert blocks[:2] == ["TTHTCĐ xã Hồng Thái Tây", "TTHTCĐ xã Thanh Bình"]
    assert [row[2:5] for row in cells if row[1] == "Cộng"] == [list(TOTAL), list(TOTAL)]
    assert next(row[2:5] for row in cells if row[1] == "Tổng cộng") == [2 * n for n in TOTAL]

    officer = await person_of(bot, binh)
    assert officer is not None
    assert await asyncio.to_thread(main, ["region", "officer", "1"]) == 0
    assert f"Cán bộ: người số {officer.id}, từ ngày " in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["region", "officer", "1", "--revoke", str(officer.id)]) == 0
    assert (await bot.say(binh, "/stats"))[-1].text.startswith(
        "Xin lỗi, lệnh này chỉ dành cho Giám đốc, cán bộ Trung tâm và trưởng thôn"
    )


async def test_the_command_line_writes_the_centers_report(
    bot: Bot, fake: FakeTelegram, cli_env: None, tmp_path: Path
) -> None:
    place = await commune(bot, fake)
    await seed_year(bot, place)
    target = tmp_path / "bao-cao.csv"
    arguments = ["report", "--center", "1", "--year", "2025", "--format", "csv", "-o", str(target)]
    assert await asyncio.to_thread(main, arguments, clock=lambda: local(NOW)) == 0
    lines = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    official = {int(r[0]): [r[1], *map(int, r[2:5])] for r in lines[: lines.index([])] if r and r[0].isdigit()}
    assert official == {n: [OFFICIAL[n], *EXPECTED[n]] for n in EXPECTED}
