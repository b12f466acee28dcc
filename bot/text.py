"""Text helpers for matching what people type, with or without Vietnamese diacritics."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """ "Thôn  Đông" -> "thon dong": lower case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


def clean_name(text: str, limit: int = 100) -> str:
    """A person's name as typed: printable characters only, single spaces, NFC, capped."""
    printable = "".join(ch for ch in unicodedata.normalize("NFC", text) if ch.isprintable())
    return " ".join(printable.split())[:limit]


def number(text: str) -> int | None:
    """A small whole number typed by a person ("12"), or None: never int() on odd digits like "²"."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


_ABBREVIATIONS = (("TTHTCĐ", "Trung tâm học tập cộng đồng"), ("TT HTCĐ", "Trung tâm học tập cộng đồng"))


def spelled_out(name: str) -> str:
    """A center's name as a chat says it: "TTHTCĐ xã Thanh Bình" is written so in its papers, but an elderly
    reader is told "Trung tâm học tập cộng đồng xã Thanh Bình" (locales/VOICE.md: no unexplained abbreviation)."""
    for short, long in _ABBREVIATIONS:
        name = name.replace(short, long)
    return name


QUOTES = {"“": "”", "«": "»", "‘": "’"}


def clip(label: str, limit: int) -> str:
    """A title shortened to `limit` characters at a word boundary with "…", its quotes closed: never
    "…trong các l:" with a quote left open."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if " " in cut and not label[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,;:-–(") + "…"
    closing = "".join(close for open_, close in QUOTES.items() if cut.count(open_) > cut.count(close))
    return cut + ('"' if cut.count('"') % 2 else "") + closing
