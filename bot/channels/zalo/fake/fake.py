"""FakeZalo: the world, the Bot API in front of it, and the knobs tests turn."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import httpx

from bot.channels.fake_http import Reachable
from bot.channels.zalo.fake.server import ZaloCall, ZaloFault, build_app, fetch_picture
from bot.channels.zalo.fake.world import ZaloWorld

DEFAULT_TOKEN = "2904758113466138745:fAkEzAlOtOkEnFoRtEsTs0123"


class FakeZalo(ZaloWorld, Reachable):
    """An in-repo Zalo Bot API: the bot's own client talks to it over HTTP, as to Zalo.

    `fetch_transport` is how it fetches a photo's URL (tests give the bot's web server in-process); without
    one it fetches over the network, as Zalo does."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        account_name: str = "Loa Làng",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(clock)
        self.token = token
        self.bot_id = token.split(":", 1)[0]
        self.account_name = account_name
        self.base_url = "http://fake-zalo/bot"
        self.calls: list[ZaloCall] = []
        self.webhook: dict[str, Any] = {}
        self.fetch_transport: httpx.AsyncBaseTransport | None = None
        self.per_second: float | None = None  # when set, sends beyond it in any second answer 429
        # A long poll answers 408 after this many seconds at most. Behind middleware that hides a client's leaving
        # (the sandbox's), a short one lets the server stop at once.
        self.longest_poll = 30.0
        self._faults: list[tuple[str, ZaloFault, str | None, list[int]]] = []
        self._sent_at: list[float] = []
        self._arrived = asyncio.Event()
        self.app = build_app(self)

    def on_update(self) -> None:
        self._arrived.set()

    async def next_update(
        self, wait: float, gone: Callable[[], Awaitable[bool]] | None = None
    ) -> dict[str, Any] | None:
        """Take the oldest update, waiting up to `wait` seconds for one, or until `gone()` says the client left."""
        deadline = time.monotonic() + wait
        while not self.pending:
            self._arrived.clear()
            left = deadline - time.monotonic()
            if left <= 0 or (gone is not None and await gone()):
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), min(left, 0.25))
        self.taken += 1
        return self.pending.popleft()

    def take_posted(self) -> dict[str, Any] | None:
        """For a test playing Zalo's webhook: the oldest update, taken as a post takes it."""
        if not self.pending:
            return None
        self.taken += 1
        return self.pending.popleft()

    async def fetch(self, url: str) -> bytes | None:
        async with httpx.AsyncClient(transport=self.fetch_transport, timeout=10) as client:
            return await fetch_picture(client, url)

    # --- observing ---

    def calls_to(self, method: str) -> list[ZaloCall]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                recent = "\n  ".join(f"{c.method} {c.code} {c.params}" for c in self.calls[-8:]) or "none"
                raise AssertionError(f"timed out after {timeout}s; last Zalo calls:\n  {recent}")
            await asyncio.sleep(0.002)

    # --- faults and limits ---

    def inject(self, method: str, fault: ZaloFault, *, chat_id: str | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` ("*" for any), to `chat_id` if given, fail with `fault`."""
        self._faults.append((method, fault, chat_id, [times]))

    def take_fault(self, method: str, chat_id: object) -> ZaloFault | None:
        for armed in self._faults:
            wanted, fault, chat, left = armed
            if wanted not in ("*", method) or (chat is not None and chat != chat_id):
                continue
            left[0] -= 1
            if left[0] == 0:
                self._faults.remove(armed)
            return fault
        return None

    def over_limit(self) -> bool:
        if self.per_second is None:
            return False
        now = time.monotonic()
        self._sent_at = [at for at in self._sent_at if at > now - 1.0]
        if len(self._sent_at) >= self.per_second:
            return True
        self._sent_at.append(now)
        return False
