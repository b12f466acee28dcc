"""Zalo, and the only place that knows it: the channel on the Zalo Bot Platform (a small httpx client, since no
maintained SDK exists), its side of webhook mode, and its fake for tests and the sandbox."""

from __future__ import annotations

import httpx

from bot import logs
from bot.channels.zalo.channel import NAME, ZaloChannel
from bot.config import Settings
from bot.shelf import Shelf
from scheduler.limits import Limits

API = "https://bot-api.zaloplatforms.com/bot"  # ZALO_API_BASE_URL, when it is not set

__all__ = ["API", "NAME", "ZaloChannel", "configured", "link"]


def configured(
    settings: Settings,
    *,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    shelf: Shelf | None = None,
    concurrent_updates: int = 1,
    **_: object,
) -> ZaloChannel | None:
    """The channel when ZALO_BOT_TOKEN is set."""
    if settings.zalo_bot_token is None:
        return None
    token = settings.zalo_bot_token.get_secret_value()
    logs.hide(token)
    channel = ZaloChannel(
        token,
        settings.zalo_api_base_url or API,
        transport=(transports or {}).get(NAME),
        shelf=shelf,
        concurrent_updates=concurrent_updates,
    )
    channel.limits = Limits(overall_per_second=settings.zalo_send_per_second, chat_per_second=1.0)
    return channel


async def link(settings: Settings, payload: str) -> str | None:
    """Zalo has no link that opens the bot on a payload."""
    return None
