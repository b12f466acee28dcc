"""Typed domain errors, turned into one polite message in one place (the dispatcher)."""

from __future__ import annotations

from typing import Any

from bot.messaging import Keyboard


class Refusal(Exception):
    """Bad input or a forbidden action: the transaction is rolled back and the person is told why.

    `message` is an untranslated message id (marked with N_) with `str.format` fields.
    """

    def __init__(self, message: str, choices: Keyboard = (), **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.choices = choices
        self.fields = fields
