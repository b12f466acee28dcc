"""Telegram's side of webhook mode (bot/webhook.py serves it): the header that carries the secret, a posted body
read as an update, and telling Telegram where to post."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from telegram import Update

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhook:
    header = HEADER

    def __init__(self, channel: TelegramChannel) -> None:
        self.channel = channel

    def parse(self, body: bytes) -> tuple[str, dict[str, Any], object] | None:
        """(update id, the payload to keep, the update to hand on), or None for a body that is no update."""
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.channel.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return None if update is None else (str(update.update_id), data, update)

    def revive(self, payload: dict[str, Any]) -> object:
        """A kept payload (of a process that died before handling it) as the update to hand on."""
        return Update.de_json(payload, self.channel.bot)

    async def enqueue(self, update: object) -> None:
        await self.channel.application.update_queue.put(update)

    async def register(self, url: str, secret: str) -> None:
        await self.channel.bot.set_webhook(
            url, secret_token=secret, allowed_updates=Update.ALL_TYPES, max_connections=40
        )

    @property
    def taking(self) -> bool:
        return bool(self.channel.application.running)
