"""Telegram's side of a webhook: every pending update is posted to the URL given to setWebhook, with the
secret token in its header, up to `max_connections` at a time; anything but a 2xx answer (or no answer)
keeps the update, and it is posted again shortly, as Telegram does.

The URL is public HTTPS; in front of the bot sits a proxy that ends TLS and hands each request to one of
the bot's processes. `upstreams` plays that proxy: the local addresses of the processes, taken in turn,
skipping one that refuses the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from bot.channels.telegram.fake.fake import FakeTelegram

HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER = 0.2  # seconds; Telegram waits longer, which only makes tests slower


class WebhookPusher:
    def __init__(self, fake: FakeTelegram, upstreams: list[str]) -> None:
        self.fake = fake
        self.upstreams = list(upstreams)
        self.delivered = 0
        self.refused = 0
        self._turn = itertools.cycle(range(len(self.upstreams)))
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._resting: set[int] = set()
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=2.0))

    async def run(self) -> None:
        while True:
            hook = self.fake.webhook
            limit = int(hook.get("max_connections", 40) or 40)
            ready = [
                u
                for u in self.fake.take_updates(None, 100)
                if u["update_id"] not in self._in_flight and u["update_id"] not in self._resting
            ]
            if not hook.get("url") or not ready or len(self._in_flight) >= limit:
                await self.fake.changed(1.0)
                continue
            for update in ready[: limit - len(self._in_flight)]:
                self._in_flight[update["update_id"]] = asyncio.create_task(self._post(update))

    async def _post(self, update: dict) -> None:
        update_id = update["update_id"]
        hook = self.fake.webhook
        headers = {HEADER: hook["secret_token"]} if hook.get("secret_token") else {}
        path = urlsplit(hook["url"]).path or "/"
        answered = False
        try:
            for _ in self.upstreams:
                upstream = self.upstreams[next(self._turn)]
                try:
                    response = await self._client.post(upstream + path, json=update, headers=headers)
                except httpx.ConnectError:
                    continue  # that process is down: the proxy tries the next one
                except httpx.HTTPError:
                    break
                answered = response.is_success
                break
            if answered:
                self.fake.confirm_update(update_id)
                self.delivered += 1
            else:
                self.refused += 1
                self._resting.add(update_id)
                await asyncio.sleep(RETRY_AFTER)
                self._resting.discard(update_id)
        finally:
            self._in_flight.pop(update_id, None)
            self.fake.wake()

    async def close(self) -> None:
        for task in list(self._in_flight.values()):
            task.cancel()
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
        await self._client.aclose()


@contextlib.asynccontextmanager
async def pushing(fake: FakeTelegram, upstreams: list[str]) -> AsyncIterator[WebhookPusher]:
    pusher = WebhookPusher(fake, upstreams)
    task = asyncio.create_task(pusher.run())
    try:
        yield pusher
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await pusher.close()
