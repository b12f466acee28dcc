"""Dates typed the way people write them are understood; anything unsure is asked, never guessed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.dates import Doubt, example, read, with_year

NOW = datetime(2025, 9, 29, 2, 0, tzinfo=UTC)  # Monday 29/09/2025, 09:00 in Vietnam
ZONE = "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("6/10 13h30", "2025-10-06 13:30"),
        ("13:30 06/10/2025", "2025-10-06 13:30"),
        ("06-10-25 7h", "2025-10-06 07:00"),
        ("thứ 2 tuần sau 14h", "2025-10-06 14:00"),
        ("Thứ Sáu 8 giờ 30", "2025-10-03 08:30"),
        ("chủ nhật 7h sáng", "2025-10-05 07:00"),
        ("mai 2 giờ chiều", "2025-09-30 14:00"),
        ("ngày 1/10 lúc 19h", "2025-10-01 19:00"),
        ("hôm nay 15h", "2025-09-29 15:00"),
        ("next monday 2pm", "2025-10-06 14:00"),
        ("tomorrow 9:15", "2025-09-30 09:15"),
        ("thứ 2 tuần tới 9h", "2025-10-06 09:00"),
        ("mai 12h trưa", "2025-09-30 12:00"),
        ("mai 1h trưa", "2025-09-30 13:00"),
        ("thứ 2 tuần sau gặp ở nhà văn hoá 14h", "2025-10-06 14:00"),
        ("6/10 7h tối", "2025-10-06 19:00"),
    ],
)
def test_dates_people_type_are_understood(typed: str, expected: str) -> None:
    reading = read(typed, NOW, ZONE)
    assert reading.doubt is None and reading.moment is not None
    assert reading.moment.strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("typed", "doubt"),
    [
        ("6/10", Doubt.NO_TIME),
        ("thứ 2 tuần sau", Doubt.NO_TIME),
        ("14h", Doubt.NO_DATE),
        ("31/9 8h", Doubt.NO_SUCH_DAY),
        ("1/9 8h", Doubt.WHICH_YEAR),
        ("hôm nay 7h", Doubt.PAST),
        ("1/9/2025 8h", Doubt.PAST),
        ("sớm nhất có thể", Doubt.UNREADABLE),
        ("25h 6/10", Doubt.NO_TIME),
    ],
)
def test_unsure_or_past_dates_are_questioned(typed: str, doubt: Doubt) -> None:
    assert read(typed, NOW, ZONE).doubt is doubt


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOW, "2025-10-04 08:00"),  # a Monday: this Saturday
        (datetime(2025, 10, 4, 0, 30, tzinfo=UTC), "2025-10-11 08:00"),  # Saturday 07:30: a week on, never today
        (datetime(2026, 12, 31, 20, 0, tzinfo=UTC), "2027-01-02 08:00"),  # already New Year's Day in Vietnam
    ],
)
def test_a_director_is_shown_an_example_date_ahead_of_the_clock(now: datetime, expected: str) -> None:
    moment = example(now, ZONE)
    assert moment.strftime("%Y-%m-%d %H:%M") == expected and moment > now


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("28/11 8h", "28/11/2026 8h"),
        ("28.11 lúc 8h", "28.11.2026 lúc 8h"),
        ("thứ 2 8h", "thứ 2 8h"),  # no day and month: nothing to add to
        ("28/11/2025 8h", "28/11/2025 8h"),  # a year already there
    ],
)
def test_a_date_without_its_year_is_given_back_with_it(typed: str, expected: str) -> None:
    assert with_year(typed, 2026) == expected
    if expected != typed:
        assert read(expected, NOW, ZONE).moment is not None
