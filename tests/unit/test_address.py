"""A villager's address for a person: the bot speaks to a woman of 68 as "bà", never as a friend's "bạn"."""

from __future__ import annotations

from datetime import date

import pytest

from bot.address import address
from bot.i18n import Translator

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("gender", "born", "expected"),
    [
        ("female", 1958, "bà"),
        ("male", 1950, "ông"),
        ("female", 1980, "cô"),
        ("male", 1967, "chú"),
        ("female", 2000, "chị"),
        ("male", 1991, "anh"),
        ("female", 2012, "em"),
        ("male", 2010, "em"),
        (None, 1958, "ông/bà"),
        ("female", None, "ông/bà"),
        ("other", 1958, "ông/bà"),
    ],
)
def test_a_person_is_addressed_as_a_villager_would_address_them(
    gender: str | None, born: int | None, expected: str
) -> None:
    assert address(gender, born, TODAY, "vi") == expected


def test_a_person_reading_english_is_always_you() -> None:
    assert address("female", 1958, TODAY, "en") == "you"


def test_the_age_bands_start_at_60_40_and_18() -> None:
    assert [address("female", TODAY.year - age, TODAY, "vi") for age in (60, 59, 40, 39, 18, 17)] == [
        "bà",
        "cô",
        "cô",
        "chị",
        "chị",
        "em",
    ]


def test_a_translation_names_the_reader_where_it_says_you() -> None:
    t = Translator("vi", you="bà")
    assert t._address("Cảm ơn {you}. {You} đã đăng ký {what}.") == "Cảm ơn bà. Bà đã đăng ký {what}."
    assert Translator("vi")._address("{You} cần gì?") == "Ông/bà cần gì?"
    assert Translator("en")._address("{you}") == "you"
