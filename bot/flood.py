"""Per-person flood control: someone who sends more than `limit` private messages or presses in a minute is
told once, politely, and what they send after that is ignored until the minute has room again. Group chatter
is not counted (and nothing is said in a group). A desk helper scanning tickets sends two updates a person, so
the default (60) lets them check in thirty people a minute. It runs before any database work, so a flood
costs almost nothing. Real time, not the bot's clock: a flood is about how fast a phone sends."""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable

WINDOW = 60.0  # seconds


class Verdict(enum.Enum):
    OK = "ok"
    WARN = "warn"  # the first one over the limit: say why nothing happens
    DROP = "drop"


class FloodGuard:
    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._warned: set[tuple[str, str]] = set()
        self._checks = 0

    def check(self, user_id: tuple[str, str]) -> Verdict:
        """`user_id`: the channel's name and its id for the person."""
        now = self.clock()
        recent = self._seen.setdefault(user_id, deque())
        while recent and recent[0] <= now - WINDOW:
            recent.popleft()
        self._tidy(now)
        if len(recent) < self.limit:
            recent.append(now)
            self._warned.discard(user_id)
            return Verdict.OK
        if user_id in self._warned:
            return Verdict.DROP
        self._warned.add(user_id)
        return Verdict.WARN

    def _tidy(self, now: float) -> None:
        """Forget people who have been quiet for a minute, now and then, so memory stays small."""
        self._checks += 1
        if self._checks % 1000:
            return
        for user_id in [u for u, times in self._seen.items() if not times or times[-1] <= now - WINDOW]:
            del self._seen[user_id]
            self._warned.discard(user_id)
