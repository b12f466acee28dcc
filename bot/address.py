"""How Loa Làng addresses a person: in Vietnamese the word depends on who they are (see locales/VOICE.md).

A villager calls a woman of 68 "bà" and a man of 35 "anh"; the casual "bạn" is wrong for an elder. Until
gender and birth year are known the bot says the administrative "ông/bà" of official forms, and messages
seen before the profile avoid a pronoun altogether. In English it is always "you".
"""

from __future__ import annotations

from datetime import date

from bot.models import Gender, Person

UNKNOWN = {"vi": "ông/bà"}


def address(gender: Gender | str | None, birth_year: int | None, today: date, locale: str) -> str:
    """The word for "you" that a villager would use for this person."""
    if locale != "vi":
        return "you"
    if birth_year is None or gender not in (Gender.FEMALE, Gender.MALE):
        return UNKNOWN["vi"]
    age = today.year - birth_year
    female = gender == Gender.FEMALE
    if age >= 60:
        return "bà" if female else "ông"
    if age >= 40:
        return "cô" if female else "chú"
    if age >= 18:
        return "chị" if female else "anh"
    return "em"


def address_of(person: Person | None, today: date, locale: str) -> str:
    """The address for a known person, or the polite default for someone not yet known."""
    if person is None:
        return address(None, None, today, locale)
    return address(person.gender, person.birth_year, today, locale)


def default(locale: str) -> str:
    return UNKNOWN.get(locale, "you")
