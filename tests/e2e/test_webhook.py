"""Webhook mode: Telegram posts updates to `loalang run --webhook URL`; the secret header is checked, the
answer is immediate, health and readiness are served, and a stop finishes what was accepted."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.bootstrap import bootstrap
from bot.channels.fake_telegram import FakeTelegram
from bot.config import Settings
from bot.webhook import HEADER, Webhook, secret_for
from tests.conftest import Bot, Clock
from tests.journeys import onboard

URL = "https://loalang.example.org/telegram"


class WebhookBot(Bot):
    """The harness, with Telegram posting to a real uvicorn server on loopback instead of being polled."""

    async def start(self) -> None:
        self.app = bootstrap(self.settings, clock=self.clock, transport=self.fake.transport(), limits=self.limits)
        self.secret = secret_for(self.settings.bot_token.get_secret_value())  # type: ignore[union-attr]
        self.hook = Webhook(self.app, url=URL, secret=self.secret)
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.address = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = self.hook.server()
        self.serving = asyncio.create_task(self.server.serve(sockets=[self.socket]))
        await self.fake.wait_for(lambda: self.server.started, timeout=20)
        self.pushing = self.fake.push_webhook([self.address])
        self.pusher = await self.pushing.__aenter__()

    async def stop(self) -> None:
        if self.app is None:
            return
        self.server.should_exit = True
        await self.serving
        await self.pushing.__aexit__(None, None, None)
        self.app = None


@pytest.fixture
async def hooked(settings: Settings, fake: FakeTelegram, clock: Clock) -> AsyncIterator[WebhookBot]:
    harness = WebhookBot(settings, fake, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def test_telegram_posts_updates_and_the_bot_answers_them(hooked: WebhookBot, fake: FakeTelegram) -> None:
    assert fake.webhook["url"] == URL and fake.webhook["secret_token"] == hooked.secret
    await hooked.create_center()
    lan = fake.add_user("Lan")
    await onboard(hooked, lan)
    assert lan.private_chat.bot_messages[-1].text is not None
    assert hooked.pusher.delivered >= 5 and hooked.pusher.refused == 0
    async with httpx.AsyncClient(base_url=hooked.address) as client:
        assert (await client.get("/healthz")).text == "ok"
        assert (await client.get("/readyz")).text == "ready"


async def test_a_post_without_the_secret_is_refused_and_changes_nothing(hooked: WebhookBot, fake: FakeTelegram) -> None:
    forged = {
        "update_id": 9999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "M"},
            "text": "/start",
        },
    }
    async with httpx.AsyncClient(base_url=hooked.address) as client:
        assert (await client.post("/telegram", json=forged)).status_code == 403
        assert (await client.post("/telegram", json=forged, headers={HEADER: "x" * 64})).status_code == 403
        assert (await client.post("/telegram", content=b"{", headers={HEADER: hooked.secret})).status_code == 400
    assert hooked.app is not None and hooked.app.channel.last_update_id == 0
    assert fake.calls_to("sendMessage") == []


async def test_stopping_finishes_every_update_already_accepted(hooked: WebhookBot, fake: FakeTelegram) -> None:
    people = [fake.add_user(f"Người {n}") for n in range(40)]
    for person in people:
        person.send("/start")
    await fake.wait_for(lambda: hooked.pusher.delivered == 40, timeout=30)  # all accepted, most not yet handled
    await hooked.stop()
    assert all(len(person.private_chat.bot_messages) == 1 for person in people)


async def test_neither_the_token_nor_the_secret_is_ever_logged(
    hooked: WebhookBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await hooked.stop()
    await hooked.start()  # again, so that setWebhook is logged too
    await hooked.create_center()
    lan = fake.add_user("Lan")
    await onboard(hooked, lan)
    async with httpx.AsyncClient(base_url=hooked.address) as client:
        await client.post("/telegram", content=b"[]", headers={HEADER: hooked.secret})  # logged as not an update
    await hooked.stop()
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "setWebhook" in logged and "not an update" in logged  # the calls that carry them were logged
    assert fake.token not in logged and fake.token.split(":")[1] not in logged
    assert hooked.secret not in logged
