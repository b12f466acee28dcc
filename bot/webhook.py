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
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote, urlsplit

import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot import hall_screen, logs, shelf
from bot.bootstrap import LoaLang
from bot.inbox import Inbox
from bot.messaging import Channel, WebhookSide

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


def channel_secret(secret: str, channel: str) -> str:
    """Each channel after the first gets its own secret, derived from the shared one: a secret that leaked on one
    messenger opens no other channel's door."""
    return hmac.new(secret.encode(), f"loalang {channel}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Hook:
    """One channel's webhook: its path, its secret, its inbox."""

    channel: Channel
    url: str
    secret: bytes
    inbox: Inbox

    @property
    def side(self) -> WebhookSide:
        return self.channel.webhook

    async def enqueue(self, payload: dict[str, Any]) -> None:
        await self.side.enqueue(self.side.revive(payload))


async def shared_file(kept: shelf.Shelf, token: str) -> Response:
    """A picture or file handed out as a link (bot/shelf.py), or 404 once it has expired: for this server and the
    sandbox's."""
    found = await kept.take(token)
    if found is None:
        return PlainTextResponse("This link has expired. Please ask the bot again.", status_code=404)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(found.filename)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


async def hall_page(app: LoaLang, request: Request) -> Response:
    """The hall screen of the session a staff member's link names (bot/hall_screen.py): for this server and the
    sandbox's."""
    return await hall_screen.page(
        app.db,
        request.path_params["token"],
        app.sender.clock(),
        channels=app.channels,
        default_locale=app.settings.default_locale,
    )


class Webhook:
    """The bot's web server. With `url`, every channel's webhook: the first channel's at the path of `url`, each
    other's at that path followed by its name (…/telegram/zalo, say, or …/zalo when Zalo is alone). Without,
    the channels poll and the server only hands out the pictures and files of bot/shelf.py. Both: the hall screen
    (bot/hall_screen.py), health and readiness."""

    def __init__(self, app: LoaLang, *, url: str | None, secret: str) -> None:
        self.app = app
        self.url = url
        self.accepting = False
        self.hooks: list[Hook] = []
        self._watching: list[asyncio.Task[None]] = []
        logs.hide(secret)
        routes = [Route("/healthz", self._health, methods=["GET"]), Route("/readyz", self._ready, methods=["GET"])]
        if app.shelf is not None:
            routes.append(Route(shelf.ROUTE, self._file, methods=["GET"]))
        routes.append(Route(hall_screen.ROUTE, partial(hall_page, app), methods=["GET"]))
        if url is not None:
            for number, channel in enumerate(app.channels):
                address = url if number == 0 else f"{url.rstrip('/')}/{channel.name}"
                own = secret if number == 0 else channel_secret(secret, channel.name)
                logs.hide(own)
                inbox = Inbox(app.db, app.sender.liveness, app.sender.clock, channel=channel.name)
                hook = Hook(channel, address, own.encode(), inbox)
                self.hooks.append(hook)
                routes.append(Route(urlsplit(address).path or "/", partial(self._update, hook), methods=["POST"]))
        self.asgi = Starlette(routes=routes, lifespan=self._lifespan)

    @property
    def inbox(self) -> Inbox:
        """The first channel's inbox."""
        return self.hooks[0].inbox

    async def _enqueue(self, payload: dict[str, Any]) -> None:
        await self.hooks[0].enqueue(payload)

    @asynccontextmanager
    async def _lifespan(self, _: Starlette) -> AsyncIterator[None]:
        await self.app.start(poll=self.url is None)
        for hook in self.hooks:
            hook.channel.on_handled = hook.inbox.handled
            self._watching.append(asyncio.create_task(hook.inbox.watch(hook.enqueue)))
            await hook.side.register(hook.url, hook.secret.decode())
        self.accepting = True
        for hook in self.hooks:
            log.info("Loa Làng is taking %s updates at %s", hook.channel.name, hook.url)
        try:
            yield
        finally:
            self.accepting = False  # the webhooks stay set: other processes may still serve them
            for task in self._watching:
                task.cancel()
            await asyncio.gather(*self._watching, return_exceptions=True)
            await self.app.stop()

    async def _update(self, hook: Hook, request: Request) -> Response:
        given = request.headers.get(hook.side.header, "").encode()
        if not hmac.compare_digest(given, hook.secret):
            return Response(status_code=403)
        if not self.accepting:
            return Response(status_code=503)
        try:
            body = await request.body()
        except ClientDisconnect:  # the post was cut off; the messenger posts it again
            return Response(status_code=400)
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        parsed = hook.side.parse(body)
        if parsed is None:
            log.warning("a %s webhook post that is not an update was ignored", hook.channel.name)
            return Response(status_code=400)
        try:
            await asyncio.shield(self._accept(hook, *parsed))
        except Exception:  # the database is away: the messenger posts it again later
            log.exception("an update could not be saved; the messenger will post it again")
            return Response(status_code=503)
        return Response(status_code=200)

    async def _accept(self, hook: Hook, update_id: str, payload: dict[str, Any], update: object) -> None:
        """Save, then queue: one step that a dropped connection cannot cut in two (the update would be saved as
        this process's, and so never taken over, yet never handled)."""
        if await hook.inbox.keep(update_id, payload):
            await hook.side.enqueue(update)

    async def _file(self, request: Request) -> Response:
        assert self.app.shelf is not None
        return await shared_file(self.app.shelf, request.path_params["token"])

    async def _health(self, _: Request) -> Response:
        return PlainTextResponse("ok")

    async def _ready(self, _: Request) -> Response:
        if not (self.accepting and all(hook.side.taking for hook in self.hooks)):
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
