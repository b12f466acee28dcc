"""When those who came are asked what they thought: an hour after the session ends, never at night."""

from __future__ import annotations

from bot.services.feedback import due_at
from tests.journeys import local

ZONE = "Asia/Ho_Chi_Minh"


def test_an_hour_after_the_end_in_the_day() -> None:
    assert due_at(local("06/10/2025 15:30"), ZONE) == local("06/10/2025 16:30")
    assert due_at(local("06/10/2025 18:59"), ZONE) == local("06/10/2025 19:59")


def test_from_eight_in_the_evening_the_question_waits_for_the_next_morning() -> None:
    assert due_at(local("06/10/2025 19:00"), ZONE) == local("07/10/2025 08:00")
    assert due_at(local("06/10/2025 22:45"), ZONE) == local("07/10/2025 08:00")


def test_before_eight_in_the_morning_it_waits_for_eight() -> None:
    assert due_at(local("07/10/2025 05:30"), ZONE) == local("07/10/2025 08:00")
    assert due_at(local("07/10/2025 07:00"), ZONE) == local("07/10/2025 08:00")
