"""Failures a test can ask for: the answers Telegram gives when things go wrong, on demand."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from bot.channels.telegram.fake import errors
from bot.channels.telegram.fake.errors import ApiError


@dataclass(frozen=True)
class Fault:
    """One injected failure: an error answer, or a timeout (optionally after the call took effect)."""

    status: int = 0
    description: str = ""
    parameters: dict[str, Any] | None = None
    times_out: bool = False
    delivered: bool = False

    @classmethod
    def too_many_requests(cls, retry_after: int) -> Fault:
        return cls.of(errors.too_many_requests(retry_after))

    @classmethod
    def blocked(cls) -> Fault:
        return cls.of(errors.blocked())

    @classmethod
    def chat_not_found(cls) -> Fault:
        return cls.of(errors.chat_not_found())

    @classmethod
    def server_error(cls, status: int = 502) -> Fault:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Server Error"
        return cls(status=status, description=phrase)

    @classmethod
    def timeout(cls, delivered: bool = False) -> Fault:
        """delivered=True: the call takes effect but the answer never arrives, as with real lost replies."""
        return cls(times_out=True, delivered=delivered)

    @classmethod
    def migrated(cls, to_chat_id: int) -> Fault:
        return cls.of(errors.migrated(to_chat_id))

    @classmethod
    def of(cls, error: ApiError) -> Fault:
        return cls(status=error.status, description=error.description, parameters=error.parameters)

    def error(self) -> ApiError:
        return ApiError(self.status, self.description, dict(self.parameters) if self.parameters else None)


RANDOM_TARGETS = {"sendmessage", "sendphoto", "editmessagetext"}


@dataclass
class _Armed:
    method: str  # lower-case API name, or "*"
    fault: Fault
    chat_id: int | None
    remaining: int


@dataclass
class FaultBook:
    """Faults waiting for their call; the first one that matches is used up."""

    armed: list[_Armed] = field(default_factory=list)
    server_error_rate: float = 0.0
    timeout_rate: float = 0.0
    _dice: random.Random = field(default_factory=random.Random)

    def at_random(self, *, server_error: float, timeout: float, seed: int) -> None:
        """From now on, that share of message sends answer 502, and that share time out undelivered
        (the reliability runs of bench/: a flaky network, not one chosen call)."""
        self.server_error_rate, self.timeout_rate, self._dice = server_error, timeout, random.Random(seed)

    def add(self, method: str, fault: Fault, chat_id: int | None, times: int) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self.armed.append(_Armed(api_name(method).lower(), fault, chat_id, times))

    def take(self, method: str, chat_id: object) -> Fault | None:
        for armed in self.armed:
            if armed.method not in ("*", method.lower()):
                continue
            if armed.chat_id is not None and armed.chat_id != chat_id:
                continue
            armed.remaining -= 1
            if armed.remaining == 0:
                self.armed.remove(armed)
            return armed.fault
        if method.lower() in RANDOM_TARGETS and (self.server_error_rate or self.timeout_rate):
            roll = self._dice.random()
            if roll < self.server_error_rate:
                return Fault.server_error(502)
            if roll < self.server_error_rate + self.timeout_rate:
                return Fault.timeout()
        return None


def api_name(method: str) -> str:
    """send_message -> sendMessage; API names pass through, so tests may use either spelling."""
    if "_" not in method:
        return method
    head, *rest = method.split("_")
    return head + "".join(part.title() for part in rest)
