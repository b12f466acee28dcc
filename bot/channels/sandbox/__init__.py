"""`loalang sandbox`: the whole bot in a browser, with no Telegram or Zalo account and no internet.

One process, on 127.0.0.1 only, runs: the in-repo fakes of the Telegram and Zalo Bot APIs, the real bot
against both over HTTP (SQLite under the sandbox folder), the bot's web server for the pictures Zalo fetches,
and a messenger-like page that plays the cast through the fakes' JSON control APIs. The messengers' side
(people, chats, histories, files) is saved beside the database, so a restart carries on where it stopped;
`--fresh` starts over with an empty center.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import signal
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from bot import hall_screen, webhook
from bot.bootstrap import LoaLang, bootstrap
from bot.channels.fake_http import serve_app
from bot.channels.sandbox.clock import SandboxClock
from bot.channels.sandbox.demo import Cast, stage
from bot.channels.sandbox.page import JsonPostsOnly, Page
from bot.channels.telegram.fake import FakeTelegram, snapshot
from bot.channels.zalo.fake import FakeZalo
from bot.channels.zalo.fake import snapshot as zalo_snapshot
from bot.config import Settings

log = logging.getLogger(__name__)
SAVE_EVERY = 0.5  # seconds: Telegram's side is saved this soon after it changes, and at the end
BOT_ID = 123456
ZALO_BOT_ID = "2904758113466138745"


async def run(
    settings: Settings,
    *,
    folder: Path,
    fresh: bool,
    host: str = "127.0.0.1",
    port: int = 8080,
    ready: Callable[[str], None] = print,
    stop: asyncio.Event | None = None,
) -> int:
    """Serve until `stop` is set (by default: until SIGINT or SIGTERM); `ready` is told the page's
    address once the cast is in place."""
    telegram_side, zalo_side, database = folder / "telegram", folder / "zalo", folder / "loalang.db"
    clock = SandboxClock()
    token = await asyncio.to_thread(_prepare, folder, fresh)
    fake = FakeTelegram(token=token, clock=clock)
    zalo = FakeZalo(token=f"{ZALO_BOT_ID}:{token.split(':', 1)[1]}", clock=clock)
    zalo.longest_poll = 1.0  # its long polls end by themselves within a second of a stop
    saved = await asyncio.to_thread(snapshot.load, fake, telegram_side)
    cast = None
    if saved is not None and await asyncio.to_thread(zalo_snapshot.load, zalo, zalo_side):
        clock.offset = timedelta(seconds=float(saved["offset_seconds"]))
        cast = Cast.from_json(saved["cast"])
    page = Page(fake, clock, settings.timezone, settings.default_locale, zalo=zalo)
    web = Starlette(  # a web page elsewhere must not reach it through a rebound host name
        routes=[*page.routes(), _hall_screen(page), Mount("/zalo", app=zalo.app), Mount("/", app=fake.app)],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"]),
            Middleware(JsonPostsOnly),
        ],
    )

    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # Ctrl-C, a kill, a closed terminal
            with contextlib.suppress(NotImplementedError):  # Windows: Ctrl-C still raises KeyboardInterrupt
                loop.add_signal_handler(sig, stop.set)
    async with serve_app(web, host, port) as root:
        app = bootstrap(
            Settings(
                bot_token=fake.token,
                bot_api_base_url=f"{root}/bot",
                zalo_bot_token=zalo.token,
                zalo_api_base_url=f"{root}/zalo/bot",
                public_base_url=root,  # the fake Zalo fetches pictures from the page's server
                database_url=f"sqlite+aiosqlite:///{database}",
                timezone=settings.timezone,
                default_locale=settings.default_locale,
                _env_file=None,  # type: ignore[call-arg]
            ),
            clock=clock,
        )
        await app.start()
        try:
            if cast is None:
                cast = await stage(app, fake, clock, demo=not fresh, zalo=zalo)
            page.app, page.cast = app, cast
            _save(fake, zalo, clock, cast, folder)
            ready(f"{root}/")
            seen = fake.last_update_id
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), SAVE_EVERY)
                if fake.calls or zalo.calls or fake.last_update_id != seen:  # a kill loses half a second at most
                    seen = fake.last_update_id
                    fake.calls.clear()  # the records tests read; here they would only grow
                    zalo.calls.clear()
                    _save(fake, zalo, clock, cast, folder)
        finally:
            await _stop(app)
            if cast is not None:
                _save(fake, zalo, clock, cast, folder)
    return 0


def _hall_screen(page: Page) -> Route:
    """The hall screen, as the bot's web server serves it (bot/hall_screen.py), once the bot has started."""

    async def serve(request: Request) -> Response:
        if page.app is None:
            return PlainTextResponse("The sandbox is starting; reload in a moment.", status_code=503)
        return await webhook.hall_page(page.app, request)

    return Route(hall_screen.ROUTE, serve, methods=["GET"])


def _prepare(folder: Path, fresh: bool) -> str:
    """Clear what --fresh asks to (only the sandbox's own files), and return the fake's token, kept per
    folder so that only this sandbox's bot knows it. A database without its Telegram side, or the other
    way round, starts over."""
    telegram_side, zalo_side, database = folder / "telegram", folder / "zalo", folder / "loalang.db"
    if fresh or not database.exists() or not (telegram_side / "world.json").exists():
        shutil.rmtree(telegram_side, ignore_errors=True)
        shutil.rmtree(zalo_side, ignore_errors=True)
        for leftover in (database, folder / "loalang.db-wal", folder / "loalang.db-shm", folder / "token"):
            leftover.unlink(missing_ok=True)
    telegram_side.mkdir(parents=True, exist_ok=True)
    kept = folder / "token"
    if not kept.exists():
        kept.write_text(f"{BOT_ID}:{secrets.token_urlsafe(32)}")
        kept.chmod(0o600)
    return kept.read_text().strip()


async def _stop(app: LoaLang) -> None:
    try:
        await app.stop()
    except Exception:  # the page and Telegram's side are still saved
        log.exception("the bot did not stop cleanly")


def _save(fake: FakeTelegram, zalo: FakeZalo, clock: SandboxClock, cast: Cast, folder: Path) -> None:
    zalo_snapshot.save(zalo, folder / "zalo")  # first: Telegram's side marks a whole save
    extra = {"offset_seconds": clock.offset.total_seconds(), "cast": cast.to_json()}
    snapshot.save(fake, folder / "telegram", extra=extra)
