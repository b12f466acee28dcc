"""Telegram's sending limits, kept on our side so that 429s stay rare: about 30 messages a second
overall, 20 a minute in one group, and 1 a second in one chat. Waiting is short or not at all:
a chat that may not be written to for a while is handed back to the outbox instead of holding a
worker, so one busy group never slows the others."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.messaging import ChatRef

# Windows a little longer than Telegram's, so that a send at the edge of a window is not counted in the
# previous one by Telegram's clock. A slot is booked when a request starts and moved to when its answer
# came (`done`), which is about when Telegram counted it; 2 % is then enough (bench/broadcast_bench.py:
# 0.97 of the allowed rate and no 429 over 5,000 groups, where 5 % without `done` gave 0.95 and some 429s).
SECOND = 1.02
MINUTE = 63.0


@dataclass(frozen=True)
class Limits:
    """Telegram's limits; `scale` shortens every window by that factor (the fake Bot API's limit_scale
    does the same), which multiplies every rate without allowing bigger bursts."""

    overall_per_second: float = 30.0
    group_per_minute: float = 20.0
    chat_per_second: float = 1.0
    scale: float = 1.0

    def scaled(self, factor: float) -> Limits:
        return Limits(self.overall_per_second, self.group_per_minute, self.chat_per_second, self.scale * factor)

    @property
    def second(self) -> float:
        return SECOND / self.scale

    @property
    def minute(self) -> float:
        return MINUTE / self.scale


@dataclass
class Limiter:
    limits: Limits = field(default_factory=Limits)
    monotonic: Callable[[], float] = time.monotonic
    _overall: deque[list[float]] = field(default_factory=deque)
    _groups: dict[ChatRef, deque[list[float]]] = field(default_factory=lambda: defaultdict(deque))
    _chat_next: dict[ChatRef, float] = field(default_factory=dict)
    _booked: dict[ChatRef, list[list[float]]] = field(default_factory=dict)  # a chat's last slot, until it is sent

    def reserve(self, chat: ChatRef, longest: float | None = None) -> float:
        """Book the earliest slot for a message to `chat`; returns how many seconds until it.
        The slot is taken at once, so concurrent senders never book the same one; if it is more than
        `longest` away, nothing is booked (the caller hands the message back for later)."""
        now = self.monotonic()
        at = max(now, self._chat_next.get(chat, now))
        at = max(at, _window_opens(self._overall, self.limits.overall_per_second, self.limits.second, at, now))
        if chat.group:
            group = self._groups[chat]
            at = max(at, _window_opens(group, self.limits.group_per_minute, self.limits.minute, at, now))
        if longest is not None and at - now > longest:
            return at - now
        slot = [at]
        entries = [slot]
        if chat.group:
            group_slot = [at]
            self._groups[chat].append(group_slot)
            entries.append(group_slot)
        self._overall.append(slot)
        self._booked[chat] = entries
        self._chat_next[chat] = at + self.limits.second / self.limits.chat_per_second
        return at - now

    def done(self, chat: ChatRef) -> None:
        """Telegram counts a message when it has handled it, not when we sent it: the slot moves to now, so
        a slow answer (tens of milliseconds on a busy machine) cannot squeeze the next window."""
        now = self.monotonic()
        for entry in self._booked.pop(chat, []):
            entry[0] = max(entry[0], now)
        self._chat_next[chat] = max(
            self._chat_next.get(chat, now), now + self.limits.second / self.limits.chat_per_second
        )

    # the sender's interface, which the shared limiter (scheduler/shared_limits.py) also has
    async def book(self, chat: ChatRef, longest: float | None = None) -> float:
        return self.reserve(chat, longest)

    async def sent(self, chat: ChatRef) -> None:
        self.done(chat)

    async def close(self) -> None:
        return None


def _window_opens(sent: deque[list[float]], allowed: float, window: float, at: float, now: float) -> float:
    """The first moment from `at` when fewer than `allowed` sends fall inside the sliding window. Slots move
    when their answer comes (`done`), so they are not kept in order: the window is read sorted."""
    if sent and min(entry[0] for entry in sent) <= now - window:
        kept = [entry for entry in sent if entry[0] > now - window]
        sent.clear()
        sent.extend(kept)
    capacity = max(int(allowed), 1)
    inside = sorted(entry[0] for entry in sent if entry[0] > at - window)
    if len(inside) < capacity:
        return at
    return inside[-capacity] + window
