"""Every message a person can see has a Vietnamese translation, and what runs is what was translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
FIELD = re.compile(r"\{(\w*)\}")
ADDRESS = {"you", "You"}  # put in by the Translator for the reader (bot/address.py), not by the caller
CASUAL_YOU = re.compile(r"(?<!\w)bạn(?!\w)", re.IGNORECASE)


def _catalog(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's text, or each of its plural forms."""
    return text if isinstance(text, tuple) else (text,)


def _source_ids() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers", "scheduler"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, [("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_template_holds_every_message_in_the_code() -> None:
    template = _ids(_catalog(LOCALES / "messages.pot"))
    missing = _source_ids() - template
    assert not missing, f"run the pybabel extract/update steps of the README; missing: {sorted(missing)}"


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_each_catalog_has_exactly_the_template_messages(locale: str) -> None:
    template = _ids(_catalog(LOCALES / "messages.pot"))
    catalog = _ids(_catalog(LOCALES / locale / "LC_MESSAGES" / "messages.po"))
    assert catalog == template, f"run pybabel update: {sorted(catalog ^ template)}"


def test_every_message_has_a_vietnamese_translation_with_the_same_fields() -> None:
    catalog = _catalog(LOCALES / "vi" / "LC_MESSAGES" / "messages.po")
    untranslated = [m.id for m in catalog if m.id and (not all(_forms(m.string)) or m.fuzzy)]
    assert not untranslated, f"no Vietnamese translation for: {untranslated}"
    mismatched = [
        m.id
        for m in catalog
        if m.id
        and any(set(FIELD.findall(_forms(m.id)[0])) != set(FIELD.findall(s)) - ADDRESS for s in _forms(m.string))
    ]
    assert not mismatched, f"placeholders differ in: {mismatched}"


def test_no_vietnamese_message_calls_an_elder_the_casual_ban() -> None:
    """ "bạn" is what one says to a friend of one's age, not to a woman of 68 (locales/VOICE.md)."""
    catalog = _catalog(LOCALES / "vi" / "LC_MESSAGES" / "messages.po")
    casual = [m.id for m in catalog if m.id and any(CASUAL_YOU.search(s) for s in _forms(m.string))]
    assert not casual, f"say {{you}} or no pronoun instead of 'bạn' in: {casual}"


def test_no_english_message_id_holds_an_address_token() -> None:
    """{you} is for translations only: the English ids say "you" as English does."""
    template = _catalog(LOCALES / "messages.pot")
    assert not [m.id for m in template if m.id and ADDRESS & set(FIELD.findall(_forms(m.id)[0]))]


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_compiled_catalog_is_not_older_than_its_source(locale: str) -> None:
    po = LOCALES / locale / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "catalogs are compiled by the build: run `uv sync`"
    assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than {po}: run `uv sync`"
