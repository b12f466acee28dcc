"""Logging that never carries a secret: the bot token (and, later, the webhook secret) is replaced in every
record, whichever library made it, before any handler sees it. Messages name chats and people by id only;
SQL errors are logged without their parameters (`bot.database`)."""

from __future__ import annotations

import logging
from typing import Any

HIDDEN = "[secret]"
_secrets: set[str] = set()
_installed = False

# Libraries whose INFO says what they did, not what the bot did: at INFO a log is the bot's story.
QUIET = (
    "httpx",  # a line per request
    "apscheduler",  # a line for every wake-up
    "fontTools",  # a hundred lines of glyph subsetting for every PDF report
    "fpdf",  # its own font and layout notes
    "PIL",  # image plugins it tried while opening a picture
)


def configure() -> None:
    """What `loalang` logs: information and up, without the libraries' chatter."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def hide(secret: str) -> None:
    """From now on, `secret` is written as [secret] in every log record."""
    global _installed
    if secret:
        _secrets.add(secret)
    if not _installed:
        _installed = True
        make = logging.getLogRecordFactory()

        def redacting(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make(*args, **kwargs)
            return _redact(record) if _secrets else record

        logging.setLogRecordFactory(redacting)


def _redact(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # badly formatted: leave it for logging's own error report
        return record
    clean = scrub(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
    return record


def scrub(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, HIDDEN)
    return text
