"""Languages: gettext catalogs in `locales/`, dates and numbers through Babel.

Message ids are English, so the `en` catalog is the identity and every id must have
a Vietnamese translation (a test checks this). Strings defined at import time are
marked with `N_` and translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import Translations

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

    def gettext(self, message: str) -> str:
        return _catalog(self.locale).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalog(self.locale).ngettext(singular, plural, n)

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
