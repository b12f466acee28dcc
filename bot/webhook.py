"""Webhook mode: the messenger posts each update to us instead of being polled (`loalang run --webhook URL`).

Several processes may serve one URL behind a proxy, since the database is the truth and any update may land
on any of them. Each post is checked against the secret token the messenger echoes in a header (compared in
constant time), read as an update by the channel, saved to the inbox (bot/inbox.py), answered, and handed to the
channel's update queue, which is worked through in the background: the messenger waits for no reply, and a slow
answer would
hold its next posts back. Saved first, an update outlives a killed process. A stop (SIGTERM, SIGINT)
takes no new connections, lets the queue and the sender's batch finish, then exits.

/healthz says the process is alive; /readyz says it can take updates: it is running and its database
answers. A proxy takes a process that is not ready out of rotation.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot import logs
from bot.bootstrap import LoaLang
from bot.inbox import Inbox

log = logging.getLogger(__name__)
CONCURRENT_UPDATES = 16  # handled at once per process, each chat's in turn (see the channels)


def concurrency(database_url: str) -> int:
    """PostgreSQL runs transactions side by side; SQLite has one writer, and writers kept waiting back off
    in growing sleeps, so there updates go one at a time (measured: bench/checkin_storm.py)."""
    return CONCURRENT_UPDATES if database_url.startswith("postgresql") else 1


MAX_BODY = 1 << 20  # updates are a few kilobytes; a megabyte is plenty


def secret_for(token: str, configured: str | None = None) -> str:
    """The secret every process must agree on: WEBHOOK_SECRET, or one derived from the bot token, so that
    several processes share it with no extra setting. Hex digits: what every messenger accepts."""
    if configured:
        return configured
    return hmac.new(token.encode(), b"loalang webhook", hashlib.sha256).hexdigest()


class Webhook:
    """Serves the primary channel's webhook at the path of `url`."""

    def __init__(self, app: LoaLang, *, url: str, secret: str) -> None:
        self.app = app
        self.side = app.channel.webhook
        self.url = url
        self.secret = secret.encode()
        self.accepting = False
        self.inbox = Inbox(app.db, app.sender.liveness, app.sender.clock, channel=app.channel.name)
        self._watching: asyncio.Task[None] | None = None
        logs.hide(secret)
        path = urlsplit(url).path or "/"
        self.asgi = Starlette(
            routes=[
                Route(path, self._update, methods=["POST"]),
                Route("/healthz", self._health, methods=["GET"]),
                Route("/readyz", self._ready, methods=["GET"]),
            ],
            lifespan=self._lifespan,
        )

    @asynccontextmanager
    async def _lifespan(self, _: Starlette) -> AsyncIterator[None]:
        await self.app.start(poll=False)
        self.app.channel.on_handled = self.inbox.handled
        self._watching = asyncio.create_task(self.inbox.watch(self._enqueue))
        await self.side.register(self.url, self.secret.decode())
        self.accepting = True
        log.info("Loa Làng is taking updates at %s", self.url)
        try:
            yield
        finally:
            self.accepting = False  # the webhook stays set: other processes may still serve it
            if self._watching is not None:
                self._watching.cancel()
                await asyncio.gather(self._watching, return_exceptions=True)
            await self.app.stop()

    async def _update(self, request: Request) -> Response:
        given = request.headers.get(self.side.header, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return Response(status_code=403)
        if not self.accepting:
            return Response(status_code=503)
        try:
            body = await request.body()
        except ClientDisconnect:  # the post was cut off; the messenger posts it again
            return Response(status_code=400)
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        parsed = self.side.parse(body)
        if parsed is None:
            log.warning("a webhook post that is not an update was ignored")
            return Response(status_code=400)
        try:
            await asyncio.shield(self._accept(*parsed))
        except Exception:  # the database is away: the messenger posts it again later
            log.exception("an update could not be saved; the messenger will post it again")
            return Response(status_code=503)
        return Response(status_code=200)

    async def _accept(self, update_id: str, payload: dict[str, Any], update: object) -> None:
        """Save, then queue: one step that a dropped connection cannot cut in two (the update would be saved as
        this process's, and so never taken over, yet never handled)."""
        if await self.inbox.keep(update_id, payload):
            await self.side.enqueue(update)

    async def _enqueue(self, payload: dict[str, Any]) -> None:
        await self.side.enqueue(self.side.revive(payload))

    async def _health(self, _: Request) -> Response:
        return PlainTextResponse("ok")

    async def _ready(self, _: Request) -> Response:
        if not (self.accepting and self.side.taking):
            return PlainTextResponse("stopping", status_code=503)
        try:
            async with self.app.db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return PlainTextResponse("database unreachable", status_code=503)
        return PlainTextResponse("ready")

    def server(self, host: str = "127.0.0.1", port: int = 8443) -> uvicorn.Server:
        """Serves until SIGINT or SIGTERM (or `should_exit`): it stops taking connections, lets the requests
        under way finish, and then the lifespan drains the queue and the sender."""
        config = uvicorn.Config(self.asgi, host=host, port=port, log_config=None, access_log=False, lifespan="on")
        return uvicorn.Server(config)
