"""The harness in webhook mode: one or more bot processes, each a real uvicorn server on loopback, with
the fake Telegram posting every update through a proxy that hands it to them in turn. In-process, so a
test can look inside; tests/e2e/test_crash.py and bench/ run real separate processes."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import uvicorn

from bot.bootstrap import LoaLang, bootstrap
from bot.channels.telegram.fake import FakeTelegram
from bot.channels.telegram.fake.webhook import WebhookPusher
from bot.config import Settings
from bot.webhook import Webhook, concurrency, secret_for
from tests.conftest import Bot, Clock

URL = "https://loalang.example.org/telegram"


class Process:
    def __init__(self, app: LoaLang, secret: str) -> None:
        self.app = app
        self.hook = Webhook(app, url=URL, secret=secret)
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.address = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server: uvicorn.Server = self.hook.server()
        self.serving: asyncio.Task[None] | None = None

    async def start(self, fake: FakeTelegram) -> None:
        self.serving = asyncio.create_task(self.server.serve(sockets=[self.socket]))
        await fake.wait_for(lambda: self.server.started, timeout=20)

    async def stop(self) -> None:
        """As on SIGTERM: no new connections, then the accepted updates and the sender's batch finish."""
        self.server.should_exit = True
        if self.serving is not None:
            await self.serving


class WebhookBot(Bot):
    def __init__(self, settings: Settings, fake: FakeTelegram, clock: Clock, *, processes: int = 1) -> None:
        super().__init__(settings, fake, clock)
        self.count = processes
        self.processes: list[Process] = []
        self.secret = secret_for(fake.token)
        self._pushing: contextlib.AbstractAsyncContextManager[WebhookPusher] | None = None
        self.pusher: WebhookPusher

    async def start(self) -> None:
        for _ in range(self.count):
            app = bootstrap(
                self.settings,
                clock=self.clock,
                transport=self.fake.transport(),
                limits=self.limits,
                concurrent_updates=concurrency(self.settings.database_url),  # as `loalang run --webhook`
            )
            process = Process(app, self.secret)
            await process.start(self.fake)
            self.processes.append(process)
        self.app = self.processes[0].app
        self._pushing = self.fake.push_webhook([p.address for p in self.processes])
        self.pusher = await self._pushing.__aenter__()

    async def stop(self) -> None:
        for process in self.processes:
            await process.stop()
        if self._pushing is not None:
            await self._pushing.__aexit__(None, None, None)
        self.processes, self._pushing, self.app = [], None, None

    async def settle(self) -> None:
        """Every update posted and finished with, by whichever process took it."""
        await self.fake.wait_for(
            lambda: (
                not self.fake.pending_updates
                and sum(p.app.channel.handled for p in self.processes) == self.pusher.delivered
            )
        )
