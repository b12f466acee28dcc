"""Plans as the centers write them (issue 19, "Must show"): seed 001's month-by-month table and seed 003's
programme, imported unchanged from samples/, show what is created ready to announce, what is planned only for
a month or a day (and waits for /change), and what is refused and why. Past rows that carry attendance are
recorded as held. The command line, with no terminal and no --yes, says in one Vietnamese line what to add.

The clocks are chosen to tell each story: seed 001 (a 2017-2018 plan) is imported in mid-November 2017, so its
September and October rows are over and refused, November's are planned for their month; in chat, in August
2017, before it starts, so every row goes in. Seed 003 is imported on the morning of 6 October 2025, in the
middle of its week: the talks of the 3rd and 5th are over, the opening at 13:30 is ready, the rest have a day
but no time."""

from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.cli import main
from bot.messaging import Choice
from bot.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    AuditEntry,
    BudgetSource,
    DateKnown,
    HeadCount,
    Person,
)
from bot.text import clip
from tests.conftest import Bot
from tests.journeys import commune, local, onboard, tr

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SEED_001 = SAMPLES / "ke-hoach-tung-thang-2017-2018.xlsx"
SEED_003 = SAMPLES / "tuan-le-hoc-tap-suot-doi-2025.xlsx"


async def _activities(bot: Bot) -> list[Activity]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return sorted(await session.scalars(select(Activity)), key=lambda a: (a.starts_at, a.id))


async def _import(bot: Bot, path: Path, *extra: str) -> int:
    return await asyncio.to_thread(main, ["plan", "import", str(path), "--center", "1", *extra], clock=bot.clock)


async def test_seed_001_month_table_goes_in_as_written_planned_for_its_months_and_past_months_refused(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    bot.clock.current = local("15/11/2017 09:00")
    await bot.create_center()
    assert await _import(bot, SEED_001, "--yes") == 0
    out = capsys.readouterr().out
    assert "Loa Làng sẽ tạo 27 hoạt động ở dạng nháp:" in out
    assert "• tháng 11/2017 (chưa có ngày giờ) — Giáo dục truyền thống ngày nhà giáo Việt Nam 20/11 [" in out
    assert "• tháng 08/2018 (chưa có ngày giờ) — Tuyên truyền phòng chống HIV/ AIDS [" in out
    assert "Trong đó 27 hoạt động mới dự kiến theo tháng hoặc theo ngày: chỉ được đăng sau khi đặt ngày giờ" in out
    refused = (
        "đã qua: để ghi nhận hoạt động đã tổ chức, xin thêm cột Số người dự và Nữ (và cột Danh sách nếu có họ tên)"
    )
    assert f"Các dòng sau chưa nhập được:\n• dòng 3–9: {refused}\n" in out  # row 1 the title, row 2 the header
    assert out.count(refused) == 1  # September's and October's seven rows: one line
    assert out.strip().endswith(
        "Đã tạo 0 hoạt động nháp sẵn sàng để đăng, 27 hoạt động dự kiến theo tháng và 0 hoạt động dự kiến theo ngày "
        "(còn phải đặt ngày giờ), ghi nhận 0 hoạt động đã tổ chức; 7 dòng không nhập được; đã lưu 0 chỉ tiêu."
    )

    made = await _activities(bot)
    assert len(made) == 27
    assert {(a.status, a.date_known, a.entered_afterwards) for a in made} == {
        (ActivityStatus.DRAFT, DateKnown.MONTH, False)
    }
    first = made[0]
    assert first.starts_at == local("01/11/2017 00:00")  # the month's first moment in the center's zone
    assert (first.title, first.target_group, first.partner) == (
        "Giáo dục truyền thống ngày nhà giáo Việt Nam 20/11",
        "Học sinh",
        "Phối kết hợp 3 trường",
    )
    assert [a.starts_at for a in made].count(local("01/03/2018 00:00")) == 4  # March's four rows
    assert made[-1].title == "Tuyên truyền phòng chống HIV/ AIDS"
    assert all(a.expected is None and a.budgets == [] for a in made)  # the seed leaves them empty


async def test_seed_003_programme_dates_without_times_go_in_planned_for_their_day(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    bot.clock.current = local("06/10/2025 10:00")
    await bot.create_center()
    assert await _import(bot, SEED_003, "--yes") == 0
    out = capsys.readouterr().out
    assert "Loa Làng sẽ tạo 3 hoạt động ở dạng nháp:" in out
    assert "• 06/10/2025 13:30 — Lễ khai giảng TTHT và hưởng ứng “Tuần lễ hưởng ứng học tập suốt đời” [" in out
    assert "• 07/10/2025 (chưa có giờ) — Chuyên đề “Giải pháp phòng chống tội phạm” [" in out
    assert "• 08/10/2025 (chưa có giờ) — Tổng kết tuần lễ hưởng ứng học tập suốt đời [" in out
    over = "đã qua: để ghi nhận hoạt động đã tổ chức, xin thêm cột Số người dự và Nữ (và cột Danh sách nếu có họ tên)"
    assert f"• dòng 5–6: {over}" in out  # three title lines, then the header; the 3rd and the 5th are over
    assert (
        "Đã tạo 1 hoạt động nháp sẵn sàng để đăng, 0 hoạt động dự kiến theo tháng và 2 hoạt động dự kiến theo ngày"
        in out
    )

    made = await _activities(bot)
    assert [(a.starts_at, a.date_known) for a in made] == [
        (local("06/10/2025 13:30"), DateKnown.EXACT),
        (local("07/10/2025 00:00"), DateKnown.DAY),
        (local("08/10/2025 00:00"), DateKnown.DAY),
    ]
    assert [a.expected for a in made] == [None, 100, None]
    assert made[0].place == "Hội trường Nhà văn hóa UBND xã Thanh Bình"
    assert [a.kind for a in made] == [ActivityKind.EVENT, ActivityKind.TALK, ActivityKind.EVENT]


async def test_seed_003_before_its_week_every_row_goes_in(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await bot.create_center()  # 29/09/2025
    assert await _import(bot, SEED_003, "--yes") == 0
    assert "Loa Làng sẽ tạo 5 hoạt động ở dạng nháp:" in capsys.readouterr().out
    made = await _activities(bot)
    assert [a.date_known for a in made] == [DateKnown.DAY, DateKnown.DAY, DateKnown.EXACT, DateKnown.DAY, DateKnown.DAY]
    assert [a.expected for a in made] == [150, 120, None, 100, None]


async def test_without_a_terminal_and_without_yes_the_import_says_in_one_vietnamese_line_to_add_yes(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.create_center()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a script or a scheduled job: nothing to answer with
    assert await _import(bot, SEED_003) == 1
    captured = capsys.readouterr()
    assert captured.err == "Chưa tạo gì: thêm --yes vào lệnh để tạo.\n"
    assert captured.out.startswith("Loa Làng sẽ tạo 5 hoạt động ở dạng nháp:")  # the preview first
    for english in ("Create them", "[y/N]", "Nothing was created"):
        assert english not in captured.out + captured.err
    assert await _activities(bot) == []

    assert await _import(bot, SEED_003, "--lang", "en") == 1
    captured = capsys.readouterr()
    assert captured.err == "Nothing was created yet: add --yes to the command to create them.\n"
    assert captured.out.startswith("I will create 5 activities as drafts:")


async def test_an_import_that_creates_nothing_exits_non_zero_and_says_why(
    bot: Bot, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    bot.clock.current = local("15/09/2018 09:00")  # the whole 2017-2018 plan is over
    await bot.create_center()
    assert await _import(bot, SEED_001, "--yes") == 1
    captured = capsys.readouterr()
    assert captured.err == "Không tạo gì: không nhập được dòng nào (lý do ghi ở trên).\n"
    assert captured.out == (  # all 34 rows for one reason: one line
        "Các dòng sau chưa nhập được:\n• dòng 3–36: đã qua: để ghi nhận hoạt động đã tổ chức, xin thêm cột Số người "
        "dự và Nữ (và cột Danh sách nếu có họ tên)\n"
    )

    bot.clock.current = local("15/08/2017 09:00")
    assert await _import(bot, SEED_001, "--yes") == 0
    capsys.readouterr()
    assert await _import(bot, SEED_001, "--yes") == 1
    assert capsys.readouterr().err == "Không tạo gì: mọi dòng của tệp này đã được nhập trước đây.\n"
    assert len(await _activities(bot)) == 34


def _past_plan(path: Path) -> Path:
    """Seed 001's columns, with the budget by source and the attendance columns a center adds to bring in what
    was held before it used Loa Làng."""
    book = Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH TỪNG THÁNG NĂM 2025"])
    sheet.append(
        ["Tháng", "Nội dung hoạt động", "Số người tham gia", "Đối tượng học", "Đơn vị phối hợp/Người dạy",
         "Ngân sách nhà nước", "Xã hội hóa", "Người học đóng góp", "Đã chi ngân sách nhà nước",
         "Số người dự", "Nữ", "Danh sách"]
    )  # fmt: skip
    rows = [
        ["08/2025", "Tuyên truyền phòng chống tội phạm", 60, "Nhân dân", "Công an xã",
         "500.000", None, None, "450.000", 45, 30, None],
        [None, "Lớp tin học cho người cao tuổi (5 buổi)", 20, "Người cao tuổi", "Trường THCS",
         "2.000.000", "1.000.000", "500.000", None, 12, 7, "Nguyễn Thị Lan; Trần Văn Minh"],
        [None, "Vệ sinh môi trường", None, "Học sinh", "Trường THCS", None, None, None, None, None, None, None],
        ["09/2025", "Tập huấn kỹ thuật chăm sóc lúa", 30, "Nông dân", "Hội nông dân",
         None, None, None, None, None, None, None],
        ["10/2025", "Chuyên đề phòng chống lừa đảo", None, "Nhân dân", "Công an xã",
         None, None, None, None, 10, 4, None],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


async def test_past_rows_with_attendance_are_recorded_as_held_with_head_counts_names_and_budgets(
    bot: Bot, fake: FakeTelegram, cli_env: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    await bot.create_center()  # 29/09/2025
    lan = fake.add_user("Lan")
    await onboard(bot, lan)  # Nguyễn Thị Lan of Thôn Đông, a woman, already in the center
    assert await _import(bot, _past_plan(tmp_path / "ke-hoach-2025.xlsx"), "--yes") == 0
    out = capsys.readouterr().out
    assert "Loa Làng sẽ tạo 1 hoạt động ở dạng nháp:" in out
    assert "• tháng 09/2025 (chưa có ngày giờ) — Tập huấn kỹ thuật chăm sóc lúa [" in out
    assert "Loa Làng sẽ ghi nhận 2 hoạt động đã tổ chức:" in out
    assert (  # the report row each counts in, as for a draft, marked as guessed from the title
        "• tháng 08/2025 (chưa có ngày giờ) — Tuyên truyền phòng chống tội phạm [Chuyên đề Giáo dục pháp luật (đoán)]: "
        "45 người dự, 30 nữ\n"
        "• tháng 08/2025 (chưa có ngày giờ) — Lớp tin học cho người cao tuổi (5 buổi) [Chuyên đề Giáo dục kỹ năng sống "
        "(đoán)]: 12 người dự, 7 nữ\n"
    ) in out
    assert "• dòng 5: đã qua: để ghi nhận hoạt động đã tổ chức, xin thêm cột Số người dự và Nữ" in out
    assert "• dòng 7: chưa tới ngày: xin để trống các cột số người dự" in out
    assert "1 hoạt động dự kiến theo tháng" in out and "ghi nhận 2 hoạt động đã tổ chức; 2 dòng không nhập được" in out

    talk, course, rice = await _activities(bot)
    assert (talk.status, talk.entered_afterwards, talk.kind) == (ActivityStatus.FINISHED, True, ActivityKind.TALK)
    assert (course.status, course.entered_afterwards, course.kind) == (
        ActivityStatus.FINISHED,
        True,
        ActivityKind.CLASS,
    )
    assert (rice.status, rice.entered_afterwards, rice.date_known) == (ActivityStatus.DRAFT, False, DateKnown.MONTH)
    assert len(talk.sessions) == 1 and len(course.sessions) == 5  # "(5 buổi)": a class of five sessions
    assert course.sessions[1].starts_at == local("08/08/2025 00:00")
    assert [(b.source, b.planned_vnd, b.spent_vnd) for b in talk.budgets] == [(BudgetSource.STATE, 500_000, 450_000)]
    assert {(b.source, b.planned_vnd) for b in course.budgets} == {
        (BudgetSource.STATE, 2_000_000),
        (BudgetSource.SOCIAL, 1_000_000),
        (BudgetSource.LEARNERS, 500_000),
    }
    # each session: Lan and Minh by name (Lan a woman), ten more counted, six of them women: 12 and 7 in all
    assert [(s.visits, s.women_visits) for s in course.sessions] == [(2, 1)] * 5
    assert (talk.sessions[0].visits, talk.sessions[0].women_visits) == (0, 0)

    assert bot.app is not None
    async with bot.app.db.session() as session:
        counts = list(
            await session.execute(select(HeadCount.session_id, HeadCount.total, HeadCount.women, HeadCount.afterwards))
        )
        assert sorted(c[1:] for c in counts) == [(10, 6, True)] * 5 + [(45, 30, True)]
        present = list(await session.execute(select(Attendance.person_id, Attendance.method, Attendance.afterwards)))
        assert len(present) == 10 and {(m, a) for _, m, a in present} == {(AttendanceMethod.SHEET, True)}
        named = {
            p.full_name: p
            for p in await session.scalars(select(Person).where(Person.id.in_({p for p, _, _ in present})))
        }
        assert set(named) == {"Nguyễn Thị Lan", "Trần Văn Minh"}
        assert named["Nguyễn Thị Lan"].accounts  # found by her name: the same person, not a copy
        assert named["Trần Văn Minh"].accounts == [] and named["Trần Văn Minh"].consent_at is None
        audits = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "activity.record_afterwards"))
        )
        assert sorted(a.detail["total"] for a in audits) == [12, 45]


async def test_the_director_sends_seed_001_in_chat_and_dates_a_month_planned_activity_before_publishing_it(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    bot.clock.current = local("15/08/2017 09:00")
    place = await commune(bot, fake)
    hung = place.director
    hung.language_code = lang
    hung.send_document(SEED_001.name, SEED_001.read_bytes())
    await bot.settle()
    preview = hung.private_chat.bot_messages[-1]
    assert preview.text.startswith(tr(lang, "I will create {count} activities as drafts:", count=34))
    create = tr(lang, "✅ Create {count} activities", count=34)
    assert preview.buttons == [create, tr(lang, "✖ Cancel")]

    done = (await bot.press(hung, preview, create))[-1]
    assert done.text.splitlines() == [
        tr(lang, "Created {count} draft activities ready to announce.", count=0),
        *tr(
            lang,
            "Planned for a month: {month}; for a day: {day}. They are announced once their day and time are set; "
            "to set them, send:\n/change",
            month=34,
            day=0,
        ).splitlines(),
    ]
    first = (await _activities(bot))[0]
    assert (first.title, first.date_known) == (
        "Học tập về luật giao thông hưởng ứng tháng an toàn giao thông",
        DateKnown.MONTH,
    )

    refused = (await bot.say(hung, f"/publish {first.id}"))[-1]
    assert refused.text == tr(
        lang,
        "This activity has no day and time yet, so it cannot be announced. Please set them first with:"
        "\n/change {number}",
        number=first.id,
    )
    when = tr(lang, "{month} (no day or time yet)", month="09/2017")
    offered = (await bot.say(hung, "/change"))[-1]  # picked from a list: never shown as if at midnight
    assert offered.buttons[0] == clip(f"{when} · {first.title}", Choice.LONGEST)
    assert not any("00:00" in label for label in offered.buttons)
    asked = (await bot.say(hung, f"/change {first.id}"))[-1]
    assert asked.text.startswith(tr(lang, "{title} is planned for {when}.", title=first.title, when=when))
    saved = (await bot.say(hung, "12/9 8h"))[-1]
    assert saved.text.startswith(tr(lang, "Saved:"))
    # Dated, still a draft, but the plan gave no place: the next step is the place, then announcing it.
    assert saved.text.endswith(tr(lang, "To set the place, send:") + f"\n/change {first.id}")
    what = (await bot.say(hung, f"/change {first.id}"))[-1]
    await bot.press(hung, what, tr(lang, "📍 Place"))
    placed = (await bot.say(hung, "Hội trường Ủy ban nhân dân xã"))[-1]
    assert placed.text.startswith(tr(lang, "Saved:")) and "📍 Hội trường Ủy ban nhân dân xã" in placed.text
    assert placed.text.endswith(tr(lang, "To announce it, send:") + f"\n/publish {first.id}")
    dated = next(a for a in await _activities(bot) if a.id == first.id)
    assert (dated.starts_at, dated.date_known) == (local("12/09/2017 08:00"), DateKnown.EXACT)

    published = (await bot.say(hung, f"/publish {first.id}"))[-1]
    assert published.text.startswith(tr(lang, "Published! The announcement is going out to {count} chats now.")[:8])
    await bot.deliver()
    assert place.groups["Thôn Bắc"].bot_messages[-1].text.startswith("📢")


async def test_the_director_uploading_seed_003_mid_week_is_told_what_was_created_planned_and_refused(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    bot.clock.current = local("06/10/2025 10:00")
    hung = place.director
    hung.language_code = lang
    hung.send_document(SEED_003.name, SEED_003.read_bytes())
    await bot.settle()
    preview = hung.private_chat.bot_messages[-1]
    create = tr(lang, "✅ Create {count} activities", count=3)
    done = (await bot.press(hung, preview, create))[-1]
    over = tr(lang, "already over: to record it as held, add the columns Số người dự and Nữ (and Danh sách for names)")
    assert done.text.splitlines() == [
        tr(lang, "Created {count} draft activities ready to announce.", count=1),
        *tr(
            lang,
            "Planned for a month: {month}; for a day: {day}. They are announced once their day and time are set; "
            "to set them, send:\n/change",
            month=0,
            day=2,
        ).splitlines(),
        tr(lang, "Rows not imported: {count}.", count=2),
        tr(lang, "• rows {rows}: {reason}", rows="5–6", reason=over),  # one line for the two rows over
        *tr(lang, "To announce them, send:\n/publish").splitlines(),
    ]
    drafts = (await bot.say(hung, "/publish"))[-1]
    assert len(drafts.buttons) == 1 and drafts.buttons[0].startswith("06/10 13:30 Lễ khai giảng")  # the dated one
    offered = (await bot.say(hung, "/change"))[-1]  # the two planned for their day, without a midnight
    day = tr(lang, "{day} (no time yet)", day="07/10")
    assert offered.buttons[1].startswith(f"{day} · Chuyên đề “Giải pháp phòng chống tội p")
    assert offered.buttons[2].startswith(tr(lang, "{day} (no time yet)", day="08/10") + " · Tổng kết")
