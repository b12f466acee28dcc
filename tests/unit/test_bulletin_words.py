"""The loudspeaker bulletin's words: numbers, clock times, days and plan wording as an announcer says them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.services.bulletin import coming_days, spoken_number, spoken_text, spoken_when, week_key, week_of


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (0, "không"), (1, "một"), (4, "bốn"), (10, "mười"), (11, "mười một"), (15, "mười lăm"),
        (20, "hai mươi"), (21, "hai mươi mốt"), (25, "hai mươi lăm"), (30, "ba mươi"), (100, "một trăm"),
        (105, "một trăm linh năm"), (110, "một trăm mười"), (1000, "một nghìn"),
        (2005, "hai nghìn không trăm linh năm"), (2025, "hai nghìn không trăm hai mươi lăm"),
        (1_500_000, "một triệu năm trăm nghìn"),
    ],
)  # fmt: skip
def test_numbers_are_written_as_they_are_read(n: int, said: str) -> None:
    assert spoken_number(n) == said


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (datetime(2026, 12, 8, 7, 30), "bảy giờ ba mươi sáng thứ Ba, ngày tám tháng Mười Hai"),
        (datetime(2025, 10, 1, 11, 0), "mười một giờ trưa thứ Tư, ngày một tháng Mười"),
        (datetime(2025, 10, 5, 12, 5), "mười hai giờ năm phút trưa Chủ nhật, ngày năm tháng Mười"),
        (datetime(2025, 4, 14, 14, 15), "hai giờ mười lăm chiều thứ Hai, ngày mười bốn tháng Tư"),
        (datetime(2025, 1, 21, 19, 45), "bảy giờ bốn mươi lăm tối thứ Ba, ngày hai mươi mốt tháng Một"),
    ],
)
def test_when_is_said_the_vietnamese_way(moment: datetime, said: str) -> None:
    assert spoken_when(moment) == said


def test_what_a_plan_wrote_is_made_readable_aloud() -> None:
    assert spoken_text("📢 Lớp tin học 12 buổi tại Hội trường UBND xã, khai giảng 8/12/2025 lúc 7h30 https://x.vn") == (
        "Lớp tin học mười hai buổi tại Hội trường Ủy ban nhân dân xã, khai giảng ngày tám tháng Mười Hai năm hai "
        "nghìn không trăm hai mươi lăm lúc bảy giờ ba mươi"
    )
    assert spoken_text("TTHTCĐ xã Thanh Bình, CLB NCT") == (
        "Trung tâm học tập cộng đồng xã Thanh Bình, câu lạc bộ người cao tuổi"
    )
    assert spoken_text("Vụ Đông Xuân 2025-2026") == (
        "Vụ Đông Xuân hai nghìn không trăm hai mươi lăm đến hai nghìn không trăm hai mươi sáu"
    )


def test_the_week_is_from_today_to_sunday_and_on_a_sunday_the_week_after() -> None:
    assert week_of(date(2025, 10, 1)) == (date(2025, 10, 1), date(2025, 10, 5))  # a Wednesday
    assert week_of(date(2025, 10, 5)) == (date(2025, 10, 6), date(2025, 10, 12))  # a Sunday
    assert coming_days(date(2025, 10, 5)) == (date(2025, 10, 5), date(2025, 10, 7))
    assert week_key(date(2025, 12, 29)) == "2026-W01"
