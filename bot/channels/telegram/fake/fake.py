"""FakeTelegram: the world, the Bot API in front of it, and the knobs tests turn."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels.fake_http import Reachable
from bot.channels.telegram.fake.faults import Fault, FaultBook
from bot.channels.telegram.fake.limits import RateLimiter
from bot.channels.telegram.fake.server import ApiCall, build_app
from bot.channels.telegram.fake.webhook import WebhookPusher, pushing
from bot.channels.telegram.fake.world import World

DEFAULT_TOKEN = "123456:AAH-fake-token-for-tests-0123456789"


class FakeTelegram(World, Reachable):
    """An in-repo Telegram Bot API: the real python-telegram-bot talks to it over HTTP, unchanged."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "loalang_bot",
        bot_first_name: str = "Loa Làng",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(token=token, bot_username=bot_username, bot_first_name=bot_first_name, clock=clock)
        self.base_url = "http://fake-telegram/bot"
        self.base_file_url = "http://fake-telegram/file/bot"
        self.calls: list[ApiCall] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {}
        self.enforce_limits = False
        self.limit_scale = 1.0
        self.faults = FaultBook()
        self.limiter = RateLimiter()
        self.poll_generation = 0
        self.app = build_app(self)

    @property
    def webhook_url(self) -> str:
        return str(self.webhook.get("url", ""))

    def push_webhook(self, upstreams: list[str]) -> contextlib.AbstractAsyncContextManager[WebhookPusher]:
        """While open, updates are posted to the webhook, through a proxy that hands each to one of
        `upstreams` ("http://127.0.0.1:port") in turn."""
        return pushing(self, upstreams)

    # --- observing ---

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Poll until `predicate()` holds; fail with what was waited for and the last calls seen."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                recent = "\n  ".join(f"{call.method} {call.status} {call.params}" for call in self.calls[-8:]) or "none"
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {_describe(predicate)}\n"
                    f"pending updates: {len(self.pending_updates)}; last Bot API calls:\n  {recent}"
                )
            await asyncio.sleep(0.002)

    # --- faults ---

    def inject(self, method: str, fault: Fault, *, chat_id: int | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` ("sendMessage", "send_message" or "*"), to `chat_id` if given,
        fail with `fault`."""
        self.faults.add(method, fault, chat_id, times)


def _describe(predicate: Callable[[], bool]) -> str:
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)
