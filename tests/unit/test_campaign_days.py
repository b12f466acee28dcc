"""How a director's typed campaign is read: its name and days, and a campaign found by number or name."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.models import Campaign
from bot.services.campaigns import CampaignError, find, read_days

TODAY = date(2025, 9, 29)


@pytest.mark.parametrize(
    ("typed", "name", "days"),
    [
        ("Tháng hành động 01/11-30/11/2025", "Tháng hành động", (date(2025, 11, 1), date(2025, 11, 30))),
        ("Tháng hành động 1/11 – 30/11", "Tháng hành động", (date(2025, 11, 1), date(2025, 11, 30))),
        ("Tháng hành động 01/11 đến 30/11/2025", "Tháng hành động", (date(2025, 11, 1), date(2025, 11, 30))),
        ("Tết học tập 15/12-15/01/2026", "Tết học tập", (date(2025, 12, 15), date(2026, 1, 15))),
        ("Tuần lễ hưởng ứng học tập suốt đời", "Tuần lễ hưởng ứng học tập suốt đời", None),
        ("01/10-07/10/2025", "", (date(2025, 10, 1), date(2025, 10, 7))),
    ],
)
def test_a_name_and_its_days_are_read_as_typed(typed: str, name: str, days: tuple[date, date] | None) -> None:
    assert read_days(typed, TODAY) == (name, days)


@pytest.mark.parametrize("typed", ["Sai 31/11-02/12/2025", "Ngược 30/11/2025-01/11/2025", "Dài 01/01/2025-02/02/2026"])
def test_days_off_the_calendar_backwards_or_over_a_year_are_refused(typed: str) -> None:
    with pytest.raises(CampaignError):
        read_days(typed, TODAY)


def test_a_campaign_is_found_by_its_number_or_a_part_of_its_name_accents_optional() -> None:
    now = datetime(2025, 9, 29, tzinfo=UTC)
    listed = [Campaign(id=2, name="Tháng hành động vì người cao tuổi", created_at=now),
              Campaign(id=1, name="Tuần lễ hưởng ứng học tập suốt đời 2025", created_at=now)]  # fmt: skip
    assert find(listed, "chiến dịch 2") is listed[1]
    assert find(listed, "1") is listed[0]
    assert find(listed, "hoc tap suot doi") is listed[1]
    assert find(listed, "3") is None
    assert find(listed, "a") is None  # too short to name one
