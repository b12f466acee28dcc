"""The one place that wires settings, database, channels, dispatcher and journeys together.

Tests call it with a fake clock and the in-process transport of the fake Bot API; production
calls it with nothing but settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from bot import channels as messengers
from bot.config import SUPPORTED_LOCALES, ConfigError, Settings
from bot.database import Database
from bot.dispatcher import Dispatcher
from bot.messaging import Channel, ChatRef, Messenger
from bot.services import conversations
from bot.shelf import Shelf
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
    channels: list[Channel]  # the messengers this process serves; the first is the primary one
    dispatcher: Dispatcher
    sender: Sender
    wakeup: Wakeup
    shelf: Shelf | None = None  # pictures and files as links, served by bot/web.py

    @property
    def channel(self) -> Channel:
        return self.channels[0]

    async def start(self, *, migrate: bool = True, poll: bool = True) -> None:
        if migrate:
            await self.db.upgrade()
        for channel in self.channels:
            await channel.start(poll=poll)
            if channel.capabilities.chat_menus:
                for menu in self.dispatcher.default_menus(SUPPORTED_LOCALES):
                    await channel.set_menu(menu)
        await self.wakeup.start()

    async def stop(self) -> None:
        """Updates received are handled first (their messages may still go out), then the sender's batch
        finishes, and only then are the connections to the messengers closed."""
        for channel in self.channels:
            await channel.drain()
        await self.wakeup.stop()
        for channel in self.channels:
            await channel.stop()
        await self.db.dispose()


def _limiter(settings: Settings, channel: Channel, limits: Limits) -> Limiter | SharedLimiter:
    """Shared through Redis when REDIS_URL is set (redis is loaded only then); this process's own otherwise. The
    channel's key names its bot on its messenger, so all processes of that bot share its slots. A channel may
    bring its own limits (Zalo's guess); `limits` then only lends its scale."""
    own: Limits | None = getattr(channel, "limits", None)
    if own is not None:
        limits = replace(own, scale=own.scale * limits.scale)
    if not settings.redis_url:
        return Limiter(limits)
    from scheduler.shared_limits import SharedLimiter

    return SharedLimiter(settings.redis_url, prefix=f"loalang:limits:{channel.limits_key}", limits=limits)


def bootstrap(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
    transport: httpx.AsyncBaseTransport | None = None,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    db: Database | None = None,
    limits: Limits | None = None,
    concurrent_updates: int = 1,
    more_channels: tuple[Messenger, ...] = (),
) -> LoaLang:
    """`transport` is Telegram's (tests give the fake's), `transports` any channel's by name. `more_channels`:
    messengers beside those the settings set up, served from the same database (tests add one that has nothing
    but text, to show the core needs nothing of Telegram's)."""
    db = db or Database(settings.database_url)
    shelf = Shelf(db, settings.public_base_url, clock) if settings.public_base_url else None
    served = messengers.configured(
        settings,
        transports={"telegram": transport, **(transports or {})} if transport else transports,
        shelf=shelf,
        concurrent_updates=concurrent_updates,
    )
    if not served:
        raise ConfigError("Configuration error: BOT_TOKEN or ZALO_BOT_TOKEN: neither is set")
    limits = limits or Limits().scaled(settings.send_rate_scale)
    channels: dict[str, Messenger] = {c.name: c for c in (*served, *more_channels)}
    dispatcher = Dispatcher(db=db, settings=settings, registry=build_registry(), channels=channels, clock=clock)
    for channel in served:
        channel.dispatcher = dispatcher
    sender = Sender(
        db=db,
        channels=channels,
        clock=clock,
        default_locale=settings.default_locale,
        public_base_url=settings.public_base_url,
        limiters={
            **{c.name: _limiter(settings, c, limits) for c in served},
            **{extra.name: Limiter(limits) for extra in more_channels},
        },
    )
    wakeup = Wakeup(db=db, sender=sender, clock=clock)
    dispatcher.on_outbox_change = wakeup.poke
    dispatcher.on_tagged_send = functools.partial(_remember_sent, db)
    return LoaLang(
        settings=settings, db=db, channels=served, dispatcher=dispatcher, sender=sender, wakeup=wakeup, shelf=shelf
    )


async def _remember_sent(db: Database, tag: str, chat: ChatRef, message_id: str) -> None:
    """A tagged message was sent: a check-in screen to edit each minute, or a journey's question."""
    await checkin_codes.remember(db, tag, chat, message_id)
    await conversations.asked(db, tag, chat, message_id)
