"""The one place that wires settings, database, channel, dispatcher and journeys together.

Tests call it with a fake clock and the in-process transport of the fake Bot API; production
calls it with nothing but settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from bot import logs
from bot.channels.telegram import TelegramChannel
from bot.config import SUPPORTED_LOCALES, ConfigError, Settings
from bot.database import Database
from bot.dispatcher import Dispatcher
from bot.messaging import Messenger
from handlers import build_registry
from scheduler import checkin_codes
from scheduler.limits import Limiter, Limits
from scheduler.sender import Sender
from scheduler.wakeup import Wakeup

if TYPE_CHECKING:
    from scheduler.shared_limits import SharedLimiter


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class LoaLang:
    settings: Settings
    db: Database
    channel: TelegramChannel
    dispatcher: Dispatcher
    sender: Sender
    wakeup: Wakeup

    async def start(self, *, migrate: bool = True, poll: bool = True) -> None:
        if migrate:
            await self.db.upgrade()
        await self.channel.start(poll=poll)
        for menu in self.dispatcher.default_menus(SUPPORTED_LOCALES):
            await self.channel.set_menu(menu)
        await self.wakeup.start()

    async def stop(self) -> None:
        """Updates received are handled first (their messages may still go out), then the sender's batch
        finishes, and only then is the connection to Telegram closed."""
        await self.channel.drain()
        await self.wakeup.stop()
        await self.channel.stop()
        await self.db.dispose()


def _limiter(settings: Settings, token: str, limits: Limits) -> Limiter | SharedLimiter:
    """Shared through Redis when REDIS_URL is set (redis is loaded only then); this process's own otherwise."""
    if not settings.redis_url:
        return Limiter(limits)
    from scheduler.shared_limits import SharedLimiter

    return SharedLimiter(settings.redis_url, prefix=f"loalang:limits:{token.split(':')[0]}", limits=limits)


def bootstrap(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
    transport: httpx.AsyncBaseTransport | None = None,
    db: Database | None = None,
    limits: Limits | None = None,
    concurrent_updates: int = 1,
    more_channels: tuple[Messenger, ...] = (),
) -> LoaLang:
    """`more_channels`: channels beside Telegram, served from the same database (tests add one that has
    nothing but text, to show the core needs nothing of Telegram's)."""
    if settings.bot_token is None:
        raise ConfigError("Configuration error: BOT_TOKEN: not set")
    token = settings.bot_token.get_secret_value()
    limits = limits or Limits().scaled(settings.send_rate_scale)
    logs.hide(token)
    db = db or Database(settings.database_url)
    channel = TelegramChannel(
        token, settings.bot_api_base_url, transport=transport, concurrent_updates=concurrent_updates
    )
    channels: dict[str, Messenger] = {channel.name: channel, **{extra.name: extra for extra in more_channels}}
    dispatcher = Dispatcher(db=db, settings=settings, registry=build_registry(), channels=channels, clock=clock)
    channel.dispatcher = dispatcher
    sender = Sender(
        db=db,
        channels=channels,
        clock=clock,
        default_locale=settings.default_locale,
        limiters={
            channel.name: _limiter(settings, token, limits),
            **{extra.name: Limiter(limits) for extra in more_channels},
        },
    )
    wakeup = Wakeup(db=db, sender=sender, clock=clock)
    dispatcher.on_outbox_change = wakeup.poke
    dispatcher.on_tagged_send = functools.partial(checkin_codes.remember, db)
    return LoaLang(settings=settings, db=db, channel=channel, dispatcher=dispatcher, sender=sender, wakeup=wakeup)
