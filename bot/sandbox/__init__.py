"""`loalang sandbox`: the whole bot in a browser, with no Telegram account and no internet.

One process, on 127.0.0.1 only, runs three things: the in-repo fake of the Telegram Bot API, the
real bot against it over HTTP (SQLite under the sandbox folder), and a messenger-like page that
plays the cast through the fake's JSON control API. Telegram's side (people, chats, histories,
files) is saved beside the database, so a restart carries on where it stopped; `--fresh` starts
over with an empty center.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import signal
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount

from bot.bootstrap import LoaLang, bootstrap
from bot.channels.fake_telegram import FakeTelegram, snapshot
from bot.channels.fake_telegram.fake import serve_app
from bot.config import Settings
from bot.sandbox.clock import SandboxClock
from bot.sandbox.demo import Cast, stage
from bot.sandbox.page import Page

log = logging.getLogger(__name__)
SAVE_EVERY = 10.0  # seconds: Telegram's side is saved this often, and at the end


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
    telegram_side, database = folder / "telegram", folder / "loalang.db"
    clock = SandboxClock()
    fake = FakeTelegram(clock=clock)
    saved = await asyncio.to_thread(_prepare, folder, fake, fresh)
    cast = None
    if saved is not None:
        clock.offset = timedelta(seconds=float(saved["offset_seconds"]))
        cast = Cast.from_json(saved["cast"])
    page = Page(fake, clock, settings.timezone, settings.default_locale)
    web = Starlette(routes=[*page.routes(), Mount("/", app=fake.app)])

    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    async with serve_app(web, host, port) as root:
        app = bootstrap(
            Settings(
                bot_token=fake.token,
                bot_api_base_url=f"{root}/bot",
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
                cast = await stage(app, fake, clock, demo=not fresh)
            page.app, page.cast = app, cast
            _save(fake, clock, cast, telegram_side)
            ready(f"{root}/")
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), SAVE_EVERY)
                _save(fake, clock, cast, telegram_side)
        finally:
            await _stop(app)
            if cast is not None:
                _save(fake, clock, cast, telegram_side)
    return 0


def _prepare(folder: Path, fake: FakeTelegram, fresh: bool) -> dict[str, object] | None:
    """Load Telegram's side; without it (or with --fresh) the database starts over too, and the other way round."""
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if not (folder / "loalang.db").exists():
        shutil.rmtree(folder / "telegram", ignore_errors=True)  # people and chats the bot would not know
    (folder / "telegram").mkdir(parents=True, exist_ok=True)
    saved = snapshot.load(fake, folder / "telegram")
    if saved is None:
        (folder / "loalang.db").unlink(missing_ok=True)  # a database whose people and chats are gone
    return saved


async def _stop(app: LoaLang) -> None:
    try:
        await app.stop()
    except Exception:  # the page and Telegram's side are still saved
        log.exception("the bot did not stop cleanly")


def _save(fake: FakeTelegram, clock: SandboxClock, cast: Cast, folder: Path) -> None:
    snapshot.save(fake, folder, extra={"offset_seconds": clock.offset.total_seconds(), "cast": cast.to_json()})
