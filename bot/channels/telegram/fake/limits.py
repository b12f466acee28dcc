"""Telegram's broadcast limits, so code that floods a chat is caught in tests, not in production.

Sliding windows on real monotonic time (not the test clock: retry_after is waited out for real).
`scale` shortens every window, which multiplies the allowed rates.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable

OVERALL = (30, 1.0)  # messages, per seconds
PER_CHAT = (1, 1.0)
PER_GROUP = (20, 60.0)


class RateLimiter:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._sent: defaultdict[str, deque[float]] = defaultdict(deque)

    def wait(self, chat_id: int, *, group: bool, scale: float) -> int | None:
        """Seconds to wait (Telegram's retry_after) if one more message to `chat_id` is over a limit."""
        now = self.monotonic()
        wait = 0.0
        for key, count, seconds in _rules(chat_id, group):
            window = seconds / scale
            sent = self._sent[key]
            while sent and sent[0] <= now - window:
                sent.popleft()
            if len(sent) >= count:
                wait = max(wait, sent[0] + window - now)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def record(self, chat_id: int, *, group: bool) -> None:
        """Count a message that was sent (refused calls do not use up the budget)."""
        now = self.monotonic()
        for key, *_ in _rules(chat_id, group):
            self._sent[key].append(now)

    def reset(self) -> None:
        self._sent.clear()


def _rules(chat_id: int, group: bool) -> list[tuple[str, int, float]]:
    rules = [("all", *OVERALL), (f"chat:{chat_id}", *PER_CHAT)]
    if group:
        rules.append((f"group:{chat_id}", *PER_GROUP))
    return rules
