"""People type village names with or without accents; the bot must find the right one or none."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import Translator, pick_locale
from bot.models import Village
from bot.services.centers import match_village
from bot.text import clean_name, fold

VILLAGES = [
    Village(id=1, name="Thôn Đông"),
    Village(id=2, name="Thôn Đông Hạ"),
    Village(id=3, name="Xóm Bến"),
    Village(id=4, name="Thôn 5"),
]


def test_fold_removes_accents_case_and_extra_spaces() -> None:
    assert fold("  Nguyễn   Thị LAN ") == "nguyen thi lan"
    assert fold("Đồng ý") == "dong y"


def test_village_is_found_typed_without_accents_or_by_its_own_words() -> None:
    assert match_village(VILLAGES, "thon dong") is VILLAGES[0]
    assert match_village(VILLAGES, "ben") is VILLAGES[2]
    assert match_village(VILLAGES, "#3") is VILLAGES[2]  # what a button sends
    assert match_village(VILLAGES, "5") is VILLAGES[3]  # a typed number is part of a name, never an id
    assert match_village(VILLAGES, "4") is None


def test_an_ambiguous_or_unknown_village_is_not_guessed() -> None:
    assert match_village(VILLAGES, "dong") is None  # Thôn Đông or Thôn Đông Hạ?
    assert match_village(VILLAGES, "Thôn Nam") is None
    assert match_village(VILLAGES, "on") is None
    assert match_village(VILLAGES, "") is None
    assert match_village(VILLAGES, "99") is None


def test_names_are_cleaned_of_control_characters_and_capped() -> None:
    assert clean_name("Lan\u0000\u202e  Nguyễn\n") == "Lan Nguyễn"
    assert len(clean_name("A" * 500)) == 100


def test_language_falls_back_from_choice_to_phone_to_center_to_default() -> None:
    assert pick_locale("en", "vi", "vi", "vi") == "en"
    assert pick_locale(None, "en-US", "vi", "vi") == "en"
    assert pick_locale(None, "fr", "en", "vi") == "en"
    assert pick_locale(None, None, None, "vi") == "vi"


def test_times_are_shown_in_the_center_time_zone() -> None:
    moment = datetime(2025, 10, 6, 6, 30, tzinfo=UTC)
    assert Translator("vi").datetime(moment) == "13:30 ngày 06/10/2025"
    assert Translator("en").datetime(moment, "EEEE d MMMM") == "Monday 6 October"
    assert Translator("vi").datetime(moment, "EEEE, dd/MM/yyyy") == "Thứ Hai, 06/10/2025"
    assert Translator("vi").number(4350) == "4.350"
