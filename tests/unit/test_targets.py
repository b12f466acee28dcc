"""Targets as directors type them and as plans write them: quarters in Roman numerals, units after the
numbers, and nothing quietly read as something else."""

from __future__ import annotations

import pytest

from bot.models import Area
from bot.services import targets

AREAS = [
    Area(id=3, position=3, code="law", name="Chuyên đề Giáo dục pháp luật"),
    Area(id=7, position=7, code="economy", name="Chuyên đề Phát triển kinh tế"),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025 kinh tế 8 800", targets.Line(2025, 0, 7, 8, 800)),
        ("2025 q4 kinh tế 8 lớp 800 người", targets.Line(2025, 4, 7, 8, 800)),
        ("2025 quý IV Tiểu ban phát triển kinh tế 8 800", targets.Line(2025, 4, 7, 8, 800)),
        ("quý 2 tất cả 13 1.200", targets.Line(2024, 2, None, 13, 1200)),
        ("2025 3 8 750 học viên", targets.Line(2025, 0, 3, 8, 750)),
        ("2025 tất cả - 4350", targets.Line(2025, 0, None, None, 4350)),
    ],
)
def test_a_typed_target_is_read_as_meant(typed: str, expected: targets.Line) -> None:
    assert targets.parse(typed, AREAS, 2024) == expected


@pytest.mark.parametrize(
    "typed", ["2025 q5 kinh tế 8 800", "2025 quý 5 tất cả 1 1", "2025 thiên văn 8 800", "2025 q4", "kinh tế tám 800"]
)
def test_a_target_that_cannot_be_read_is_refused_not_guessed(typed: str) -> None:
    with pytest.raises(targets.TargetError):
        targets.parse(typed, AREAS, 2025)


def test_a_quarter_column_may_use_roman_numerals() -> None:
    assert [targets.quarter_of(q) for q in ("IV", "Quý II", "q3", "1", "", "-")] == [4, 2, 3, 1, 0, 0]
    with pytest.raises(targets.TargetError):
        targets.quarter_of("Quý V")
