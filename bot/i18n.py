"""Languages: gettext catalogs in `locales/`, dates and numbers through Babel.

Message ids are English, so the `en` catalog is the identity and every id must have
a Vietnamese translation (a test checks this). Strings defined at import time are
marked with `N_` and translated where they are shown. A translation may say `{you}` or `{You}`
where it addresses the reader: the Translator puts the person's address there (bot/address.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import Translations

from bot.address import default
from bot.config import SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


@cache
def _catalog(locale: str) -> Translations:
    return Translations.load(str(LOCALES_DIR), [locale], DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Everything language-dependent that a journey needs, for one locale and time zone."""

    locale: str
    timezone: str = "Asia/Ho_Chi_Minh"
    you: str = ""  # how the reader is addressed (bot/address.py); empty: the polite default of the locale

    def gettext(self, message: str) -> str:
        return self._address(_catalog(self.locale).gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._address(_catalog(self.locale).ngettext(singular, plural, n))

    def _address(self, text: str) -> str:
        """Put the reader's address where a translation says {you} or {You}, before callers format it."""
        if "{you}" not in text and "{You}" not in text:
            return text
        you = self.you or default(self.locale)
        return text.replace("{you}", you).replace("{You}", you[:1].upper() + you[1:])

    def to(self, you: str) -> Translator:
        """The same language and zone, addressing someone else."""
        return replace(self, you=you)

    def datetime(self, moment: datetime, pattern: str | None = None) -> str:
        """A UTC moment shown in the center's time zone, as people there write it."""
        pattern = pattern or self.gettext(N_("HH:mm, dd/MM/yyyy"))
        return format_datetime(moment, pattern, tzinfo=ZoneInfo(self.timezone), locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)


def pick_locale(saved: str | None, client: str | None, center: str | None, default: str) -> str:
    """A saved choice wins, then the messenger's language if supported, then the center's."""
    if saved in SUPPORTED_LOCALES:
        return saved
    if client:
        base = client.replace("_", "-").split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    if center in SUPPORTED_LOCALES:
        return center
    return default
