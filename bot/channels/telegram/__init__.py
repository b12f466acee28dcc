"""Telegram, and the only place that knows it: the channel (python-telegram-bot on one side, the messaging port
on the other, with Telegram's ids, its rule that a group's id is negative and its command menus), its side of
webhook mode, and the links that open the bot."""

from __future__ import annotations

import httpx

from bot import logs
from bot.channels.telegram.channel import NAME, TelegramChannel, chat_ref, file_url
from bot.config import Settings

API = "https://api.telegram.org/bot"  # BOT_API_BASE_URL, when it is not set

__all__ = ["API", "NAME", "TelegramChannel", "chat_ref", "configured", "link"]


def configured(
    settings: Settings,
    *,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    concurrent_updates: int = 1,
    **_: object,
) -> TelegramChannel | None:
    """The channel when BOT_TOKEN is set."""
    if settings.bot_token is None:
        return None
    token = settings.bot_token.get_secret_value()
    logs.hide(token)
    return TelegramChannel(
        token,
        settings.bot_api_base_url or API,
        transport=(transports or {}).get(NAME),
        concurrent_updates=concurrent_updates,
    )


async def link(settings: Settings, payload: str) -> str | None:
    """A t.me link that opens the bot with `payload`, when the bot can be asked its name; None otherwise."""
    if settings.bot_token is None:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    base = settings.bot_api_base_url or API
    try:
        async with Bot(settings.bot_token.get_secret_value(), base_url=base, base_file_url=file_url(base)) as bot:
            return f"https://t.me/{bot.username}?start={payload}"
    except TelegramError:
        return None
